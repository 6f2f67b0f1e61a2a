"""The SOAP 1.1 service the QuickBooks Web Connector polls (document/literal, namespace http://developer.intuit.com/)."""
