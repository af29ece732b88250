"""Production builds skip dbt's unit tests (orchestration/assets/dbt.py); CI must still run them.

The session build of tests/dbt runs plain `dbt build`, unit tests included: this test fails if
that ever stops (a selector, a flag) and the models' logic would go unchecked everywhere.
"""

import json

from dbt_harness import DBT_PROJECT


def test_the_session_build_ran_every_unit_test_and_all_passed(dbt_warehouse):
    results = json.loads((dbt_warehouse.scratch / "target" / "run_results.json").read_text())
    unit_results = [r for r in results["results"] if r["unique_id"].startswith("unit_test.")]
    declared = sum(
        path.read_text(encoding="utf-8").count("\n  - name: ")
        for path in (DBT_PROJECT / "models").rglob("*unit_tests.yml")
    )
    assert declared >= 20, "the unit-test files were not found or not counted"
    assert len(unit_results) == declared
    assert {r["status"] for r in unit_results} == {"pass"}
