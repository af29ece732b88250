"""Publish work folders left by killed processes are swept; live ones and clean exits are kept."""

import os
import subprocess
import sys
import time
from pathlib import Path

from publishing import CsvFolderTarget, PublishConfig, publish
from publishing.workdirs import sweep_stale_work_dirs, work_dir_prefix


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_sweep_removes_folders_of_dead_processes_only(tmp_path: Path) -> None:
    # given folders of a dead publish, a live one (a sleeping child), this process, an old
    # unnamed one and a recent unnamed one
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = tmp_path / f"kpi-publish-{_dead_pid()}-abc123"
        alive = tmp_path / f"kpi-publish-{live.pid}-def456"
        mine = tmp_path / f"{work_dir_prefix()}ghi789"
        old_unnamed, new_unnamed = tmp_path / "kpi-publish-x1y2z3", tmp_path / "kpi-publish-a1b2c3"
        for folder in (dead, alive, mine, old_unnamed, new_unnamed):
            (folder / "kpi_sales_daily").mkdir(parents=True)
        stamp = time.time() - 2 * 86_400
        os.utime(old_unnamed, (stamp, stamp))
        # when
        removed = sweep_stale_work_dirs(tmp_path)
    finally:
        live.kill()
        live.wait()
    # then
    assert sorted(removed) == sorted([dead, old_unnamed])
    assert alive.exists() and mine.exists() and new_unnamed.exists()


def test_publish_sweeps_a_killed_publish_and_leaves_no_work_folder(
    warehouse: Path, tmp_path: Path, csv_target: CsvFolderTarget
) -> None:
    # given the work folder of a publish that was SIGKILLed
    work_root = tmp_path / "work"
    stale = work_root / f"kpi-publish-{_dead_pid()}-killed"
    stale.mkdir(parents=True)
    (stale / "kpi_customers.csv").write_text("customer_key\nabc\n")
    # when
    publish(warehouse, [csv_target], PublishConfig(work_dir=work_root))
    # then neither the stale folder nor this publish's own folder is left
    assert list(work_root.iterdir()) == []
