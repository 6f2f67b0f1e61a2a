"""``searchCriteria`` query parameters (pure). NOTES §3.1: filters inside a group are OR'ed, groups are AND'ed.

Parameters are returned as ``(name, value)`` pairs for httpx's ``params=`` — never a hand-built URL — so brackets
become ``%5B``/``%5D``, spaces ``+`` and ``=``, ``&``, ``+`` in values are percent-encoded, which is what the
OAuth signature needs (NOTES §2.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

ASC, DESC = "ASC", "DESC"
CONDITIONS = frozenset(
    {
        "eq",
        "neq",
        "gt",
        "gteq",
        "lt",
        "lteq",
        "moreq",
        "from",
        "to",
        "in",
        "nin",
        "like",
        "nlike",
        "null",
        "notnull",
        "finset",
        "nfinset",
    }
)


@dataclass(frozen=True, slots=True)
class Filter:
    field: str
    value: str
    condition: str = "eq"

    def __post_init__(self) -> None:
        if self.condition not in CONDITIONS:
            raise ValueError(f"unknown searchCriteria condition_type {self.condition!r}")


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    """One search: AND of ``groups`` (each an OR of filters), ``sort`` as ``(field, ASC|DESC)``, one page."""

    groups: tuple[tuple[Filter, ...], ...] = ()
    sort: tuple[tuple[str, str], ...] = ()
    page_size: int = 100
    current_page: int = 1
    fields: str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())

    def params(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for g, group in enumerate(self.groups):
            for f, item in enumerate(group):
                prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
                pairs += [
                    (f"{prefix}[field]", item.field),
                    (f"{prefix}[value]", item.value),
                    (f"{prefix}[condition_type]", item.condition),
                ]
        for s, (name, direction) in enumerate(self.sort):
            pairs += [
                (f"searchCriteria[sortOrders][{s}][field]", name),
                (f"searchCriteria[sortOrders][{s}][direction]", direction),
            ]
        pairs += [
            ("searchCriteria[pageSize]", str(self.page_size)),
            ("searchCriteria[currentPage]", str(self.current_page)),
        ]
        if self.fields:
            pairs.append(("fields", self.fields))
        return pairs + list(self.extra)


def one(field_name: str, value: object, condition: str = "eq") -> tuple[Filter, ...]:
    """A filter group holding a single filter."""
    return (Filter(field_name, str(value), condition),)


def any_of(field_name: str, values: Sequence[object]) -> tuple[Filter, ...]:
    """``field in (a, b, c)``: one ``in`` filter — two ``eq`` filters in one group fail on some versions
    (magento/magento2#3996, NOTES §4.8)."""
    return (Filter(field_name, ",".join(str(value) for value in values), "in"),)
