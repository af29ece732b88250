"""Bounded growth: landing folders and old dbt target folders are pruned, reruns still work."""

import os
import time
from pathlib import Path

import pytest
from test_landing import FakeStream, deal, pages_of, raw_rows

from connectors.landing import landing_folder, sync_stream
from connectors.retention import landing_run_folders, prune_dbt_targets, prune_landing

DAY = 86_400


def _age(folder: Path, seconds: float) -> None:
    """Backdate a folder and everything in it."""
    stamp = time.time() - seconds
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (stamp, stamp))


def test_prune_landing_removes_every_run_folder_by_default_and_a_rerun_still_lands(
    tmp_path: Path,
) -> None:
    # given two synced runs, whose NDJSON files hold the records in clear
    db = tmp_path / "warehouse.duckdb"
    records = [deal(n, f"2024-06-0{n}T10:00:00.000Z", name=f"Client {n}") for n in range(1, 6)]
    sync_stream(FakeStream(pages_of(records, 2)), db, "run-1")
    sync_stream(FakeStream(pages_of(records, 2)), db, "run-2")
    assert len(landing_run_folders(tmp_path)) == 2
    # when
    report = prune_landing(tmp_path)
    # then nothing of the landing files is left, raw is whole
    assert not list((tmp_path / "landing").rglob("*.ndjson"))
    assert len(report.landing_runs) == 2 and report.bytes_freed > 0
    assert len(raw_rows(db)) == 5
    # and a rerun after pruning lands and merges as before
    changed = [deal(1, "2024-06-09T10:00:00.000Z", name="Client 1 renamed")]
    result = sync_stream(FakeStream(pages_of(changed, 1)), db, "run-3")
    assert result.updated == 1
    assert landing_folder(db, "hubspot/deals", "run-3").is_dir()
    assert "Client 1 renamed" in dict((r[0], r[1]) for r in raw_rows(db))["1"]


def test_prune_landing_keeps_folders_younger_than_the_retention(tmp_path: Path) -> None:
    # given a run folder of 3 days ago and one of today
    old = tmp_path / "landing" / "hubspot" / "deals" / "old-run"
    new = tmp_path / "landing" / "aircall" / "calls" / "new-run"
    for folder in (old, new):
        folder.mkdir(parents=True)
        (folder / "part-00001.ndjson").write_text("{}\n")
    _age(old, 3 * DAY)
    # when kept for 2 days
    report = prune_landing(tmp_path, keep_days=2)
    # then
    assert report.landing_runs == [old]
    assert not old.exists() and new.exists()


def test_prune_landing_rejects_a_negative_retention(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="keep_days"):
        prune_landing(tmp_path, keep_days=-1)


def test_prune_dbt_targets_keeps_the_newest_runs_and_never_the_top_level_artefacts(
    tmp_path: Path,
) -> None:
    # given five invocation folders, dbt's own compiled/ folder and the top-level manifest
    target = tmp_path / "target"
    runs = []
    for number in range(5):
        run = target / f"run-{number}"
        (run / "compiled").mkdir(parents=True)
        (run / "run_results.json").write_text("{}")
        (run / "compiled" / "model.sql").write_text("select 1")
        _age(run, (5 - number) * 60)
        runs.append(run)
    (target / "compiled").mkdir()
    (target / "manifest.json").write_text("{}")
    # when
    report = prune_dbt_targets(target, keep=2)
    # then the two newest stay, with the manifest and compiled/
    assert sorted(report.dbt_runs) == runs[:3]
    kept = sorted(path.name for path in target.iterdir())
    assert kept == ["compiled", "manifest.json", "run-3", "run-4"]


def test_prune_dbt_targets_refuses_to_keep_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="keep"):
        prune_dbt_targets(tmp_path, keep=0)
