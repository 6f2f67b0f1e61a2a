"""The pure parts behind the pages: when the Web Connector counts as late, mapping suggestions, and schema forms."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mlconnector.platform.db.types import utcnow
from mlconnector.platform.errors import InvalidInput
from mlconnector.web.books import contact_from_check, suggestions
from mlconnector.web.schema_forms import config_from_form, form_fields

SCHEMA = {
    "type": "object",
    "properties": {
        "base_url": {"type": "string"},
        "auth_mode": {"type": "string", "enum": ["oauth1", "bearer"]},
        "access_token": {"type": "string", "secret": True},
        "page_size": {"type": "integer", "default": 100},
        "store_ids": {"type": "array", "items": {"type": "integer"}},
        "verify_tls": {"type": "boolean", "default": True},
        "ar_account": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "payment_methods": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["base_url"],
    "allOf": [{"if": {"properties": {"auth_mode": {"const": "bearer"}}}, "then": {"required": ["access_token"]}}],
}


def test_the_web_connector_is_late_after_two_silent_intervals() -> None:
    recent = contact_from_check(True, "ok", {"last_contact": (utcnow() - timedelta(minutes=20)).isoformat()}, 15)
    assert not recent.overdue and recent.next_contact is not None
    late = contact_from_check(True, "ok", {"last_contact": (utcnow() - timedelta(minutes=31)).isoformat()}, 15)
    assert late.overdue
    never = contact_from_check(False, "not yet", {}, 15)
    assert not never.overdue and never.last_contact is None


def test_suggestions_prefer_items_containing_the_sku() -> None:
    names = ["Bags:24-MB01 Duffle", "Bags:Messenger", "24-MB02"]
    assert suggestions("24-MB01", names)[0] == "Bags:24-MB01 Duffle"
    assert suggestions("", names) == []


def test_schema_forms_never_fill_a_secret_and_read_typed_values_back() -> None:
    fields = {f.name: f for f in form_fields(SCHEMA, {"access_token": {"set": True, "changed_at": "2026-11-28T10:00"}})}
    assert fields["access_token"].kind == "secret" and fields["access_token"].value == ""
    assert fields["access_token"].secret_set and "access token" in fields["access_token"].needed_for[0]
    assert fields["page_size"].value == "100" and fields["verify_tls"].value == "on"
    form = {
        "base_url": " https://shop.example ",
        "access_token": "",
        "page_size": "50",
        "store_ids": "1, 2",
        "verify_tls__present": "1",
        "ar_account__present": "1",
        "payment_methods": "checkmo = Check\n\nbraintree = Credit Card",
        "payment_methods__present": "1",
    }
    config = config_from_form(SCHEMA, form)
    assert config == {
        "base_url": "https://shop.example",
        "page_size": 50,
        "store_ids": [1, 2],
        "verify_tls": False,
        "ar_account": None,
        "payment_methods": {"checkmo": "Check", "braintree": "Credit Card"},
    }
    with pytest.raises(InvalidInput) as refused:
        config_from_form(SCHEMA, {"page_size": "lots", "payment_methods": "no equals sign"})
    assert {field for field, _ in refused.value.problems} == {"page_size", "payment_methods"}
