"""Who is asking: server-side sign-in sessions, API tokens, CSRF protection, and the guards that turn a request
into access to one tenant (or a clear 401/403/404)."""
