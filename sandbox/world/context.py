"""What lead-journey planners share: the company as they see it, and the journey itself."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sandbox.world.calls import CallFact
from sandbox.world.clock import Calendar, local_instant
from sandbox.world.leads import Lead
from sandbox.world.people import Agent
from sandbox.world.phones import BusinessLine

HOUR = 3600
DAY = 86_400


@dataclass(frozen=True, slots=True)
class JourneyContext:
    """The company as the journey planner sees it."""

    calendar: Calendar
    lines: tuple[BusinessLine, ...]
    agents: tuple[Agent, ...]
    _staff: dict[tuple[int, tuple[str, ...]], list[int]] = field(
        default_factory=dict, compare=False
    )
    # Lines an agent of a team dials out from: a scan of every line per call otherwise.
    _dial_lines: dict[str, list[int]] = field(default_factory=dict, compare=False)
    _kind_lines: dict[str, list[int]] = field(default_factory=dict, compare=False)

    def staff(self, index: int, roles: tuple[str, ...]) -> list[int]:
        """Agents with an Aircall seat in one of `roles`, still employed on day `index`."""
        key = (index, roles)
        if key not in self._staff:  # asked for hundreds of thousands of times per build
            self._staff[key] = [
                a.index for a in self.agents if a.role in roles and a.user_id and a.works_on(index)
            ]
        return self._staff[key]

    def lines_of(self, kind: str) -> list[int]:
        if kind not in self._kind_lines:
            self._kind_lines[kind] = [i for i, line in enumerate(self.lines) if line.kind == kind]
        return self._kind_lines[kind]

    def outbound_line(self, rng: random.Random, agent: int) -> int:
        # Nobody dials out from a toll-free number; support dials from support lines.
        team = "support" if self.agents[agent].role == "support" else "sales"
        usable = self._dial_lines.get(team)
        if usable is None:
            usable = self._dial_lines[team] = [
                i
                for i, ln in enumerate(self.lines)
                if ln.team_key == team and ln.kind != "toll_free"
            ]
        return usable[agent % len(usable)] if rng.random() < 0.8 else rng.choice(usable)

    def day_of(self, epoch_s: int) -> int:
        return self.calendar.day_index(epoch_s)


@dataclass(slots=True)
class Journey:
    """A lead plus every call it made or received; `anchor` is its first touch (UNIX s)."""

    lead: Lead
    calls: list[CallFact] = field(default_factory=list)
    anchor: int = 0


def at(ctx: JourneyContext, index: int, second: int) -> int:
    return local_instant(ctx.calendar.days[index], second)
