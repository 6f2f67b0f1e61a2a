"""Web Connector sessions: tickets, credentials and throttling, company-file pinning, and their SQL."""
