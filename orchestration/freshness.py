"""Freshness checks: a skipped or failed nightly run shows up as stale data, then an alert."""

from collections.abc import Sequence
from datetime import timedelta

import dagster as dg

# The nightly run starts at 02:00; 26 h leaves it two hours to finish before a stream is stale.
RAW_FRESHNESS_LIMIT = timedelta(hours=26)


def build_raw_freshness(
    assets: Sequence[dg.AssetsDefinition],
) -> tuple[Sequence[dg.AssetChecksDefinition], dg.SensorDefinition]:
    """Last-update freshness checks on the given assets, and the sensor that evaluates them."""
    checks = dg.build_last_update_freshness_checks(
        assets=list(assets),
        lower_bound_delta=RAW_FRESHNESS_LIMIT,
        severity=dg.AssetCheckSeverity.ERROR,
    )
    sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=checks,
        name="raw_freshness_sensor",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    return checks, sensor
