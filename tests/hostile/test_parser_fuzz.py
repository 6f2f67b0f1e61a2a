"""Property-based fuzzing of the two parsers that read what arrives from outside: the SOAP envelope the Web
Connector posts, and the qbXML response string inside it. Whatever the bytes, each either reads them or refuses with
its own clear error — never another exception (which the service would answer with a non-SOAP 500, QBWC1042), and
never by expanding an entity or echoing a file. Derandomized, so CI sees the same examples on every run."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlconnector.connectors.qbd.emulator.transports import envelope
from mlconnector.connectors.qbd.qbxml.responses import parse_answers
from mlconnector.connectors.qbd.soap.calls import METHODS, SoapFault, parse_call
from mlconnector.connectors.qbd.xmlsafe import UnsafeXML

FUZZ = settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIMIT = 64 * 1024
REFERENCE = Path(__file__).parents[1] / "qbd" / "reference"
RESPONSES = [path.read_text(encoding="utf-8") for path in sorted(REFERENCE.glob("*_rs*.xml"))]
VALID = [
    envelope("authenticate", {"strUserName": "shop", "strPassword": "pw"}),
    envelope("sendRequestXML", {"ticket": "t", "strHCPResponse": "", "qbXMLMajorVers": 13, "qbXMLMinorVers": 0}),
    envelope("receiveResponseXML", {"ticket": "t", "response": RESPONSES[0], "hresult": "", "message": ""}),
    envelope("serverVersion", {}),
]
NASTY = [b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"&e;", b"<!ENTITY", b"\xff\xfe", b"\x00"]
NASTY += [b"<![CDATA[", b"]]>", b"<?xml version='1.0' encoding='UTF-16'?>", b"&#0;", b"&#x110000;", b"<a:b>"]


@st.composite
def mutated(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    """A valid document with a few bytes cut, replaced or inserted (some of them known-nasty fragments)."""
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "replace", "insert", "nasty"]))
        if action == "cut":
            del data[at : at + draw(st.integers(1, 40))]
        elif action == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        else:
            data[at:at] = draw(st.sampled_from(NASTY))
    return bytes(data)


def _read_envelope(body: bytes) -> None:
    try:
        call = parse_call(body, limit=LIMIT)
    except SoapFault as fault:
        assert fault.code in ("Client", "VersionMismatch")
        assert "root:" not in fault.message and "Traceback" not in fault.message
        assert len(fault.message) < 400
        return
    assert call.method in METHODS
    assert set(call.params) == set(METHODS[call.method])
    assert all("root:x:0:0" not in value for value in call.params.values())


@FUZZ
@given(mutated(VALID))
def test_the_soap_parser_reads_or_refuses_mutated_envelopes(body: bytes) -> None:
    _read_envelope(body)


@FUZZ
@given(st.binary(max_size=2048))
def test_the_soap_parser_reads_or_refuses_any_bytes(body: bytes) -> None:
    _read_envelope(body)


def _read_response(text: str) -> None:
    try:
        answers = parse_answers(text)
    except UnsafeXML as refused:
        assert "Traceback" not in str(refused) and len(str(refused)) < 200
        return
    for answer in answers:
        assert isinstance(answer.status_code, int)
        assert answer.kind and answer.element is not None
        if answer.ok:  # success is only ever read from an explicit statusCode="0"
            assert (
                answer.element.get("statusCode", "").strip() in ("0", "+0", "00")
                or int(answer.element.get("statusCode")) == 0
            )


@FUZZ
@given(mutated([text.encode("utf-8") for text in RESPONSES]))
def test_the_qbxml_response_parser_reads_or_refuses_mutated_answers(data: bytes) -> None:
    _read_response(data.decode("utf-8", errors="replace"))


@FUZZ
@given(st.text(max_size=1024))
def test_the_qbxml_response_parser_reads_or_refuses_any_text(text: str) -> None:
    _read_response(text)
