"""Publish work folders: named after their process, swept once that process is gone.

``tempfile.TemporaryDirectory`` removes its folder on every exit Python sees, but a publish killed
by SIGKILL, the OOM killer or a power cut leaves ``kpi-publish-*`` behind with a full copy of the
exports. Each folder carries its creator's pid, so the next publish can remove the folders of
dead processes without ever touching one a live publish is writing.
"""

import contextlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

WORK_DIR_PREFIX = "kpi-publish-"
# Folders from before pids were in the name: no publish takes this long.
UNNAMED_MAX_AGE_SECONDS = 24 * 3600
_PID_NAME = re.compile(rf"^{re.escape(WORK_DIR_PREFIX)}(\d+)-")


def work_dir_prefix() -> str:
    """The ``tempfile`` prefix of this process's publish work folders."""
    return f"{WORK_DIR_PREFIX}{os.getpid()}-"


def process_is_alive(pid: int) -> bool:
    """True when a process with this pid exists (whoever owns it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_work_dirs(parent: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove the publish work folders left by processes that no longer run.

    Args:
        parent: where publish creates them (PublishConfig.work_dir); the system temp dir if None.
        now: the current time (epoch seconds), for tests.

    Returns:
        The folders removed.
    """
    root = Path(parent or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed: list[Path] = []
    for folder in root.glob(f"{WORK_DIR_PREFIX}*"):
        if folder.is_dir() and _is_stale(folder, now):
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)
                removed.append(folder)
    return removed


def _is_stale(folder: Path, now: float) -> bool:
    match = _PID_NAME.match(folder.name)
    if match:
        return int(match.group(1)) != os.getpid() and not process_is_alive(int(match.group(1)))
    try:
        return now - folder.stat().st_mtime > UNNAMED_MAX_AGE_SECONDS
    except OSError:
        return False
