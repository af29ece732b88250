"""`kpi-pipeline forget`: erase a person everywhere, then rebuild the marts and republish.

connectors/forget.py scrubs raw and landing and records the person in the erasure register; the
marts hold only pseudonymised ``customer_key`` values, but those are HMACs of the erased contact
id and the intermediate models hold raw phone strings, so the honest path is a full rebuild from
the scrubbed raw layer and a new publication on every target. It publishes twice: targets keep
the previous version for rollback, and that one still held the person.
"""

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from connectors.erasure import ErasureConfig, ErasureKeyError, load_scrubber
from connectors.forget import ErasureReport, Subject, forget
from orchestration.project import DBT_EXECUTABLE, DBT_PROJECT_DIR
from orchestration.run_lock import warehouse_lock
from orchestration.seed_files import dbt_seed_args
from orchestration.settings import MissingConfigurationError, setting

ERASURE_KEY_VARIABLE = "ERASURE_KEY"


def erasure_config(required: bool = False) -> ErasureConfig | None:
    """The erasure register's key from ERASURE_KEY, None when unset.

    Raises:
        MissingConfigurationError: when ``required`` and ERASURE_KEY is not set.
    """
    key = os.environ.get(ERASURE_KEY_VARIABLE, "").strip()
    if not key:
        if required:
            raise MissingConfigurationError(
                f"{ERASURE_KEY_VARIABLE} is not set: the erasure register needs its own secret "
                "key (any long random string, kept like PII_HASH_KEY and never rotated with it)"
            )
        return None
    return ErasureConfig(key.encode("utf-8"), setting("DEFAULT_PHONE_REGION"))


def require_erasure_key(duckdb_path: Path) -> None:
    """Refuse a run before any extract when the register could not be enforced.

    Raises:
        MissingConfigurationError: people were erased but ERASURE_KEY is unset or another key.
    """
    if not duckdb_path.exists():
        return
    try:
        with duckdb.connect(str(duckdb_path)) as con:
            load_scrubber(con, erasure_config())
    except ErasureKeyError as error:
        raise MissingConfigurationError(str(error)) from error


@dataclass(slots=True)
class ForgetOutcome:
    """The erasure report plus what happened downstream of raw."""

    erasure: ErasureReport
    rebuilt: bool = False
    publications: list[str] = field(default_factory=list)
    problem: str = ""

    def lines(self) -> list[str]:
        """What ``kpi-pipeline forget`` prints."""
        out = self.erasure.lines()
        out.append("marts: rebuilt from scratch" if self.rebuilt else "marts: NOT rebuilt")
        out += [f"published {version}" for version in self.publications]
        if self.problem:
            out.append(f"error: {self.problem}")
        return out


def forget_everywhere(
    subject: Subject, republish: bool = True, log: Callable[[str], None] = print
) -> ForgetOutcome:
    """Erase the subject from landing and raw, rebuild every model, republish every target.

    Raises:
        MissingConfigurationError: ERASURE_KEY or PII_HASH_KEY is not set.
        ErasureKeyError: ERASURE_KEY is not the register's key.
        ConcurrentRunError: a run is writing the warehouse.
    """
    config = erasure_config(required=True)
    assert config is not None
    if not os.environ.get("PII_HASH_KEY", "").strip():
        raise MissingConfigurationError("PII_HASH_KEY is not set: the marts cannot be rebuilt")
    duckdb_path = Path(setting("DUCKDB_PATH")).resolve()
    with warehouse_lock(duckdb_path):
        outcome = ForgetOutcome(forget(duckdb_path, config, subject))
        log("raw and landing scrubbed; rebuilding every model (dbt build --full-refresh)")
        problem = rebuild_marts(duckdb_path)
        if problem:
            outcome.problem = f"{problem}; rerun `kpi-pipeline run --full-refresh` to finish"
            return outcome
        outcome.rebuilt = True
        if republish:
            outcome.publications = republish_twice(duckdb_path, log)
    return outcome


def rebuild_marts(duckdb_path: Path) -> str:
    """`dbt build --full-refresh` on the scrubbed raw layer; returns '' or what failed."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = DBT_PROJECT_DIR / "target" / f"erasure-{stamp}"
    command = [
        DBT_EXECUTABLE, "build", "--full-refresh", "--quiet",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target), "--log-path", str(target / "logs"),
        *dbt_seed_args(duckdb_path),  # the team's configured seed files, as in every run
    ]  # fmt: skip
    environment = os.environ | {"DUCKDB_PATH": str(duckdb_path)}
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        return "dbt build failed: " + " | ".join(tail)
    return ""


def republish_twice(duckdb_path: Path, log: Callable[[str], None]) -> list[str]:
    """Publish, then publish again so the rollback copy on each target is clean too."""
    from orchestration.resources import PublishResource

    publisher = PublishResource()
    return [publisher.publish(duckdb_path, log=log).version for _ in range(2)]
