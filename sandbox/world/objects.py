"""HubSpot object collections: id-ordered lists with cheap cursor paging and a version."""

from __future__ import annotations

import bisect
import threading

from sandbox.world.crm import Record


class ObjectStore:
    """Records of one HubSpot object type, kept sorted by id (ids grow with creation)."""

    def __init__(self, records: list[Record]):
        self._records = sorted(records, key=lambda r: r.id)
        self._by_id = {r.id: r for r in self._records}
        self._lock = threading.Lock()
        self.version = 0  # bumped on every change: invalidates cached search results
        self.visible_after = 0.0  # until then some version is still inside its search lag

    def __len__(self) -> int:
        return len(self._records)

    def get(self, record_id: int) -> Record | None:
        return self._by_id.get(record_id)

    def all(self) -> list[Record]:
        return self._records

    def page(self, after: int, limit: int, archived: bool) -> tuple[list[Record], int | None]:
        """Records with id >= after and the wanted archived state; next cursor or None."""
        position = bisect.bisect_left(self._records, after, key=lambda r: r.id)
        found: list[Record] = []
        while position < len(self._records) and len(found) < limit:
            record = self._records[position]
            if record.archived == archived:
                found.append(record)
            position += 1
        more = any(r.archived == archived for r in self._records[position:]) if found else False
        return found, (found[-1].id + 1 if more else None)

    def add(self, record: Record) -> None:
        with self._lock:
            self._records.append(record)
            self._records.sort(key=lambda r: r.id)
            self._by_id[record.id] = record
            self.version += 1

    def remove(self, record_id: int) -> None:
        """Forget a record entirely (merged away or purged): no list or search shows it."""
        with self._lock:
            record = self._by_id.pop(record_id, None)
            if record is not None:
                self._records.remove(record)
            self.version += 1

    def touched(self, visible_at: float = 0.0) -> None:
        self.version += 1
        self.visible_after = max(self.visible_after, visible_at)

    def next_id(self, stride: int) -> int:
        return self._records[-1].id + stride if self._records else stride
