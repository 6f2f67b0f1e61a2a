"""The connector contract test kit: a partner runs it against their own plugin.

Installed as a pytest plugin (entry point ``pytest11``), so it is available wherever ml-connector is installed.
Subclass the contract for your plugin's kind in a test module whose class name starts with ``Test``::

    from mlconnector.platform.plugins.contract import SourceContract

    class TestMySource(SourceContract):
        plugin_class = MySource
        valid_config = {"base_url": "https://shop.example", "api_key": "k-123456"}
        unreachable_config = {"base_url": "https://127.0.0.1:9", "api_key": "k-123456"}
        sample_records = [SourceRecord(stream="order", key="order:1", source_id="1", updated_at=None, payload={...})]

Every test here asserts something a merchant or operator would notice if it broke: the plugin is discoverable,
its config is validated with the field named, a credential check answers instead of crashing and never echoes
a secret, normalisation is deterministic and lossless, plans are ordered and repeatable.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar

import click
import msgspec

from mlconnector.platform.documents import Document, decode_document, encode_document
from mlconnector.platform.jobs.registry import JobHandler
from mlconnector.platform.plugins.base import ENTRY_POINT_GROUP, CheckResult, Plugin, SinkPlugin, SourcePlugin
from mlconnector.platform.plugins.config import ConfigProblem, secret_fields, validate_config, with_secrets_wrapped
from mlconnector.platform.plugins.context import SinkContext
from mlconnector.platform.plugins.discovery import validate_plugin_class
from mlconnector.platform.plugins.plan import Plan
from mlconnector.platform.plugins.records import SourceRecord

_DOCUMENT_TYPES = tuple(Document.__args__)  # type: ignore[attr-defined]


class PluginContract:
    """Checks every plugin must pass. Set :attr:`plugin_class`, :attr:`valid_config` and
    :attr:`unreachable_config` (a config whose check must fail cleanly, e.g. a closed local port)."""

    plugin_class: ClassVar[type[Plugin]]
    valid_config: ClassVar[Mapping[str, Any]]
    unreachable_config: ClassVar[Mapping[str, Any]]
    check_timeout_seconds: ClassVar[float] = 30.0

    def make_plugin(self) -> Plugin:
        return self.plugin_class()

    def test_declares_identity(self) -> None:
        validate_plugin_class(self.plugin_class, f"plugin class {self.plugin_class.__qualname__}")

    def test_is_discoverable_through_its_entry_point(self) -> None:
        matches = [e for e in entry_points(group=ENTRY_POINT_GROUP) if e.name == self.plugin_class.name]
        assert matches, (
            f"no entry point named {self.plugin_class.name!r} in group {ENTRY_POINT_GROUP!r}: "
            "is the distribution installed, with the entry point declared in its pyproject.toml?"
        )
        assert matches[0].load() is self.plugin_class

    def test_valid_config_passes_its_schema(self) -> None:
        assert validate_config(self.plugin_class.config_schema, dict(self.valid_config)) == []

    def test_missing_required_fields_are_named(self) -> None:
        required = set(self.plugin_class.config_schema.get("required", ()))
        problems = validate_config(self.plugin_class.config_schema, {})
        assert {problem.field for problem in problems} >= required

    def test_secret_fields_are_strings(self) -> None:
        properties = self.plugin_class.config_schema.get("properties", {})
        for path in secret_fields(self.plugin_class.config_schema):
            spec = properties
            for part in path.split("."):
                spec = spec[part] if part in spec else spec.get("properties", {})[part]
            assert spec.get("type") == "string", f"secret field {path!r} must be a string"

    def test_check_answers_instead_of_raising(self) -> None:
        plugin = self.make_plugin()
        config = with_secrets_wrapped(plugin.config_schema, dict(self.unreachable_config))
        result = asyncio.run(asyncio.wait_for(plugin.check(config), self.check_timeout_seconds))
        assert isinstance(result, CheckResult)
        assert not result.ok and result.problem and result.message.strip()
        shown = result.message + json.dumps(dict(result.details))
        for path in secret_fields(plugin.config_schema):
            value = self.unreachable_config.get(path.split(".")[0])
            if isinstance(value, str) and value:
                assert value not in shown, f"check() echoed the secret field {path!r}"

    def test_valid_config_has_no_validate_problems(self) -> None:
        """Hook ``validate`` (1.4): the kit's valid config is accepted for a real tenant, problems are named and
        worded, and no problem repeats a secret's value."""
        plugin = self.make_plugin()
        config = with_secrets_wrapped(plugin.config_schema, dict(self.valid_config))
        for sandbox in (False, True):
            problems = plugin.validate(config, sandbox=sandbox)
            assert isinstance(problems, Sequence)
            for problem in problems:
                assert isinstance(problem, ConfigProblem) and problem.message.strip()
                for path in secret_fields(plugin.config_schema):
                    value = self.valid_config.get(path.split(".")[0])
                    assert not (isinstance(value, str) and value and value in problem.message), path
        assert list(plugin.validate(config, sandbox=False)) == [], "the kit's valid_config must pass validate"

    def test_hooks_return_documented_types(self) -> None:
        plugin = self.make_plugin()
        assert isinstance(plugin.routes(), Sequence)
        assert all(isinstance(command, click.Command) for command in plugin.cli())
        folder = plugin.migrations()
        assert folder is None or (isinstance(folder, Path) and folder.is_dir())
        for handler in plugin.jobs():
            assert isinstance(handler, JobHandler)
            assert handler.kind.startswith(f"{plugin.name}."), (
                f"job kind {handler.kind!r} must start with the plugin name"
            )


