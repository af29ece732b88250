"""Run the whole pipeline in-process through Dagster and summarise what it did."""

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from connectors.registry import (
    SOURCES,
    SOURCES_VARIABLE,
    SourcePlugin,
    SourceSelectionError,
    all_stream_names,
    enabled_sources,
    source_named,
)
from connectors.stopping import StopToken
from orchestration.config_check import require_valid_configuration
from orchestration.run_control import run_on_worker_thread, stop_on_signals
from orchestration.run_lock import warehouse_lock
from orchestration.settings import (
    SANDBOX_ERASURE_KEY,
    SANDBOX_PII_HASH_KEY,
    load_dotenv_file,
    setting,
)

if TYPE_CHECKING:
    from sandbox import RunningSandbox

DEFAULT_SANDBOX_CRM = SOURCES[0].name  # the first CRM of the registry


def sandbox_sources(crm: str = DEFAULT_SANDBOX_CRM) -> tuple[SourcePlugin, ...]:
    """What a sandbox run reads: the chosen CRM and every telephony and messaging source whose
    models exist (a source still waiting for them cannot be enabled)."""
    chosen = source_named(crm)
    if chosen.kind != "crm":
        raise SourceSelectionError(f"{crm!r} is a {chosen.kind} source, not a CRM")
    return tuple(
        source
        for source in SOURCES
        if source is chosen or (source.kind != "crm" and source.models_ready)
    )


RAW_STREAM_NAMES = frozenset(all_stream_names())


@dataclass(slots=True)
class RunSummary:
    """What a run materialised and checked, for the final console report."""

    success: bool
    elapsed_seconds: float
    streams: list[tuple[str, dict]] = field(default_factory=list)
    models_built: int = 0
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    publication: dict = field(default_factory=dict)
    run_id: str = ""
    errors: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the run stopped early (signal, deadline), None otherwise
    failures: list["StepFailure"] = field(default_factory=list)
    housekeeping: str = ""  # what the success pruned


@dataclass(frozen=True, slots=True)
class StepFailure:
    """A failed step: its key, its kind (``failure_kind``), why, and its stream if an ingest."""

    step: str
    kind: str
    message: str
    stream: str = ""


@contextmanager
def sandbox_environment(
    scale: float,
    seed: int | None,
    crm: str = DEFAULT_SANDBOX_CRM,
    announce: Callable[[str], None] = print,
) -> Iterator[str]:
    """Start the bundled sandbox on a free port and point the sandbox sources at it.

    Yields:
        The sandbox base URL. The process environment is restored afterwards.
    """
    from sandbox import SandboxConfig, start_sandbox

    sources = sandbox_sources(crm)
    # The demo shows every channel. Messaging threads are drawn after the CRM and calls, so
    # turning them on changes no record.
    config = SandboxConfig(scale=scale, messaging=True)
    if seed is not None:
        config = SandboxConfig(scale=scale, seed=seed, messaging=True)
    saved = dict(os.environ)
    with start_sandbox(config) as sandbox:
        try:
            os.environ[SOURCES_VARIABLE] = ",".join(source.name for source in sources)
            for source in sources:
                os.environ.update(source.sandbox_credentials)
                if source.base_url_variable:
                    os.environ[source.base_url_variable] = sandbox.base_url_for(source.name)
            os.environ.setdefault("PII_HASH_KEY", SANDBOX_PII_HASH_KEY)
            os.environ.setdefault("ERASURE_KEY", SANDBOX_ERASURE_KEY)
            push_sandbox_webhooks(sandbox, sources, announce)
            yield sandbox.base_url
        finally:
            os.environ.clear()
            os.environ.update(saved)


