"""find_pii(): search published files, blobs or rows for known PII values (tests and audits)."""

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PublishedItem = Path | bytes | Sequence[object] | Mapping[str, object]

MIN_PHONE_DIGITS = 6


@dataclass(frozen=True, slots=True)
class PiiHit:
    """Where a needle was found; the matched cell itself is not repeated, to keep logs clean."""

    location: str
    needle: str


def find_pii(published: Iterable[PublishedItem], needles: Iterable[str]) -> list[PiiHit]:
    """Search every published file, blob or row for every needle.

    Matching ignores case. A needle that looks like a phone number also matches any field whose
    digits contain its digits ("+33 6 12 34 56 78" finds "0612345678" and "33612345678"), so a
    reformatted number is still caught.

    Each distinct field value is searched once, so thousands of needles over a full export stay
    fast; a hit names the first place its value appeared.

    Args:
        published: paths (files, or folders searched recursively), bytes (a downloaded object),
            or rows (sequences or mappings of cell values, e.g. from a database cursor).
        needles: the known PII values planted in the sources.

    Returns:
        One hit per (distinct field value, needle) found; empty when the exports are clean.
    """
    patterns = [_Needle.of(needle) for needle in needles if needle.strip()]
    first_seen: dict[tuple[str, bool], str] = {}
    for index, item in enumerate(published):
        for location, fields, by_field in _fields_of(item, index):
            for field in fields:
                first_seen.setdefault((field, by_field), location)
    by_core: dict[str, list[str]] = {}
    for pattern in patterns:
        if pattern.digits:
            by_core.setdefault(pattern.digits, []).append(pattern.text)
    hits: dict[tuple[str, str], PiiHit] = {}
    for (field, by_field), location in first_seen.items():
        for needle in _text_matches(field, by_field, patterns) + _digit_matches(
            field, by_field, by_core
        ):
            hits.setdefault((location, needle), PiiHit(location, needle))
    return list(hits.values())


def _text_matches(field: str, by_field: bool, patterns: list["_Needle"]) -> list[str]:
    folded = field.casefold()
    # A lone number or date holds no e-mail or name; phone numbers are the digit search's job.
    if by_field and not any(character.isalpha() or character == "@" for character in folded):
        return []
    return [pattern.text for pattern in patterns if pattern.folded in folded]


def _digit_matches(field: str, by_field: bool, by_core: dict[str, list[str]]) -> list[str]:
    if not by_field or not by_core:
        return []
    digits = re.sub(r"\D", "", field)
    found: list[str] = []
    for length in {len(core) for core in by_core}:
        for start in range(len(digits) - length + 1):
            found += by_core.get(digits[start : start + length], [])
    return found


@dataclass(frozen=True, slots=True)
class _Needle:
    text: str
    folded: str
    digits: str

    @classmethod
    def of(cls, text: str) -> "_Needle":
        digits = re.sub(r"\D", "", text)
        looks_like_phone = re.fullmatch(r"[\d\s+().-]+", text) and len(digits) >= MIN_PHONE_DIGITS
        # The national significant number (no country code, no trunk 0) survives reformatting.
        core = digits[-9:] if looks_like_phone else ""
        return cls(text, text.casefold(), core)


def _fields_of(item: PublishedItem, index: int) -> Iterable[tuple[str, list[str], bool]]:
    """Yield (location, fields, match digits per field) units: per CSV line, file, blob, row."""
    if isinstance(item, Path):
        files = sorted(p for p in item.rglob("*") if p.is_file()) if item.is_dir() else [item]
        for path in files:
            if path.suffix == ".duckdb":
                yield from _duckdb_units(path)
            else:
                yield from _text_units(str(path), path.read_bytes())
    elif isinstance(item, bytes | bytearray):
        yield from _text_units(f"blob #{index}", bytes(item))
    elif isinstance(item, Mapping):
        yield f"row #{index}", ["" if v is None else str(v) for v in item.values()], True
    else:
        yield f"row #{index}", ["" if v is None else str(v) for v in item], True


def _text_units(location: str, data: bytes) -> Iterable[tuple[str, list[str], bool]]:
    text = data.decode("utf-8", errors="replace")
    # The whole text by substring (JSON and other non-CSV files; a CSV file's fields below cover
    # it), then each CSV field on its own for phone digits, so digits of neighbouring numeric
    # cells never join into a "number".
    if not location.endswith(".csv"):
        yield location, [text], False
    try:
        for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            yield f"{location}:{line_number}", row, True
    except csv.Error:
        return  # not CSV-shaped text: the whole-text search above covered it


def _duckdb_units(path: Path) -> Iterable[tuple[str, list[str], bool]]:
    """Every cell of every table of a DuckDB file (the published reader copy), row by row: its
    bytes are pages, not text, so a value could be split or compressed there."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as connection:
        tables = connection.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' ORDER BY ALL"
        ).fetchall()
        for schema, table in tables:
            rows = connection.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
            for number, row in enumerate(rows, start=1):
                cells = ["" if value is None else str(value) for value in row]
                yield f"{path}:{schema}.{table}:{number}", cells, True
