"""What every target implements: stage invisibly, commit (swap) or abort, then finish or roll back.

publish() stages every target, then commits them one after the other. When a later commit fails,
the earlier ones roll back to the version they showed before, so every reader sees one version.
Once every target committed, each is told to finish: drop what a rollback would have needed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from publishing.build import ExportBuild

# Called with a step name between the steps of a publication. Production passes a no-op; tests
# raise from it to simulate a crash at that exact point.
StepHook = Callable[[str], None]


def no_step_hook(step: str) -> None:
    """The default hook: do nothing between steps."""


class TargetUnavailableError(RuntimeError):
    """A target cannot take a publication; the message says what to fix (never a secret)."""


@dataclass(frozen=True, slots=True)
class Publication:
    """What is being published: the files, their manifest and the version id."""

    build: ExportBuild
    version: str
    manifest: bytes


class Committed(Protocol):
    """A publication now visible on a target, whose previous version can still be put back."""

    location: str  # where it is published, for logs and PublishResult
    previous_version: str | None  # the version rollback() restores; None when there was none

    def rollback(self) -> None:
        """Make the previous version the visible one again, exactly as it was."""
        ...

    def finish(self) -> None:
        """Every target committed: drop what rollback() would have needed."""
        ...


class Staged(Protocol):
    """A publication fully written to a target but not yet visible to its readers."""

    def commit(self) -> Committed:
        """Make the staged publication the visible one, keeping the previous one restorable.

        A commit that raises leaves this target on its previous version.
        """
        ...

    def abort(self) -> None:
        """Discard the staged publication; the visible one is untouched."""
        ...


class Target(Protocol):
    """A place Looker Studio (Data Studio) reads the exports from."""

    def describe(self) -> str:
        """A secret-free description for logs and errors (never a DSN with a password)."""
        ...

    def check(self) -> str:
        """Prove the target is reachable and writable, leaving what readers see untouched.

        Returns:
            What was proved, for the operator.

        Raises:
            TargetUnavailableError: saying what to fix.
        """
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
