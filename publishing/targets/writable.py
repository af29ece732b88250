"""Can a file be created in a folder? Tried for real, never inferred from permission bits.

Permission bits say nothing under root, on read-only mounts or with ACLs, so the only honest
answer is to create (and delete) a file. A folder that does not exist yet is judged by the
nearest existing parent it would be created in, and is not created: a check changes nothing.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path


def nearest_existing(folder: Path) -> Path:
    """``folder`` itself when it exists, else its nearest existing parent."""
    existing = folder.resolve()
    while not existing.exists():
        existing = existing.parent
    return existing


@dataclass(frozen=True, slots=True)
class WriteProbe:
    """What trying to create a file in a folder found.

    Attributes:
        judged: the folder, or the nearest existing parent it would be created in.
        is_file: ``judged`` is a file, so the folder cannot be created.
        error: why creating a file failed (the OS's words); None when it worked.
    """

    judged: Path
    is_file: bool = False
    error: str | None = None


def probe_folder(folder: Path) -> WriteProbe:
    """Create (and delete) a file where ``folder``'s files would go; nothing else is changed."""
    existing = nearest_existing(folder)
    if not existing.is_dir():
        return WriteProbe(existing, is_file=True)
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".kpi-write-probe-"):
            pass
    except OSError as error:
        return WriteProbe(existing, error=error.strerror)
    return WriteProbe(existing)


def writable_folder_problem(folder: Path) -> str | None:
    """Why no file can be created in ``folder`` (or where it would be created); None if it can."""
    probe = probe_folder(folder)
    if probe.is_file:
        return f"{probe.judged} is a file, so {folder} cannot be created there"
    if probe.error is not None:
        return f"cannot write in {probe.judged} ({probe.error})"
    return None
