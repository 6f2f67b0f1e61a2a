"""Verbatim copies of the public Adobe Commerce payloads in ``shared/reference/commerce`` (see ``SOURCES.md``).

The Commerce fake serves these shapes, and the tests normalise every one of them. Data only; nothing here is code.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any


def load(relative_path: str) -> Any:
    """The parsed JSON of one reference file, e.g. ``load("rest/get-invoice-by-id.invoice-3.json")``."""
    return json.loads(files(__name__).joinpath(relative_path).read_text(encoding="utf-8"))
