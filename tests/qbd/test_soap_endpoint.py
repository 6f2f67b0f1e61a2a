"""The SOAP endpoint: the WSDL, the plain GET page, and hostile or malformed requests answered with a SOAP Fault
(never an HTML/JSON page, which the Web Connector reports as QBWC1042)."""

from __future__ import annotations

import pytest
from lxml import etree
from qbd.helpers import ENDPOINT, running

from mlconnector.connectors.qbd.emulator.transports import envelope
from mlconnector.connectors.qbd.soap.calls import INTUIT, SOAP11
from mlconnector.connectors.qbd.spec import WSDL_PATH

HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{INTUIT}authenticate"'}
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<authenticate xmlns="http://developer.intuit.com/"><strUserName>&secret;</strUserName>'
    b"<strPassword>x</strPassword></authenticate></soap:Body></soap:Envelope>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><soap:Envelope '
    b'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><serverVersion '
    b'xmlns="http://developer.intuit.com/">&lol3;</serverVersion></soap:Body></soap:Envelope>'
)
HOSTILE = {
    "xxe": XXE,
    "billion laughs": LAUGHS,
    "not xml": b"<html><body>hello</body>",
    "truncated": envelope("authenticate", {"strUserName": "a", "strPassword": "b"})[:-40],
    "empty": b"",
    "json": b'{"method": "authenticate"}',
    "not soap": b"<QBXML><QBXMLMsgsRq onError='stopOnError'/></QBXML>",
    "no body": b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"/>',
    "unknown method": envelope("deleteEverything", {}),
    "wrong namespace": envelope("authenticate", {}).replace(INTUIT.encode(), b"http://localhost:8000//"),
    "soap 1.2": envelope("serverVersion", {}).replace(SOAP11.encode(), b"http://www.w3.org/2003/05/soap-envelope"),
}


def _fault(response) -> str:
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    fault = root.find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert fault is not None, response.text
    return fault.findtext("faultstring")


@pytest.mark.parametrize("case", HOSTILE)
async def test_hostile_or_malformed_requests_get_a_soap_fault(make_settings, sqlite_qbd_url, case: str) -> None:
    async with running(make_settings, sqlite_qbd_url) as harness:
        response = await harness.client.post(ENDPOINT, content=HOSTILE[case], headers=HEADERS)
        text = _fault(response)
        assert "root:" not in text and "passwd" not in text and "Traceback" not in text
        assert "lol" not in text


async def test_an_oversized_request_gets_a_fault_without_being_read(make_settings, sqlite_qbd_url) -> None:
    async with running(make_settings, sqlite_qbd_url) as harness:
        big = envelope("authenticate", {"strUserName": "a" * (17 * 1024 * 1024), "strPassword": "b"})
        text = _fault(await harness.client.post(ENDPOINT, content=big, headers=HEADERS))
        assert "larger than" in text


async def test_the_wsdl_is_intuits_with_our_address(make_settings, sqlite_qbd_url) -> None:
    async with running(make_settings, sqlite_qbd_url) as harness:
        response = await harness.client.get(f"{ENDPOINT}?wsdl")
        served = etree.fromstring(response.content)
        official = etree.parse(str(WSDL_PATH)).getroot()
        operations = lambda root: sorted(  # noqa: E731
            op.get("name") for op in root.iter("{http://schemas.xmlsoap.org/wsdl/}operation") if op.get("name")
        )
        assert operations(served) == operations(official)
        assert len(set(operations(served))) == 8
        addresses = {node.get("location") for node in served.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address")}
        assert addresses == {"http://localhost:8000/connectors/qbd/qbwc"}


async def test_a_plain_get_answers_with_a_short_page(make_settings, sqlite_qbd_url) -> None:
    async with running(make_settings, sqlite_qbd_url) as harness:
        response = await harness.client.get(ENDPOINT)
        assert response.status_code == 200 and "Web Connector" in response.text


async def test_interactive_methods_answer_harmlessly(make_settings, sqlite_qbd_url) -> None:
    async with running(make_settings, sqlite_qbd_url) as harness:
        for method, params in (
            ("getInteractiveURL", {"wcTicket": "t", "sessionID": "s"}),
            ("interactiveDone", {"wcTicket": "t"}),
            ("interactiveRejected", {"wcTicket": "t"}),
        ):
            response = await harness.client.post(ENDPOINT, content=envelope(method, params), headers=HEADERS)
            assert response.status_code == 200
            assert etree.fromstring(response.content).find(f".//{{{INTUIT}}}{method}Result") is not None
