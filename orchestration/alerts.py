"""Run-failure alerts: always logged, and posted to ALERT_WEBHOOK_URL when one is set."""

import logging

import dagster as dg
import requests

LOGGER = logging.getLogger(__name__)
WEBHOOK_TIMEOUT_SECONDS = 10


def alert_payload(job_name: str, run_id: str, error_message: str) -> dict[str, str]:
    """The JSON body posted to the webhook (Slack-compatible `text`, plus structured fields)."""
    text = f"kpi-pipeline: run {run_id} of {job_name} failed: {error_message}"
    return {"text": text, "job": job_name, "run_id": run_id, "error": error_message}


def post_alert(webhook_url: str, payload: dict[str, str]) -> bool:
    """Post the alert; an unreachable webhook is logged, never raised, so alerting cannot mask the
    original failure.

    Returns:
        True when the webhook answered 2xx.
    """
    try:
        response = requests.post(webhook_url, json=payload, timeout=WEBHOOK_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        LOGGER.error("alert webhook unreachable: %s", type(error).__name__)
        return False
    if not response.ok:
        LOGGER.error("alert webhook answered HTTP %s", response.status_code)
    return response.ok


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Logs every failed run and posts it to ALERT_WEBHOOK_URL when set.",
)
def alert_on_run_failure(context: dg.RunFailureSensorContext) -> None:
    error = context.failure_event.message or "unknown error"
    payload = alert_payload(context.dagster_run.job_name, context.dagster_run.run_id, error)
    context.log.error(payload["text"])
    webhook_url = dg.EnvVar("ALERT_WEBHOOK_URL").get_value()
    if webhook_url:
        post_alert(webhook_url, payload)


def alert_cli_failure(exit_code: int, reason: str, run_id: str = "") -> bool:
    """Alert on a failed `kpi-pipeline run` (cron, systemd): the run failure sensor only sees
    runs of a Dagster instance with a daemon, never the CLI's ephemeral one.

    Returns:
        True when a webhook is set and answered 2xx.
    """
    from orchestration.settings import setting

    payload = alert_payload("kpi-pipeline run", run_id or "-", f"exit code {exit_code}: {reason}")
    LOGGER.error(payload["text"])
    webhook_url = setting("ALERT_WEBHOOK_URL")
    return bool(webhook_url) and post_alert(webhook_url, payload)
