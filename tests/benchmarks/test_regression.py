"""Fault 38: the performance regression check, its comparison rule, a CI smoke run, and the full
comparison with the recorded baseline (marked heavy, run on demand)."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "benchmarks" / "regression.py"


def load_regression():
    spec = importlib.util.spec_from_file_location("regression", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BASELINE = {
    "ingest_records_per_second": 4000.0,
    "ingest_peak_rss_mb": 300.0,
    "dbt_build_seconds": 30.0,
    "dbt_peak_rss_mb": 600.0,
    "duckdb_file_mb": 40.0,
}


@pytest.mark.parametrize(
    ("metric", "value", "regressed"),
    [
        pytest.param("ingest_records_per_second", 3100.0, True, id="rows-per-s-22%-lower"),
        pytest.param("ingest_records_per_second", 3300.0, False, id="rows-per-s-17%-lower"),
        pytest.param("dbt_build_seconds", 36.6, True, id="dbt-22%-slower"),
        pytest.param("dbt_build_seconds", 20.0, False, id="dbt-faster"),
        pytest.param("dbt_peak_rss_mb", 730.0, True, id="rss-22%-higher"),
        pytest.param("duckdb_file_mb", 48.8, True, id="file-22%-bigger"),
        pytest.param("ingest_peak_rss_mb", 350.0, False, id="ingest-rss-17%-higher"),
    ],
)
def test_regression_compare_flags_only_changes_worse_than_20_percent(
    metric: str, value: float, regressed: bool
) -> None:
    # given
    regression = load_regression()
    measured = dict(BASELINE, **{metric: value})
    # when
    verdicts = {v.metric: v for v in regression.compare(BASELINE, measured)}
    # then
    assert verdicts[metric].regressed is regressed
    assert [v.metric for v in verdicts.values() if v.regressed] == ([metric] if regressed else [])


def test_regression_baseline_is_recorded_for_every_metric() -> None:
    # given / when
    baseline = json.loads((REPO / "benchmarks" / "baseline.json").read_text())
    # then
    assert baseline["scale"] == 1.0
    assert set(load_regression().METRICS) <= set(baseline["metrics"])
    assert all(baseline["metrics"][name] > 0 for name in load_regression().METRICS)


def run_script(*args: str, tmp_path: Path) -> dict:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--json-out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=3600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.slow
def test_regression_smoke_run_measures_every_metric(tmp_path: Path) -> None:
    # given / when: the whole measurement at a tiny scale, no timing assertion
    figures = run_script("--smoke", tmp_path=tmp_path)
    # then
    assert figures["scale"] == 0.05
    assert all(figures["metrics"][name] > 0 for name in load_regression().METRICS)


@pytest.mark.heavy
def test_regression_full_run_is_within_20_percent_of_the_baseline(tmp_path: Path) -> None:
    # given / when: scale 1, compared with benchmarks/baseline.json (exit 1 on a regression)
    figures = run_script(tmp_path=tmp_path)
    # then
    assert figures["scale"] == 1.0
