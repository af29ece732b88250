"""A sharded size is the union of its shards' businesses, each written as write_raw writes it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from connectors.warehouse import raw_table
from sandbox.raw_writer import write_raw
from sandbox.sharded_writer import ROSTER_STREAMS, SHARDED_STREAMS, write_sharded_raw
from sandbox.world.callstore import CALL_ID_BASE, DAY_STRIDE
from sandbox.world.records import CONTACT_ID_BASE, DEAL_ID_BASE
from sandbox.world.shards import Shard
from sandbox.world.sizes import Size, shard_business, size_business, size_named

AS_OF = dt.date(2026, 6, 15)
SEED = 11
TINY = Size("tiny", pods=2, lead_scale=0.3, call_scale=0.3, shards=2)


def _rows(path: Path, stream: str) -> set[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        sql = (
            f"SELECT id, CAST(record AS VARCHAR), modified_at, is_archived, _loaded_at "
            f"FROM {raw_table(stream)}"
        )
        return set(con.execute(sql).fetchall())


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("sharded") / "warehouse.duckdb"
    written = write_sharded_raw(path, TINY, SEED, AS_OF, workers=2, progress=lambda _: None)
    return path, written.rows


def test_each_shard_lands_what_write_raw_lands_for_its_business(
    tmp_path: Path, sharded: tuple[Path, dict[str, int]]
):
    # given the sharded write, and each shard's business written alone
    path, written = sharded
    alone = []
    for index in range(TINY.shards):
        alone.append(tmp_path / f"shard-{index}.duckdb")
        write_raw(alone[-1], shard_business(TINY, SEED, AS_OF, Shard(index, TINY.shards)))
    # then contacts, deals and calls are the shards' records side by side, nothing lost
    for stream in SHARDED_STREAMS:
        union = set().union(*(_rows(shard, stream) for shard in alone))
        assert _rows(path, stream) == union, stream
        assert written[stream] == len(union), stream
    # and the roster, the same in every shard, is written once
    for stream in ROSTER_STREAMS:
        assert _rows(path, stream) == _rows(alone[0], stream), stream
        assert _rows(alone[0], stream) == _rows(alone[1], stream), stream


def test_shards_share_the_roster_but_not_their_leads_or_ids():
    # given two shards of one size
    first, second = (shard_business(TINY, SEED, AS_OF, Shard(i, 2)) for i in range(2))
    # then they staff the same agents and lines
    assert first.agents == second.agents
    assert first.lines == second.lines
    # and draw different people under ids that never collide
    assert {c.properties["email"] for c in first.contacts.all()} != {
        c.properties["email"] for c in second.contacts.all()
    }
    assert not {c.id for c in first.contacts.all()} & {c.id for c in second.contacts.all()}
    assert not {d.id for d in first.deals.all()} & {d.id for d in second.deals.all()}
    first_calls = {row[0] for index in range(5) for row in first.calls.rows(index)}
    second_calls = {row[0] for index in range(5) for row in second.calls.rows(index)}
    assert first_calls and second_calls and not first_calls & second_calls


def test_sharded_goals_are_drawn_around_every_shards_revenue(
    sharded: tuple[Path, dict[str, int]],
):
    # given the sharded write and shard 0's own goals (drawn from its revenue alone)
    path, _ = sharded
    own = shard_business(TINY, SEED, AS_OF, Shard(0, TINY.shards)).goal_targets.all()
    with duckdb.connect(str(path), read_only=True) as con:
        total = con.execute(
            "SELECT sum(CAST(record ->> '$.properties.hs_target_amount' AS DOUBLE)) "
            "FROM raw_hubspot.goal_targets"
        ).fetchone()[0]
    own_total = sum(float(goal.properties["hs_target_amount"]) for goal in own)
    # then the quotas are about twice one shard's: two shards of the same size sell about
    # twice as much (same seeds of draw per goal, so only the revenue differs)
    assert 1.6 < total / own_total < 2.4


def test_one_shard_keeps_the_plain_businesss_seed_and_ids():
    whole = Shard()
    assert whole.seed(SEED) == SEED
    assert (whole.contact_id_base, whole.deal_id_base) == (CONTACT_ID_BASE, DEAL_ID_BASE)
    assert (whole.call_id_base, whole.call_slots) == (CALL_ID_BASE, DAY_STRIDE // 2)


def test_a_sharded_size_is_not_built_whole_and_says_how():
    with pytest.raises(ValueError, match="shards to bound memory"):
        size_business(size_named("L"), SEED, AS_OF)
    with pytest.raises(ValueError, match="does not exist"):
        Shard(2, 2)
