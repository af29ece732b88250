"""A failure at any step of a publication leaves the old one in place (a kill -9: old or new),
never a mix."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from publishing_helpers import csv_files
from publishing_warehouse import make_large_warehouse

from publishing import CsvFolderConfig, CsvFolderTarget, publish
from publishing.manifest import verify_folder

CSV_STEPS = ["built", "csv:staged", "all_staged", "csv:before_rename", "csv:before_switch"]


class Crash(Exception):
    """Raised by the injected hook to simulate a crash at one step."""


def crash_at(step: str):
    def hook(current: str) -> None:
        if current == step:
            raise Crash(step)

    return hook


def change_marts(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("UPDATE marts.kpi_calls_daily SET talk_seconds = talk_seconds + 1")


@pytest.mark.parametrize("step", [*CSV_STEPS, "csv:switched"])
def test_failure_between_steps_leaves_the_previous_publication(
    warehouse: Path, export_dir: Path, csv_target: CsvFolderTarget, step: str
) -> None:
    # given: an old publication and changed marts
    publish(warehouse, [csv_target])
    old = csv_files(export_dir / "current")
    change_marts(warehouse)
    # when
    with pytest.raises(Exception, match=step):
        publish(warehouse, [csv_target], on_step=crash_at(step))
    # then: complete and wholly old, even after the switch (the commit rolls itself back)
    assert verify_folder(export_dir / "current") == []
    assert csv_files(export_dir / "current") == old
    # and the next run cleans up and publishes
    publish(warehouse, [csv_target])
    assert verify_folder(export_dir / "current") == []
    leftovers = [p.name for p in export_dir.iterdir() if p.name.startswith((".staging", "."))]
    assert leftovers == [".publish.lock"]


PUBLISH_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from publishing import CsvFolderConfig, CsvFolderTarget, PublishConfig, publish
publish(Path(sys.argv[1]), [CsvFolderTarget(CsvFolderConfig(Path(sys.argv[2])))],
        PublishConfig(split_bytes=200_000, min_volume_ratio=0))
"""


def content_of(folder: Path) -> str:
    return json.loads((folder / "manifest.json").read_text())["content_sha256"]


@pytest.mark.slow
def test_kill_9_during_a_large_publication_leaves_a_complete_publication(
    tmp_path: Path, export_dir: Path
) -> None:
    # given: a published large warehouse, then changed marts
    warehouse = make_large_warehouse(tmp_path / "large.duckdb", 20_000)
    target = CsvFolderTarget(CsvFolderConfig(export_dir))
    publish(warehouse, [target])
    old = content_of(export_dir / "current")
    change_marts(warehouse)
    repository = str(Path(__file__).resolve().parents[2])
    command = [sys.executable, "-c", PUBLISH_SCRIPT, str(warehouse), str(export_dir), repository]
    # when: publications are killed at increasing delays, then one runs to the end
    seen = set()
    for delay in (0.2, 0.5, 0.8, 1.1, 1.4):
        process = subprocess.Popen(command)
        time.sleep(delay)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        # then: always a complete publication, old or new
        assert verify_folder(export_dir / "current") == []
        seen.add(content_of(export_dir / "current"))
    subprocess.run(command, check=True)
    new = content_of(export_dir / "current")
    assert new != old
    assert seen <= {old, new}
