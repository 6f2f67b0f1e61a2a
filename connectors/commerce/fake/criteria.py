"""How Magento evaluates a ``searchCriteria`` query string and a ``fields`` selection (the fake's server side).

Reproduced from ``shared/reference/commerce/NOTES.md`` §3 (docs ``rest/use-rest/performing-searches.md``):

* ``searchCriteria[filter_groups][G][filters][F][field|value|condition_type]`` (camelCase ``filterGroups`` /
  ``conditionType`` accepted too); filters in a group are OR'ed, groups AND'ed; ``condition_type`` defaults to
  ``eq``; ``from``/``to``, ``in``/``nin`` (comma lists), ``like``/``nlike`` (``%`` wildcards), ``null``/``notnull``,
  ``finset``, ``moreq`` are understood.
* ``sortOrders[S][field|direction]``; ``pageSize``; ``currentPage`` (1-based) **clamped to the last page**: asking
  past the end returns the last page again (§3.3, ``Framework/Data/Collection::getCurPage``).
* Web API input limits (§3.2): when on, no ``pageSize`` means 20 and more than the maximum (300) is an error
  "Maximum SearchCriteria pageSize is 300"; when off (Magento's default), no ``pageSize`` returns every row.
* ``fields=items[a,b,items[c]],total_count`` keeps only what is named — and drops ``total_count`` and
  ``search_criteria`` when they are not named (§3.4, ``rest/get-orders-search.fields-filtered.json``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

_KEY = re.compile(r"^searchCriteria((?:\[[^\]]*\])+)$")
_PART = re.compile(r"\[([^\]]*)\]")
Row = Mapping[str, Any]


class CriteriaError(ValueError):
    """A query Magento answers with 400."""


@dataclass(slots=True)
class ParsedCriteria:
    groups: list[list[dict[str, str]]] = field(default_factory=list)
    sort: list[tuple[str, str]] = field(default_factory=list)
    page_size: int | None = None
    current_page: int = 1
    fields: str | None = None


def parse_query(raw_query: str) -> ParsedCriteria:
    """Parse a raw query string (as PHP's ``parse_str`` would, for the keys that matter here)."""
    groups: dict[int, dict[int, dict[str, str]]] = {}
    sorts: dict[int, dict[str, str]] = {}
    parsed = ParsedCriteria()
    for pair in raw_query.split("&") if raw_query else ():
        name, _, value = pair.partition("=")
        name, value = unquote_plus(name), unquote_plus(value)
        if name == "fields":
            parsed.fields = value
            continue
        match = _KEY.match(name)
        if not match:
            continue
        parts = _PART.findall(match.group(1))
        head = parts[0]
        if head in {"filter_groups", "filterGroups"} and len(parts) == 5 and parts[2] == "filters":
            key = {"conditionType": "condition_type"}.get(parts[4], parts[4])
            groups.setdefault(int(parts[1]), {}).setdefault(int(parts[3]), {})[key] = value
        elif head in {"sortOrders", "sort_orders"} and len(parts) == 3:
            sorts.setdefault(int(parts[1]), {})[parts[2]] = value
        elif head in {"pageSize", "page_size"}:
            parsed.page_size = int(value)
        elif head in {"currentPage", "current_page"}:
            parsed.current_page = max(1, int(value))
    parsed.groups = [[groups[g][f] for f in sorted(groups[g])] for g in sorted(groups)]
    parsed.sort = [(sorts[s].get("field", ""), sorts[s].get("direction", "ASC").upper()) for s in sorted(sorts)]
    return parsed


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _comparer(right: str) -> Callable[[Any], int]:
    """MySQL-ish: numbers as numbers, everything else (including ``Y-m-d H:i:s`` dates) as strings."""
    number = _number(right)

    def compare(left: Any) -> int:
        if number is not None:
            other = _number(left)
            if other is not None:
                return (other > number) - (other < number)
        text = "" if left is None else str(left)
        return (text > right) - (text < right)

    return compare


def _normal(value: Any) -> Any:
    number = _number(value)
    return number if number is not None else ("" if value is None else str(value))


def _like(pattern: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("%")) + "$", re.IGNORECASE | re.DOTALL)


