"""Schema drift notice after a sync: fields that appeared, vanished, or look renamed (faults 24-26).

Raw keeps every vendor record verbatim, so drift never breaks loading; this makes it visible.
It compares the records a run wrote with the records already stored: a field is *present* on a
record when it has a non-NULL value, at the top level or
under `properties` (CRMs with string-valued property bags).

- new: present in this run's records, on none stored before → a notice; marts are unchanged.
- vanished: present on nearly every stored record (VANISHED_MIN_SHARE), on none of at least
  VANISHED_MIN_ROWS records of this run → a removed field or a lost read permission.
- probable rename: both in the same run on the same stream.

A notice only: what blocks publication is the dbt `not_all_null` test on the critical field,
which names it. Properties requested by name show a renamed one only as "vanished" (its new
name is not requested); vendors that send whole records show both.
"""

from dataclasses import dataclass
from pathlib import Path

import duckdb

from connectors.warehouse import raw_table

VANISHED_MIN_SHARE = 0.95
VANISHED_MIN_ROWS = 10
# Rows compared on each side (this run, stored before): the newest ones.
SAMPLE_ROWS = 5_000

# (is_this_run, field) for every non-NULL field of every live record; `?` is the run id.
FIELDS_SQL = """
WITH records AS (
    SELECT * FROM (
        SELECT id, _run_id = ? AS is_this_run, record, _loaded_at FROM {table} WHERE NOT is_archived
    )
    -- the newest rows of each side are enough to tell a field's presence, at a bounded cost
    QUALIFY row_number() OVER (PARTITION BY is_this_run ORDER BY _loaded_at DESC, id) <= {sample}
),
fields AS (
    SELECT is_this_run, key AS field
    FROM records, unnest(json_keys(record)) AS keys(key)
    WHERE json_extract_string(record, '$."' || key || '"') IS NOT NULL AND key <> 'properties'
    UNION ALL
    SELECT is_this_run, 'properties.' || key
    FROM records, unnest(json_keys(record -> '$.properties')) AS keys(key)
    WHERE json_type(record -> '$.properties') = 'OBJECT'
      AND json_extract_string(record -> '$.properties', '$."' || key || '"') IS NOT NULL
)
SELECT field,
       count(*) FILTER (WHERE is_this_run) AS in_run,
       count(*) FILTER (WHERE NOT is_this_run) AS before
FROM fields GROUP BY field ORDER BY field
"""
TOTALS_SQL = """
SELECT least(count(*) FILTER (WHERE _run_id = ?), {sample}),
       least(count(*) FILTER (WHERE _run_id <> ?), {sample})
FROM {table} WHERE NOT is_archived
"""


@dataclass(frozen=True, slots=True)
class SchemaDrift:
    """What changed in one stream's record shape during one run."""

    stream: str
    new_fields: tuple[str, ...] = ()
    vanished_fields: tuple[str, ...] = ()

    @property
    def probable_renames(self) -> tuple[tuple[str, str], ...]:
        """(vanished, new) pairs: a field that went while another came in the same run."""
        return tuple((old, new) for old in self.vanished_fields for new in self.new_fields)

    def describe(self) -> str:
        """One line for the log; empty when nothing drifted."""
        parts = []
        if self.new_fields:
            parts.append(f"new field(s) {', '.join(self.new_fields)} (landed in raw only)")
        if self.vanished_fields:
            parts.append(f"field(s) {', '.join(self.vanished_fields)} missing on every record")
        if self.probable_renames:
            pairs = ", ".join(f"{old} -> {new}" for old, new in self.probable_renames)
            parts.append(f"probable rename: {pairs}")
        return f"{self.stream}: schema drift: " + "; ".join(parts) if parts else ""


def detect_schema_drift(duckdb_path: str | Path, stream: str, run_id: str) -> SchemaDrift:
    """Compare the fields of the records `run_id` wrote to `stream` with those stored before.

    Args:
        duckdb_path: the warehouse file.
        stream: e.g. ``<vendor>/deals``.
        run_id: the run whose written records are compared (their ``_run_id``).

    Returns:
        The drift found; nothing when the run wrote no record or nothing was stored before.
    """
    table = raw_table(stream)
    with duckdb.connect(str(duckdb_path)) as con:
        in_run, before = con.execute(
            TOTALS_SQL.format(table=table, sample=SAMPLE_ROWS), [run_id, run_id]
        ).fetchone()
        if not in_run or not before:
            return SchemaDrift(stream)
        counts = con.execute(
            FIELDS_SQL.format(table=table, sample=SAMPLE_ROWS), [run_id]
        ).fetchall()
    new = tuple(field for field, run_rows, old_rows in counts if run_rows and not old_rows)
    vanished = tuple(
        field
        for field, run_rows, old_rows in counts
        if not run_rows and in_run >= VANISHED_MIN_ROWS and old_rows >= VANISHED_MIN_SHARE * before
    )
    return SchemaDrift(stream, new, vanished)
