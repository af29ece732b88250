"""Linking API URLs for the GCS folders of the published tables."""

from urllib.parse import parse_qsl, urlsplit

from orchestration.looker_link import build_report_link, table_folders


def parameters_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_report_link_binds_one_gcs_folder_per_table_in_alias_order():
    # given
    folders = table_folders("acme-bi", "/looker/exports/", ["kpi_sales_daily", "kpi_calls_daily"])
    # when
    url = build_report_link(folders, report_name="Sales KPIs")
    # then
    assert url.startswith("https://lookerstudio.google.com/reporting/create?")
    parameters = parameters_of(url)
    assert parameters["ds.ds0.connector"] == "googleCloudStorage"
    assert parameters["ds.ds0.pathType"] == "FOLDER"
    assert parameters["ds.ds0.path"] == "acme-bi/looker/exports/kpi_sales_daily"
    assert parameters["ds.ds1.path"] == "acme-bi/looker/exports/kpi_calls_daily"
    assert parameters["ds.ds1.datasourceName"] == "kpi_calls_daily"
    assert "c.reportId" not in parameters
    assert "%2F" in url, "the folder path must be URL-encoded"


def test_report_link_copies_the_template_when_given():
    url = build_report_link(table_folders("b", "", ["kpi_customers"]), "R", "abc-123")
    parameters = parameters_of(url)
    assert parameters["c.reportId"] == "abc-123"
    assert parameters["c.mode"] == "edit"
    assert parameters["ds.ds0.path"] == "b/kpi_customers"
