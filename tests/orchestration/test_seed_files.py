"""The sales team's files come from where the team keeps them; the shipped ones by default."""

import json
from pathlib import Path

from orchestration.config_check import seed_problems
from orchestration.seed_files import (
    SEED_FILES,
    SHIPPED_SEEDS_DIR,
    configured_seed_files,
    dbt_seed_args,
    staged_seeds_dir,
)

RATES = next(seed for seed in SEED_FILES if seed.name == "currency_rates")


def test_without_variables_dbt_reads_the_shipped_seeds_and_nothing_is_staged(tmp_path: Path):
    # given no seed variable (set blank, as a developer's .env must not fill it in)
    environ = {seed.variable: "" for seed in SEED_FILES}
    # when
    args = dbt_seed_args(tmp_path / "warehouse.duckdb", environ)
    # then
    assert configured_seed_files(environ) == []
    assert args == [] and not staged_seeds_dir(tmp_path / "warehouse.duckdb").exists()


def test_a_configured_file_is_staged_beside_the_warehouse_with_the_shipped_others(tmp_path):
    # given the team's currency rates in their own folder
    rates = tmp_path / "team" / "rates.csv"
    rates.parent.mkdir()
    rates.write_text("currency_code,rate_to_reporting\nUSD,0.91\n")
    environ = {RATES.variable: str(rates)}
    # when
    args = dbt_seed_args(tmp_path / "warehouse.duckdb", environ)
    # then dbt is pointed at a folder holding that file under the seed's name, and the others
    folder = tmp_path / "dbt_seeds"
    assert args == ["--vars", json.dumps({"seed_dir": str(folder)})]
    assert (folder / "currency_rates.csv").read_text() == rates.read_text()
    for seed in SEED_FILES:
        if seed is not RATES:
            assert (folder / f"{seed.name}.csv").read_bytes() == seed.shipped.read_bytes()
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        f"{seed.name}.csv" for seed in SEED_FILES
    )


def test_a_bad_configured_file_is_refused_naming_its_variable(tmp_path: Path):
    # given the team's targets with a month that is not a date, and a rates file that is missing
    targets = tmp_path / "targets.csv"
    targets.write_text("agent_email,month,target_amount\nlea@example.com,March,1000\n")
    environ = {"SALES_TARGETS_FILE": str(targets), RATES.variable: str(tmp_path / "none.csv")}
    # when
    problems = seed_problems(environ=environ)
    # then one line each, naming the variable and the file
    assert len(problems) == 2, problems
    assert problems[0].startswith(f"{RATES.variable} ({tmp_path / 'none.csv'}): cannot read")
    assert problems[1] == (f"SALES_TARGETS_FILE ({targets}) line 2: month='March' is not a date")


def test_the_shipped_examples_are_where_the_defaults_point():
    assert all(seed.path({}) == SHIPPED_SEEDS_DIR / f"{seed.name}.csv" for seed in SEED_FILES)
    assert all(seed.shipped.exists() for seed in SEED_FILES)
