"""The publication manifest: contract version, row counts, checksums and generation time."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from publishing.build import ExportBuild
from publishing.contract import CONTRACT_VERSION
from publishing.measures import HISTORY_LENGTH, PublicationStats

MANIFEST_NAME = "manifest.json"


def manifest_bytes(
    build: ExportBuild,
    version: str,
    generated_at: datetime,
    measures: Mapping[str, Decimal] | None = None,
    history: Sequence[PublicationStats] = (),
) -> bytes:
    """Serialise the manifest of a publication.

    The generation time lives here only, never in the CSV files, so that re-publishing unchanged
    marts gives byte-identical CSVs (only the manifest differs).

    Args:
        build: the exported tables.
        version: the publication's version id.
        generated_at: when the publication was generated (written in UTC).
        measures: key measure totals (publishing.measures), written as exact decimal strings.
        history: the publications before this one, newest first; the first
            HISTORY_LENGTH - 1 are kept, so with this one they make the trailing window.

    Returns:
        Pretty-printed JSON with sorted keys, UTF-8, ending with a newline.
    """
    document = {
        "schema_version": CONTRACT_VERSION,
        "version": version,
        "generated_at": generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "content_sha256": build.content_sha256,
        "tables": {
            table.name: {
                "columns": list(table.columns),
                "column_types": list(table.column_types),
                "row_count": table.rows,
                "files": [
                    {"path": f.path, "rows": f.rows, "bytes": f.bytes, "sha256": f.sha256}
                    for f in table.files
                ],
            }
            for table in build.tables
        },
    }
    if measures is not None:
        document["measures"] = {name: str(value) for name, value in sorted(measures.items())}
        document["history"] = [entry.as_json() for entry in history[: HISTORY_LENGTH - 1]]
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def read_manifest(data: bytes | str | None) -> dict[str, object]:
    """Parse a published manifest; an absent one is an empty dict (no publication yet)."""
    return json.loads(data) if data else {}


def row_counts(manifest: dict[str, object]) -> dict[str, int]:
    """Return the rows per table recorded in a parsed manifest."""
    tables = manifest.get("tables", {})
    assert isinstance(tables, dict)
    return {name: int(table["row_count"]) for name, table in tables.items()}


def verify_folder(folder: Path) -> list[str]:
    """Check a published folder against its manifest: every file present, intact, none extra.

    Args:
        folder: a publication folder (e.g. `EXPORT_DIR/current`).

    Returns:
        A list of problems; empty when the folder is exactly what its manifest describes.
    """
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        return [f"{manifest_path} is missing"]
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    expected = {
        entry["path"]: entry["sha256"]
        for table in manifest["tables"].values()
        for entry in table["files"]
    }
    found = {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.name != MANIFEST_NAME
    }
    problems = [f"unexpected file {path}" for path in sorted(found - expected.keys())]
    for path, sha256 in sorted(expected.items()):
        if path not in found:
            problems.append(f"missing file {path}")
        elif file_sha256(folder / path) != sha256:
            problems.append(f"checksum mismatch for {path}")
    return problems


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
