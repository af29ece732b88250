"""The dbt project as Dagster sees it; the manifest is prepared at setup time, not on import."""

import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import PROJECT_ROOT, setting

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

# The dbt installed beside this interpreter: a venv's bin/ is often not on PATH (cron, Dagster
# daemon, `.venv/bin/kpi-pipeline` called directly).
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prepare_dbt_manifest(force: bool = False) -> Path:
    """Write `target/manifest.json` (`dbt parse`) unless it already exists.

    `dagster dev` re-parses on its own; the CLI, tests and deployments call this once at setup so
    that importing the definitions never runs dbt.
    """
    import os

    if force or not dbt_project.manifest_path.exists():
        # profiles.yml reads DUCKDB_PATH; parsing needs a value even though it opens nothing.
        os.environ.setdefault("DUCKDB_PATH", setting("DUCKDB_PATH"))
        dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path
