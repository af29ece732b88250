"""The "test connection" step: configuration valid, every source and target reached once.

`kpi-pipeline check` prints every line; `kpi-pipeline run` makes the same checks (the
configuration first, then the connections inside the sandbox's environment on a sandbox run)
and extracts nothing until all of them pass. A source costs one cheap GET (its plug-in's
``check``: credentials and base URL); a target is written and cleaned up without changing what
its readers see. None of it retries for long: a wrong URL answers in seconds.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from connectors.errors import ConnectorError
from connectors.registry import SourceSelectionError, enabled_sources
from connectors.transport import RetryPolicy, Transport
from orchestration.config_check import ConfigurationError, require_valid_configuration

# One retry for a blip, no minutes of backoff, and a refused connection fails at once.
CHECK_TRANSPORT = Transport(
    retry=RetryPolicy(
        max_attempts=2,
        backoff_seconds=0.5,
        max_backoff_seconds=1.0,
        max_wait_seconds=5.0,
        unreachable_attempts=1,
    )
)
KINDS = ("configuration", "source", "target")
LOGGER = logging.getLogger(__name__)  # the order of the lines, and of exit codes


@dataclass(frozen=True, slots=True)
class CheckLine:
    """One item checked: OK with what was proved, or the problem and what to fix."""

    kind: str
    item: str
    problem: str | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem is None


class PreflightError(RuntimeError):
    """A source or target failed its check, so nothing was extracted; ``failed`` lists them."""

    def __init__(self, failed: list[CheckLine]) -> None:
        self.failed = failed
        super().__init__("; ".join(f"{line.item}: {line.problem}" for line in failed))

    @property
    def kind(self) -> str:
        """The first kind that failed, in KINDS order (it decides the exit code)."""
        return next(kind for kind in KINDS if any(line.kind == kind for line in self.failed))


def configuration_lines(environ: Mapping[str, str], real_run: bool = True) -> list[CheckLine]:
    """One line per configuration problem, or one OK line."""
    try:
        require_valid_configuration(environ, real_run=real_run)
    except ConfigurationError as error:
        return [CheckLine("configuration", "configuration", problem) for problem in error.problems]
    return [CheckLine("configuration", "configuration", detail="settings and seed files valid")]


def source_lines(environ: Mapping[str, str]) -> list[CheckLine]:
    """One line per enabled source whose credentials are all set (the configuration lines name
    the missing ones)."""
    try:
        sources = enabled_sources(environ)
    except SourceSelectionError:
        return []  # reported by the configuration lines
    lines = []
    for source in sources:
        if source.missing_credentials(environ):
            continue
        item = f"source {source.label}"
        try:
            detail = source.check_connection(environ, CHECK_TRANSPORT)
        except ConnectorError as error:
            lines.append(CheckLine("source", item, str(error)))
        else:
            lines.append(CheckLine("source", item, detail=detail))
    return lines


def target_lines() -> list[CheckLine]:
    """One line per publication target the run would publish to."""
    from orchestration.resources import PublishResource
    from publishing.targets.base import TargetUnavailableError

    lines = []
    for target, variables in PublishResource().configured_targets():
        item = f"target {target.describe()}"
        try:
            detail = target.check()
        except TargetUnavailableError as error:
            lines.append(CheckLine("target", item, f"{error} (check {variables})"))
        except Exception as error:  # a check must report, whatever the client library raises
            lines.append(
                CheckLine("target", item, f"{type(error).__name__}: {error} (check {variables})")
            )
        else:
            lines.append(CheckLine("target", item, detail=detail))
    return lines


def connection_lines(environ: Mapping[str, str]) -> list[CheckLine]:
    """Every source, then every target."""
    return source_lines(environ) + target_lines()


def check_lines(environ: Mapping[str, str]) -> list[CheckLine]:
    """Everything `kpi-pipeline check` reports: configuration, sources, targets."""
    return configuration_lines(environ) + connection_lines(environ)


def format_lines(lines: list[CheckLine]) -> list[str]:
    """``OK    <item>: <what was proved>`` or ``FAIL  <item>: <what to fix>``."""
    return [
        f"{'OK' if line.ok else 'FAIL':<4}  {line.item}: {line.detail or line.problem}"
        for line in lines
    ]


def require_reachable(environ: Mapping[str, str]) -> str:
    """Reach every enabled source and target once, before any extract.

    Returns:
        One line saying what passed.

    Raises:
        PreflightError: listing every source and target that failed.
    """
    lines = connection_lines(environ)
    for line in format_lines(lines):
        LOGGER.info(line)
    if failed := [line for line in lines if not line.ok]:
        raise PreflightError(failed)
    sources = sum(line.kind == "source" for line in lines)
    targets = len(lines) - sources
    return (
        f"Checks passed: configuration, {sources} source(s) reached, {targets} target(s) writable"
    )
