"""Write a sandbox business straight into the DuckDB raw layer: the API's records, no HTTP.

Transform benchmarks at millions of calls must not wait an hour for ingest. The records are the
ones a full sync would land (same properties, associations and key order, rendered by the
sandbox's own renderers and the connector's landing format), so dbt cannot tell the difference;
``tests/sandbox/test_raw_writer.py`` checks it against a real sync. Memory stays
bounded: calls are generated one day at a time and loaded in NDJSON chunks.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from connectors.aircall.config import AircallConfig
from connectors.aircall.messages import MESSAGE_SHAPE
from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.streams import CONTACT_PROPERTIES, DEAL_PROPERTIES, GOAL_TARGET_PROPERTIES
from connectors.landing import LANDING_COLUMNS, landing_line
from connectors.pipedrive.config import PipedriveConfig
from connectors.pipedrive.streams import build_pipedrive_streams
from connectors.registry import config_streams
from connectors.streams import RecordShape, format_timestamp
from connectors.twilio.scan import Watermark
from connectors.twilio.streams import TWILIO_SHAPE
from connectors.warehouse import STATE_TABLE, create_raw_schema, raw_table
from sandbox.apis import aircall as aircall_api
from sandbox.apis import hubspot as hubspot_api
from sandbox.apis import twilio_render
from sandbox.apis.aircall_messages_render import latest_events
from sandbox.apis.aircall_webhooks import envelope
from sandbox.apis.hubspot import requested_properties
from sandbox.apis.pipedrive import PipedriveApi
from sandbox.config import PIPEDRIVE_TOKEN
from sandbox.server.wire import Request
from sandbox.world.business import Business
from sandbox.world.objects import ObjectStore

CHUNK_RECORDS = 100_000
PIPEDRIVE_TIMED = ("pipedrive/deals", "pipedrive/persons")
PIPEDRIVE_FULL = ("pipedrive/pipelines", "pipedrive/stages", "pipedrive/users")
TWILIO_STREAMS = ("twilio/conversations", "twilio/participants", "twilio/messages")
MESSAGING_STREAMS = (*TWILIO_STREAMS, "aircall/messages")
INSERT_SQL = """
INSERT INTO {table} (id, record, modified_at, is_archived, _loaded_at, _run_id)
SELECT id, CAST(record AS JSON), modified_at, is_archived, now(), ?
FROM read_json('{path}', format = 'newline_delimited', columns = {columns})
"""


def stream_shapes() -> dict[str, RecordShape]:
    """Each stream's record shape, taken from the connectors themselves (no request is made)."""
    streams = config_streams(
        HubSpotConfig("unused", base_url="http://127.0.0.1:9"),
        AircallConfig("unused", "unused", base_url="http://127.0.0.1:9"),
    )
    pipedrive = build_pipedrive_streams(PipedriveConfig("unused", base_url="http://127.0.0.1:9"))
    shapes = {name: stream.shape for name, stream in {**streams, **pipedrive}.items()}
    # The messaging streams take no hand-built config; their shapes are module constants.
    shapes.update({name: TWILIO_SHAPE for name in TWILIO_STREAMS})
    shapes["aircall/messages"] = MESSAGE_SHAPE
    return shapes


