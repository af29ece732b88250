"""Reading pages ahead in a thread keeps a plain loop's order, errors and early stop."""

import threading
import time
from collections.abc import Iterator

import pytest

from connectors.prefetch import read_ahead


class Source:
    """Counts what was read and whether the generator was closed, and by which thread."""

    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.count, self.fail_at = count, fail_at
        self.read: list[int] = []
        self.closed = threading.Event()
        self.threads: set[str] = set()

    def items(self) -> Iterator[int]:
        try:
            for number in range(self.count):
                self.threads.add(threading.current_thread().name)
                if number == self.fail_at:
                    raise ConnectionError(f"vendor went away at {number}")
                self.read.append(number)
                yield number
        finally:
            self.closed.set()


def test_items_come_out_in_order_from_a_reader_thread() -> None:
    # given
    source = Source(50)
    # when
    with read_ahead(source.items(), depth=3) as items:
        seen = list(items)
    # then
    assert seen == list(range(50))
    assert source.threads == {"page-reader"}
    assert source.closed.is_set()


def test_an_error_comes_out_after_every_item_read_before_it() -> None:
    # given
    source = Source(10, fail_at=4)
    seen = []
    # when
    with pytest.raises(ConnectionError, match="at 4"), read_ahead(source.items()) as items:
        for item in items:
            time.sleep(0.01)  # the reader is ahead, and has already failed
            seen.append(item)
    # then
    assert seen == [0, 1, 2, 3]


def test_leaving_early_stops_the_reader_within_its_depth() -> None:
    # given
    source = Source(1_000)
    # when
    with read_ahead(source.items(), depth=2) as items:
        for item in items:
            if item == 5:
                break
    # then: at most the queue's depth plus the one being handed over was read past item 5
    assert source.closed.wait(5)
    assert len(source.read) <= 6 + 2 + 1


def test_depth_zero_reads_inline() -> None:
    # given
    source = Source(3)
    # when
    with read_ahead(source.items(), depth=0) as items:
        seen = list(items)
    # then
    assert seen == [0, 1, 2]
    assert source.threads == {threading.current_thread().name}
