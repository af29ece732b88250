"""Twilio Conversations streams against the sandbox over real HTTP: paging, the trailing window
plus active re-reads, the JSON watermark, 429 and 401."""

import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from connector_testkit import FakeClient, Sleeps

from connectors.errors import FatalError
from connectors.http import RetryPolicy
from connectors.landing import sync_stream
from connectors.streams import Stream, SyncResult
from connectors.transport import Transport
from connectors.twilio.paging import NextPageUrlPaginator
from connectors.twilio.scan import ConversationScan, TwilioOptions, Watermark
from connectors.twilio.source import SOURCE
from connectors.warehouse import raw_table, stream_cursor
from sandbox import RunningSandbox, SandboxConfig, start_sandbox
from sandbox.apis.twilio_render import conversation_sid
from sandbox.config import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from sandbox.world.conversations import ConversationBook, ConversationFact

AS_OF = date(2025, 3, 15)
DAY = 86_400
AGENT = "chloe.martin@lumen-habitat.fr"
LIST_PATH = "/twilio/v1/Conversations"


class Clock:
    """The connector's clock, moved by the test."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    """A tiny business without messaging: each test writes the threads it needs."""
    with start_sandbox(SandboxConfig(seed=5, scale=0.02, as_of=AS_OF)) as running:
        yield running


@pytest.fixture
def clock(sandbox: RunningSandbox) -> Clock:
    return Clock(sandbox.business.calendar.end + 3600)


def streams_for(
    sandbox: RunningSandbox,
    clock: Clock,
    sleeps: Sleeps,
    page_size: int = 5,
    token: str = TWILIO_AUTH_TOKEN,
    base_url: str | None = None,
) -> dict[str, Stream]:
    env = {
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": token,
        "TWILIO_CONVERSATIONS_BASE_URL": base_url or sandbox.base_url + "/twilio",
        "TWILIO_PAGE_SIZE": str(page_size),
    }
    retry = RetryPolicy(max_attempts=3, backoff_seconds=0.01, unreachable_attempts=1)
    return SOURCE.streams(env, Transport(retry, sleep=sleeps, clock=clock))


def sync_all(streams: dict[str, Stream], path: Path, run_id: str) -> dict[str, SyncResult]:
    return {name: sync_stream(stream, path, run_id) for name, stream in streams.items()}


def raw_ids(path: Path, stream: str) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(f"SELECT id FROM {raw_table(stream)} ORDER BY id").fetchall()
    return [row[0] for row in rows]


def raw_record(path: Path, stream: str, key: str) -> dict:
    with duckdb.connect(str(path), read_only=True) as con:
        query = f"SELECT CAST(record AS VARCHAR) FROM {raw_table(stream)} WHERE id = ?"
        return json.loads(con.execute(query, [key]).fetchone()[0])


def thread(
    book: ConversationBook, started: float, messages: int = 1, closed_after: float | None = None
) -> ConversationFact:
    """A WhatsApp thread: the customer writes, then customer and agent take turns."""
    number = f"+3361234{len(book):04d}"
    conversation = book.start("whatsapp", number, "customer", int(started))
    for index in range(1, messages):
        author = "agent" if index % 2 else "customer"
        book.add_message(conversation.conversation_id, author, int(started) + 60 * index,
                         AGENT if author == "agent" else None)  # fmt: skip
    if closed_after is not None:
        book.close(conversation.conversation_id, int(started + closed_after))
    return conversation


@pytest.mark.parametrize(
    ("threads", "messages", "list_requests"),
    [
        pytest.param(0, 0, 2, id="empty"),
        pytest.param(3, 2, 2, id="single-page"),
        pytest.param(12, 7, 6, id="multi-page"),
    ],
)
def test_twilio_streams_land_every_page(
    sandbox: RunningSandbox, clock: Clock, sleeps: Sleeps, tmp_path: Path,
    threads: int, messages: int, list_requests: int,
) -> None:  # fmt: skip
    # given
    book = sandbox.business.conversations
    for index in range(threads):
        thread(book, clock.now - (index + 2) * DAY, messages)
    streams = streams_for(sandbox, clock, sleeps, page_size=5)
    # when
    conversations = sync_stream(streams["twilio/conversations"], tmp_path / "w.duckdb", "r1")
    list_calls = sandbox.stats().get(LIST_PATH, 0)
    sync_all(streams, tmp_path / "w.duckdb", "r2")
    rerun = sync_all(streams, tmp_path / "w.duckdb", "r3")
    # then
    assert list_calls == list_requests  # the window listing, then the active one
    assert conversations.records == threads
    path = tmp_path / "w.duckdb"
    expected = sorted(conversation_sid(c) for c in book.conversations)
    assert raw_ids(path, "twilio/conversations") == expected
    assert len(raw_ids(path, "twilio/messages")) == threads * messages
    agents = 1 if messages > 1 else 0
    assert len(raw_ids(path, "twilio/participants")) == threads * (1 + agents)
    assert all(result.inserted == 0 for result in rerun.values())  # a re-run adds nothing
    cursor = Watermark.parse(stream_cursor(path, "twilio/messages"))
    assert cursor.through == datetime.fromtimestamp(clock.now, UTC)
    assert len(cursor.open) == threads


def test_twilio_rerun_picks_up_old_active_threads_and_lands_no_duplicate(
    sandbox: RunningSandbox, clock: Clock, sleeps: Sleeps, tmp_path: Path
) -> None:
    # given: an old thread still active, an old closed one, a recent one
    book, path = sandbox.business.conversations, tmp_path / "w.duckdb"
    old_active = thread(book, clock.now - 30 * DAY, messages=2)
    old_closed = thread(book, clock.now - 30 * DAY, messages=2, closed_after=5 * DAY)
    recent = thread(book, clock.now - 2 * DAY, messages=2, closed_after=3600)
    sync_all(streams_for(sandbox, clock, sleeps), path, "r1")
    clock.now += DAY
    book.add_message(old_active.conversation_id, "agent", int(clock.now - 600), AGENT)
    sandbox.clear_stats()
    # when
    second = sync_all(streams_for(sandbox, clock, sleeps), path, "r2")
    third = sync_all(streams_for(sandbox, clock, sleeps), path, "r3")
    # then
    assert second["twilio/messages"].inserted == 1
    assert second["twilio/conversations"].updated == 1  # its date_updated moved
    assert len(raw_ids(path, "twilio/messages")) == book.message_count() == 7
    requested = sandbox.stats()
    messages_of = lambda c: f"{LIST_PATH}/{conversation_sid(c)}/Messages"  # noqa: E731
    assert requested.get(messages_of(recent)) == 2  # the trailing window is re-read...
    assert messages_of(old_closed) not in requested  # ...old closed threads are not
    assert all(result.inserted == result.updated == 0 for result in third.values())


def test_twilio_thread_closed_since_the_last_run_is_read_once_more(
    sandbox: RunningSandbox, clock: Clock, sleeps: Sleeps, tmp_path: Path
) -> None:
    # given: the last run saw it active; since then it got a last message and was closed
    book, path = sandbox.business.conversations, tmp_path / "w.duckdb"
    old = thread(book, clock.now - 40 * DAY, messages=3)
    sync_all(streams_for(sandbox, clock, sleeps), path, "r1")
    clock.now += DAY
    book.add_message(old.conversation_id, "agent", int(clock.now - 7200), AGENT)
    book.close(old.conversation_id, int(clock.now - 3600))
    # when
    sync_all(streams_for(sandbox, clock, sleeps), path, "r2")
    sandbox.clear_stats()
    sync_all(streams_for(sandbox, clock, sleeps), path, "r3")
    # then
    sid = conversation_sid(old)
    assert raw_record(path, "twilio/conversations", sid)["state"] == "closed"
    assert len(raw_ids(path, "twilio/messages")) == 4
    assert Watermark.parse(stream_cursor(path, "twilio/messages")).open == frozenset()
    assert f"{LIST_PATH}/{sid}/Messages" not in sandbox.stats()  # no longer re-read


def test_twilio_thread_deleted_while_active_is_marked_gone(
    sandbox: RunningSandbox, clock: Clock, sleeps: Sleeps, tmp_path: Path
) -> None:
    # given: the last run saw it active (outside the next window); then it was deleted
    book, path = sandbox.business.conversations, tmp_path / "w.duckdb"
    old = thread(book, clock.now - 40 * DAY, messages=2)
    kept = thread(book, clock.now - 40 * DAY, messages=2)
    sync_stream(streams_for(sandbox, clock, sleeps)["twilio/conversations"], path, "r1")
    book.remove(old.conversation_id)
    clock.now += DAY
    # when
    result = sync_stream(streams_for(sandbox, clock, sleeps)["twilio/conversations"], path, "r2")
    # then
    with duckdb.connect(str(path), read_only=True) as con:
        query = "SELECT id FROM raw_twilio.conversations WHERE _deleted_at IS NOT NULL"
        gone = [row[0] for row in con.execute(query).fetchall()]
    assert gone == [conversation_sid(old)]
    assert Watermark.parse(result.cursor).open == {conversation_sid(kept)}


def test_twilio_watermark_is_stored_only_after_the_pages_landed(
    sandbox: RunningSandbox, clock: Clock, sleeps: Sleeps, tmp_path: Path
) -> None:
    # given
    book, path = sandbox.business.conversations, tmp_path / "w.duckdb"
    first, second = (thread(book, clock.now - days * DAY, messages=2) for days in (3, 2))
    streams = streams_for(sandbox, clock, sleeps)
    sync_stream(streams["twilio/messages"], path, "r1")
    stored = stream_cursor(path, "twilio/messages")
    clock.now += DAY
    sandbox.add_fault(f"{LIST_PATH}/{conversation_sid(second)}/Messages", "status", status=400,
                      body='{"code": 20001, "message": "Invalid", "status": 400}')  # fmt: skip
    # when
    with pytest.raises(FatalError):
        sync_stream(streams_for(sandbox, clock, sleeps)["twilio/messages"], path, "r2")
    # then
    assert stream_cursor(path, "twilio/messages") == stored
    assert Watermark.parse(stored).open == {conversation_sid(first), conversation_sid(second)}


def test_twilio_429_with_code_20429_is_retried_after_retry_after(
    sandbox: RunningSandbox, clock: Clock, sleeps: Sleeps, tmp_path: Path
) -> None:
    # given
    thread(sandbox.business.conversations, clock.now - DAY, messages=2)
    body = json.dumps({"code": 20429, "message": "Too Many Requests", "status": 429,
                       "more_info": "https://www.twilio.com/docs/errors/20429"})  # fmt: skip
    sandbox.add_fault(LIST_PATH, "status", status=429, headers={"Retry-After": "2"}, body=body)
    # when
    result = sync_stream(streams_for(sandbox, clock, sleeps)["twilio/messages"],
                         tmp_path / "w.duckdb", "r1")  # fmt: skip
    # then
    assert sleeps.waits == [2.0]
    assert result.records == 2 and result.cursor is not None


def test_twilio_401_is_fatal_at_once_and_never_shows_the_token(
    sandbox: RunningSandbox, clock: Clock, sleeps: Sleeps, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    # given
    secret = "TOKEN-that-must-never-leak-7f3a"
    stream = streams_for(sandbox, clock, sleeps, token=secret)["twilio/conversations"]
    caplog.set_level(logging.DEBUG)
    # when
    with pytest.raises(FatalError) as error:
        sync_stream(stream, tmp_path / "w.duckdb", "r1")
    # then
    message = str(error.value)
    assert error.value.status == 401
    assert "TWILIO_ACCOUNT_SID" in message and "TWILIO_AUTH_TOKEN" in message
    assert secret not in message and secret not in caplog.text and secret not in repr(stream)
    assert sandbox.stats() == {LIST_PATH: 1} and sleeps.waits == []
    assert stream_cursor(tmp_path / "w.duckdb", "twilio/conversations") is None


def test_twilio_wrong_base_url_names_the_variable(
    sandbox: RunningSandbox, clock: Clock, sleeps: Sleeps, tmp_path: Path
) -> None:
    # given: a base URL where no Conversations API lives
    wrong = sandbox.base_url + "/nowhere"
    stream = streams_for(sandbox, clock, sleeps, base_url=wrong)["twilio/messages"]
    # when
    with pytest.raises(FatalError) as error:
        sync_stream(stream, tmp_path / "w.duckdb", "r1")
    # then
    assert error.value.status == 404 and "TWILIO_CONVERSATIONS_BASE_URL" in str(error.value)


@pytest.mark.parametrize(
    ("base_url", "link", "expected"),
    [
        pytest.param("https://conversations.twilio.com",
                     "https://conversations.twilio.com/v1/Conversations?PageSize=50&Page=1",
                     "https://conversations.twilio.com/v1/Conversations?PageSize=50&Page=1",
                     id="vendor"),
        pytest.param("http://127.0.0.1:8765/twilio",
                     "https://elsewhere.example/twilio/v1/Conversations?PageToken=PT1",
                     "http://127.0.0.1:8765/twilio/v1/Conversations?PageToken=PT1",
                     id="other-host-ignored"),
        pytest.param("https://proxy.local/twilio/",
                     "https://conversations.twilio.com/v1/Conversations?Page=2",
                     "https://proxy.local/twilio/v1/Conversations?Page=2",
                     id="prefix-added"),
    ],
)  # fmt: skip
def test_twilio_next_page_url_is_followed_on_the_configured_host(
    base_url: str, link: str, expected: str
) -> None:
    # given
    paginator = NextPageUrlPaginator("conversations", base_url)
    # when
    token = paginator.next_token({"conversations": [], "meta": {"next_page_url": link}})
    # then
    assert token == expected
    assert paginator.next_token({"meta": {"next_page_url": None}}) is None


def test_twilio_scan_reads_history_first_then_the_trailing_window() -> None:
    # given
    def answer(method: str, path: str, params: dict) -> dict:
        return {"conversations": [], "meta": {"next_page_url": None, "key": "conversations"}}

    client = FakeClient(answer, now=datetime(2025, 3, 15, 10, tzinfo=UTC).timestamp())
    client.base_url = "https://conversations.twilio.com"  # type: ignore[attr-defined]
    options = TwilioOptions(page_size=100, trailing_days=7, history_days=400)
    cursor = Watermark(datetime(2025, 3, 10, 6, tzinfo=UTC), frozenset()).dump()
    # when
    for stored in (None, cursor):
        list(ConversationScan(client, options, stored).batches())  # type: ignore[arg-type]
    # then
    queries = [params for _, _, params in client.calls]
    assert queries == [
        {"StartDate": "2024-02-09T00:00:00Z", "PageSize": 100},
        {"State": "active", "PageSize": 100},
        {"StartDate": "2025-03-03T00:00:00Z", "PageSize": 100},
        {"State": "active", "PageSize": 100},
    ]


def test_twilio_source_declares_the_sandbox_credentials_and_its_variables() -> None:
    # then
    assert SOURCE.sandbox_credentials == {
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
    }
    assert SOURCE.stream_names == ("twilio/conversations", "twilio/participants", "twilio/messages")
    assert SOURCE.base_url_variable == "TWILIO_CONVERSATIONS_BASE_URL"
    assert SOURCE.secrets == ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")
    streams = SOURCE.streams({"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"}, Transport())
    assert list(streams) == list(SOURCE.stream_names)
    assert all(s.count_scope(None).source_count is None for s in streams.values())