def push_sandbox_webhooks(
    sandbox: "RunningSandbox",
    sources: tuple[SourcePlugin, ...],
    announce: Callable[[str], None] = print,
) -> None:
    """For each pushed source, run its receiver while the sandbox sends it the world's events,
    then stop it, so that the ingest finds them landed (in the source's landing folder)."""
    from orchestration.webhooks import LANDING_VARIABLE, receiver_in_thread

    # The events belong to this run's warehouse: unless told otherwise, land them beside it, so
    # that sandbox warehouses elsewhere never ingest each other's leftover segments (with the
    # default warehouse this is the plug-ins' default folder).
    beside = Path(setting("DUCKDB_PATH")).parent / "landing" / "webhooks"
    os.environ.setdefault(LANDING_VARIABLE, str(beside))
    for source in sources:
        if source.webhook is None:
            continue
        settings = source.settings(os.environ)
        token = settings[source.webhook.token_variable]
        with receiver_in_thread(source, settings) as url:
            delivery = sandbox.deliver_webhooks(source.name, url, token)
        announce(f"{source.label}: {delivery.describe()}")


def execute_refresh_job(
    log_level: str = "DEBUG", full_refresh: bool = False, run_id: str | None = None
) -> dg.ExecuteInProcessResult:
    """Materialise every asset (ingest, then dbt) in this process, as the nightly job does.

    Dagster's event log lines go to the run log (orchestration/run_log.py), never the console.
    """
    from orchestration.project import prepare_dbt_manifest
    from orchestration.run_log import run_log_logger

    os.environ.setdefault("DUCKDB_PATH", setting("DUCKDB_PATH"))
    prepare_dbt_manifest()
    # Imported late: the definitions read the manifest that the line above prepared.
    from orchestration.definitions import defs

    job = defs.resolve_job_def("refresh_kpis_job").with_logger_defs({"run_log": run_log_logger})
    return job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_id=run_id,
        run_config={
            "loggers": {"run_log": {"config": {"log_level": log_level}}},
            "ops": {"kpi_dbt_assets": {"config": {"full_refresh": full_refresh}}},
        },
    )


def _step_key(asset_key: str) -> str:
    """The op Dagster runs for an asset: `<vendor>/calls` -> `<vendor>__calls`."""
    return dg.AssetKey(asset_key.split("/")).to_python_identifier()


INGEST_STEPS = {_step_key(name): name for name in RAW_STREAM_NAMES}
DBT_STEP = "kpi_dbt_assets"
PUBLISH_STEP = _step_key("looker_studio/published_exports")
RECONCILIATION_CHECK = "raw_count_matches_source"


def failure_kind(step_key: str, error_class: str, metadata: dict) -> str:
    """What kind of failure a failed step is (orchestration/run_outcome.py maps kinds to exit
    codes): the warehouse held by another program, a source, a data check, the publication, a
    dbt model (``transform``), or anything else (``other``)."""
    if "WarehouseLockedError" in (error_class, metadata.get("error")):
        return "warehouse_locked"
    if step_key in INGEST_STEPS:
        return "source"
    if step_key.endswith(RECONCILIATION_CHECK):
        return "data_check"
    if step_key == DBT_STEP:
        tests_only = metadata.get("failed_tests") and not metadata.get("failed_models")
        return "data_check" if tests_only else "transform"
    if step_key == PUBLISH_STEP:
        return "data_check" if error_class == "PublishValidationError" else "publication"
    return "other"


def summarise(result: dg.ExecuteInProcessResult, elapsed_seconds: float) -> RunSummary:
    """Collect per-stream metadata, dbt model counts and check outcomes from the run's events."""
    summary = RunSummary(
        success=result.success, elapsed_seconds=elapsed_seconds, run_id=result.run_id
    )
    check_descriptions: dict[str, str] = {}  # step -> why its blocking check failed
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.materialization
            key = materialization.asset_key.to_user_string()
            metadata = {name: value.value for name, value in materialization.metadata.items()}
            if key == "looker_studio/published_exports":
                summary.publication = metadata
            elif key in RAW_STREAM_NAMES:
                summary.streams.append((key, metadata))
            else:
                summary.models_built += 1
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            if evaluation.passed:
                summary.checks_passed += 1
            else:
                name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                summary.checks_failed.append(name)
                check_descriptions[event.step_key or ""] = evaluation.description or name
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            _take_step_failure(summary, event, check_descriptions.get(event.step_key or ""))
    return summary