def write_raw(
    duckdb_path: str | Path,
    business: Business,
    run_id: str = "raw-writer",
    *,
    pipedrive: bool = False,
    messaging: bool = False,
) -> dict[str, int]:
    """Replace every raw table of ``duckdb_path`` with what a full sync of ``business`` lands.

    Args:
        duckdb_path: the warehouse file (created with the raw layer if missing).
        business: the sandbox data, e.g. ``Business(config, staffing(size, ...))``.
        run_id: written to ``_run_id``.
        pipedrive: also write the Pipedrive rendering into ``raw_pipedrive.*`` (the same
            world as a second CRM; off by default so HubSpot-only warehouses stay as they were).
        messaging: also write the business's threads: Twilio's into ``raw_twilio.*`` as a first
            sync reading their whole history lands them, Aircall's into ``raw_aircall.messages``
            as the ingest of every webhook event lands them (one row per message, its latest
            status). Needs a business built with ``SandboxConfig(messaging=True)`` to hold any.

    Returns:
        Rows written per stream.
    """
    shapes = stream_shapes()
    written: dict[str, int] = {}
    tables = stream_records(business)
    if pipedrive:
        tables.update(pipedrive_records(business))
    if messaging:
        tables.update(messaging_records(business))
    Path(duckdb_path).parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(duckdb_path)) as con, tempfile.TemporaryDirectory() as tmp:
        create_raw_schema(con)
        for stream, records in tables.items():
            con.execute(f"DELETE FROM {raw_table(stream)}")
            written[stream] = load_stream(con, stream, records, shapes[stream], Path(tmp), run_id)
        backdate_loaded_at(con, business.calendar.end, pipedrive=pipedrive, messaging=messaging)
        cursors = sync_cursors(con, business.calendar.end, PIPEDRIVE_TIMED if pipedrive else ())
        if messaging:
            cursors.update(_twilio_cursors(business))
        store_cursors(con, cursors)
    return written


def backdate_loaded_at(
    con: duckdb.DuckDBPyConnection,
    end_epoch_s: int,
    *,
    pipedrive: bool = False,
    messaging: bool = False,
) -> None:
    """Set ``_loaded_at`` to when nightly syncs would have landed each row: 02:00 UTC the night
    after the call started or the CRM record changed, never after the end of the year.

    Rows written in one go would all share one load time, and dbt's incremental lookback
    (INCREMENTAL_LOOKBACK_HOURS) would then re-process every row on the next night.
    """
    end = f"make_timestamptz(CAST({end_epoch_s} AS BIGINT) * 1000000)"
    night = "date_trunc('day', {t}) + INTERVAL 26 HOUR"
    started = "make_timestamptz(cast(record ->> '$.started_at' AS bigint) * 1000000)"
    con.execute(
        f"UPDATE raw_aircall.calls SET _loaded_at = least({end}, {night.format(t=started)})"
    )
    timed = ("hubspot/deals", "hubspot/contacts", "hubspot/goal_targets")
    more = (*(PIPEDRIVE_TIMED if pipedrive else ()), *(MESSAGING_STREAMS if messaging else ()))
    for stream in (*timed, *more):
        con.execute(
            f"UPDATE {raw_table(stream)} SET _loaded_at = "
            f"least({end}, coalesce({night.format(t='modified_at')}, {end}))"
        )
    for stream in ("hubspot/owners", "hubspot/deal_pipelines", "aircall/users",
                   "aircall/numbers", "aircall/teams",
                   *(PIPEDRIVE_FULL if pipedrive else ())):  # fmt: skip
        con.execute(f"UPDATE {raw_table(stream)} SET _loaded_at = {end}")


def stream_records(business: Business) -> dict[str, Iterable[dict[str, Any]]]:
    """Per stream, the records a full sync reads, lazily (calls are generated day by day)."""
    return {
        "hubspot/deals": _deals(business),
        "hubspot/contacts": _searched(business, "contacts", CONTACT_PROPERTIES),
        "hubspot/owners": _owners(business),
        "hubspot/deal_pipelines": list(business.pipelines),
        "hubspot/goal_targets": render_goal_targets(business.goal_targets),
        "aircall/calls": _calls(business),
        "aircall/users": _aircall_list(business, "users"),
        "aircall/numbers": _aircall_list(business, "numbers"),
        "aircall/teams": _aircall_list(business, "teams"),
    }


