"""Looker Studio (Data Studio) Linking API URLs for a report on the published GCS folders."""

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

LINKING_API_BASE = "https://lookerstudio.google.com/reporting/create"


@dataclass(frozen=True, slots=True)
class GcsFolder:
    """One table's folder of CSVs: Looker's GCS connector reads every file under it."""

    bucket: str
    folder: str

    @property
    def path(self) -> str:
        return f"{self.bucket}/{self.folder.strip('/')}"


def table_folders(bucket: str, prefix: str, tables: Sequence[str]) -> list[GcsFolder]:
    """The GCS folder of each published table (`<prefix>/<table>/`)."""
    base = prefix.strip("/")
    return [GcsFolder(bucket, f"{base}/{table}" if base else table) for table in tables]


def build_report_link(
    folders: Sequence[GcsFolder],
    report_name: str,
    template_report_id: str | None = None,
) -> str:
    """A "create this report" link with one GCS data source per table.

    Args:
        folders: the data sources, bound to aliases ds0, ds1, ... in this order (a template's
            data sources must use the same aliases).
        report_name: name of the new report.
        template_report_id: the report to copy; without it Looker Studio starts a blank report.

    Returns:
        The URL, with every parameter URL-encoded.
    """
    parameters: list[tuple[str, str]] = [("r.reportName", report_name)]
    if template_report_id:
        parameters = [("c.reportId", template_report_id), *parameters, ("c.mode", "edit")]
    for index, folder in enumerate(folders):
        alias = f"ds.ds{index}"
        table = folder.folder.rstrip("/").rsplit("/", 1)[-1]
        parameters += [
            (f"{alias}.connector", "googleCloudStorage"),
            (f"{alias}.pathType", "FOLDER"),
            (f"{alias}.path", folder.path),
            (f"{alias}.datasourceName", table),
        ]
    return f"{LINKING_API_BASE}?{urlencode(parameters)}"
