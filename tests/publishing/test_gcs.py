"""GCS target on a local emulator: a folder per table, staged uploads, stale parts removed."""

import json
from pathlib import Path

import duckdb
import pytest
from google.cloud import storage
from publishing_helpers import csv_files
from publishing_servers import GCS_BUCKET
from publishing_warehouse import PII_NEEDLES

from publishing import (
    EXPORT_COLUMNS,
    CsvFolderTarget,
    PublishConfig,
    PublishValidationError,
    find_pii,
    publish,
)
from publishing.targets.gcs import GcsConfig, GcsTarget

PREFIX = "looker/kpis"


@pytest.fixture
def gcs_target(gcs_client: storage.Client) -> GcsTarget:
    return GcsTarget(GcsConfig(bucket=GCS_BUCKET, prefix=PREFIX), client=gcs_client)


def published_objects(client: storage.Client) -> dict[str, bytes]:
    return {
        blob.name: blob.download_as_bytes()
        for blob in client.bucket(GCS_BUCKET).list_blobs(prefix=f"{PREFIX}/")
    }


def test_round_trip_lists_one_folder_per_table_with_the_csv_bytes(
    warehouse: Path,
    gcs_target: GcsTarget,
    gcs_client: storage.Client,
    csv_target: CsvFolderTarget,
    export_dir: Path,
) -> None:
    # when
    publish(warehouse, [csv_target, gcs_target])
    # then
    objects = published_objects(gcs_client)
    assert sorted(objects) == sorted(
        [f"{PREFIX}/{table}/part-0001.csv" for table in EXPORT_COLUMNS]
        + [f"{PREFIX}/manifest.json"]
    )
    local = csv_files(export_dir / "current")
    for table in EXPORT_COLUMNS:
        assert objects[f"{PREFIX}/{table}/part-0001.csv"] == local[f"{table}.csv"]
    manifest = json.loads(objects[f"{PREFIX}/manifest.json"])
    assert manifest["tables"]["kpi_calls_daily"]["row_count"] == 3
    assert find_pii(list(objects.values()), PII_NEEDLES) == []


def test_split_tables_keep_one_header_per_part_and_stale_parts_are_deleted(
    warehouse: Path, gcs_target: GcsTarget, gcs_client: storage.Client
) -> None:
    # given: a publication split into many parts
    publish(warehouse, [gcs_target], PublishConfig(split_bytes=400))
    folder = f"{PREFIX}/kpi_agent_credit_daily/"
    many = [name for name in published_objects(gcs_client) if name.startswith(folder)]
    assert len(many) > 1
    header = ",".join(EXPORT_COLUMNS["kpi_agent_credit_daily"]).encode() + b"\n"
    assert all(published_objects(gcs_client)[name].startswith(header) for name in many)
    # when: the next one fits in one file
    publish(warehouse, [gcs_target])
    # then: the folder holds only that file
    now = [name for name in published_objects(gcs_client) if name.startswith(folder)]
    assert now == [f"{folder}part-0001.csv"]


def test_failure_before_the_copies_leaves_the_published_objects_untouched(
    warehouse: Path, gcs_target: GcsTarget, gcs_client: storage.Client
) -> None:
    publish(warehouse, [gcs_target])
    before = published_objects(gcs_client)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("UPDATE marts.kpi_calls_daily SET talk_seconds = talk_seconds + 1")

    def crash(step: str) -> None:
        if step == "all_staged":
            raise RuntimeError(step)

    with pytest.raises(RuntimeError):
        publish(warehouse, [gcs_target], on_step=crash)
    # then: same objects, staging cleaned by the abort
    assert published_objects(gcs_client) == before
    assert gcs_target.previous_row_counts()["kpi_calls_daily"] == 3


def test_republishing_unchanged_marts_rewrites_identical_objects(
    warehouse: Path, gcs_target: GcsTarget, gcs_client: storage.Client
) -> None:
    publish(warehouse, [gcs_target])
    first = published_objects(gcs_client)
    publish(warehouse, [gcs_target])
    second = published_objects(gcs_client)
    manifest = f"{PREFIX}/manifest.json"
    assert {k: v for k, v in first.items() if k != manifest} == {
        k: v for k, v in second.items() if k != manifest
    }


def test_measure_baseline_comes_from_the_published_manifest_object(
    warehouse: Path, gcs_target: GcsTarget
) -> None:
    # given: a publication whose manifest.json object carries the totals
    publish(warehouse, [gcs_target])
    assert gcs_target.previous_manifest()["measures"]["leads_created"] == "4"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("UPDATE marts.kpi_leads_daily SET leads_created = 0, "
                           "leads_with_opportunity = 0, leads_won = 0, leads_responded = 0, "
                           "leads_responded_within_5m = 0")  # fmt: skip
    # when / then
    with pytest.raises(PublishValidationError, match=r"measure_total \[leads_created\]: total 0,"):
        publish(warehouse, [gcs_target])
