"""The qbXML document around requests: the declarations, ``<QBXML>`` and the message set.

``onError="continueOnError"`` because every request in one of our message sets is independent (dependents wait for
a later exchange), and QuickBooks then answers each with its own status (NOTES.md 2.1); ``rollbackOnError`` is not
honoured by QuickBooks Desktop and ``stopOnError`` would leave later requests unanswered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

SCHEMA_VERSION = "13.0"
"""The qbXML version of the bundled schema: the highest we ever send."""
_VERSION = re.compile(r"^\d{1,2}\.\d$")


def parse_version(text: str) -> tuple[int, int]:
    """``"13.0"`` → ``(13, 0)``; anything else is a clear error."""
    if not _VERSION.match(text or ""):
        raise ValueError(f"{text!r} is not a qbXML version such as 13.0")
    major, minor = text.split(".")
    return int(major), int(minor)


def version_text(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"


def session_version(major: int | str | None, minor: int | str | None) -> str:
    """The version to send in a session: what QuickBooks announced, capped at the schema we validate against."""
    try:
        announced = (int(major or 0), int(minor or 0))
    except ValueError:
        announced = (0, 0)
    if announced == (0, 0):
        return SCHEMA_VERSION
    return version_text(min(announced, parse_version(SCHEMA_VERSION)))


def document(requests: Iterable[etree._Element], *, version: str, on_error: str = "continueOnError") -> str:
    """A complete qbXML request document. ``version`` must already be checked (see :func:`parse_version`)."""
    parse_version(version)
    root = etree.Element("QBXML")
    messages = etree.SubElement(root, "QBXMLMsgsRq", onError=on_error)
    messages.extend(requests)
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n{body}'


def single(xml: str, *, version: str = SCHEMA_VERSION) -> str:
    """One request as a whole document (what the plan preview shows)."""
    return document([etree.fromstring(xml)], version=version)
