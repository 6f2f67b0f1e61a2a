"""Intuit's published contract files, bundled verbatim (see README.md in this folder for their sources)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
WSDL_PATH = HERE / "wsdl" / "TroubleshootWebServiceFS.wsdl"
"""The QuickBooks Web Connector SOAP contract with all eight operations (Intuit's hosted troubleshooting service)."""
XSD_ROOT = HERE / "xsd" / "qbxmlops130.xsd"
"""The qbXML 13.0 schema root; it includes the three other files beside it."""
