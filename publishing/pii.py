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

    Args:
        published: paths (files, or folders searched recursively), bytes (a downloaded object),
            or rows (sequences or mappings of cell values, e.g. from a database cursor).
        needles: the known PII values planted in the sources.

    Returns:
        One hit per (location, needle) found; empty when the exports are clean.
    """
    patterns = [_Needle.of(needle) for needle in needles if needle.strip()]
    hits: list[PiiHit] = []
    for index, item in enumerate(published):
        for location, fields, by_field in _fields_of(item, index):
            hits += [
                PiiHit(location, p.text)
                for p in patterns
                if any(p.matches(f, digits=by_field) for f in fields)
            ]
    return hits


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

    def matches(self, field: str, *, digits: bool) -> bool:
        if self.folded in field.casefold():
            return True
        return digits and bool(self.digits) and self.digits in re.sub(r"\D", "", field)


def _fields_of(item: PublishedItem, index: int) -> Iterable[tuple[str, list[str], bool]]:
    """Yield (location, fields, match digits per field) units: per CSV line, file, blob, row."""
    if isinstance(item, Path):
        files = sorted(p for p in item.rglob("*") if p.is_file()) if item.is_dir() else [item]
        for path in files:
            yield from _text_units(str(path), path.read_bytes())
    elif isinstance(item, bytes | bytearray):
        yield from _text_units(f"blob #{index}", bytes(item))
    elif isinstance(item, Mapping):
        yield f"row #{index}", ["" if v is None else str(v) for v in item.values()], True
    else:
        yield f"row #{index}", ["" if v is None else str(v) for v in item], True


def _text_units(location: str, data: bytes) -> Iterable[tuple[str, list[str], bool]]:
    text = data.decode("utf-8", errors="replace")
    # The whole text by substring (JSON and other non-CSV files), then each CSV field on its
    # own for phone digits, so digits of neighbouring numeric cells never join into a "number".
    yield location, [text], False
    for line_number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        yield f"{location}:{line_number}", row, True
