"""Every SQL statement of the tenants area. Tenant-scoped queries filter by ``tenant_id`` and inserts stamp it
(wall 1); on PostgreSQL row-level security checks the same thing again (wall 2)."""
