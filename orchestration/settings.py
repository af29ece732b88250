"""Environment-driven settings: names, defaults, and the check that fails before any extract."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, str] = {
    "DUCKDB_PATH": str(PROJECT_ROOT / "data" / "warehouse.duckdb"),
    "REPORTING_TIMEZONE": "Europe/Paris",
    "REPORTING_CURRENCY": "EUR",
    "DEFAULT_PHONE_REGION": "FR",
    "FIRST_TOUCH_GRACE_HOURS": "24",
    "EXPORT_DIR": str(PROJECT_ROOT / "data" / "exports"),
    "LOOKER_GCS_BUCKET": "",
    "LOOKER_GCS_PREFIX": "looker",
    "LOOKER_PG_SCHEMA": "looker",
    "LOOKER_PG_READER_ROLE": "looker_reader",
    "LANDING_RETENTION_DAYS": "0",
    "DBT_TARGET_RUNS_KEPT": "3",
    "RUN_LOG_DIR": "",  # empty: logs/ beside DUCKDB_PATH
    "RUN_LOGS_KEPT": "30",
    "READER_DUCKDB_PATH": "",  # empty: EXPORT_DIR/kpis.duckdb
    "DUCKDB_LOCK_ATTEMPTS": "6",
    "DUCKDB_LOCK_WAIT_SECONDS": "30",
    # What dbt's DuckDB may hold in memory before it spills to disk (dbt_project/profiles.yml).
    "DUCKDB_MEMORY_LIMIT": "3GB",
    # Empty: no deadline. Minutes after which `kpi-pipeline run` stops like on SIGTERM.
    "RUN_DEADLINE_MINUTES": "",
    "ALERT_WEBHOOK_URL": "",
}

# Secrets a real run cannot do without, whatever its sources; each source plug-in declares its
# own credentials (connectors/registry.py).
REQUIRED_FOR_REAL_RUN: dict[str, str] = {
    "PII_HASH_KEY": "secret key for pseudonymising customer ids (any long random string)",
}

# Synthetic data only: a fixed key keeps sandbox exports byte-identical across runs. Real runs
# refuse to start without their own PII_HASH_KEY.
SANDBOX_PII_HASH_KEY = "sandbox-only-key-not-for-real-data"
# The erasure register's key (orchestration/erasure.py); the same rule as the key above.
SANDBOX_ERASURE_KEY = "sandbox-only-erasure-key-not-for-real-data"


class MissingConfigurationError(RuntimeError):
    """Raised when required environment variables are absent; names every one of them."""


@dataclass(frozen=True, slots=True)
class MissingVariable:
    name: str
    meaning: str


def setting(name: str, environ: Mapping[str, str] | None = None) -> str:
    """Return an environment setting, falling back to the documented default.

    Args:
        name: the variable name, one of DEFAULTS' keys.
        environ: the environment to read (os.environ by default).

    Returns:
        The value, stripped; the default when unset or empty.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(name, "").strip()
    return value or DEFAULTS.get(name) or source_option_defaults().get(name, "")


def source_option_defaults() -> dict[str, str]:
    """The defaults the source plug-ins declare for their options (base URLs and the like)."""
    from connectors.registry import SOURCES

    return {item.name: item.default for source in SOURCES for item in source.options}


def missing_variables(environ: Mapping[str, str] | None = None) -> list[MissingVariable]:
    """The variables a real run lacks, in a stable order: the credentials still unset of every
    source that is partly configured (or named in SOURCES), then the project's own secrets."""
    from connectors.registry import SOURCES, named_sources

    environ = os.environ if environ is None else environ
    named = set(named_sources(environ))
    missing = [
        MissingVariable(item.name, f"{source.label}: {item.meaning}")
        for source in SOURCES
        if source.name in named
        or any(environ.get(item.name, "").strip() for item in source.credentials)
        for item in source.missing_credentials(environ)
    ]
    return missing + [
        MissingVariable(name, meaning)
        for name, meaning in REQUIRED_FOR_REAL_RUN.items()
        if not environ.get(name, "").strip()
    ]


def source_problems(environ: Mapping[str, str] | None = None) -> list[str]:
    """Why the enabled sources cannot make a real run: unknown names in SOURCES, or no CRM, or
    no telephony or messaging source (the credentials of each candidate named)."""
    from connectors.registry import SourceSelectionError, enabled_sources, kind_problems

    environ = os.environ if environ is None else environ
    try:
        sources = enabled_sources(environ)
    except SourceSelectionError as error:
        return [f"SOURCES: {error}"]
    return kind_problems(sources)


def require_real_run_configuration(environ: Mapping[str, str] | None = None) -> None:
    """Fail before any extract when a real run lacks credentials.

    Raises:
        MissingConfigurationError: naming every missing variable and where to set it.
    """
    environ = os.environ if environ is None else environ
    missing = missing_variables(environ)
    problems = [f"{item.name}: {item.meaning}" for item in missing] + source_problems(environ)
    if not problems:
        return
    lines = "\n".join(f"  {problem}" for problem in problems)
    raise MissingConfigurationError(
        "Cannot run against the real sources; these settings are missing:\n"
        f"{lines}\n"
        "Set them in the environment or in a .env file (see .env.example), "
        "or run the built-in demo with `kpi-pipeline run --sandbox`."
    )


def load_dotenv_file(path: Path | None = None) -> None:
    """Load `.env` (if present) without overriding variables already set in the environment."""
    from dotenv import load_dotenv

    load_dotenv(path or PROJECT_ROOT / ".env", override=False)
