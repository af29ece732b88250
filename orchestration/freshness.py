"""Freshness SLA that fires in open-source Dagster: a check per raw stream and the publication,
evaluated by a sensor every few minutes, alerting once per stale episode.

The FreshnessPolicy on the assets feeds the UI's freshness status (dagster.yaml enables the
daemon that evaluates it), but open-source Dagster sends no alert for it. This sensor does: when a
raw stream or the publication was last materialized more than 26 h ago (the 02:00 run skipped or
failed), it records a failed `fresh_within_sla` check and posts ALERT_WEBHOOK_URL.
"""

import json
import time
from collections.abc import Sequence
from datetime import timedelta

import dagster as dg

from connectors.registry import all_stream_names
from orchestration.alerts import alert_payload, post_alert
from orchestration.settings import setting

FRESHNESS_SLA = timedelta(hours=26)
CHECK_NAME = "fresh_within_sla"
SENSOR_INTERVAL_SECONDS = 300
PUBLICATION_KEY = dg.AssetKey(["looker_studio", "published_exports"])
MONITORED_KEYS: tuple[dg.AssetKey, ...] = (
    # Every registered source's streams: one never materialized (disabled) is never judged.
    *(dg.AssetKey(stream.split("/")) for stream in all_stream_names()),
    PUBLICATION_KEY,
)


def _now() -> float:
    """The sensor's clock (replaced by tests to stand a day later)."""
    return time.time()


def last_materialized(instance: dg.DagsterInstance, key: dg.AssetKey) -> float | None:
    """Epoch seconds of the asset's latest materialization, None if it never materialized."""
    event = instance.get_latest_materialization_event(key)
    return None if event is None else event.timestamp


def freshness_evaluations(
    instance: dg.DagsterInstance,
    now: float,
    keys: Sequence[dg.AssetKey] = MONITORED_KEYS,
    sla: timedelta = FRESHNESS_SLA,
) -> list[dg.AssetCheckEvaluation]:
    """One check evaluation per asset materialized at least once: failed when older than ``sla``.

    An asset never materialized is not judged: before the first run there is nothing to be late.
    """
    evaluations = []
    for key in keys:
        updated = last_materialized(instance, key)
        if updated is None:
            continue
        age_hours, sla_hours = (now - updated) / 3600, sla.total_seconds() / 3600
        evaluations.append(
            dg.AssetCheckEvaluation(
                asset_key=key,
                check_name=CHECK_NAME,
                passed=age_hours <= sla_hours,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"age_hours": round(age_hours, 2), "sla_hours": sla_hours},
                description=f"last materialized {age_hours:.1f} h ago (SLA {sla})",
            )
        )
    return evaluations


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(CHECK_NAME, asset=key, description=f"materialized within {FRESHNESS_SLA}")
        for key in MONITORED_KEYS
    ],
    can_subset=True,
    name="freshness_sla_checks",
)
def freshness_sla_checks(context: dg.AssetCheckExecutionContext):
    """The same verdict on demand from the UI; the sensor records it on its own schedule."""
    for evaluation in freshness_evaluations(context.instance, time.time()):
        yield dg.AssetCheckResult(
            asset_key=evaluation.asset_key,
            check_name=CHECK_NAME,
            passed=evaluation.passed,
            metadata=evaluation.metadata,
        )


@dg.sensor(
    name="freshness_sla_alert",
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Fails fresh_within_sla and alerts when a raw stream or the publication is "
    "older than 26 h.",
)
def freshness_sla_alert(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    evaluations = freshness_evaluations(context.instance, _now())
    stale = sorted(e.asset_key.to_user_string() for e in evaluations if not e.passed)
    already_alerted = set(json.loads(context.cursor)) if context.cursor else set()
    newly_stale = [key for key in stale if key not in already_alerted]
    if newly_stale:
        ages = {e.asset_key.to_user_string(): e.metadata["age_hours"].value for e in evaluations}
        detail = ", ".join(f"{key} ({ages[key]} h old)" for key in newly_stale)
        payload = alert_payload("freshness_sla_alert", "-", f"stale beyond 26 h: {detail}")
        context.log.error(payload["text"])
        webhook_url = setting("ALERT_WEBHOOK_URL")
        if webhook_url:
            post_alert(webhook_url, payload)
    # Remember what is stale so each episode alerts once; a fresh asset re-arms its alert.
    return dg.SensorResult(asset_events=evaluations, cursor=json.dumps(stale))