def _predicate(spec: Mapping[str, str]) -> Callable[[Row], bool]:
    name = spec.get("field", "")
    value = spec.get("value", "")
    condition = spec.get("condition_type", "eq") or "eq"
    compare = _comparer(value)
    options = {_normal(v.strip()) for v in value.split(",")}
    like = _like(value)
    tests: dict[str, Callable[[Any], bool]] = {
        "eq": lambda v: v is not None and compare(v) == 0,
        "neq": lambda v: v is None or compare(v) != 0,
        "gt": lambda v: v is not None and compare(v) > 0,
        "gteq": lambda v: v is not None and compare(v) >= 0,
        "moreq": lambda v: v is not None and compare(v) >= 0,
        "from": lambda v: v is not None and compare(v) >= 0,
        "lt": lambda v: v is not None and compare(v) < 0,
        "lteq": lambda v: v is not None and compare(v) <= 0,
        "to": lambda v: v is not None and compare(v) <= 0,
        "in": lambda v: v is not None and _normal(v) in options,
        "nin": lambda v: v is None or _normal(v) not in options,
        "like": lambda v: v is not None and bool(like.match(str(v))),
        "nlike": lambda v: v is None or not like.match(str(v)),
        "null": lambda v: v is None,
        "notnull": lambda v: v is not None,
        "finset": lambda v: v is not None and value in str(v).split(","),
        "nfinset": lambda v: v is None or value not in str(v).split(","),
    }
    if condition not in tests:
        raise CriteriaError(f'Invalid condition type "{condition}"')
    test = tests[condition]
    return lambda row: test(row.get(name))


def matcher(groups: list[list[dict[str, str]]]) -> Callable[[Row], bool]:
    compiled = [[_predicate(spec) for spec in group] for group in groups if group]
    return lambda row: all(any(test(row) for test in group) for group in compiled)


def sort_rows(rows: list[Row], orders: list[tuple[str, str]]) -> list[Row]:
    """Stable multi-key sort, applied from the last key to the first; missing values first (like NULL in MySQL)."""
    for name, direction in reversed(orders):

        def key(row: Row, name: str = name) -> tuple[int, Any]:
            value = row.get(name)
            number = _number(value)
            return (0, 0) if value is None else ((1, number) if number is not None else (2, str(value)))

        rows = sorted(rows, key=key, reverse=direction == "DESC")
    return rows


def page_of(total: int, page_size: int | None, current_page: int) -> tuple[int, int]:
    """``(offset, limit)`` with Magento's clamp: a page past the end is the last page."""
    if page_size is None or page_size <= 0:
        return 0, total
    last_page = max(1, -(-total // page_size))
    page = min(current_page, last_page)
    return (page - 1) * page_size, page_size


# --- fields ---------------------------------------------------------------------------------------------------

Selection = dict[str, "Selection | None"]


def parse_fields(text: str) -> Selection:
    """``items[a,b[c,d]],total_count`` → ``{"items": {"a": None, "b": {...}}, "total_count": None}``."""
    selection, position = _parse_list(text.replace(" ", ""), 0)
    if position != len(text.replace(" ", "")):
        raise CriteriaError(f"fields: unexpected {text[position:]!r}")
    return selection


def _parse_list(text: str, position: int) -> tuple[Selection, int]:
    selection: Selection = {}
    while position < len(text) and text[position] != "]":
        start = position
        while position < len(text) and text[position] not in ",[]":
            position += 1
        name = text[start:position]
        child: Selection | None = None
        if position < len(text) and text[position] == "[":
            child, position = _parse_list(text, position + 1)
            position += 1  # the closing bracket
        if name:
            selection[name] = child
        if position < len(text) and text[position] == ",":
            position += 1
    return selection, position


def apply_fields(value: Any, selection: Selection | None) -> Any:
    if selection is None:
        return value
    if isinstance(value, list):
        return [apply_fields(item, selection) for item in value]
    if isinstance(value, dict):
        return {name: apply_fields(value[name], child) for name, child in selection.items() if name in value}
    return value
