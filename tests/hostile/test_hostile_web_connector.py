"""Hostile traffic at the Web Connector endpoint while a tenant's books are in use: each request gets a clear
answer (a SOAP Fault, or a refusal the Web Connector shows), and nothing already stored changes — no write is
marked applied, no QuickBooks id is recorded, and the next honest session posts each document exactly once.

tests/qbd/test_soap_endpoint.py checks the answer to each malformed envelope on an empty service; here the same
kinds of input (and more: external DTDs, parameter entities, UTF-16, deep nesting, invalid UTF-8) arrive with a
tenant mid-work, plus hostile qbXML inside a valid session and another tenant's forged answer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from lxml import etree
from qbd.helpers import ENDPOINT, invoice, make_merchant, queue, running, stocked_simulator
from sqlalchemy import select

from mlconnector.connectors.qbd.emulator import RawSoapTransport
from mlconnector.connectors.qbd.emulator.transports import envelope
from mlconnector.connectors.qbd.models import Identity, Write
from mlconnector.connectors.qbd.soap.calls import INTUIT, SOAP11
from mlconnector.platform.plugins import utcnow

HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{INTUIT}authenticate"'}
SECRET_FILE = "file:///etc/passwd"


def _soap(inner: str, method: str = "authenticate") -> bytes:
    return (
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body><{method} xmlns="{INTUIT}">{inner}</{method}>'
        "</soap:Body></soap:Envelope>"
    ).encode()


ENVELOPES: dict[str, bytes] = {
    "external DTD": b'<?xml version="1.0"?><!DOCTYPE soap:Envelope SYSTEM "http://127.0.0.1:9/evil.dtd">'
    + _soap("<strUserName>a</strUserName><strPassword>b</strPassword>"),
    "parameter entity": f'<!DOCTYPE x [<!ENTITY % p SYSTEM "{SECRET_FILE}"> %p;]>'.encode()
    + _soap("<strUserName>a</strUserName><strPassword>b</strPassword>"),
    "XXE in UTF-16": (
        f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY s SYSTEM "{SECRET_FILE}">]>'
        + _soap("<strUserName>&s;</strUserName><strPassword>b</strPassword>").decode()
    ).encode("utf-16"),
    "quadratic blowup": b'<!DOCTYPE x [<!ENTITY a "'
    + b"A" * 50_000
    + b'">]>'
    + _soap("<strUserName>" + "&a;" * 2_000 + "</strUserName>").replace(b"&amp;", b"&"),
    "deeply nested": _soap("<strUserName>" + "<a>" * 100_000 + "</a>" * 100_000 + "</strUserName>"),
    "invalid UTF-8": _soap("<strUserName>x</strUserName><strPassword>y</strPassword>").replace(b"x", b"\xc3\x28\xff"),
    "truncated mid-tag": envelope("authenticate", {"strUserName": "a", "strPassword": "b"})[:-25],
    "unknown method": _soap("", "dropTables"),
    "damaged declaration": b'<?xml version="1.0" encoding="><soap:Envelope/>',
}

QBXML_RESPONSES: dict[str, str] = {
    "qbXML with XXE": f'<?xml version="1.0"?><!DOCTYPE QBXML [<!ENTITY s SYSTEM "{SECRET_FILE}">]>'
    '<QBXML><QBXMLMsgsRs><InvoiceAddRs requestID="{rid}" statusCode="0"><InvoiceRet><TxnID>&s;</TxnID>'
    "</InvoiceRet></InvoiceAddRs></QBXMLMsgsRs></QBXML>",
    "qbXML billion laughs": '<!DOCTYPE QBXML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><QBXML><QBXMLMsgsRs><InvoiceAddRs requestID="{rid}" '
    'statusCode="0"><InvoiceRet><TxnID>&c;</TxnID></InvoiceRet></InvoiceAddRs></QBXMLMsgsRs></QBXML>',
    "qbXML with a damaged declaration": '<?xml version="1.0" encoding="><QBXML><QBXMLMsgsRs><InvoiceAddRs '
    'requestID="{rid}" statusCode="0"><InvoiceRet><TxnID>X-1</TxnID></InvoiceRet></InvoiceAddRs></QBXMLMsgsRs>'
    "</QBXML>",
    "qbXML truncated": '<?xml version="1.0"?><QBXML><QBXMLMsgsRs><InvoiceAddRs requestID="{rid}" statusC',
    "not XML at all": "<html><body>502 Bad Gateway</body></html>",
    "success without a status": '<QBXML><QBXMLMsgsRs><InvoiceAddRs requestID="{rid}"><InvoiceRet><TxnID>X-2'
    "</TxnID></InvoiceRet></InvoiceAddRs></QBXMLMsgsRs></QBXML>",
}


async def _stored(harness, tenant_id) -> dict[str, Any]:
    async with harness.database.session(tenant_id) as session:
        writes = (await session.execute(select(Write).order_by(Write.id))).scalars().all()
        identities = (await session.execute(select(Identity).order_by(Identity.key))).scalars().all()
        return {
            "applied": [(w.id, w.operation_key, w.state, w.response) for w in writes if w.state == "applied"],
            "identities": [(i.key, i.object_type, i.qb_id, i.ref_number, i.name) for i in identities],
            "open": {w.operation_key: w.state for w in writes if w.state != "applied"},
        }


def _fault_text(response) -> str:
    assert response.status_code == 500 and response.headers["content-type"].startswith("text/xml"), response.text
    fault = etree.fromstring(response.content).find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert fault is not None
    return fault.findtext("faultstring")


async def test_hostile_traffic_changes_nothing_stored(make_settings, sqlite_qbd_url) -> None:
    async with running(make_settings, sqlite_qbd_url) as harness:
        db = harness.database
        alpha, beta = await make_merchant(db, "alpha"), await make_merchant(db, "beta")
        await queue(db, alpha.tenant_id, invoice(1, paid=True))
        books = stocked_simulator()
        assert (await harness.emulator(alpha, books).run_session()).progress[-1] == 100
        await queue(db, alpha.tenant_id, invoice(2))
        await queue(db, beta.tenant_id, invoice(101))
        before = await _stored(harness, alpha.tenant_id)
        assert before["applied"] and before["open"]

        for name, body in ENVELOPES.items():
            answer = await harness.client.post(ENDPOINT, content=body, headers=HEADERS)
            assert answer.status_code == 500, (name, answer.text[:300])
            text = _fault_text(answer)
            assert "root:" not in text and "AAAA" not in text and "Traceback" not in text, name
        assert await _stored(harness, alpha.tenant_id) == before

        raw = RawSoapTransport(harness.client, ENDPOINT)
        minutes = 0
        for name, template in QBXML_RESPONSES.items():
            minutes += 20  # each case is its own scheduled run
            moment = utcnow() + timedelta(minutes=minutes)
            harness.plugin.registry.clock = lambda moment=moment: moment
            ticket, status = await raw.call("authenticate", strUserName=alpha.username, strPassword=alpha.password)
            assert status == "", name
            request = await _first_request(raw, ticket, books)
            rid = request.split('requestID="')[1].split('"')[0]
            done = await raw.call(
                "receiveResponseXML", ticket=ticket, response=template.replace("{rid}", rid), hresult="", message=""
            )
            shown = await raw.call("getLastError", ticket=ticket) if done < 0 else ""
            assert "root:" not in shown and "aaaaaaaaaa" not in shown and "Traceback" not in shown, name
            now = await _stored(harness, alpha.tenant_id)
            assert now["applied"] == before["applied"] and now["identities"] == before["identities"], name

        # Beta's own session answers with a forged success for alpha's write: alpha's books are untouched.
        async with db.session(alpha.tenant_id) as session:
            target = (await session.execute(select(Write).where(Write.state != "applied"))).scalars().first()
        moment = utcnow() + timedelta(minutes=minutes + 20)
        harness.plugin.registry.clock = lambda: moment
        ticket, _ = await raw.call("authenticate", strUserName=beta.username, strPassword=beta.password)
        await _first_request(raw, ticket, stocked_simulator())
        forged = (
            f'<QBXML><QBXMLMsgsRs><InvoiceAddRs requestID="{target.id}.{target.attempt}" statusCode="0">'
            "<InvoiceRet><TxnID>FORGED-1</TxnID><RefNumber>000000002</RefNumber></InvoiceRet></InvoiceAddRs>"
            "</QBXMLMsgsRs></QBXML>"
        )
        await raw.call("receiveResponseXML", ticket=ticket, response=forged, hresult="", message="")
        after = await _stored(harness, alpha.tenant_id)
        assert after["applied"] == before["applied"] and after["identities"] == before["identities"]

        later = utcnow() + timedelta(minutes=minutes + 60)
        harness.plugin.registry.clock = lambda: later
        final = await harness.emulator(alpha, books).run_session()
        assert final.progress[-1] == 100
    assert sorted(t.ref_number for t in books.of_kind("Invoice")) == ["000000001", "000000002"]
    assert len(books.of_kind("ReceivePayment")) == 1


async def _first_request(raw: RawSoapTransport, ticket: str, books) -> str:
    """The first request of the session that carries a write (the list reads of a first contact answered)."""
    first = True
    while True:
        qbxml = await raw.call(
            "sendRequestXML",
            ticket=ticket,
            strHCPResponse=books.hcp_response() if first else "",
            strCompanyFileName="C:\\Books.QBW",
            qbXMLCountry="US",
            qbXMLMajorVers=13,
            qbXMLMinorVers=0,
        )
        first = False
        assert qbxml, await raw.call("getLastError", ticket=ticket)
        if "AddRq" in qbxml or "ModRq" in qbxml or ("QueryRq requestID" in qbxml and "InvoiceQuery" in qbxml):
            return qbxml
        reply = books.process(qbxml)
        await raw.call("receiveResponseXML", ticket=ticket, response=reply.response, hresult="", message="")


pytestmark = pytest.mark.slow
