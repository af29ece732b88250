"""The dbt project as Dagster sees it; the manifest is prepared at setup time, not on import."""

import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import PROJECT_ROOT, setting

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

# The dbt installed beside this interpreter: a venv's bin/ is often not on PATH (cron, Dagster
# daemon, `.venv/bin/kpi-pipeline` called directly).
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

# Unit tests check the models' code on fixed inputs, so a nightly run would only repeat what
# CI proved on the same code (dbt's own advice: run them in development and CI). They are
# about a fifth of a nightly build's test time; data tests, which audit the data, all run.
PRODUCTION_EXCLUDES = ["--exclude-resource-type", "unit_test"]


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_dbt_manifest(force: bool = False) -> Path:
    """Write `target/manifest.json` (`dbt parse`) when missing or older than the project files.

    `dagster dev` re-parses on its own; the CLI, tests and deployments call this once at setup so
    that importing the definitions never runs dbt.
    """
    import os

    if force or manifest_is_stale():
        # profiles.yml reads DUCKDB_PATH; parsing needs a value even though it opens nothing.
        os.environ.setdefault("DUCKDB_PATH", setting("DUCKDB_PATH"))
        # Not dbt_project.preparer: it looks for `dbt` on PATH, which a venv often is not.
        subprocess.run(
            [
                DBT_EXECUTABLE,
                "parse",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
            ],
            check=True,
        )
    return dbt_project.manifest_path


def manifest_is_stale() -> bool:
    """True when the manifest is missing or older than any file of the dbt project."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = ("models", "macros", "seeds", "tests", "snapshots", "dbt_project.yml")
    for name in sources:
        path = DBT_PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*") if path.exists() else []
        if any(file.is_file() and file.stat().st_mtime > built for file in files):
            return True
    return False
