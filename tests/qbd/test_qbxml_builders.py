"""Every request the code can emit validates against Intuit's qbXML 13.0 schema, and the text/number policies hold."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal as D

import pytest
from lxml import etree
from qbd.conftest import REFERENCE
from qbd.helpers import SETTINGS, credit_memo, invoice, party

from mlconnector.connectors.qbd.qbxml import (
    account,
    customer,
    host,
    item,
    names,
    numbers,
    payment_method,
    preferences,
    validate,
    versions,
)
from mlconnector.connectors.qbd.qbxml import credit_memo as credit_memo_builder
from mlconnector.connectors.qbd.qbxml import invoice as invoice_builder
from mlconnector.connectors.qbd.qbxml import receive_payment as payment_builder
from mlconnector.connectors.qbd.qbxml import sales_receipt as receipt_builder
from mlconnector.connectors.qbd.qbxml.elements import Ref
from mlconnector.connectors.qbd.qbxml.envelope import document, session_version
from mlconnector.connectors.qbd.qbxml.guids import external_guid
from mlconnector.connectors.qbd.qbxml.limits import LIMITS, TextFitter, transliterate
from mlconnector.connectors.qbd.settings import PostingSettings, SettingsError
from mlconnector.platform.documents import Address, Party

SETTINGS_OBJ = PostingSettings.from_mapping(SETTINGS)
GUID = external_guid(uuid.UUID(int=7), "invoice", "invoice:1:1")
ITEMS = {"24-MB01": "Joust Duffle Bag"}
HOSTILE = Party(
    key="customer:1:99",
    email="o'brien&sons@example.com",
    first_name='Zoë "Ж" <Straße>',
    last_name="Władysław-Ōkubo-Nakamura-Fitzgerald-Montgomery",
    company="Ærø & Søn ApS — 北京 Trading",
    phone="+1 (555) 229-3326 ext. 12345678",
    billing=Address(
        name="Zoë O'Brien",
        company="Ærø & Søn",
        lines=("Ulica Świętokrzyska 1", "Apt. <3>", "c/o \x07bell", "line 4"),
        city="Gdańsk Metropolitan Area Municipality",
        region="Pomorskie",
        postal_code="80-001-123456789",
        country="Poland",
    ),
)


def _paid():
    return invoice(3, paid=True)


BUILDERS = {
    "CustomerAdd": lambda: customer.customer_add(party(1), name="Costello, Veronica (1)", external_guid=GUID),
    "CustomerAdd hostile text": lambda: customer.customer_add(HOSTILE, name="Straße & Søn <x>", external_guid=GUID),
    "CustomerMod": lambda: customer.customer_mod(HOSTILE, list_id="80000001-1700000000", edit_sequence="17", name="N"),
    "CustomerQuery by name": lambda: customer.customer_query(full_names=["A & B"], include=customer.RECONCILE_FIELDS),
    "CustomerQuery by id": lambda: customer.customer_query(list_ids=["80000001-1700000000"]),
    "InvoiceAdd": lambda: invoice_builder.invoice_add(
        invoice(1),
        SETTINGS_OBJ,
        customer=Ref(full_name="Costello, Veronica (1)"),
        items=ITEMS,
        ref_number="000000001",
        external_guid=GUID,
    ),
    "InvoiceAdd hostile": lambda: invoice_builder.invoice_add(
        invoice(2, buyer=HOSTILE),
        SETTINGS_OBJ.__class__(
            **{**SETTINGS, "ar_account": "Accounts Receivable", "invoice_template": "Intuit Product Invoice"}
        ),
        customer=Ref(list_id="80000001-1700000000"),
        items=ITEMS,
        ref_number="12345678901",
        external_guid=None,
    ),
    "InvoiceQuery": lambda: invoice_builder.invoice_query(ref_numbers=("000000001",)),
    "SalesReceiptAdd": lambda: receipt_builder.sales_receipt_add(
        _paid(),
        SETTINGS_OBJ,
        customer=Ref(list_id="80000001-1"),
        items=ITEMS,
        payment_method="Check",
        ref_number="000000003",
        external_guid=GUID,
    ),
    "SalesReceiptQuery": lambda: receipt_builder.sales_receipt_query(txn_ids=("1A-1700000000",)),
    "ReceivePaymentAdd": lambda: payment_builder.receive_payment_add(
        _paid().payment,
        SETTINGS_OBJ,
        customer=Ref(list_id="80000001-1"),
        invoice_txn_id="1A-1700000000",
        payment_method="Check",
        ref_number="000000003",
        external_guid=GUID,
    ),
    "ReceivePaymentAdd before its invoice has a TxnID": lambda: payment_builder.receive_payment_add(
        _paid().payment,
        SETTINGS_OBJ,
        customer=Ref(full_name="X"),
        invoice_txn_id=None,
        payment_method=None,
        ref_number="000000003",
        external_guid=None,
    ),
    "ReceivePaymentQuery": lambda: payment_builder.receive_payment_query(ref_numbers=("000000003",)),
    "CreditMemoAdd": lambda: credit_memo_builder.credit_memo_add(
        credit_memo(4),
        SETTINGS_OBJ,
        customer=Ref(list_id="80000001-1"),
        items=ITEMS,
        ref_number="000000004",
        external_guid=GUID,
    ),
    "CreditMemoQuery": lambda: credit_memo_builder.credit_memo_query(ref_numbers=("000000004",)),
    "ItemQuery start": lambda: item.item_query(),
    "ItemQuery continue": lambda: item.item_query(
        iterator="Continue", iterator_id="{0A1B2C3D-0000-0000-0000-0123456789AB}"
    ),
    "ItemQuery by name": lambda: item.item_query(full_names=["Shipping"]),
    "AccountQuery": lambda: account.account_query(),
    "AccountQuery by name": lambda: account.account_query(full_names=["Undeposited Funds"]),
    "PaymentMethodQuery": lambda: payment_method.payment_method_query(),
    "PreferencesQuery": lambda: preferences.preferences_query(),
    "HostQuery": lambda: host.host_query(),
    **{f"{kind} names": (lambda i=i: names.namesake_queries("A & B")[i]) for i, kind in enumerate(names.NAME_LISTS)},
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_builder_validates_against_the_qbxml_13_schema(name: str) -> None:
    request = BUILDERS[name]()
    assert validate.problems(request.xml) == []
    root = etree.Element("QBXML")
    etree.SubElement(root, "QBXMLMsgsRq", onError="continueOnError").append(etree.fromstring(request.xml))
    full = document([etree.fromstring(request.xml)], version="13.0")
    assert full.startswith('<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>\n<QBXML>')


@pytest.mark.parametrize("name", BUILDERS)
def test_every_builder_still_validates_after_a_downgrade_to_qbxml_5(name: str) -> None:
    """The 2008 capture's QuickBooks speaks 5.0; what we send it must still be valid qbXML."""
    downgraded = versions.downgrade(BUILDERS[name]().xml, "5.0")
    assert downgraded is not None and validate.problems(downgraded) == []
    assert etree.fromstring(downgraded).find(".//ExternalGUID") is None
    older = versions.downgrade(BUILDERS[name]().xml, "3.0")
    assert older is None or etree.fromstring(older).find(".//IncludeRetElement") is None


