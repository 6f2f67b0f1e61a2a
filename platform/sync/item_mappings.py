"""SKU → books item mappings: the ``items`` object of the tenant's sink settings, read, changed, and moved in
and out as CSV.

CSV shape (UTF-8, a header row, then one mapping per row)::

    sku,item
    24-MB01,Bags:Joust Duffle Bag
    24-WB04,Push It Messenger Bag

``item`` is the QuickBooks item's full name (``Parent:Child`` for sub-items). An import is checked row by row
first and changes nothing if any row is wrong, naming each bad row by its line number (the header is line 1).
Imported rows are added to the mappings (a SKU already mapped takes the new item); ``replace`` makes the file
the whole mapping. Documents held for a SKU that now has an item are planned again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from mlconnector.platform.errors import InvalidInput
from mlconnector.platform.plugins.base import SinkPlugin
from mlconnector.platform.plugins.discovery import PluginSet
from mlconnector.platform.sync import actions
from mlconnector.platform.sync.audit import record_audit
from mlconnector.platform.sync.connections import require_sink
from mlconnector.platform.sync.sink_settings import InvalidSettings, effective_settings, save_settings, stored_settings

HEADER = ("sku", "item")
MAX_SKU = 64
MAX_ITEM = 159
"""QuickBooks' longest item FullName."""
MAX_ROWS = 100_000
SKU_HOLDS = ("unmapped_sku", "unknown_item")
"""Hold codes a new mapping for the held SKU may resolve."""
RELEASE_ONE_BY_ONE = 50


class NoMappings(InvalidInput):
    """The tenant's books take no SKU mappings (no sink connected, or one without an ``items`` setting)."""

    status_code = 409


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    changed: int
    unchanged: int
    released: int
    """Held documents planned again because their SKU now has an item."""


async def mapping_sink(session: AsyncSession, plugins: PluginSet) -> SinkPlugin:
    """The tenant's sink, if it maps SKUs to items (its settings schema has an ``items`` object)."""
    sink = await require_sink(session, plugins)
    spec = (sink.settings_schema.get("properties") or {}).get("items")
    if not isinstance(spec, Mapping) or spec.get("type") != "object":
        raise NoMappings(("items", f"{sink.title} does not map SKUs to items, so there is nothing to set here."))
    return sink


async def get_item_mappings(session: AsyncSession, plugins: PluginSet) -> dict[str, str]:
    """Every SKU → item mapping of the session tenant, sorted by SKU."""
    sink = await mapping_sink(session, plugins)
    return dict(sorted((await effective_settings(session, sink)).get("items", {}).items()))


def _check(sku: str, item: str | None, where: str, problems: list[tuple[str, str]]) -> None:
    if not sku or len(sku) > MAX_SKU or sku != sku.strip():
        problems.append((where, f"the SKU must be 1-{MAX_SKU} characters without spaces around it."))
    if item is not None and (not item.strip() or len(item) > MAX_ITEM):
        problems.append((where, f"give the QuickBooks item's full name (1-{MAX_ITEM} characters), e.g. Bags:Duffle."))


async def set_item_mappings(
    session: AsyncSession,
    plugins: PluginSet,
    changes: Mapping[str, str | None],
    *,
    actor: str,
    replace: bool = False,
) -> ImportReport:
    """Map each SKU in ``changes`` to its item (``None`` removes the mapping); ``replace`` drops every mapping not
    in ``changes``. All checked first; a bad entry changes nothing. Held documents of the SKUs given an item are
    planned again."""
    problems: list[tuple[str, str]] = []
    for sku, item in changes.items():
        _check(sku, item, f"items.{sku}", problems)
    if problems:
        raise InvalidInput(problems, status_code=400)
    return await _apply(session, plugins, dict(changes), actor=actor, replace=replace)


async def _apply(
    session: AsyncSession, plugins: PluginSet, changes: dict[str, str | None], *, actor: str, replace: bool
) -> ImportReport:
    sink = await mapping_sink(session, plugins)
    chosen = await stored_settings(session, sink.name)
    current = dict((await effective_settings(session, sink)).get("items", {}))
    mapped = {} if replace else dict(current)
    for sku, item in changes.items():
        if item is None:
            mapped.pop(sku, None)
        else:
            mapped[sku] = item.strip()
    try:
        await save_settings(session, sink, {**chosen, "items": mapped}, actor=actor, replace=True)
    except InvalidSettings as error:
        raise InvalidInput([(p.field or "items", p.message) for p in error.problems], status_code=400) from None
    newly = {sku for sku, item in mapped.items() if current.get(sku) != item}
    report = ImportReport(
        added=sum(sku not in current for sku in mapped),
        changed=sum(sku in current and current[sku] != mapped[sku] for sku in mapped),
        unchanged=sum(current.get(sku) == item for sku, item in mapped.items()),
        released=0,
    )
    removed = sorted(set(current) - set(mapped))
    if newly or removed:
        await record_audit(
            session,
            action="items_mapped",
            actor=actor,
            detail={"mapped": {sku: mapped[sku] for sku in sorted(newly)}, "removed": removed},
        )
    return ImportReport(report.added, report.changed, report.unchanged, await _release(session, newly, actor))


async def _release(session: AsyncSession, skus: set[str], actor: str) -> int:
    """Plan again what was held for these SKUs; past a few dozen SKUs, every SKU hold at once (one query)."""
    if len(skus) > RELEASE_ONE_BY_ONE:
        return await actions.retry_held(session, actor=actor, code=list(SKU_HOLDS))
    released = 0
    for sku in sorted(skus):
        released += await actions.retry_held(session, actor=actor, code=list(SKU_HOLDS), subject=sku)
    return released


def parse_item_csv(text: str) -> dict[str, str]:
    """The mappings in a CSV file, or :class:`InvalidInput` naming every bad line (nothing is half-read)."""
    text = text.removeprefix("\ufeff")  # Excel's byte-order mark
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or [cell.strip().lower() for cell in rows[0]] != list(HEADER):
        raise InvalidInput(("line 1", "the first line must be the header sku,item."), status_code=400)
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput(("file", f"split the file: at most {MAX_ROWS} mappings per import."), status_code=400)
    problems: list[tuple[str, str]] = []
    mappings: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are harmless
        where = f"line {number}"
        if len(row) != 2:
            problems.append((where, f"give exactly two values, sku and item (found {len(row)})."))
            continue
        sku, item = row[0], row[1]
        before = len(problems)
        _check(sku, item, where, problems)
        if len(problems) > before:
            continue
        if sku in mappings and mappings[sku] != item.strip():
            problems.append((where, f"SKU {sku} is already mapped on line {first_line[sku]}; keep one line per SKU."))
            continue
        mappings[sku] = item.strip()
        first_line.setdefault(sku, number)
    if problems:
        raise InvalidInput(problems, status_code=400)
    return mappings


async def import_item_csv(
    session: AsyncSession, plugins: PluginSet, text: str, *, actor: str, replace: bool = False
) -> ImportReport:
    """Import a CSV of mappings, all or nothing (see the module docstring)."""
    return await _apply(session, plugins, dict(parse_item_csv(text)), actor=actor, replace=replace)


async def export_item_csv(session: AsyncSession, plugins: PluginSet) -> str:
    """The mappings as CSV, in the shape :func:`import_item_csv` reads back."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for sku, item in (await get_item_mappings(session, plugins)).items():
        writer.writerow((sku, item))
    return out.getvalue()
