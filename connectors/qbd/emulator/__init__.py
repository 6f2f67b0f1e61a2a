"""A QuickBooks Web Connector emulator: a real SOAP client of our service that relays qbXML to a QuickBooks
simulator, for tests, the sandbox and benchmarks."""

from mlconnector.connectors.qbd.emulator.connector import SessionReport, WebConnectorEmulator
from mlconnector.connectors.qbd.emulator.transports import RawSoapTransport, ServiceTransport, SoapError, ZeepTransport

__all__ = [
    "RawSoapTransport",
    "ServiceTransport",
    "SessionReport",
    "SoapError",
    "WebConnectorEmulator",
    "ZeepTransport",
]