def test_the_schema_catches_what_quickbooks_rejects_as_0x80040400() -> None:
    wrong_order = "<CustomerAddRq><CustomerAdd><FirstName>A</FirstName><Name>A</Name></CustomerAdd></CustomerAddRq>"
    three_decimals = (
        "<ReceivePaymentAddRq><ReceivePaymentAdd><CustomerRef><FullName>A</FullName></CustomerRef>"
        "<TotalAmount>1.005</TotalAmount><IsAutoApply>true</IsAutoApply></ReceivePaymentAdd></ReceivePaymentAddRq>"
    )
    assert validate.problems(wrong_order) and validate.problems(three_decimals)


def test_hostile_text_is_escaped_by_the_xml_library_and_fitted_to_cp1252() -> None:
    request = BUILDERS["CustomerAdd hostile text"]()
    root = etree.fromstring(request.xml)
    assert root.findtext("CustomerAdd/FirstName") == 'Zoë "Zh" <Straße>'
    assert root.findtext("CustomerAdd/CompanyName").encode("cp1252")
    assert "&lt;Straße&gt;" in request.xml and "<Straße>" not in request.xml
    assert len(root.findtext("CustomerAdd/LastName")) == 25
    assert root.findtext("CustomerAdd/BillAddress/City") == "Gdansk Metropolitan Area Munici"
    assert "\x07" not in request.xml
    reasons = {s.field.rsplit("/", 1)[-1]: s.reasons for s in request.substitutions}
    assert reasons["LastName"] == ("transliterated", "truncated")
    assert "cleaned" in reasons["Addr5"] if "Addr5" in reasons else True
    assert reasons["CompanyName"] == ("transliterated",)
    originals = {s.field.rsplit("/", 1)[-1]: s.original for s in request.substitutions}
    assert originals["FirstName"] == HOSTILE.first_name


