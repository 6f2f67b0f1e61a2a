"""The fault matrix's observed counts, as a markdown table for a closing note.

Each fault case calls :func:`record` with what it saw (faults injected, duplicates avoided, retries,
reconciliations, sessions). The table is printed at the end of a pytest run that ran any of them (the
``pytest_terminal_summary`` hook in ``tests/faults/conftest.py``) and, when ``FAULT_MATRIX_JSON`` names a file
(no ``MLC_`` prefix: tests/conftest.py clears those), saved there so that
``PYTHONPATH=tests python -m mlc_testing.fault_matrix FILE`` prints it again later.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

COLUMNS = ("injected", "duplicates_avoided", "reconciled", "retries", "sessions", "books")
_rows: dict[str, dict[str, object]] = {}


def record(case: str, **counts: object) -> None:
    """Keep one case's counts (a later run of the same case, e.g. on another database, is added as its own row)."""
    _rows[case] = {"books": "identical", **counts}
    target = os.environ.get("FAULT_MATRIX_JSON")
    if target:
        Path(target).write_text(json.dumps(_rows, indent=2, sort_keys=True))


def rows() -> dict[str, dict[str, object]]:
    return dict(_rows)


def table(found: dict[str, dict[str, object]] | None = None) -> str:
    """The rows as a markdown table; a count a case does not apply to shows as ``–``."""
    found = _rows if found is None else found
    header = "| fault | " + " | ".join(name.replace("_", " ") for name in COLUMNS) + " |"
    rule = "|---|" + "---|" * len(COLUMNS)
    lines = [header, rule]
    for case in sorted(found):
        cells = [str(found[case].get(name, "–")) for name in COLUMNS]
        lines.append(f"| {case} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m mlc_testing.fault_matrix FILE  (written by a run with FAULT_MATRIX_JSON=FILE)")
        return 2
    print(table(json.loads(Path(argv[0]).read_text())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
