"""The Adobe Commerce (Magento 2) source plugin: reads orders, invoices, credit memos, customers and products over
REST, on PaaS (OAuth 1.0a or an integration bearer token) and on Adobe Commerce as a Cloud Service (IMS), and
normalises them into the platform's canonical documents. Registered as the ``commerce`` plugin."""
