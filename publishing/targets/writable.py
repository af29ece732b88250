"""Can a file be created in a folder? Tried for real, never inferred from permission bits.

Permission bits say nothing under root, on read-only mounts or with ACLs, so the only honest
answer is to create (and delete) a file. A folder that does not exist yet is judged by the
nearest existing parent it would be created in, and is not created: a check changes nothing.
"""

import tempfile
from pathlib import Path


def nearest_existing(folder: Path) -> Path:
    """``folder`` itself when it exists, else its nearest existing parent."""
    existing = folder.resolve()
    while not existing.exists():
        existing = existing.parent
    return existing


def writable_folder_problem(folder: Path) -> str | None:
    """Why no file can be created in ``folder`` (or where it would be created); None if it can."""
    existing = nearest_existing(folder)
    if not existing.is_dir():
        return f"{existing} is a file, so {folder} cannot be created there"
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".kpi-write-probe-"):
            pass
    except OSError as error:
        return f"cannot write in {existing} ({error.strerror})"
    return None
