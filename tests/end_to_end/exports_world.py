"""A small pinned HubSpot + Aircall world through dbt and the CSV publish: export file -> sha256.

Shared by tests/end_to_end/test_exports_unchanged.py and by the regeneration command of
tests/fixtures/exports/README.md: ``python tests/end_to_end/exports_world.py [DBT_PROJECT]``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "fixtures" / "exports" / "exports_sha256.json"
SEED = 42
SCALE = 0.1  # a few thousand calls: every export non-empty, built in seconds
AS_OF = date(2026, 6, 15)
# dbt's "now" (var RUN_AT): after every sandbox record, so only the month of the retention and
# cohort tables depends on it, and pinned so the hashes do not change with the calendar.
RUN_AT = datetime(2026, 6, 16, tzinfo=UTC)
PII_HASH_KEY = "exports-unchanged-test-key"


def export_hashes(scratch: Path, project: Path) -> dict[str, str]:
    """Write the pinned world into `scratch`, build `project` on it, publish; hash each CSV."""
    sys.path[:0] = [str(REPO), str(REPO / "tests" / "end_to_end")]
    from recompute.pipeline import dbt_build
    from recompute.settings import Settings

    from publishing import CsvFolderConfig, CsvFolderTarget, PublishConfig, publish
    from sandbox import Business, SandboxConfig
    from sandbox.raw_writer import write_raw

    warehouse = scratch / "warehouse.duckdb"
    write_raw(warehouse, Business(SandboxConfig(seed=SEED, scale=SCALE, as_of=AS_OF)))
    settings = Settings(now=RUN_AT, pii_hash_key=PII_HASH_KEY)
    pinned = json.dumps({"RUN_AT": f"{RUN_AT:%Y-%m-%d %H:%M:%S}"})
    # Models and seeds only: the data tests guard the contract elsewhere, and cost half the time.
    dbt_build(
        warehouse, scratch, settings, project,
        "--vars", pinned, "--resource-type", "seed", "--resource-type", "model",
    )  # fmt: skip
    exports = scratch / "exports"
    publish(warehouse, [CsvFolderTarget(CsvFolderConfig(exports))], PublishConfig(), now=RUN_AT)
    current = exports / "current"
    return {
        path.relative_to(current).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(current.rglob("*.csv"))
    }


if __name__ == "__main__":
    import tempfile

    project = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else REPO / "dbt_project"
    with tempfile.TemporaryDirectory(prefix="exports-world-") as tmp:
        hashes = export_hashes(Path(tmp), project)
    GOLDEN.write_text(json.dumps(hashes, indent=2, sort_keys=True) + "\n")
    print(f"wrote {len(hashes)} hashes to {GOLDEN}")
