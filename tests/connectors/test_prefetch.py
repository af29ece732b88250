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


def count(item: int) -> int:
    return 1


def test_items_come_out_in_order_from_a_reader_thread() -> None:
    # given
    source = Source(50)
    # when
    with read_ahead(source.items(), 3, count) as items:
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
    with (
        pytest.raises(ConnectionError, match="at 4"),
        read_ahead(source.items(), 2, count) as items,
    ):
        for item in items:
            time.sleep(0.01)  # the reader is ahead, and has already failed
            seen.append(item)
    # then
    assert seen == [0, 1, 2, 3]


def test_leaving_early_stops_the_reader_within_its_limit() -> None:
    # given
    source = Source(1_000)
    # when
    with read_ahead(source.items(), 2, count) as items:
        for item in items:
            if item == 5:
                break
    # then: at most the queue's limit plus the one being handed over was read past item 5
    assert source.closed.wait(5)
    assert len(source.read) <= 6 + 2 + 1


def test_limit_zero_reads_inline() -> None:
    # given
    source = Source(3)
    # when
    with read_ahead(source.items(), 0, count) as items:
        seen = list(items)
    # then
    assert seen == [0, 1, 2]
    assert source.threads == {threading.current_thread().name}


def test_the_queue_holds_at_most_its_limit_in_weight_but_always_one_item() -> None:
    # given: items weighing 3 each, a limit of 7, and a consumer that has not started
    source = Source(100)
    with read_ahead(source.items(), 7, weight=lambda item: 3) as items:
        time.sleep(0.2)
        # then: two items wait (6 of 7), and the reader holds the third it read
        assert len(source.read) == 3
        first = next(items)
    # and: an item heavier than the limit still passes
    with read_ahead(Source(2).items(), 1, weight=lambda item: 5) as items:
        assert list(items) == [0, 1]
    assert first == 0
