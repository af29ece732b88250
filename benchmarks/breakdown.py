"""Node-level breakdown of a `dbt build` (run_results.json): models vs tests vs dbt itself."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def node_breakdown(run_results: Path, wall_seconds: float, top: int = 8) -> dict[str, Any]:
    """Summed node times per kind, the span in which nodes ran, dbt's own time, slowest nodes.

    With threads: 2 node times overlap, so their sum can exceed the span; ``dbt_own_s`` is the
    wall time outside that span (start-up, parsing, manifest, writing artefacts).
    """
    results = json.loads(run_results.read_text())["results"]
    per_kind: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    starts, ends, nodes = [], [], []
    for result in results:
        kind = result["unique_id"].split(".")[0]
        per_kind[kind] += result["execution_time"]
        counts[kind] += 1
        nodes.append((result["execution_time"], result["unique_id"]))
        for step in result.get("timing") or []:
            if step.get("started_at") and step.get("completed_at"):
                starts.append(_instant(step["started_at"]))
                ends.append(_instant(step["completed_at"]))
    span = (max(ends) - min(starts)).total_seconds() if starts else 0.0
    slowest = sorted(nodes, reverse=True)[:top]
    return {
        "sum_s": {kind: round(seconds, 1) for kind, seconds in sorted(per_kind.items())},
        "count": dict(sorted(counts.items())),
        "node_span_s": round(span, 1),
        "dbt_own_s": round(wall_seconds - span, 1),
        "slowest": [[round(seconds, 2), node.split(".", 2)[-1]] for seconds, node in slowest],
    }
