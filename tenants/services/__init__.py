"""What accounts, tenants and connections can do. Each entry point owns its unit of work (it takes the
``Database``); helpers that take a session compose into a caller's transaction. The JSON API, the CLI and (later)
the dashboard's pages all call these; none of them holds business rules of its own."""
