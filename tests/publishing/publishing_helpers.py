"""Helpers to read publications back in tests."""

from pathlib import Path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder (following the `current` symlink) by relative path."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def csv_files(folder: Path) -> dict[str, bytes]:
    """The CSV files of a publication only (the manifest's generation time differs per run)."""
    return {name: data for name, data in snapshot(folder).items() if name.endswith(".csv")}
