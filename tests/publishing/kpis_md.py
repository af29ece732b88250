"""The export column lists of kpis.md (the shared copy beside the repository when present)."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KPIS_CANDIDATES = (REPO.parent / "shared" / "docs" / "kpis.md", REPO / "docs" / "kpis.md")
EXPORT_ITEM = re.compile(
    r"^\d+\.\s+\*\*`(kpi_[a-z_]+)`\*\*(.*?)(?=^\d+\.\s+\*\*`|^## |\Z)", re.S | re.M
)


def kpis_md_columns() -> dict[str, list[str]]:
    """Each export of kpis.md's "Export tables" section with its column list (newest copy)."""
    document = next((p.read_text("utf-8") for p in KPIS_CANDIDATES if p.exists()), None)
    if document is None:
        pytest.skip("kpis.md (the shared business contract) is not beside the repository")
    section = document.split("## Export tables", 1)[1].split("\n## ", 1)[0]
    exports: dict[str, list[str]] = {}
    for name, body in EXPORT_ITEM.findall(section):
        # The column list is the first backticked span of comma-separated names.
        for span in re.findall(r"`([^`]*)`", body, re.S):
            names = [part.strip() for part in span.split(",")]
            if len(names) > 1 and all(re.fullmatch(r"[a-z_0-9]+", n) for n in names):
                exports[name] = names
                break
    return exports
