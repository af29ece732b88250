"""Google Cloud Storage target for Looker Studio's GCS connector ("use all files in path").

Object layout under `gs://<bucket>/<prefix>/` (point one Looker Studio data source at each table
folder, `<bucket>/<prefix>/<table>`):

    <table>/part-0001.csv [, part-0002.csv ...]   every file of a folder shares one header
    manifest.json                                 written last: version, rows, sha256 per part
    _staging/<version>/...                        uploads in flight; not inside any table folder
    _staging/<version>.previous/...               the objects being replaced, until the end

GCS cannot swap a folder atomically. Every file is first uploaded under `_staging/`; only when all
uploads succeeded are the table objects overwritten in place by server-side rewrites (each object
switches atomically), then parts that no longer exist are deleted. The remaining window is the
few seconds of those rewrites: a refresh inside it can read some tables (or, for a table split
into several parts, some parts) new and others old. A failure before the rewrites leaves the
previous publication untouched. Staging also copies the published objects aside; a failure
during the rewrites, or in a later target, copies them back and deletes objects that the old
publication did not have, so the bucket returns to the previous publication byte for byte
(with the same few-second window). Once every target switched, the copies are deleted.
"""

import json
import uuid
from dataclasses import dataclass

from google.api_core import exceptions as api_exceptions
from google.auth import exceptions as auth_exceptions
from google.cloud import storage

from publishing.build import ExportFile, TableExport
from publishing.manifest import MANIFEST_NAME, read_manifest, row_counts
from publishing.targets.base import Publication, StepHook, TargetUnavailableError

STAGING = "_staging"
# A check answers in seconds, without the client library's minutes of retries.
CHECK_TIMEOUT_SECONDS = 10


@dataclass(frozen=True, slots=True)
class GcsConfig:
    """Where to publish (LOOKER_GCS_BUCKET, LOOKER_GCS_PREFIX)."""

    bucket: str
    prefix: str = "looker"


def object_name(prefix: str, table: TableExport, export_file: ExportFile) -> str:
    """Map a built file to its object: always `<prefix>/<table>/part-NNNN.csv`.

    A single-file table (`<table>.csv` on disk) becomes `<table>/part-0001.csv`, so each table
    keeps one folder whether or not it is ever split.
    """
    part = export_file.path.rsplit("/", 1)[-1] if table.is_split else "part-0001.csv"
    return f"{_join(prefix, table.name)}/{part}"


class GcsTarget:
    """Publishes the exports as CSV objects, one folder per table."""

    __slots__ = ("_client", "config")

    def __init__(self, config: GcsConfig, client: storage.Client | None = None) -> None:
        self.config = config
        self._client = client

    def describe(self) -> str:
        """Name the bucket and prefix."""
        return f"GCS gs://{self.config.bucket}/{self.config.prefix}"

    def check(self) -> str:
        """Write, list and delete one empty object under `_staging/` (no table folder, so no
        reader sees it; a publication deletes any leftover there).

        Raises:
            TargetUnavailableError: no credentials, no such bucket, a missing permission, or
                GCS unreachable.
        """
        where = f"gs://{self.config.bucket}"
        name = _join(self.config.prefix, STAGING, f"check-{uuid.uuid4().hex}")
        limits = {"timeout": CHECK_TIMEOUT_SECONDS, "retry": None}
        try:
            bucket = self._bucket()
            bucket.blob(name).upload_from_string(b"", **limits)
            list(bucket.list_blobs(prefix=name, max_results=1, **limits))
            bucket.blob(name).delete(**limits)
        except auth_exceptions.DefaultCredentialsError:
            raise TargetUnavailableError(
                "no Google credentials: point GOOGLE_APPLICATION_CREDENTIALS at a service-account "
                "key file (or run where a service account is attached)"
            ) from None
        except api_exceptions.NotFound:
            raise TargetUnavailableError(f"bucket {where} does not exist") from None
        except api_exceptions.Forbidden:
            raise TargetUnavailableError(
                f"the credentials may not create, list and delete objects in {where} "
                "(grant roles/storage.objectAdmin on the bucket)"
            ) from None
        except (api_exceptions.GoogleAPIError, auth_exceptions.GoogleAuthError, OSError) as error:
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise TargetUnavailableError(
                f"cannot reach {where}: {type(error).__name__} {detail}".strip()
            ) from None
        return "reachable and writable"

    def previous_row_counts(self) -> dict[str, int]:
        """Read the row counts of the published manifest, if there is one."""
        blob = self._bucket().blob(_join(self.config.prefix, MANIFEST_NAME))
        if not blob.exists():
            return {}
        return row_counts(json.loads(blob.download_as_bytes()))

    def previous_manifest(self) -> dict[str, object]:
        """The parsed published manifest.json (totals and history included); empty if none."""
        blob = self._bucket().blob(_join(self.config.prefix, MANIFEST_NAME))
        return read_manifest(blob.download_as_bytes() if blob.exists() else None)

    def stage(self, publication: Publication, hook: StepHook) -> "StagedObjects":
        """Upload every file and the manifest under `_staging/<version>/`."""
        bucket = self._bucket()
        staging_root = _join(self.config.prefix, STAGING)
        for leftover in bucket.list_blobs(prefix=f"{staging_root}/"):
            leftover.delete()  # from a crashed run; never read by anyone
        staging = _join(staging_root, publication.version)
        moves: list[tuple[str, str]] = []  # (staged name, published name)
        for table in publication.build.tables:
            for export_file in table.files:
                final = object_name(self.config.prefix, table, export_file)
                staged = _join(staging, final.removeprefix(f"{self.config.prefix}/"))
                blob = bucket.blob(staged)
                blob.metadata = {"publication_version": publication.version}
                blob.upload_from_filename(
                    str(publication.build.root / export_file.path),
                    content_type="text/csv; charset=utf-8",
                )
                moves.append((staged, final))
        manifest = bucket.blob(_join(staging, MANIFEST_NAME))
        manifest.upload_from_string(publication.manifest, content_type="application/json")
        moves.append((manifest.name, _join(self.config.prefix, MANIFEST_NAME)))
        tables = [table.name for table in publication.build.tables]
        backup = _back_up(bucket, self.config.prefix, tables, f"{staging}.previous")
        hook("gcs:staged")
        return StagedObjects(self.config, bucket, staging, moves, tables, backup, hook)

    def _bucket(self) -> storage.Bucket:
        if self._client is None:
            self._client = storage.Client()  # application default credentials
        return self._client.bucket(self.config.bucket)


