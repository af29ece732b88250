"""The files the sales team owns (channel mapping, currency rates, sales targets), read from
wherever the team keeps them.

dbt loads them as seeds. By default it reads the shipped examples in `dbt_project/seeds/`. When a
variable names another file, every dbt build first copies the configured files into `dbt_seeds/`
beside the warehouse and points dbt's `seed-paths` there (the `seed_dir` var of
`dbt_project.yml`). So nobody edits a file inside the project, and dbt, which reloads every seed on
each build, picks up a changed file on the next run. The seeds' declarations (column types and
tests) are the project's, not the team's: they stay in `models/seeds/_seeds__models.yml`, where
dbt finds them whatever the seed folder.
"""

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestration.settings import PROJECT_ROOT

SHIPPED_SEEDS_DIR = PROJECT_ROOT / "dbt_project" / "seeds"
SEED_DECLARATIONS = PROJECT_ROOT / "dbt_project" / "models" / "seeds" / "_seeds__models.yml"
STAGED_SEEDS_FOLDER = "dbt_seeds"
SEED_DIR_VAR = "seed_dir"  # read by seed-paths in dbt_project.yml


@dataclass(frozen=True, slots=True)
class SeedFile:
    """One team-owned file: the dbt seed it becomes and the variable that locates it."""

    name: str
    variable: str
    meaning: str

    @property
    def shipped(self) -> Path:
        """The example shipped with the project, used when the variable is unset."""
        return SHIPPED_SEEDS_DIR / f"{self.name}.csv"

    def path(self, environ: Mapping[str, str] | None = None) -> Path:
        """The file a run reads: the variable's path, else the shipped example."""
        environ = os.environ if environ is None else environ
        value = (environ.get(self.variable) or "").strip()
        return Path(value).expanduser().resolve() if value else self.shipped


SEED_FILES: tuple[SeedFile, ...] = (
    SeedFile(
        "channel_mapping",
        "CHANNEL_MAPPING_FILE",
        "channel per business line (the E.164 number a campaign rings)",
    ),
    SeedFile(
        "currency_rates", "CURRENCY_RATES_FILE", "rate of a deal currency to the reporting one"
    ),
    SeedFile("sales_targets", "SALES_TARGETS_FILE", "monthly sales target per agent e-mail"),
)


def configured_seed_files(environ: Mapping[str, str] | None = None) -> list[SeedFile]:
    """The seed files whose variable points away from the shipped example."""
    return [seed for seed in SEED_FILES if seed.path(environ) != seed.shipped.resolve()]


def staged_seeds_dir(duckdb_path: Path) -> Path:
    """Where a run copies the seed files: beside its warehouse, so two deployments sharing a
    checkout never read each other's files."""
    return Path(duckdb_path).resolve().parent / STAGED_SEEDS_FOLDER


def dbt_seed_args(duckdb_path: Path, environ: Mapping[str, str] | None = None) -> list[str]:
    """The `dbt` arguments that make it read the configured seed files, staged for this build.

    Call it holding the warehouse lock: it rewrites the staged folder. Returns no argument when
    every file is the shipped example, so dbt reads the project's own seeds (and the partial
    parse prepared at setup, made with that path, stays valid).
    """
    if not configured_seed_files(environ):
        return []
    folder = staged_seeds_dir(duckdb_path)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for seed in SEED_FILES:
        shutil.copyfile(seed.path(environ), folder / f"{seed.name}.csv")
    return ["--vars", json.dumps({SEED_DIR_VAR: str(folder)})]
