"""Shards: a size too big to plan in memory, written as independent lead books on one roster.

A business plans its whole year of leads, deals and lead calls before serving a record, so its
memory grows with the leads (about 4 kB each with their calls). Size L (5 M contacts) would need
~20 GB. A sharded size is instead ``count`` businesses on the same agents, teams and lines, each
with ``1/count`` of the leads and of the other calls, its own seed and its own id ranges, built
and written one after the other (benchmarks/write_size.py). Shard 0 of one is the plain business:
same seed, same ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.world.callstore import CALL_ID_BASE, DAY_STRIDE
from sandbox.world.records import CONTACT_ID_BASE, DEAL_ID_BASE

# Room per shard: 10 M contacts (ids step by 3) and 10 M deals (ids step by 7).
SHARD_POSITIONS = 10_000_000
SEED_STRIDE = 1_000_003


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` of ``count``: where its seed and ids start."""

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"shard {self.index} of {self.count} does not exist")

    def seed(self, base: int) -> int:
        return base + SEED_STRIDE * self.index

    @property
    def contact_id_base(self) -> int:
        return CONTACT_ID_BASE + 3 * SHARD_POSITIONS * self.index

    @property
    def deal_id_base(self) -> int:
        return DEAL_ID_BASE + 7 * SHARD_POSITIONS * self.index

    @property
    def call_slots(self) -> int:
        """Call ids per day for this shard: the generated half of a day's ids, split evenly
        (the other half is for calls that mutations add)."""
        return DAY_STRIDE // 2 // self.count

    @property
    def call_id_base(self) -> int:
        return CALL_ID_BASE + self.call_slots * self.index