def test_transliteration_is_deterministic_and_keeps_windows_1252_characters() -> None:
    assert transliterate("Crème brûlée € “quoted”") == "Crème brûlée € “quoted”"
    assert transliterate("Łódź Ørsted Иван 北京") == "Lódz Ørsted Ivan BeiJing"
    assert transliterate("Łódź") == transliterate("Łódź")


def test_every_length_limit_is_intuits_for_desktop_editions() -> None:
    """Each entry of LIMITS equals the QBD|QBCA|QBUK|QBAU max length in Intuit's annotated SDK sample data."""
    sample = etree.parse(str(REFERENCE / "sdk-qbxmlops130.xml")).getroot().find("QBXMLMsgsRq")
    for path, limit in LIMITS.items():
        node = sample.find(path)
        assert node is not None, path
        comment = node.getnext()
        text = comment.text if comment is not None and not isinstance(comment.tag, str) else ""
        sizes = [
            int(size)
            for size, editions in re.findall(r"max length = (\d+)(?: for ([A-Z|]+))?", text)
            if not editions or "QBD" in editions.split("|")
        ]
        assert sizes == [limit], f"{path}: Intuit says {text.strip()!r}"


def _intuit_version(node: etree._Element) -> tuple[int, int]:
    comment = node[0] if len(node) else node.getnext()
    text = comment.text if comment is not None and not isinstance(comment.tag, str) else ""
    found = re.search(r"v(\d+)\.(\d+)", text or "")
    return (int(found.group(1)), int(found.group(2))) if found else (1, 0)


@pytest.mark.parametrize("name", BUILDERS)
def test_the_version_table_knows_every_element_we_emit(name: str) -> None:
    """For every element a builder emits, our required version is at least the one Intuit annotates."""
    sample = etree.parse(str(REFERENCE / "sdk-qbxmlops130.xml")).getroot().find("QBXMLMsgsRq")
    root = etree.fromstring(BUILDERS[name]().xml)
    for element in root.iter():
        path = versions.path_of(element)
        node = sample.find(path)
        assert node is not None, path
        intuit = _intuit_version(node) if len(node) == 0 or node[0].tag is etree.Comment else (1, 0)
        ours = versions.element_gate(element) or versions.REQUEST_GATES.get(element.tag, (1, 0))
        assert ours >= intuit, f"{path} needs {intuit}, our table says {ours}"


def test_amounts_have_exactly_two_decimals() -> None:
    assert [numbers.amount(D(v)) for v in ("12.5", "0.005", "-3", "-0.001", "1234567.125")] == [
        "12.50",
        "0.01",
        "-3.00",
        "0.00",
        "1234567.13",
    ]
    assert numbers.quantity(D("2.000")) == "2" and numbers.quantity(D("1.3333333")) == "1.33333"
    with pytest.raises(ValueError, match="too large"):
        numbers.amount(D("12345678901234"))


def test_session_version_never_exceeds_what_quickbooks_announced() -> None:
    assert session_version("5", "0") == "5.0"
    assert session_version("16", "0") == "13.0"
    assert session_version("", "") == "13.0"


def test_text_fitter_names_the_field_it_does_not_know() -> None:
    with pytest.raises(KeyError, match="no length limit"):
        TextFitter().fit("CustomerAddRq/CustomerAdd/Nickname", "x")


def test_posting_settings_errors_name_the_field() -> None:
    with pytest.raises(SettingsError, match="shiping_item"):
        PostingSettings.from_mapping({"shiping_item": "Shipping"})
    with pytest.raises(SettingsError, match="customer_name"):
        PostingSettings.from_mapping({"customer_name": "{nickname}"})
    with pytest.raises(SettingsError, match="paid_invoices"):
        PostingSettings.from_mapping({"paid_invoices": "journal"})
