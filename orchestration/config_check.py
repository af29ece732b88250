"""Configuration checked before any extract: every problem one line naming what to fix.

`kpi-pipeline run` calls ``require_valid_configuration`` first, so a wrong time zone, currency,
phone region, URL, unwritable folder or seed file stops the run in a second with all the problems
listed together, instead of a traceback after a full ingest.
"""

import csv
import os
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from orchestration.seed_files import (
    SEED_DECLARATIONS,
    SEED_FILES,
    SHIPPED_SEEDS_DIR,
    configured_seed_files,
)
from orchestration.settings import (
    MissingConfigurationError,
    missing_variables,
    setting,
    source_problems,
)
from publishing.targets.writable import probe_folder

SEEDS_DIR = SHIPPED_SEEDS_DIR
SEEDS_SCHEMA = SEED_DECLARATIONS


class ConfigurationError(MissingConfigurationError):
    """One or more settings or seed files are invalid; the message lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(
            f"Invalid configuration, nothing was extracted; fix these:\n{lines}\n"
            "Set variables in the environment or in a .env file (see .env.example); "
            "`kpi-pipeline run --sandbox` runs the built-in demo without accounts."
        )


def setting_problems(environ: Mapping[str, str], check_urls: bool = True) -> list[str]:
    """The problems of the reporting settings, URLs and writable paths, one line each."""
    problems = [
        _timezone_problem(setting("REPORTING_TIMEZONE", environ)),
        _currency_problem(setting("REPORTING_CURRENCY", environ)),
        _region_problem(setting("DEFAULT_PHONE_REGION", environ)),
        _grace_problem(setting("FIRST_TOUCH_GRACE_HOURS", environ)),
        _deadline_problem(setting("RUN_DEADLINE_MINUTES", environ)),
        _memory_limit_problem(setting("DUCKDB_MEMORY_LIMIT", environ)),
        _folder_problem("DUCKDB_PATH", Path(setting("DUCKDB_PATH", environ)).parent, "folder of"),
        _folder_problem("EXPORT_DIR", Path(setting("EXPORT_DIR", environ)), ""),
    ]
    if check_urls:
        urls = base_url_variables(environ)
        problems += [_url_problem(name, setting(name, environ)) for name in urls]
        problems += _source_option_problems(environ)
    return [problem for problem in problems if problem]


def base_url_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """The base-URL variables of the enabled sources."""
    from connectors.registry import SourceSelectionError, enabled_sources

    try:
        sources = enabled_sources(os.environ if environ is None else environ)
    except SourceSelectionError:
        return []  # reported by source_problems
    return [source.base_url_variable for source in sources if source.base_url_variable]


def _source_option_problems(environ: Mapping[str, str]) -> list[str]:
    """Whole-number options (days, minutes) of every registered source that are set."""
    from connectors.registry import SOURCES

    problems = []
    for source in SOURCES:
        for item in source.options:
            value = (environ.get(item.name) or "").strip()
            if value and item.default.isdigit() and not value.isdigit():
                problems.append(
                    f"{item.name}={value!r}: must be a whole number, 0 or more ({item.meaning})"
                )
    return problems


def _timezone_problem(value: str) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"REPORTING_TIMEZONE={value!r}: not an IANA time zone (e.g. Europe/Paris, UTC)"
    return None


def _currency_problem(value: str) -> str | None:
    if re.fullmatch(r"[A-Z]{3}", value):
        return None
    return f"REPORTING_CURRENCY={value!r}: must be a 3-letter ISO 4217 code in capitals (e.g. EUR)"


def _region_problem(value: str) -> str | None:
    import phonenumbers

    if value in phonenumbers.SUPPORTED_REGIONS:
        return None
    return f"DEFAULT_PHONE_REGION={value!r}: not a region code phonenumbers knows (e.g. FR, GB)"


def _grace_problem(value: str) -> str | None:
    # dbt casts it to an integer number of hours: a fraction would be rounded silently.
    if value.isdigit():
        return None
    return f"FIRST_TOUCH_GRACE_HOURS={value!r}: must be a whole number of hours, 0 or more"


def _deadline_problem(value: str) -> str | None:
    if not value or deadline_minutes(value) is not None:
        return None
    return f"RUN_DEADLINE_MINUTES={value!r}: must be a number of minutes above 0, or unset"


# DuckDB's own spellings: a size with its unit, or a share of the machine's RAM.
_MEMORY_LIMIT = re.compile(r"(?P<number>\d+(\.\d+)?)\s*(?P<unit>%|[KMGT]i?B)", re.IGNORECASE)


def _memory_limit_problem(value: str) -> str | None:
    # dbt only reads it when the build opens DuckDB, after the whole ingest: check it first.
    found = _MEMORY_LIMIT.fullmatch(value.strip())
    if found and (found["unit"] != "%" or 0 < float(found["number"]) <= 100):
        return None
    return (
        f"DUCKDB_MEMORY_LIMIT={value!r}: must be a size such as 3GB or 4GiB, "
        "or a share of RAM such as 50%"
    )


def deadline_minutes(value: str) -> float | None:
    """RUN_DEADLINE_MINUTES as a positive number of minutes, None when unset or invalid."""
    try:
        minutes = float(value)
    except ValueError:
        return None
    return minutes if minutes > 0 and minutes != float("inf") else None


def _url_problem(name: str, value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.hostname:
        return None
    return f"{name}={value!r}: must be an http:// or https:// URL with a host"


def _folder_problem(name: str, folder: Path, role: str) -> str | None:
    """A folder is fine when it, or the nearest existing parent it would be created in, takes a
    new file (tried for real: permission bits say nothing under root or on read-only mounts)."""
    probe = probe_folder(folder)
    label = f"{role} {name}".strip()
    if probe.is_file:
        return f"{name}: {probe.judged} is a file, so the {label} cannot be created there"
    if probe.error is not None:
        return f"{name}: cannot write in {probe.judged} ({probe.error}); make the {label} writable"
    return None


def seed_problems(
    seeds_dir: Path | None = None,
    schema: Path = SEEDS_SCHEMA,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """Each seed's header must equal its declared columns (names, order) and each value parse as
    the declared type: dbt would otherwise load an existing table's columns by position.

    Args:
        seeds_dir: a folder holding every seed file; by default each file is read where its
            variable (CHANNEL_MAPPING_FILE, ...) points, else the shipped example.
        schema: the seed declarations.
        environ: the environment naming the files (os.environ by default).
    """
    try:
        declared = yaml.safe_load(schema.read_text(encoding="utf-8"))["seeds"]
    except (OSError, KeyError, TypeError, yaml.YAMLError) as error:
        return [f"{schema}: cannot read the seed declarations ({error})"]
    files = {seed.name: seed for seed in SEED_FILES}
    configured = {seed.name for seed in configured_seed_files(environ)}
    problems: list[str] = []
    for seed in declared:
        column_types = (seed.get("config") or {}).get("column_types") or {}
        name = seed["name"]
        if seeds_dir is not None or name not in files:
            path = (seeds_dir or SEEDS_DIR) / f"{name}.csv"
            label = str(path)
        else:
            path = files[name].path(environ)
            label = f"{files[name].variable} ({path})" if name in configured else str(path)
        problems += _seed_file_problems(path, column_types, label)
    return problems


def _seed_file_problems(path: Path, column_types: Mapping[str, str], label: str) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return [f"{label}: cannot read ({error})"]
    expected = list(column_types)
    header = [name.strip() for name in rows[0]] if rows else []
    if header != expected:
        found = ",".join(header) or "(empty)"
        return [f"{label}: header is {found}; expected {','.join(expected)}"]
    problems = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(expected):
            problems.append(f"{label} line {number}: {len(row)} values for {len(expected)} columns")
            continue
        for column, value in zip(expected, row, strict=True):
            if value.strip() and not _parses_as(value.strip(), column_types[column]):
                kind = column_types[column]
                problems.append(f"{label} line {number}: {column}={value!r} is not a {kind}")
    return problems


def _parses_as(value: str, sql_type: str) -> bool:
    kind = sql_type.lower().split("(")[0].strip()
    try:
        if kind == "date":
            date.fromisoformat(value)
        elif kind in ("decimal", "numeric", "double", "float", "real"):
            float(value)
        elif kind in ("integer", "int", "bigint", "smallint"):
            int(value)
        elif kind == "boolean":
            return value.lower() in ("true", "false")
    except ValueError:
        return False
    return True


def require_valid_configuration(
    environ: Mapping[str, str] | None = None, real_run: bool = True
) -> None:
    """Check credentials (real runs), every setting and every seed file before any extract.

    Args:
        environ: the environment to read (os.environ by default).
        real_run: False on sandbox runs, which bring their own credentials and URLs.

    Raises:
        ConfigurationError: listing every problem, one line each.
    """
    environ = os.environ if environ is None else environ
    problems = []
    if real_run:
        missing = missing_variables(environ)
        problems += [f"{item.name}: not set ({item.meaning})" for item in missing]
        problems += source_problems(environ)
    problems += setting_problems(environ, check_urls=real_run) + seed_problems(environ=environ)
    if problems:
        raise ConfigurationError(problems)