@dataclass(frozen=True, slots=True)
class Backup:
    """Copies of the objects a publication replaces: (copy name, published name) pairs."""

    root: str
    copies: list[tuple[str, str]]
    previous_version: str | None


@dataclass(slots=True)
class StagedObjects:
    """Uploaded objects waiting to be copied over the published ones."""

    config: GcsConfig
    bucket: storage.Bucket
    staging: str
    moves: list[tuple[str, str]]
    tables: list[str]
    backup: Backup
    hook: StepHook

    def commit(self) -> "CommittedObjects":
        """Rewrite staged objects over the published names, then drop stale parts."""
        committed = CommittedObjects(
            self.config, self.bucket, self.staging, self.tables, self.backup
        )
        try:
            for staged, final in self.moves:
                _rewrite(self.bucket, staged, final)
                self.hook(f"gcs:copied:{final}")
            published = {final for _, final in self.moves}
            for name in _table_objects(self.bucket, self.config.prefix, self.tables):
                if name not in published:
                    self.bucket.blob(name).delete()  # a part of an older, longer publication
        except BaseException:
            committed.rollback()
            raise
        return committed

    def abort(self) -> None:
        """Delete the staged objects and copies; published objects are untouched."""
        _delete_prefix(self.bucket, self.staging)
        _delete_prefix(self.bucket, self.backup.root)


@dataclass(slots=True)
class CommittedObjects:
    """The new objects are published; the replaced ones are still copied under staging."""

    config: GcsConfig
    bucket: storage.Bucket
    staging: str
    tables: list[str]
    backup: Backup

    @property
    def location(self) -> str:
        """The bucket folder readers use."""
        return f"gs://{self.config.bucket}/{self.config.prefix}"

    @property
    def previous_version(self) -> str | None:
        """The version of the manifest that was replaced."""
        return self.backup.previous_version

    def rollback(self) -> None:
        """Copy the replaced objects back, manifest last, and delete objects they did not have."""
        restored = {final for _, final in self.backup.copies}
        manifest = self.bucket.blob(_join(self.config.prefix, MANIFEST_NAME))
        extra = _table_objects(self.bucket, self.config.prefix, self.tables)
        for name in [*extra, *([manifest.name] if manifest.exists() else [])]:
            if name not in restored:
                self.bucket.blob(name).delete()
        for copy, final in self.backup.copies:
            _rewrite(self.bucket, copy, final)
        self.finish()

    def finish(self) -> None:
        """Delete the staged objects and the copies of the replaced ones."""
        _delete_prefix(self.bucket, self.staging)
        _delete_prefix(self.bucket, self.backup.root)


def _back_up(bucket: storage.Bucket, prefix: str, tables: list[str], root: str) -> Backup:
    """Copy every published object a publication replaces under `root`, manifest last."""
    manifest_name = _join(prefix, MANIFEST_NAME)
    names = [*_table_objects(bucket, prefix, tables), manifest_name]
    copies, version = [], None
    for name in names:
        blob = bucket.blob(name)
        if name == manifest_name:
            if not blob.exists():
                continue
            version = json.loads(blob.download_as_bytes()).get("version")
        copy = _join(root, name.removeprefix(f"{prefix}/"))
        _rewrite(bucket, name, copy)
        copies.append((copy, name))
    return Backup(root, copies, version)


def _table_objects(bucket: storage.Bucket, prefix: str, tables: list[str]) -> list[str]:
    """Every object in the publication's table folders."""
    return [
        blob.name
        for table in tables
        for blob in bucket.list_blobs(prefix=f"{_join(prefix, table)}/")
    ]


def _delete_prefix(bucket: storage.Bucket, root: str) -> None:
    for blob in bucket.list_blobs(prefix=f"{root}/"):
        blob.delete()


def _rewrite(bucket: storage.Bucket, source_name: str, destination_name: str) -> None:
    """Server-side copy; rewrite() may need several calls for large objects."""
    source = bucket.blob(source_name)
    destination = bucket.blob(destination_name)
    token, _, _ = destination.rewrite(source)
    while token is not None:
        token, _, _ = destination.rewrite(source, token=token)


def _join(*parts: str) -> str:
    return "/".join(part.strip("/") for part in parts if part.strip("/"))
