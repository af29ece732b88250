"""A vendor is named only in its own package, its dbt staging folder and the registry.

Everything else loops over the source plug-ins, so a new vendor never needs surgery elsewhere.
"""

import re
from pathlib import Path

from connectors.registry import SOURCES

REPO = Path(__file__).resolve().parents[2]
# Vendors registered, plus those whose packages exist but are not registered yet.
VENDORS = sorted(
    {source.schema_name for source in SOURCES}
    | {path.parent.name for path in (REPO / "connectors").glob("*/source.py")}
)
PATTERN = re.compile(r"(?<![a-z])(" + "|".join(VENDORS) + r")", re.IGNORECASE)
ALLOWED = {REPO / "connectors" / "registry.py"}


def _shared_python_files() -> list[Path]:
    files = [
        *(REPO / "connectors").glob("*.py"),
        *(REPO / "orchestration").rglob("*.py"),
        *(REPO / "publishing").rglob("*.py"),
    ]
    return sorted(path for path in files if path not in ALLOWED)


def test_no_shared_module_names_a_vendor() -> None:
    # given
    files = _shared_python_files()
    # when
    offending = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if PATTERN.search(line)
    ]
    # then
    assert len(VENDORS) >= 3 and files
    assert offending == [], "vendor names outside their packages:\n" + "\n".join(offending)


def test_the_check_finds_a_vendor_name(tmp_path: Path) -> None:
    line = f"streams = build_{VENDORS[0]}_streams(config)"
    assert PATTERN.search(line)