def _take_step_failure(
    summary: RunSummary, event: dg.DagsterEvent, check_description: str | None
) -> None:
    step = event.step_key or "?"
    data = event.step_failure_data
    error = data.error
    message = error.message.strip() if error else "failed"
    if error and error.cls_name == "Failure":  # "dagster.….Failure: why" -> "why"
        message = message.split("Failure: ", 1)[-1]
    user = data.user_failure_data
    metadata = {name: value.value for name, value in (user.metadata if user else {}).items()}
    error_class = error.cls_name if error else ""
    # A wrapped error (dagster's "Error occurred while executing ...") names its cause.
    cause = error.cause if error else None
    while cause is not None and error_class in ("DagsterExecutionStepExecutionError", ""):
        error_class, message = cause.cls_name, cause.message.strip()
        cause = cause.cause
    # A blocking check's step fails with "check failed"; the check's own words say why and how.
    message = check_description or message
    summary.failed_steps.append(step)
    summary.errors.append(f"{step}: {message}"[:500])
    kind = failure_kind(step, error_class or "", metadata)
    summary.failures.append(StepFailure(step, kind, message[:500], INGEST_STEPS.get(step, "")))


def run_pipeline(
    sandbox: bool,
    scale: float = 1.0,
    seed: int | None = None,
    full_refresh: bool = False,
    deadline_minutes: float | None = None,
    crm: str = DEFAULT_SANDBOX_CRM,
    run_id: str | None = None,
    announce: Callable[[str], None] = print,
    watch: Callable[[Sequence[str]], AbstractContextManager[object]] = lambda names: nullcontext(),
) -> RunSummary:
    """Run ingest → dbt → publish on the sandbox or the configured sources; return the summary.

    Before anything is extracted, the configuration is validated and every enabled source and
    publication target is reached once (orchestration/preflight.py, as `kpi-pipeline check`).
    SIGTERM, SIGINT or the deadline stop the run at the next safe point (the current page
    committed with its cursor, nothing published); ``RunSummary.stopped`` then says why.

    Args:
        announce: shows a line to the operator (the sandbox's URL, the checks passed).
        watch: wraps the job, given the streams it syncs in order (the progress display).

    Raises:
        ConfigurationError: missing credentials or invalid settings/seeds, before any extract.
        PreflightError: a source or target cannot be reached or written, before any extract.
        ConcurrentRunError: when another run is writing the same warehouse.
    """
    from orchestration.erasure import require_erasure_key
    from orchestration.preflight import require_reachable

    load_dotenv_file()
    started = time.monotonic()
    require_valid_configuration(real_run=not sandbox)
    token = StopToken(None if deadline_minutes is None else deadline_minutes * 60)
    job = lambda: execute_refresh_job(full_refresh=full_refresh, run_id=run_id)  # noqa: E731
    with warehouse_lock(Path(setting("DUCKDB_PATH"))), stop_on_signals(token):
        # Configuration too, but it reads the warehouse: under the lock, before any connection.
        require_erasure_key(Path(setting("DUCKDB_PATH")).resolve())
        environment = sandbox_environment(scale, seed, crm, announce) if sandbox else nullcontext()
        with environment as url:
            if url:
                announce(f"Sandbox APIs serving at {url} (scale {scale})")
            announce(require_reachable(os.environ))
            sources = enabled_sources(os.environ)
            streams = [name for source in sources for name in source.stream_names]
            with watch(streams):
                result = run_on_worker_thread(job, token)
        housekeeping = prune_after_success() if result.success else ""
    summary = summarise(result, time.monotonic() - started)
    summary.stopped = token.reason
    summary.housekeeping = housekeeping
    return summary


def prune_after_success() -> str:
    """Landing files, old dbt artefacts and run logs of a successful run
    (orchestration/housekeeping.py)."""
    from orchestration.housekeeping import run_housekeeping

    return run_housekeeping(Path(setting("DUCKDB_PATH")).resolve()).describe()
