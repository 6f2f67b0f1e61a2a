"""Printing a command's result: ``--json`` for scripts, readable lines for people."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import click


def emit(data: Any, as_json: bool, lines: Callable[[], Iterable[str]]) -> None:
    if as_json:
        click.echo(json.dumps(data, default=str, ensure_ascii=False))
        return
    for line in lines():
        click.echo(line)