def pipedrive_records(business: Business) -> dict[str, Iterable[dict[str, Any]]]:
    """Per Pipedrive stream, what a first full sync lands, read through the sandbox's own
    handlers: deleted deals of the window, archived deals and the live list in one table."""
    api = PipedriveApi(business, business.config)

    def listing(path: str, **params: Any) -> Iterator[dict[str, Any]]:
        cursor = None
        while True:
            query = {**params, "limit": 500, **({"cursor": cursor} if cursor else {})}
            request = Request("GET", path, {k: [str(v)] for k, v in query.items()},
                              {"x-api-token": PIPEDRIVE_TOKEN}, b"", "raw-writer")  # fmt: skip
            page = json.loads(api.handle(request).body)
            yield from page["data"] or []
            cursor = (page.get("additional_data") or {}).get("next_cursor")
            if not cursor:
                return

    def deals() -> Iterator[dict[str, Any]]:
        yield from listing("/api/v2/deals", status="deleted")
        yield from listing("/api/v2/deals/archived")
        yield from listing("/api/v2/deals")

    return {
        "pipedrive/deals": deals(),
        "pipedrive/persons": listing("/api/v2/persons"),
        "pipedrive/pipelines": listing("/api/v2/pipelines"),
        "pipedrive/stages": listing("/api/v2/stages"),
        "pipedrive/users": json.loads(api.handle(
            Request("GET", "/v1/users", {}, {"x-api-token": PIPEDRIVE_TOKEN}, b"", "raw-writer")
        ).body)["data"],
    }  # fmt: skip


def messaging_records(business: Business) -> dict[str, Iterable[dict[str, Any]]]:
    """Per messaging stream, what landing every record lands: Twilio's resources as its API
    renders them, and for each Aircall message its last event without the token (the raw
    record of ``aircall/messages``)."""
    threads = business.conversations.carried_by(twilio_render.SOURCE)
    return {
        "twilio/conversations": [twilio_render.conversation_json(c) for c in threads],
        "twilio/participants": [
            twilio_render.participant_json(c, party)
            for c in threads
            for party in twilio_render.parties(c)
        ],
        "twilio/messages": [twilio_render.message_json(c, m) for c in threads for m in c.messages],
        "aircall/messages": [
            {k: v for k, v in envelope(e.data, "", e.event, e.at).items() if k != "token"}
            for e in latest_events(business)
        ],
    }


def load_stream(con: duckdb.DuckDBPyConnection, stream: str, records: Iterable[dict[str, Any]],
                shape: RecordShape, folder: Path, run_id: str) -> int:  # fmt: skip
    """Append records to a stream's raw table in landing format, by NDJSON chunks in
    ``folder``; returns how many."""
    total = 0
    chunk: list[str] = []
    for record in records:
        chunk.append(landing_line(len(chunk), record, shape))
        if len(chunk) >= CHUNK_RECORDS:
            total += _insert(con, stream, chunk, folder, run_id)
            chunk = []
    return total + (_insert(con, stream, chunk, folder, run_id) if chunk else 0)


def _insert(con: duckdb.DuckDBPyConnection, stream: str, lines: list[str], folder: Path,
            run_id: str) -> int:  # fmt: skip
    path = folder / "chunk.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sql = INSERT_SQL.format(table=raw_table(stream), path=path, columns=LANDING_COLUMNS)
    con.execute(sql, [run_id])
    path.unlink()
    return len(lines)


def _deals(business: Business) -> Iterator[dict[str, Any]]:
    # Live deals come from search plus a v4 associations read; archived ones from the list
    # endpoint with associations=contacts (connectors/hubspot/streams.py DealsStream).
    names = requested_properties("deals", [",".join(DEAL_PROPERTIES)])
    for record in business.deals.all():
        if record.archived:
            yield record.render(names, "contacts")
            continue
        body = record.render(names)
        ids = sorted({str(other) for other in record.associations}, key=lambda x: (len(x), x))
        if ids:
            results = [{"id": contact_id, "type": "deal_to_contact"} for contact_id in ids]
            body["associations"] = {"contacts": {"results": results}}
        yield body


