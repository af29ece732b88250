"""Linking API URLs for the GCS folders of the published tables (Google's Linking API reference)."""

import os
import subprocess
import sys
from urllib.parse import parse_qsl, urlsplit

import pytest

from orchestration.looker_link import build_report_link, build_table_links, table_folders
from publishing import EXPORT_COLUMNS


def parameters_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_template_link_binds_one_gcs_folder_per_table_in_alias_order():
    # given
    folders = table_folders("acme-bi", "/looker/exports/", ["kpi_sales_daily", "kpi_calls_daily"])
    # when
    url = build_report_link(folders, "Sales KPIs", "abc-123").url
    # then
    assert url.startswith("https://lookerstudio.google.com/reporting/create?c.reportId=abc-123")
    parameters = parameters_of(url)
    assert parameters["c.mode"] == "edit"
    assert parameters["ds.ds0.connector"] == "googleCloudStorage"
    assert parameters["ds.ds0.pathType"] == "FOLDER"
    assert parameters["ds.ds0.path"] == "acme-bi/looker/exports/kpi_sales_daily"
    assert parameters["ds.ds1.path"] == "acme-bi/looker/exports/kpi_calls_daily"
    assert parameters["ds.ds1.datasourceName"] == "kpi_calls_daily"
    assert "ds.ds0.path=acme-bi%2Flooker%2Fexports%2Fkpi_sales_daily" in url


def test_template_link_keeps_the_template_field_settings():
    # given: GCS data sources refresh their fields unless told not to (refreshFields default true)
    folders = table_folders("b", "", ["kpi_customers"])
    # when
    url = build_report_link(folders, "R", "tmpl").url
    # then: one wildcard parameter covers every alias, written as Google writes it
    assert "&ds.*.refreshFields=false" in url
    assert parameters_of(url)["ds.*.refreshFields"] == "false"


def test_report_name_spaces_are_percent_20_not_plus():
    # when
    url = build_report_link(table_folders("b", "", ["kpi_customers"]), "Sales KPIs 2026", "t").url
    # then
    assert "r.reportName=Sales%20KPIs%202026" in url
    assert "+" not in url


def test_a_multi_table_link_without_template_is_refused():
    # given: Google's default report has a single data source, so it cannot hold every table
    folders = table_folders("b", "p", list(EXPORT_COLUMNS))
    # when / then
    with pytest.raises(ValueError, match="--report-id"):
        build_report_link(folders, "R", "  ")


def test_without_template_each_table_gets_its_own_default_report_link():
    # given
    folders = table_folders("acme-bi", "kpis", list(EXPORT_COLUMNS))
    # when
    links = build_table_links(folders, "Sales KPIs")
    # then: one link per table, each with one alias-less data source and no template
    assert [link.label for link in links] == list(EXPORT_COLUMNS)
    for link, table in zip(links, EXPORT_COLUMNS, strict=True):
        parameters = parameters_of(link.url)
        assert "c.reportId" not in parameters
        assert parameters["ds.connector"] == "googleCloudStorage"
        assert parameters["ds.path"] == f"acme-bi/kpis/{table}"
        assert not any(key.startswith("ds.ds") for key in parameters)


@pytest.mark.parametrize("bucket", ["gs://acme-bi", "gs://acme-bi/", "GS://acme-bi", " acme-bi/ "])
def test_bucket_loses_its_gs_prefix_and_slashes(bucket):
    # when
    (folder,) = table_folders(bucket, "looker", ["kpi_customers"])
    # then
    assert folder.path == "acme-bi/looker/kpi_customers"


@pytest.mark.parametrize("bucket", ["", "gs://", "gs://acme-bi/looker"])
def test_bucket_that_is_empty_or_holds_a_folder_is_refused(bucket):
    with pytest.raises(ValueError, match="bucket"):
        table_folders(bucket, "looker", ["kpi_customers"])


def test_template_aliases_follow_the_contract_order():
    # given
    folders = table_folders("b", "p", list(EXPORT_COLUMNS))
    # when
    parameters = parameters_of(build_report_link(folders, "R", "t").url)
    # then: ds<N> is the N-th table of the contract, as docs/data_dictionary.md lists them
    for index, table in enumerate(EXPORT_COLUMNS):
        assert parameters[f"ds.ds{index}.path"] == f"b/p/{table}"


def run_link(*args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "LOOKER_GCS_BUCKET": "", "LOOKER_GCS_PREFIX": "kpis"}
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "looker-link", *args],
        capture_output=True, text=True, env=environment, timeout=120,
    )  # fmt: skip


def test_cli_without_report_id_prints_one_link_per_table_and_says_why():
    # when
    completed = run_link("--bucket", "gs://acme-bi")
    # then
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == list(EXPORT_COLUMNS)
    assert "--report-id" in completed.stderr


def test_cli_refuses_a_bucket_with_a_folder_in_one_line():
    # when
    completed = run_link("--bucket", "gs://acme-bi/looker", "--report-id", "t")
    # then
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert len(completed.stderr.strip().splitlines()) == 1
    assert "--prefix" in completed.stderr
