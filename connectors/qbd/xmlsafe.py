"""Parsing XML that arrives from outside (SOAP envelopes, and the qbXML strings inside them) without trusting it.

No DTD is loaded or allowed (so no entity expansion: XXE, billion laughs), nothing is fetched from the network,
and the size is capped before parsing. SOAP 1.1 forbids a document type declaration in a message anyway, and
QuickBooks never sends one, so any ``<!DOCTYPE`` is refused outright.
"""

from __future__ import annotations

import re
import threading

from lxml import etree

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_local = threading.local()


class UnsafeXML(ValueError):
    """The text is not XML we are willing to read; the message says why, without echoing the input."""


def _parser(recover: bool) -> etree.XMLParser:
    name = "recovering" if recover else "strict"
    parser = getattr(_local, name, None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            collect_ids=False,
            remove_blank_text=False,
            recover=recover,
        )
        setattr(_local, name, parser)
    return parser


def parse_bytes(data: bytes, *, limit: int) -> etree._Element:
    """A whole document received over HTTP (strict: malformed input is refused)."""
    if len(data) > limit:
        raise UnsafeXML(f"the message is larger than {limit} bytes")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeXML("document type declarations are not allowed")
    try:
        root = etree.fromstring(data, _parser(False))
    except etree.XMLSyntaxError as error:
        raise UnsafeXML(f"the message is not well-formed XML (line {error.lineno})") from None
    if root is None:
        raise UnsafeXML("the message is empty")
    _refuse_doctype(root)
    return root


def _refuse_doctype(root: etree._Element) -> None:
    """The byte check above misses a declaration in another encoding (UTF-16); the parsed tree does not."""
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise UnsafeXML("document type declarations are not allowed")


def parse_text(text: str, *, limit: int, recover: bool = False) -> etree._Element:
    """An XML document carried as text inside another (qbXML inside SOAP). ``recover`` keeps what is readable of
    a damaged document (tolerant reading of QuickBooks' answers)."""
    if len(text) > limit:
        raise UnsafeXML(f"the document is larger than {limit} characters")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise UnsafeXML("document type declarations are not allowed")
    body = _DECLARATION.sub("", text, count=1)
    try:
        root = etree.fromstring(body, _parser(recover))
    except etree.XMLSyntaxError as error:
        raise UnsafeXML(f"the document is not well-formed XML (line {error.lineno})") from None
    except ValueError:  # lxml refuses text whose (damaged) declaration names an encoding
        raise UnsafeXML("the document is not well-formed XML (its XML declaration is damaged)") from None
    if root is None:
        raise UnsafeXML("the document is empty")
    _refuse_doctype(root)
    return root
