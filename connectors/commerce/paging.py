"""Reading every changed record exactly once per pass, whatever the store does while we page.

Magento pages by offset (``currentPage``), repeats the last page past the end, and shifts rows between pages
when they change mid-read (NOTES §3.3, magento/magento2#25001, #39031). So this module never asks for page 2:
every request is page 1 of a *keyset* query that starts after the last record handed over, and a pass stops on
``total_count`` (everything left fit on the page) or an empty page.

* Incremental window (``updated_at`` between ``since`` and a frozen ``upper``): sorted by ``updated_at`` then
  ``entity_id``. The next query starts at the last ``updated_at`` (``gteq``) and drops the rows already handed
  over; when a whole page shares one second (a mass update), it switches to ``updated_at eq T and entity_id gt
  X`` until that second is exhausted, then continues with ``updated_at gt T``.
* Backfill: ``entity_id`` ranges, read a few at a time in parallel (bounded), handed over in id order, so the
  cursor is a single watermark. ``entity_id`` never changes and new rows only append above the last id.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mlconnector.connectors.commerce.client import SearchPage
from mlconnector.connectors.commerce.cursor import BACKFILL, WINDOW, Cursor
from mlconnector.connectors.commerce.normalize.dates import format_utc, parse_utc
from mlconnector.connectors.commerce.search import ASC, DESC, Filter, SearchCriteria, one

Lister = Callable[[SearchCriteria], Awaitable[SearchPage]]
Group = tuple[Filter, ...]
UPDATED, ENTITY = "updated_at", "entity_id"


@dataclass(frozen=True, slots=True)
class Page:
    """Records to hand over, and the cursor to store once they are stored."""

    items: list[dict[str, Any]]
    cursor: Cursor


@dataclass(frozen=True, slots=True)
class Walk:
    """How to read one stream: its list call, its id field, the filters every query carries (``store_id``)."""

    lister: Lister
    id_of: Callable[[dict[str, Any]], int]
    page_size: int
    base_groups: tuple[Group, ...] = ()
    fields: str | None = None
    overlap: timedelta = timedelta(seconds=300)

    def criteria(self, groups: Sequence[Group], sort: Sequence[tuple[str, str]], page_size: int | None = None):
        return SearchCriteria(
            groups=(*self.base_groups, *groups),
            sort=tuple(sort),
            page_size=page_size or self.page_size,
            fields=self.fields,
        )

    def next_window(self, upper: str) -> Cursor:
        """The cursor after a completed pass: the next window opens ``overlap`` before this one closed."""
        moment = parse_utc(upper)
        assert moment is not None
        return Cursor(mode=WINDOW, since=format_utc(moment - self.overlap))


def _key(walk: Walk, item: dict[str, Any]) -> tuple[str, int]:
    return str(item.get(UPDATED) or ""), walk.id_of(item)


async def walk_window(walk: Walk, cursor: Cursor, upper: datetime) -> AsyncIterator[Page]:
    """Every record with ``since ≤ updated_at ≤ upper`` after ``cursor.after``, once, in key order."""
    since = cursor.since
    frozen = cursor.upper or format_utc(upper)
    position: tuple[str, int] | None = tuple(cursor.after) if cursor.after else None  # type: ignore[assignment]
    by_key = ((UPDATED, ASC), (ENTITY, ASC))
    strictly_after: str | None = None
    while True:
        if position is not None and strictly_after == position[0]:
            groups: list[Group] = [one(UPDATED, position[0], "gt"), one(UPDATED, frozen, "lteq")]
        elif position is not None:
            groups = [one(UPDATED, position[0], "gteq"), one(UPDATED, frozen, "lteq")]
        else:
            groups = [one(UPDATED, frozen, "lteq")] + ([one(UPDATED, since, "gteq")] if since else [])
        page = await walk.lister(walk.criteria(groups, by_key))
        fresh = [item for item in page.items if position is None or _key(walk, item) > position]
        if not fresh:
            if position is not None and len(page.items) >= walk.page_size and strictly_after != position[0]:
                # A full page of one second already handed over: finish that second by id, then move past it.
                async for batch in _walk_cluster(walk, since, frozen, position):
                    position = batch.cursor.after  # type: ignore[assignment]
                    yield batch
                strictly_after = position[0]  # type: ignore[index]
                continue
            yield Page([], walk.next_window(frozen))
            return
        position = _key(walk, fresh[-1])
        strictly_after = None
        if page.total_count <= len(page.items):
            yield Page(fresh, walk.next_window(frozen))
            return
        yield Page(fresh, Cursor(mode=WINDOW, since=since, upper=frozen, after=position))


async def _walk_cluster(walk: Walk, since: str | None, frozen: str, position: tuple[str, int]) -> AsyncIterator[Page]:
    stamp, last_id = position
    while True:
        page = await walk.lister(
            walk.criteria([one(UPDATED, stamp, "eq"), one(ENTITY, last_id, "gt")], [(ENTITY, ASC)])
        )
        if not page.items:
            return
        last_id = walk.id_of(page.items[-1])
        yield Page(page.items, Cursor(mode=WINDOW, since=since, upper=frozen, after=(stamp, last_id)))
        if page.total_count <= len(page.items):
            return


async def _bound(walk: Walk, since: str | None, direction: str) -> tuple[int | None, int]:
    groups = [one(UPDATED, since, "gteq")] if since else []
    page = await walk.lister(walk.criteria(groups, [(ENTITY, direction)], page_size=1))
    return (walk.id_of(page.items[0]) if page.items else None), page.total_count


async def _read_range(walk: Walk, since: str | None, low: int, high: int) -> list[list[dict[str, Any]]]:
    """Every record with ``low < entity_id ≤ high`` (keyset on the id), as pages."""
    pages = []
    after = low
    while True:
        groups = [one(ENTITY, after, "gt"), one(ENTITY, high, "lteq")]
        if since:
            groups.append(one(UPDATED, since, "gteq"))
        page = await walk.lister(walk.criteria(groups, [(ENTITY, ASC)]))
        if page.items:
            pages.append(page.items)
            after = walk.id_of(page.items[-1])
        if not page.items or page.total_count <= len(page.items):
            return pages


async def walk_backfill(walk: Walk, cursor: Cursor, upper: datetime, concurrency: int) -> AsyncIterator[Page]:
    """Every record (with ``updated_at ≥ since`` when given) by ``entity_id`` ranges, ``concurrency`` at a time."""
    since = cursor.since
    frozen = cursor.upper or format_utc(upper)
    after = cursor.after_id or 0
    last_id = cursor.last_id
    width = walk.page_size
    if last_id is None:
        last_id, total = await _bound(walk, since, DESC)
        if last_id is None:
            yield Page([], walk.next_window(frozen))
            return
        first_id, _ = await _bound(walk, since, ASC)
        after = max(after, (first_id or 1) - 1)
        # Ranges about one page wide, given how densely the ids are used; a range that overflows pages on.
        width = max(walk.page_size, int(walk.page_size * (last_id - after) / max(total, 1) * 0.9))
    ranges = [(low, min(low + width, last_id)) for low in range(after, last_id, width)]
    pending: deque[asyncio.Task[list[list[dict[str, Any]]]]] = deque()
    started = 0
    try:
        for _, high in ranges:
            while started < len(ranges) and len(pending) < concurrency:
                pending.append(asyncio.create_task(_read_range(walk, since, *ranges[started])))
                started += 1
            pages = await pending.popleft()
            for number, items in enumerate(pages, start=1):
                done_to = high if number == len(pages) else walk.id_of(items[-1])
                yield Page(items, Cursor(mode=BACKFILL, since=since, upper=frozen, last_id=last_id, after_id=done_to))
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    yield Page([], walk.next_window(frozen))
