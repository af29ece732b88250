"""A HubSpot + Aircall deployment publishes byte-identical exports across refactors of the models.

The golden hashes were recorded with the code before the vendor-neutral seams (f8ee08f); a
refactor that changes one byte of one export fails here. See tests/fixtures/exports/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from exports_world import GOLDEN, REPO, export_hashes

pytestmark = pytest.mark.slow


def test_every_export_is_byte_identical_to_the_recorded_one(tmp_path: Path) -> None:
    # given the pinned HubSpot + Aircall world and the hashes recorded before the refactor
    expected = json.loads(GOLDEN.read_text())
    # when it goes through dbt and the CSV publish
    actual = export_hashes(tmp_path, REPO / "dbt_project")
    # then every export file, header-only kpi_conversations_daily included, is unchanged
    assert sorted(actual) == sorted(expected), "the set of export files changed"
    changed = [name for name in expected if actual[name] != expected[name]]
    assert not changed, f"exports changed: {changed} (tests/fixtures/exports/README.md)"
