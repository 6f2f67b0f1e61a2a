"""Wiring the pages into the app: the Jinja2 templates, ``/static`` and the page routes with HTML error pages."""

from __future__ import annotations

from pathlib import Path

from litestar.config.app import AppConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.exceptions import HTTPException
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from mlconnector.web.errors import html_unless_api
from mlconnector.web.pages import page_router

HERE = Path(__file__).parent


def install_web(app_config: AppConfig) -> None:
    app_config.template_config = TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine)
    app_config.route_handlers.append(
        create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False)
    )
    app_config.route_handlers.append(page_router())
    if HTTPException in app_config.exception_handlers:  # an unknown address in a browser gets a page, not JSON
        app_config.exception_handlers[HTTPException] = html_unless_api(app_config.exception_handlers[HTTPException])
