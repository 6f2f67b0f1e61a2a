"""qbXML: pure builders (one module per object family), schema validation and tolerant response parsing."""
