"""The dbt build followed from its JSON log: nodes done of total, the node running, failures."""

from orchestration.dbt_progress import DbtBuildTracker


def start(index: int, total: int, name: str) -> dict:
    node = {"node_name": name, "node_status": "started", "resource_type": "model"}
    return {"info": {"name": "LogStartLine", "level": "info"},
            "data": {"index": index, "total": total, "node_info": node}}  # fmt: skip


def result(index: int, name: str, status: str, resource_type: str = "model") -> dict:
    node = {"node_name": name, "node_status": status, "resource_type": resource_type}
    return {"info": {"name": "LogTestResult", "level": "error" if status == "fail" else "info"},
            "data": {"index": index, "num_models": 4, "node_info": node}}  # fmt: skip


def closing_error(message: str) -> dict:
    return {"info": {"name": "RunResultError", "level": "error", "msg": message}, "data": {}}


def test_a_build_reports_done_of_total_the_running_node_and_its_failures():
    # given a build of four nodes: one model, a failing test, a skipped model, an errored model
    events = [
        {"info": {"name": "FoundStats", "level": "info"}, "data": {"stat_line": "4 nodes"}},
        start(1, 4, "stg_calls"),
        result(1, "stg_calls", "success"),
        start(2, 4, "not_null_stg_calls_id"),
        result(2, "not_null_stg_calls_id", "fail", "test"),
        result(3, "fct_calls", "skipped"),
        start(4, 4, "kpi_calls_daily"),
        result(4, "kpi_calls_daily", "error"),
        closing_error("\x1b[31mGot 3 results, configured to fail if != 0\x1b[0m"),
    ]
    tracker = DbtBuildTracker()
    # when
    progress = [tracker.observe(event) for event in events]
    # then: no progress for events that are not about a node
    assert progress[0] is None and progress[-1] is None
    assert progress[1].done == 0 and progress[1].total == 4 and progress[1].current == "stg_calls"
    assert (progress[4].done, progress[4].failures) == (2, 1)
    assert (progress[-2].done, progress[-2].failures) == (4, 2)
    # and the failure names the test and the model apart, with dbt's own words once, uncoloured
    assert tracker.failed_tests == ["not_null_stg_calls_id"]
    assert tracker.failed_nodes == ["kpi_calls_daily"]
    description = tracker.failure_description()
    assert "1 data test(s) failed: not_null_stg_calls_id" in description
    assert "1 model(s) failed: kpi_calls_daily" in description
    assert description.count("Got 3 results") == 1 and "\x1b" not in description


def test_a_long_list_of_failures_is_cut_with_a_count():
    tracker = DbtBuildTracker()
    for index in range(1, 9):
        tracker.observe(result(index, f"test_{index}", "fail", "test"))
    assert "test_5 and 3 more" in tracker.failure_description()
