"""Group commit for an asyncio server: concurrent requests share one write + fsync.

An fsync costs about as much for one line as for a hundred, so requests arriving while a flush
is under way wait for the next one together instead of queueing one fsync each. Every caller
still returns only after the flush holding its line finished.
"""

import asyncio
from collections.abc import Callable


class GroupCommitter:
    """Batches ``submit`` calls into ``flush(lines)`` calls run one at a time in a thread.

    Args:
        flush: writes and syncs a batch of lines (blocking; ``SegmentWriter.append``).
        max_batch: at most this many lines per flush.
    """

    def __init__(self, flush: Callable[[list[bytes]], None], max_batch: int = 1024) -> None:
        self._flush, self._max_batch = flush, max_batch
        self._pending: list[tuple[bytes, asyncio.Future[None]]] = []
        self._flushing = False

    async def submit(self, line: bytes) -> None:
        """Return once ``line`` is durable.

        Raises:
            OSError: the flush holding this line failed; it must not be acknowledged.
        """
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((line, future))
        if not self._flushing:
            self._flushing = True
            asyncio.get_running_loop().create_task(self._drain())
        await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                try:
                    await asyncio.to_thread(self._flush, [line for line, _ in batch])
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for _, future in batch:
                    if not future.done():  # a client that went away cancelled its wait
                        future.set_result(None)
        finally:
            self._flushing = False
