"""The raw envelopes of the real 2008 Web Connector capture (QBWC 2.0.0.116, QuickBooks Pro 2006, qbXML 5.0) are
accepted exactly as sent — byte for byte, with the capture's headers — and, inside a real session, do what they say."""

from __future__ import annotations

import re

from lxml import etree
from qbd.conftest import REFERENCE
from qbd.helpers import ENDPOINT, customer_document, make_merchant, queue, running
from sqlalchemy import select

from mlconnector.connectors.qbd.models import Connection, Identity
from mlconnector.connectors.qbd.soap.calls import INTUIT
from mlconnector.connectors.qbd.soap.service import NOT_VALID

CAPTURED_TICKET = b"ea0bf596246b623664adb465cc8662a2"
CAPTURED_REQUEST_ID = b"Q3VzdG9tZXJBZGR8MTU="


def captured() -> list[tuple[dict[str, str], bytes]]:
    """(headers, envelope) for each request in the capture, in order."""
    text = (REFERENCE / "qbwc-capture-2008.txt").read_text(encoding="utf-8-sig")
    headers = re.findall(r"Incoming HTTP Headers: (.*)", text)
    bodies = re.findall(r"Incoming SOAP Request: (.*)", text)
    assert len(headers) == len(bodies) == 14
    parsed = []
    for line, body in zip(headers, bodies, strict=True):
        agent = re.search(r"User-Agent: (.*?) Content-Type", line).group(1)
        action = re.search(r'SOAPAction: ("[^"]*")', line).group(1)
        parsed.append(
            (
                {"User-Agent": agent, "Content-Type": "text/xml; charset=utf-8", "SOAPAction": action},
                body.encode("utf-8"),
            )
        )
    return parsed


def result(response, method: str):
    assert response.status_code == 200, response.text
    node = etree.fromstring(response.content).find(f".//{{{INTUIT}}}{method}Result")
    assert node is not None, response.text
    return [child.text or "" for child in node] if method == "authenticate" else (node.text or "")


async def test_every_captured_envelope_is_accepted_as_sent(make_settings, sqlite_qbd_url) -> None:
    async with running(make_settings, sqlite_qbd_url) as harness:
        answers = []
        for headers, body in captured():
            method = headers["SOAPAction"].strip('"').rsplit("/", 1)[-1]
            answers.append((method, result(await harness.client.post(ENDPOINT, content=body, headers=headers), method)))
    methods = [method for method, _ in answers]
    start = ["serverVersion", "clientVersion", "authenticate", "sendRequestXML"]
    assert methods == [
        *start,
        "getLastError",
        "closeConnection",
        *start,
        "receiveResponseXML",
        "sendRequestXML",
        "getLastError",
        "closeConnection",
    ]
    by_method = dict(answers)
    assert by_method["serverVersion"].startswith("ml-connector")
    assert by_method["clientVersion"].startswith("W:")  # 2.0.0.116 is older than the 2.1 we test with
    assert by_method["authenticate"] == ["", "nvu"]  # the capture's user is not one of ours
    assert by_method["sendRequestXML"] == ""  # its ticket is not one of ours: it gets nothing
    assert by_method["getLastError"] == NOT_VALID
    assert dict(answers)["receiveResponseXML"] == "-1"


async def test_the_captured_session_runs_end_to_end_with_our_ticket(make_settings, qbd_url) -> None:
    envelopes = {headers["SOAPAction"].strip('"').rsplit("/", 1)[-1]: (headers, body) for headers, body in captured()}
    first_send = next(body for headers, body in captured() if b"<strHCPResponse>" in body and b"ea0bf5" in body)
    async with running(make_settings, qbd_url) as harness:
        merchant = await make_merchant(harness.database, "capture-shop")
        await queue(harness.database, merchant.tenant_id, customer_document(15, first="Shannon 171", last="Daniels"))
        login = (
            f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/'
            f'envelope/"><soap:Body><authenticate xmlns="http://developer.intuit.com/"><strUserName>'
            f"{merchant.username}</strUserName><strPassword>{merchant.password}</strPassword></authenticate>"
            "</soap:Body></soap:Envelope>"
        ).encode()
        headers = envelopes["authenticate"][0]
        ticket, status = result(await harness.client.post(ENDPOINT, content=login, headers=headers), "authenticate")
        assert status == ""

        send = first_send.replace(CAPTURED_TICKET, ticket.encode())
        qbxml = result(
            await harness.client.post(ENDPOINT, content=send, headers=envelopes["sendRequestXML"][0]), "sendRequestXML"
        )
        assert qbxml.startswith('<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="5.0"?>')
        request = etree.fromstring(qbxml.encode()).find("QBXMLMsgsRq/CustomerAddRq")
        assert request.findtext("CustomerAdd/Name") == "Daniels, Shannon 171 (15)"
        assert request.find("CustomerAdd/ExternalGUID") is None  # qbXML 5.0 predates ExternalGUID (8.0)

        _, receive = envelopes["receiveResponseXML"]
        receive = receive.replace(CAPTURED_TICKET, ticket.encode())
        receive = receive.replace(CAPTURED_REQUEST_ID, request.get("requestID").encode())
        done = result(
            await harness.client.post(ENDPOINT, content=receive, headers=envelopes["receiveResponseXML"][0]),
            "receiveResponseXML",
        )
        assert done == "100"
        _, close = envelopes["closeConnection"]
        closed = result(
            await harness.client.post(
                ENDPOINT,
                content=close.replace(CAPTURED_TICKET, ticket.encode()),
                headers=envelopes["closeConnection"][0],
            ),
            "closeConnection",
        )
        assert closed.startswith("OK")

        async with harness.database.session(merchant.tenant_id) as session:
            connection = (await session.execute(select(Connection))).scalar_one()
            identity = (await session.execute(select(Identity))).scalar_one()
    assert (connection.company_name, connection.qb_product, connection.qbxml_version) == (
        "Test Company",
        "QuickBooks Pro 2006",
        "5.0",
    )
    assert connection.company_path == r"C:\KPALMER\QBW\Test Company.QBW"
    assert (identity.qb_id, identity.edit_sequence) == ("F0000-1215265593", "1215265593")
