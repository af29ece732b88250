"""What every target implements: stage everything invisibly, then commit (swap) or abort."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from publishing.build import ExportBuild

# Called with a step name between the steps of a publication. Production passes a no-op; tests
# raise from it to simulate a crash at that exact point.
StepHook = Callable[[str], None]


def no_step_hook(step: str) -> None:
    """The default hook: do nothing between steps."""


@dataclass(frozen=True, slots=True)
class Publication:
    """What is being published: the files, their manifest and the version id."""

    build: ExportBuild
    version: str
    manifest: bytes


class Staged(Protocol):
    """A publication fully written to a target but not yet visible to its readers."""

    def commit(self) -> str:
        """Make the staged publication the visible one; return where it is published."""
        ...

    def abort(self) -> None:
        """Discard the staged publication; the visible one is untouched."""
        ...


class Target(Protocol):
    """A place Looker Studio (Data Studio) reads the exports from."""

    def describe(self) -> str:
        """A secret-free description for logs and errors (never a DSN with a password)."""
        ...

    def previous_row_counts(self) -> dict[str, int]:
        """Rows per table of the visible publication; empty when there is none yet."""
        ...

    def previous_manifest(self) -> dict[str, object]:
        """The visible publication's parsed manifest (optional: publishing.measures falls back
        to previous_row_counts for a target without it); empty when there is none yet."""
        ...

    def stage(self, publication: Publication, hook: StepHook) -> Staged:
        """Write the publication where readers cannot see it yet."""
        ...
