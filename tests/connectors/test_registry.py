"""The public entry point: stream keys, secret-free configuration, framework-free package."""

import re
from pathlib import Path

from connectors.aircall.config import AircallConfig
from connectors.aircall.source import SOURCE as AIRCALL
from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.source import SOURCE as HUBSPOT
from connectors.registry import RAW_STREAMS, config_streams

CONNECTORS = Path(__file__).resolve().parents[2] / "connectors"


def test_build_streams_returns_every_raw_stream_in_order() -> None:
    # given
    hubspot, aircall = HubSpotConfig("hub-secret"), AircallConfig("air-id", "air-secret")
    # when
    streams = config_streams(hubspot, aircall)
    # then
    assert tuple(streams) == HUBSPOT.stream_names + AIRCALL.stream_names
    assert set(streams) <= set(RAW_STREAMS)
    assert all(f"{s.source}/{s.table}" == name for name, s in streams.items())


def test_configuration_repr_hides_secrets() -> None:
    # given
    configs = [HubSpotConfig("hub-secret"), AircallConfig("air-id", "air-secret")]
    # when
    shown = " ".join(repr(config) for config in configs)
    # then
    assert "hub-secret" not in shown and "air-id" not in shown and "air-secret" not in shown
    assert "base_url='https://api.hubapi.com'" in shown


def test_connectors_never_import_dagster_nor_read_the_environment() -> None:
    # given
    sources = [p for p in CONNECTORS.rglob("*.py") if "sandbox" not in p.parts]
    # when
    offending = [
        str(path)
        for path in sources
        if re.search(r"^\s*(import|from)\s+dagster|os\.environ|os\.getenv", path.read_text(), re.M)
    ]
    # then
    assert sources and offending == []
