"""Read a stream's next pages while the current one lands: network waits overlap the merge.

A stream run alternates between waiting on the vendor (the request, its decoding) and landing
what came back (encoding the chunk, DuckDB's merge and commit). Done in turn, the two add up;
the plain-client floor of ``benchmarks/ingest.py`` spends almost all its time waiting, so the
landing work is what kept calls ingest at about 0.6 of it. One reader thread fetches at most
``depth`` pages ahead, through a bounded queue, so memory stays that of a few pages.

Order and failure are those of a plain loop: pages come out in the order read, and an error
raised by the reader (a vendor failure, a spent quota) comes out after every page read before
it, so the loader commits exactly what it would have committed inline. Nothing read ahead is
landed or advances a cursor unless the consumer takes it; on an early stop the pages read ahead
are dropped (at most ``depth`` requests, not data) and the reader ends at its next page.
"""

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_DEPTH = 2
# How often a reader blocked on a full queue looks whether the consumer has gone.
_PUT_POLL_SECONDS = 0.1
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

    def __init__(self, items: Iterator[T], depth: int) -> None:
        self._items = items
        self._queue: queue.Queue[T | _Failed | _Done] = queue.Queue(maxsize=depth)
        self._gone = threading.Event()
        self._thread = threading.Thread(target=self._run, name="page-reader", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        try:
            for item in self._items:
                if not self._put(item):
                    break
            else:
                self._put(_Done())
        except BaseException as error:  # handed to the consumer, raised there in order
            self._put(_Failed(error))
        finally:
            close = getattr(self._items, "close", None)
            if close is not None:
                close()  # a generator's finally blocks run in the thread that drove it

    def _put(self, item: "T | _Failed | _Done") -> bool:
        while not self._gone.is_set():
            try:
                self._queue.put(item, timeout=_PUT_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[T]:
        while True:
            item = self._queue.get()
            if isinstance(item, _Done):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item

    def stop(self) -> None:
        self._gone.set()
        self._thread.join(timeout=_JOIN_SECONDS)


@contextmanager
def read_ahead(items: Iterator[T], depth: int = DEFAULT_DEPTH) -> Iterator[Iterator[T]]:
    """The items of ``items``, read up to ``depth`` ahead in a thread; ``depth`` 0 reads inline.

    Use as ``with read_ahead(stream.read(cursor)) as pages: for page in pages: ...``; leaving
    the block early tells the reader to stop after the item it is reading.
    """
    if depth <= 0:
        yield items
        return
    reader = _Reader(items, depth)
    reader.start()
    try:
        yield iter(reader)
    finally:
        reader.stop()