def _searched(
    business: Business, object_type: str, properties: tuple[str, ...]
) -> Iterator[dict[str, Any]]:
    store = business.objects(object_type)
    assert store is not None
    names = requested_properties(object_type, [",".join(properties)])
    return (record.render(names) for record in store.all() if not record.archived)


def render_goal_targets(goals: ObjectStore) -> Iterator[dict[str, Any]]:
    """Goal targets as the connector's search reads them (archived ones are not searched)."""
    names = requested_properties("goal_targets", [",".join(GOAL_TARGET_PROPERTIES)])
    return (record.render(names) for record in goals.all() if not record.archived)


def _request(path: str, **params: Any) -> Request:
    query = {name: [str(value)] for name, value in params.items()}
    return Request("GET", path, query, {}, b"", "raw-writer")


def _owners(business: Business) -> list[dict[str, Any]]:
    owners: list[dict[str, Any]] = []
    for archived in ("false", "true"):
        request = _request("/crm/v3/owners", limit=hubspot_api.OWNERS_MAX, archived=archived)
        owners.extend(_pages(lambda after, r=request: _owners_page(business, r, after)))
    return owners


def _owners_page(business: Business, request: Request, after: int) -> dict[str, Any]:
    paged = Request(
        request.method,
        request.path,
        {**request.query, "after": [str(after)]},
        {},
        b"",
        "raw-writer",
    )
    return json.loads(hubspot_api.list_owners(business, paged).body)


def _pages(fetch: Any) -> Iterator[dict[str, Any]]:
    after = 0
    while True:
        page = fetch(after)
        yield from page.get("results") or []
        following = (page.get("paging") or {}).get("next")
        if not following:
            return
        after = int(following["after"])


def _aircall_list(business: Business, resource: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        request = _request(f"/v1/{resource}", page=page, per_page=aircall_api.PER_PAGE_MAX)
        body = json.loads(aircall_api.list_static(business, request, resource, 10**9).body)
        items.extend(body[resource])
        if not body["meta"]["next_page_link"]:
            return items
        page += 1


def _calls(business: Business) -> Iterator[dict[str, Any]]:
    store = business.calls
    for index in range(store.last_index() + 1):
        for row in store.rows(index):
            yield store.render(row)


def _twilio_cursors(business: Business) -> dict[str, str]:
    """What each Twilio stream stores after a sync at the end of the year: the watermark, and
    the conversations it saw active (re-read next run)."""
    threads = business.conversations.carried_by(twilio_render.SOURCE)
    active = frozenset(
        twilio_render.conversation_sid(c) for c in threads if twilio_render.state(c) == "active"
    )
    through = dt.datetime.fromtimestamp(business.calendar.end, dt.UTC)
    cursor = Watermark(through, active).dump()
    return dict.fromkeys(TWILIO_STREAMS, cursor)


def store_cursors(con: duckdb.DuckDBPyConnection, cursors: dict[str, str]) -> None:
    """Record ``cursors`` in the sync state, as the connectors' checkpoints would."""
    for stream, cursor in cursors.items():
        con.execute(f"INSERT OR REPLACE INTO {STATE_TABLE} VALUES (?, ?, now())", [stream, cursor])


def sync_cursors(
    con: duckdb.DuckDBPyConnection, end_epoch_s: int, more: tuple[str, ...] = ()
) -> dict[str, str]:
    """The cursors a full sync right after the sandbox year (ending ``end_epoch_s``) would
    have stored."""
    cursors = {"aircall/calls": format_timestamp(dt.datetime.fromtimestamp(end_epoch_s, dt.UTC))}
    live = "WHERE NOT is_archived"
    # Pipedrive's watermark is the highest update time landed, deleted deals included.
    filtered = [(s, live) for s in ("hubspot/deals", "hubspot/contacts")] + [(s, "") for s in more]
    for stream, where in filtered:
        row = con.execute(f"SELECT max(modified_at) FROM {raw_table(stream)} {where}").fetchone()
        if row and row[0] is not None:
            cursors[stream] = format_timestamp(row[0])
    return cursors
