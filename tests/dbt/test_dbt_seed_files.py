"""dbt reads the team's configured seed file, and a change to it reaches the next build."""

from pathlib import Path

import duckdb
from dbt_harness import run_dbt

from orchestration.seed_files import dbt_seed_args


def _rates(path: Path) -> list[tuple[str, float]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "select currency_code, rate_to_reporting::double from staging.currency_rates order by 1"
        ).fetchall()
    return [(code, float(rate)) for code, rate in rows]


def test_the_configured_currency_rates_are_loaded_and_a_change_is_picked_up(tmp_path: Path):
    # given the team's rates outside the project, and an empty warehouse
    team_file = tmp_path / "team" / "currency_rates.csv"
    team_file.parent.mkdir()
    team_file.write_text("currency_code,rate_to_reporting\nJPY,0.0061\n")
    warehouse = tmp_path / "w.duckdb"
    environ = {"CURRENCY_RATES_FILE": str(team_file)}
    # when a build loads the seeds with the arguments every run passes
    run_dbt(warehouse, tmp_path, "seed", *dbt_seed_args(warehouse, environ))
    # then it holds the team's rates, not the shipped examples
    assert _rates(warehouse) == [("JPY", 0.0061)]
    # when the team edits the file, and the next build runs
    team_file.write_text("currency_code,rate_to_reporting\nJPY,0.0062\nUSD,0.93\n")
    run_dbt(warehouse, tmp_path, "seed", *dbt_seed_args(warehouse, environ))
    # then the change is in
    assert _rates(warehouse) == [("JPY", 0.0062), ("USD", 0.93)]