class SourceContract(PluginContract):
    """Checks for sources. Set :attr:`sample_records`: raw records as the outside system returns them."""

    plugin_class: ClassVar[type[SourcePlugin]]
    sample_records: ClassVar[Sequence[SourceRecord]] = ()

    def test_declares_streams(self) -> None:
        assert self.plugin_class.streams, "a source must declare the streams it reads"

    def test_samples_are_given(self) -> None:
        assert self.sample_records, "give sample_records so normalisation can be checked"
        assert {record.stream for record in self.sample_records} <= set(self.plugin_class.streams)

    def test_normalize_returns_canonical_documents_that_round_trip(self) -> None:
        plugin = self.make_plugin()
        for record in self.sample_records:
            for document in plugin.normalize(record):
                assert isinstance(document, _DOCUMENT_TYPES)
                assert decode_document(encode_document(document)) == document

    def test_normalize_is_deterministic(self) -> None:
        plugin = self.make_plugin()
        for record in self.sample_records:
            first = [encode_document(d) for d in plugin.normalize(record)]
            again = [encode_document(d) for d in plugin.normalize(msgspec.structs.replace(record))]
            assert first == again

    def test_document_keys_are_unique_per_record(self) -> None:
        plugin = self.make_plugin()
        for record in self.sample_records:
            keys = [document.key for document in plugin.normalize(record)]
            assert len(keys) == len(set(keys)), f"record {record.key} produced duplicate document keys"


class SinkContract(PluginContract):
    """Checks for sinks. Set :attr:`sample_documents` and override :meth:`make_context` if planning needs state."""

    plugin_class: ClassVar[type[SinkPlugin]]
    sample_documents: ClassVar[Sequence[Any]] = ()

    def make_context(self) -> SinkContext:  # pragma: no cover - partners override when planning reads state
        import uuid

        return SinkContext(tenant_id=uuid.uuid4(), config=dict(self.valid_config), session=None)  # type: ignore[arg-type]

    def _plan(self, document: Any) -> Plan:
        return asyncio.run(self.make_plugin().plan(self.make_context(), document))

    def test_declares_accepted_documents(self) -> None:
        assert self.plugin_class.accepts, "a sink must declare the document types it accepts"

    def test_plans_are_ordered_and_named(self) -> None:
        assert self.sample_documents, "give sample_documents so planning can be checked"
        for document in self.sample_documents:
            plan = self._plan(document)
            assert isinstance(plan, Plan) and plan.document_key == document.key
            seen: set[str] = set()
            for operation in plan.operations:
                assert operation.key not in seen, f"operation key {operation.key} repeats"
                missing = set(operation.depends_on) - seen
                assert not missing, f"{operation.key} depends on {missing}, which do not come before it"
                seen.add(operation.key)
            assert plan.operations or plan.holds, "a plan must either do something or say why not"
            assert all(hold.reason.strip() for hold in plan.holds)

    def test_planning_is_repeatable(self) -> None:
        for document in self.sample_documents:
            assert msgspec.json.encode(self._plan(document)) == msgspec.json.encode(self._plan(document))
