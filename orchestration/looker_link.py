"""Looker Studio (Data Studio) Linking API URLs for reports on the published GCS table folders.

Google's Linking API (developers.google.com/looker-studio/integrate/linking-api) creates a report
from a URL. Without `c.reportId` it starts from Google's default report, which has a single
embedded data source: one URL can then bind one table, never all of them. So:

- with a template report id, one URL copies the template and rebinds each of its data sources
  (aliases `ds0`, `ds1`, ... in contract order) to a table folder, with `ds.*.refreshFields=false`
  so the copies keep the template's field types, aggregations and names;
- without one, one URL per table, each a default report on that table's folder.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from publishing.dictionary_doc import data_source_aliases

LINKING_API_BASE = "https://lookerstudio.google.com/reporting/create"
GCS_CONNECTOR = "googleCloudStorage"
_GS_SCHEME = "gs://"


@dataclass(frozen=True, slots=True)
class GcsFolder:
    """One table's folder of CSVs: Looker's GCS connector reads every file under it."""

    bucket: str
    folder: str
    table: str

    @property
    def path(self) -> str:
        return f"{self.bucket}/{self.folder.strip('/')}"


@dataclass(frozen=True, slots=True)
class ReportLink:
    """A "create this report" URL and what it creates."""

    label: str
    url: str


def bucket_name(bucket: str) -> str:
    """The bare bucket name: `gs://acme-bi/` → `acme-bi`.

    Raises:
        ValueError: the value is empty or names a folder inside the bucket.
    """
    name = bucket.strip()
    if name.lower().startswith(_GS_SCHEME):
        name = name[len(_GS_SCHEME) :]
    name = name.strip("/")
    if not name:
        raise ValueError("no bucket: pass --bucket <name> or set LOOKER_GCS_BUCKET")
    if "/" in name:
        raise ValueError(
            f"bucket {bucket!r} contains a folder: give the bucket alone and the folder with "
            "--prefix (or LOOKER_GCS_PREFIX)"
        )
    return name


def table_folders(bucket: str, prefix: str, tables: Sequence[str]) -> list[GcsFolder]:
    """The GCS folder of each published table (`<bucket>/<prefix>/<table>`)."""
    name = bucket_name(bucket)
    base = prefix.strip().strip("/")
    return [GcsFolder(name, f"{base}/{table}" if base else table, table) for table in tables]


def encode_query(parameters: Sequence[tuple[str, str]]) -> str:
    """URL-encode as the Linking API documents it: spaces `%20` (not `+`), `/` as `%2F`.

    `*` stays literal in names so the `ds.*` wildcard alias reads as Google writes it.
    """
    return "&".join(f"{quote(key, safe='*')}={quote(value, safe='')}" for key, value in parameters)


def _gcs_parameters(prefix: str, folder: GcsFolder) -> list[tuple[str, str]]:
    # With `connector` set, the Linking API replaces the data source, so every required GCS
    # parameter (pathType, path) must be given.
    return [
        (f"{prefix}.connector", GCS_CONNECTOR),
        (f"{prefix}.pathType", "FOLDER"),
        (f"{prefix}.path", folder.path),
        (f"{prefix}.datasourceName", folder.table),
    ]


def build_report_link(
    folders: Sequence[GcsFolder], report_name: str, template_report_id: str
) -> ReportLink:
    """One URL copying the template report, each alias rebound to its table folder.

    Args:
        folders: the tables in contract order; bound to aliases ds0, ds1, ... in that order.
        report_name: name of the new report.
        template_report_id: the report to copy (the part of its URL after `reporting/`).

    Raises:
        ValueError: no template id (Google's default report has a single data source).
    """
    report_id = template_report_id.strip()
    if not report_id:
        raise ValueError(
            "a report with every table needs a template: pass --report-id <template report id>"
        )
    parameters = [
        ("c.reportId", report_id),
        ("c.mode", "edit"),
        ("r.reportName", report_name),
        ("ds.*.refreshFields", "false"),
    ]
    aliases = data_source_aliases([folder.table for folder in folders])
    for folder in folders:
        parameters += _gcs_parameters(f"ds.{aliases[folder.table]}", folder)
    return ReportLink(report_name, f"{LINKING_API_BASE}?{encode_query(parameters)}")


def build_table_links(folders: Sequence[GcsFolder], report_name: str) -> list[ReportLink]:
    """One URL per table, each a copy of Google's default report on that one folder.

    The default report's single data source takes parameters without an alias; its fields are
    refreshed from the folder (the GCS default), since they are not the template's.
    """
    links = []
    for folder in folders:
        parameters = [("r.reportName", f"{report_name} - {folder.table}")]
        parameters += _gcs_parameters("ds", folder)
        links.append(ReportLink(folder.table, f"{LINKING_API_BASE}?{encode_query(parameters)}"))
    return links
