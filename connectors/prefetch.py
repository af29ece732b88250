"""Read a stream's next pages while the current one lands: network waits overlap the merge.

A stream run alternates between waiting on the vendor (the request, its decoding) and landing
what came back (encoding the chunk, DuckDB's merge and commit). Done in turn, the two add up;
the plain-client floor of ``benchmarks/ingest.py`` spends almost all its time waiting, so the
landing work is what kept calls ingest at about 0.6 of it. One reader thread reads ahead
through a queue bounded by weight (records, for pages), so memory stays bounded.

The bound must cover a merge: a chunk's commit takes ~0.3 s, in which the reader of a fast
source fetches a hundred pages; with two pages of room it stalled at every commit (calls at S:
58-61 s, against 50-52 s with 5,000 to 20,000 records of room).

Order and failure are those of a plain loop: pages come out in the order read, and an error
raised by the reader (a vendor failure, a spent quota) comes out after every page read before
it, so the loader commits exactly what it would have committed inline. Nothing read ahead is
landed or advances a cursor unless the consumer takes it; on an early stop the pages read ahead
are dropped (requests, not data) and the reader ends at its next page.
"""

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# How long an early stop waits for the reader to finish the request it is in.
_JOIN_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


@dataclass(frozen=True, slots=True)
class _Done:
    pass


class _Reader(Generic[T]):
    """The thread that drives the source iterator and hands its items over."""

    def __init__(self, items: Iterator[T], limit: int, weight: Callable[[T], int]) -> None:
        self._items, self._limit, self._weight = items, limit, weight
        self._queue: deque[tuple[T | _Failed | _Done, int]] = deque()
        self._queued = 0  # the weight of what waits in the queue
        self._changed = threading.Condition()
        self._gone = False
        self._thread = threading.Thread(target=self._run, name="page-reader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            for item in self._items:
                if not self._put(item, self._weight(item)):
                    break
            else:
                self._put(_Done(), 0)
        except BaseException as error:  # handed to the consumer, raised there in order
            self._put(_Failed(error), 0)
        finally:
            close = getattr(self._items, "close", None)
            if close is not None:
                close()  # a generator's finally blocks run in the thread that drove it

    def _put(self, item: "T | _Failed | _Done", weight: int) -> bool:
        with self._changed:
            # An item heavier than the limit still goes into an empty queue: no deadlock.
            while not self._gone and self._queued and self._queued + weight > self._limit:
                self._changed.wait()
            if self._gone:
                return False
            self._queue.append((item, weight))
            self._queued += weight
            self._changed.notify_all()
            return True

    def _get(self) -> "T | _Failed | _Done":
        with self._changed:
            while not self._queue:
                self._changed.wait()
            item, weight = self._queue.popleft()
            self._queued -= weight
            self._changed.notify_all()
            return item

    def __iter__(self) -> Iterator[T]:
        while True:
            item = self._get()
            if isinstance(item, _Done):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item

    def stop(self) -> None:
        with self._changed:
            self._gone = True
            self._queue.clear()
            self._changed.notify_all()
        self._thread.join(timeout=_JOIN_SECONDS)


@contextmanager
def read_ahead(items: Iterator[T], limit: int, weight: Callable[[T], int]) -> Iterator[Iterator[T]]:
    """The items of ``items``, read ahead in a thread while the queue's weight is under ``limit``.

    ``limit`` 0 reads inline. Use as ``with read_ahead(stream.read(cursor), 20_000,
    page_weight) as pages: ...``; leaving the block early tells the reader to stop after the
    item it is reading.
    """
    if limit <= 0:
        yield items
        return
    reader = _Reader(items, limit, weight)
    reader.start()
    try:
        yield iter(reader)
    finally:
        reader.stop()
