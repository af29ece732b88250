"""Where the KPI dashboard of the current publication is written, for the CLI and the run."""

from collections.abc import Callable
from pathlib import Path

from orchestration.settings import setting

DASHBOARD_FILE = "dashboard.html"


def default_exports_folder() -> Path:
    """The visible CSV publication: ``EXPORT_DIR/current``."""
    return Path(setting("EXPORT_DIR")) / "current"


def default_dashboard_path() -> Path:
    """Next to the publication, outside its versioned folders: ``EXPORT_DIR/dashboard.html``."""
    return Path(setting("EXPORT_DIR")) / DASHBOARD_FILE


def refresh_dashboard(log: Callable[[str], None], error: Callable[[str], None]) -> str:
    """Redraw the dashboard after a publication; a failure is reported, never raised, because
    the publication it would describe has already been swapped in.

    Returns:
        The path written, or an empty string when drawing failed.
    """
    from publishing.dashboard import write_dashboard

    try:
        path = write_dashboard(default_exports_folder(), default_dashboard_path())
    except Exception as failure:  # any failure here must not look like a failed publication
        error(f"the dashboard could not be drawn ({failure}); run `kpi-pipeline report` to retry")
        return ""
    log(f"Dashboard: {path}")
    return str(path)
