"""The QuickBooks Desktop sink: the SOAP service the QuickBooks Web Connector polls, and the qbXML it carries.

Layout: ``soap/`` (envelopes, faults, WSDL, routes), ``qbxml/`` (pure request builders, schema validation,
tolerant response parsing), ``session/`` (tickets, Web Connector credentials, company-file pinning), ``writes/``
(the write state machine), ``simulator/`` and ``emulator/`` (QuickBooks and the Web Connector, for tests and the
sandbox). ``plugin.py`` is the entry point.
"""
