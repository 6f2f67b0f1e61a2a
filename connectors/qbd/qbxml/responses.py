"""Reading QuickBooks' answers tolerantly: by element name, per ``requestID``, branching on ``statusCode``.

Real responses stray from the schema (Canadian enumerations the XSD lacks, jsgoupil/quickbooks-sync#39), so they are
never validated; each ``…Rs`` element is read for its attributes and its ``…Ret`` children, whatever else it holds.
``statusSeverity`` is kept for display only: 3210 has come back as "Info" (samples/extracted), so decisions use the
code.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from mlconnector.connectors.qbd.xmlsafe import parse_text

MAX_RESPONSE_CHARS = 64 * 1024 * 1024
NO_STATUS = -1
"""Stands for a missing or unreadable ``statusCode`` (treated as an error, never as success)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One ``…Rs`` element of a response."""

    kind: str
    """The request kind without the suffix: ``CustomerAdd``, ``ItemQuery``."""
    request_id: str | None
    status_code: int
    severity: str
    message: str
    element: etree._Element
    iterator_remaining: int | None = None
    iterator_id: str | None = None

    @property
    def rets(self) -> list[etree._Element]:
        return [node for node in self.element if isinstance(node.tag, str) and node.tag.endswith("Ret")]

    @property
    def ok(self) -> bool:
        return self.status_code == 0

    def xml(self) -> str:
        return etree.tostring(self.element, encoding="unicode")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def answers_in(root: etree._Element) -> list[Answer]:
    """Every ``…Rs`` answer under a ``QBXML`` response root, in order."""
    messages = root.find("QBXMLMsgsRs") if root.tag == "QBXML" else None
    found = []
    for node in messages if messages is not None else ():
        if not isinstance(node.tag, str) or not node.tag.endswith("Rs"):
            continue
        code = _int(node.get("statusCode"))
        found.append(
            Answer(
                kind=node.tag[:-2],
                request_id=node.get("requestID"),
                status_code=NO_STATUS if code is None else code,
                severity=node.get("statusSeverity") or "",
                message=node.get("statusMessage") or "",
                element=node,
                iterator_remaining=_int(node.get("iteratorRemainingCount")),
                iterator_id=node.get("iteratorID"),
            )
        )
    return found


def parse_answers(text: str) -> list[Answer]:
    """The answers in a qbXML response string (raises ``UnsafeXML`` when nothing can be read)."""
    return answers_in(parse_text(text, limit=MAX_RESPONSE_CHARS, recover=True))


def text_of(ret: etree._Element, path: str) -> str | None:
    value = ret.findtext(path)
    return value.strip() if value is not None and value.strip() else None
