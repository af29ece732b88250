"""Follow a `dbt build` from its structured log: nodes done of total, the node running, failures.

dbt prints one JSON event per line (dagster-dbt asks for `--log-format json`). A node's start is
a `LogStartLine`; every event that carries an ``index`` otherwise is that node's result (model,
seed, test, skip, no-op), whose ``node_info.node_status`` says how it went.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
START_EVENT = "LogStartLine"
MESSAGES_KEPT = 5


@dataclass(frozen=True, slots=True)
class DbtProgress:
    """Where the build stands, reported after each node starts or ends."""

    done: int
    total: int
    current: str
    failures: int


@dataclass(slots=True)
class DbtBuildTracker:
    """Fed every raw dbt event, in order; remembers what failed and why."""

    done: int = 0
    total: int = 0
    current: str = ""
    failed_tests: list[str] = field(default_factory=list)
    failed_nodes: list[str] = field(default_factory=list)  # models, seeds, snapshots
    messages: list[str] = field(default_factory=list)  # dbt's own error lines, first few

    def observe(self, event: Mapping[str, Any]) -> DbtProgress | None:
        """Take one raw event; the progress when it moved the build, else None."""
        info, data = event.get("info", {}), event.get("data", {})
        if "index" not in data:
            # Node results repeat as errors; the run's closing errors say why (a test's count).
            if info.get("level") == "error" and len(self.messages) < MESSAGES_KEPT:
                self.messages.append(_plain(str(info.get("msg", ""))))
            return None
        node = data.get("node_info") or {}
        self.total = int(data.get("total") or data.get("num_models") or self.total)
        name = str(node.get("node_name") or data.get("name") or "")
        if info.get("name") == START_EVENT:
            self.current = name
        else:
            self.done += 1
            if str(node.get("node_status", "")).lower() in FAILED_STATUSES:
                is_test = node.get("resource_type") == "test"
                (self.failed_tests if is_test else self.failed_nodes).append(name)
        return self.progress()

    def progress(self) -> DbtProgress:
        """The build as it stands."""
        failures = len(self.failed_tests) + len(self.failed_nodes)
        return DbtProgress(self.done, self.total, self.current, failures)

    def failure_description(self) -> str:
        """Why the build failed, in one line: which tests and models, then dbt's first words."""
        parts = []
        if self.failed_tests:
            parts.append(
                f"{len(self.failed_tests)} data test(s) failed: {_names(self.failed_tests)}"
            )
        if self.failed_nodes:
            parts.append(f"{len(self.failed_nodes)} model(s) failed: {_names(self.failed_nodes)}")
        detail = "; ".join(message for message in self.messages if message)
        if detail:
            parts.append(f"dbt says: {detail}")
        return "dbt build: " + (". ".join(parts) or "dbt exited with an error (see the run log)")


def _names(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _plain(text: str) -> str:
    """dbt's message without colour codes, on one line."""
    return " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())[:300]
