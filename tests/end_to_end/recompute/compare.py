"""Compare recomputed rows with mart rows by grain, and describe the differences readably."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .tables import Table

SHARE_TOLERANCE = 1e-9
SHOWN = 8


def normalise(table: Table, row: tuple[Any, ...]) -> dict[str, Any]:
    """Common types on both sides: money as 2-decimal Decimal, NULL text as ""."""
    out: dict[str, Any] = {}
    for column, value in zip(table.columns, row, strict=True):
        if column in table.money:
            value = Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        elif column in table.shares:
            value = float(value or 0)
        elif isinstance(value, datetime):
            value = value.date()
        elif isinstance(value, bool):
            value = int(value)
        elif value is None:
            value = ""  # exports write NULL and "" alike
        elif isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        out[column] = value
    return out


def _same(table: Table, column: str, left: Any, right: Any) -> bool:
    if column in table.shares:
        return math.isclose(left, right, rel_tol=SHARE_TOLERANCE, abs_tol=SHARE_TOLERANCE)
    return left == right


def _key(table: Table, row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        str(row[c]) if not isinstance(row[c], date) else row[c].isoformat() for c in table.grain
    )


def diff(table: Table, expected: list[tuple], actual: list[tuple]) -> list[str]:
    """Readable differences (empty when the tables agree)."""
    problems: list[str] = []
    want = {_key(table, r): r for r in (normalise(table, row) for row in expected)}
    got: dict[tuple[str, ...], dict[str, Any]] = {}
    for row in (normalise(table, row) for row in actual):
        key = _key(table, row)
        if key in got:
            problems.append(f"duplicate grain in mart: {dict(zip(table.grain, key, strict=True))}")
        got[key] = row
    for key in sorted(set(want) - set(got)):
        problems.append(f"missing in mart: {want[key]}")
    for key in sorted(set(got) - set(want)):
        problems.append(f"unexpected in mart: {got[key]}")
    for key in sorted(set(want) & set(got)):
        cols = [c for c in table.columns if not _same(table, c, want[key][c], got[key][c])]
        if cols:
            changes = ", ".join(f"{c}: expected {want[key][c]!r} got {got[key][c]!r}" for c in cols)
            problems.append(f"{dict(zip(table.grain, key, strict=True))}: {changes}")
    return problems


def report(table: Table, problems: list[str], expected: int, actual: int) -> str:
    head = (
        f"{table.name}: {len(problems)} differences ({expected} recomputed rows, {actual} in mart)"
    )
    return "\n".join([head, *problems[:SHOWN], *(["..."] if len(problems) > SHOWN else [])])
