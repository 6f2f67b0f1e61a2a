"""``commerce``: the Adobe Commerce source plugin (placeholder while the rest is built)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from mlconnector.connectors.commerce.normalize import normalize_record
from mlconnector.connectors.commerce.records import STREAMS
from mlconnector.platform.documents import Document
from mlconnector.platform.plugins import PLUGIN_API_VERSION, SourcePlugin, SourceRecord


class AdobeCommerceSource(SourcePlugin):
    name: ClassVar[str] = "commerce"
    title: ClassVar[str] = "Adobe Commerce"
    plugin_api_version: ClassVar[str] = PLUGIN_API_VERSION
    streams: ClassVar[tuple[str, ...]] = STREAMS
    config_schema: ClassVar[Mapping[str, Any]] = {"type": "object"}

    def normalize(self, record: SourceRecord) -> Sequence[Document]:
        return normalize_record(record)
