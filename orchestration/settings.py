"""Environment-driven settings: names, defaults, and the check that fails before any extract."""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, str] = {
    "HUBSPOT_BASE_URL": "https://api.hubapi.com",
    "AIRCALL_BASE_URL": "https://api.aircall.io",
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
    "FULL_KEY_RECONCILIATION_DAYS": "7",
    "LANDING_RETENTION_DAYS": "0",
    "DBT_TARGET_RUNS_KEPT": "3",
    "READER_DUCKDB_PATH": "",  # empty: EXPORT_DIR/kpis.duckdb
    "DUCKDB_LOCK_ATTEMPTS": "6",
    "DUCKDB_LOCK_WAIT_SECONDS": "30",
    # Empty: no deadline. Minutes after which `kpi-pipeline run` stops like on SIGTERM.
    "RUN_DEADLINE_MINUTES": "",
    "ALERT_WEBHOOK_URL": "",
}

# Secrets a real run cannot do without; each maps to the source that needs it.
REQUIRED_FOR_REAL_RUN: dict[str, str] = {
    "HUBSPOT_ACCESS_TOKEN": "HubSpot private-app access token",
    "AIRCALL_API_ID": "Aircall API ID",
    "AIRCALL_API_TOKEN": "Aircall API token",
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
    return value or DEFAULTS.get(name, "")


def missing_variables(environ: Mapping[str, str] | None = None) -> list[MissingVariable]:
    """List the required variables a real run lacks, in a stable order."""
    environ = os.environ if environ is None else environ
    return [
        MissingVariable(name, meaning)
        for name, meaning in REQUIRED_FOR_REAL_RUN.items()
        if not environ.get(name, "").strip()
    ]


def require_real_run_configuration(environ: Mapping[str, str] | None = None) -> None:
    """Fail before any extract when a real run lacks credentials.

    Raises:
        MissingConfigurationError: naming every missing variable and where to set it.
    """
    missing = missing_variables(environ)
    if not missing:
        return
    lines = "\n".join(f"  {item.name}: {item.meaning}" for item in missing)
    raise MissingConfigurationError(
        "Cannot run against the real sources; these environment variables are not set:\n"
        f"{lines}\n"
        "Set them in the environment or in a .env file (see .env.example), "
        "or run the built-in demo with `kpi-pipeline run --sandbox`."
    )


def load_dotenv_file(path: Path | None = None) -> None:
    """Load `.env` (if present) without overriding variables already set in the environment."""
    from dotenv import load_dotenv

    load_dotenv(path or PROJECT_ROOT / ".env", override=False)
