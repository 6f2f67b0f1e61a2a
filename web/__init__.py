"""The merchant's pages: server-rendered Jinja2 templates over the tenants and sync services (no build step).

Handlers live in :mod:`mlconnector.web.pages`, one module per page area; they parse the form, call a service and
render. The web layer never imports a connector: it reaches the source and the books through the plugin API.
"""
