"""Forms built from a plugin's JSON Schema (its connection ``config_schema`` or a sink's ``settings_schema``), and
the submitted form turned back into a config. Pure functions: the handlers call the services with the result.

Secret fields are write-only: their input is always empty, an empty submission keeps the stored value, and the
page says only "set, last changed …".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlconnector.platform.errors import InvalidInput

MAX_VALUE = 4000
LABELS = {
    "base_url": "Store address",
    "auth_mode": "How ml-connector signs in",
    "oauth1": "PaaS (Adobe Commerce on your servers or Cloud): OAuth 1.0a integration",
    "bearer": "PaaS: integration access token",
    "ims": "Cloud Service: Adobe IMS server-to-server credentials",
    "paas": "Adobe Commerce (PaaS, self-hosted or Cloud)",
    "cloud_service": "Adobe Commerce as a Cloud Service",
}


@dataclass(slots=True)
class FormField:
    name: str
    label: str
    kind: str
    """``text``, ``secret``, ``number``, ``checkbox``, ``select``, ``list`` or ``pairs``."""
    value: str = ""
    hint: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False
    needed_for: list[str] = field(default_factory=list)
    """Conditions (``auth mode oauth1``) under which the field is required."""
    secret_set: bool = False
    secret_changed: str | None = None
    nullable: bool = False


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def _kind(spec: Mapping[str, Any]) -> tuple[str, bool]:
    """The input kind for a property, and whether it may be empty (``null``)."""
    if spec.get("secret"):
        return "secret", False
    types = [spec.get("type")] + [option.get("type") for option in spec.get("anyOf", [])]
    nullable = "null" in types
    if "enum" in spec:
        return "select", nullable
    if "boolean" in types:
        return "checkbox", nullable
    if "integer" in types or "number" in types:
        return "number", nullable
    if "array" in types:
        return "list", nullable
    if "object" in types:
        return "pairs", nullable
    return "text", nullable


def _conditions(schema: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field → the choices that require it, from ``allOf: [{if: {properties: {x: {const: v}}}, then: {required}}]``."""
    needed: dict[str, list[str]] = {}
    for rule in schema.get("allOf", []):
        condition = (rule.get("if") or {}).get("properties") or {}
        for required in (rule.get("then") or {}).get("required", []):
            for test in condition.values():
                if "const" in test:
                    needed.setdefault(required, []).append(_label(str(test["const"])))
    return needed


def _shown(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "checkbox":
        return "on" if value else ""
    if kind == "list":
        return ", ".join(str(item) for item in value)
    if kind == "pairs" and isinstance(value, Mapping):
        return "\n".join(f"{key} = {item}" for key, item in value.items())
    return str(value)


def form_fields(
    schema: Mapping[str, Any], current: Mapping[str, Any], *, skip: tuple[str, ...] = ()
) -> list[FormField]:
    """One field per schema property, filled with ``current`` (secret markers show only set / changed at)."""
    required = set(schema.get("required", []))
    needed = _conditions(schema)
    fields = []
    for name, spec in (schema.get("properties") or {}).items():
        if name in skip:
            continue
        kind, nullable = _kind(spec)
        value = current.get(name, spec.get("default"))
        item = FormField(
            name=name,
            label=_label(name),
            kind=kind,
            hint=str(spec.get("description", "")),
            required=name in required,
            needed_for=needed.get(name, []),
            nullable=nullable,
        )
        if kind == "secret":
            marker = value if isinstance(value, Mapping) else {}
            item.secret_set, item.secret_changed = bool(marker.get("set")), marker.get("changed_at")
        else:
            item.value = _shown(kind, value)
        if kind == "select":
            item.options = [(str(option), _label(str(option))) for option in spec["enum"]]
        fields.append(item)
    return fields


def _number(name: str, raw: str, problems: list[tuple[str, str]]) -> int | None:
    try:
        return int(raw)
    except ValueError:
        problems.append((name, "must be a whole number."))
        return None


def _pairs(name: str, raw: str, problems: list[tuple[str, str]]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip() or not value.strip():
            problems.append((name, f"line {number}: write one “code = QuickBooks name” per line."))
            continue
        pairs[key.strip()] = value.strip()
    return pairs


def _list(spec: Mapping[str, Any], name: str, raw: str, problems: list[tuple[str, str]]) -> list[Any]:
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    if (spec.get("items") or {}).get("type") == "integer":
        return [number for part in parts if (number := _number(name, part, problems)) is not None]
    return parts


def config_from_form(
    schema: Mapping[str, Any], form: Mapping[str, Any], *, skip: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The submitted form as a config object: empty text is left out (an empty secret keeps the stored one; an
    empty nullable setting becomes ``null``); numbers, lists and checkboxes are converted. Raises
    :class:`InvalidInput` naming each field that could not be read."""
    problems: list[tuple[str, str]] = []
    config: dict[str, Any] = {}
    for name, spec in (schema.get("properties") or {}).items():
        if name in skip:
            continue
        kind, nullable = _kind(spec)
        raw = form.get(name)
        raw = raw[:MAX_VALUE].strip() if isinstance(raw, str) else ""
        if kind == "checkbox":
            if f"{name}__present" in form:
                config[name] = raw == "on"
            continue
        if not raw:
            if (nullable or kind == "pairs") and f"{name}__present" in form:
                config[name] = {} if kind == "pairs" else None
            continue
        if kind == "number":
            number = _number(name, raw, problems)
            if number is not None:
                config[name] = number
        elif kind == "list":
            config[name] = _list(spec, name, raw, problems)
        elif kind == "pairs":
            config[name] = _pairs(name, raw, problems)
        else:
            config[name] = raw
    if problems:
        raise InvalidInput(problems, status_code=400)
    return config
