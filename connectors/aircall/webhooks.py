"""The Aircall webhook receiver: ``POST /webhooks/aircall`` lands message events durably.

Aircall has no REST endpoint for message history (docs/webhooks.md), so every message event must
be on disk before we answer 2xx: Aircall retries anything else, and never sends it again after
a 2xx. Answers:

- 200 ``stored``: a ``message.*`` event, appended and fsynced to the landing area;
- 200 ``ignored``: any other event (``call.*`` ...) with a valid token. Calls come from the REST
  API; answering non-2xx would only make Aircall retry them (and eventually disable the hook);
- 400: a body that is not JSON, not an object, or lacks ``event`` or ``data.id``;
- 401: a missing or wrong ``token`` (checked before the shape, in constant time);
- 413: a body over ``max_body_bytes``, refused while it streams in;
- 503: the disk refused the write: Aircall will redeliver.
"""

import asyncio
import contextlib
import hmac
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from connectors.group_commit import GroupCommitter
from connectors.webhook_landing import (
    DEFAULT_SEGMENT_BYTES,
    DEFAULT_SEGMENT_SECONDS,
    SegmentWriter,
    recover_orphans,
)

WEBHOOK_PATH = "/webhooks/aircall"
DEFAULT_LANDING_DIR = "data/landing/webhooks"
LANDING_SUBFOLDER = "aircall"
MAX_BODY_BYTES = 1024 * 1024
STORED_PREFIX = "message."
ROTATION_CHECK_SECONDS = 1.0


class BodyTooLarge(Exception):
    """The body passed the limit while streaming in."""


@dataclass(frozen=True, slots=True)
class ReceiverConfig:
    """What the receiver needs.

    Attributes:
        token: the webhook token Aircall puts in every event (``AIRCALL_WEBHOOK_TOKEN``).
        landing_dir: the landing root (``WEBHOOK_LANDING_DIR``); events go to ``<root>/aircall``.
        max_body_bytes: larger bodies get 413.
        segment_bytes: rotate segments at this size.
        segment_seconds: rotate segments at this age, so the ingest sees events this late at most.
    """

    token: str
    landing_dir: Path
    max_body_bytes: int = MAX_BODY_BYTES
    segment_bytes: int = DEFAULT_SEGMENT_BYTES
    segment_seconds: float = DEFAULT_SEGMENT_SECONDS

    def __post_init__(self) -> None:
        if not self.token:
            raise ValueError("AIRCALL_WEBHOOK_TOKEN is empty: the receiver would accept anyone")

    @property
    def folder(self) -> Path:
        """Where this receiver's segments go."""
        return Path(self.landing_dir) / LANDING_SUBFOLDER


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _read_limited(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it passes ``limit`` (never buffered past it)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _token_matches(envelope: dict[str, Any], expected: bytes) -> bool:
    token = envelope.get("token")
    if not isinstance(token, str):
        return False
    return hmac.compare_digest(token.encode("utf-8"), expected)


def _shape_error(envelope: dict[str, Any]) -> str | None:
    event, data = envelope.get("event"), envelope.get("data")
    if not isinstance(event, str) or not event:
        return "missing event"
    if not isinstance(data, dict) or data.get("id") in (None, ""):
        return "missing data.id"
    if not isinstance(data["id"], str | int) or isinstance(data["id"], bool):
        return "data.id is not a string or an integer"
    return None


def landing_line(envelope: dict[str, Any], received_at: datetime) -> bytes:
    """The stored line: the envelope as sent, minus its token (a secret), plus arrival time."""
    event = {key: value for key, value in envelope.items() if key != "token"}
    record = {"received_at": received_at.isoformat(timespec="milliseconds"), "event": event}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def create_app(config: ReceiverConfig) -> Starlette:
    """The ASGI app; one ``SegmentWriter`` per process (uvicorn workers each build their own)."""
    expected = config.token.encode("utf-8")
    writer = SegmentWriter(config.folder, config.segment_bytes, config.segment_seconds)
    committer = GroupCommitter(writer.append)

    async def receive(request: Request) -> JSONResponse:
        try:
            body = await _read_limited(request, config.max_body_bytes)
        except BodyTooLarge:
            return _error(413, f"body over {config.max_body_bytes} bytes")
        try:
            envelope = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _error(400, "body is not JSON")
        if not isinstance(envelope, dict):
            return _error(400, "body is not a JSON object")
        if not _token_matches(envelope, expected):
            return _error(401, "wrong or missing token")
        problem = _shape_error(envelope)
        if problem:
            return _error(400, problem)
        if not envelope["event"].startswith(STORED_PREFIX):
            return JSONResponse({"status": "ignored"})
        try:
            await committer.submit(landing_line(envelope, datetime.now(UTC)))
        except OSError:
            return _error(503, "could not store the event; retry")
        return JSONResponse({"status": "stored"})

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(recover_orphans, config.folder)
        rotation = asyncio.get_running_loop().create_task(_rotate_forever(writer))
        try:
            yield
        finally:
            rotation.cancel()
            await asyncio.to_thread(writer.close)

    return Starlette(routes=[Route(WEBHOOK_PATH, receive, methods=["POST"])], lifespan=lifespan)


async def _rotate_forever(writer: SegmentWriter) -> None:
    while True:
        await asyncio.sleep(ROTATION_CHECK_SECONDS)
        await asyncio.to_thread(writer.rotate_if_due)


def config_from_environment(environ: Mapping[str, str]) -> ReceiverConfig:
    """The receiver's settings from environment variables (how uvicorn workers get them)."""
    return ReceiverConfig(
        token=environ.get("AIRCALL_WEBHOOK_TOKEN", "").strip(),
        landing_dir=Path(environ.get("WEBHOOK_LANDING_DIR", "").strip() or DEFAULT_LANDING_DIR),
        segment_seconds=float(
            environ.get("WEBHOOK_SEGMENT_SECONDS", "").strip() or DEFAULT_SEGMENT_SECONDS
        ),
    )


def app_from_settings(settings: Mapping[str, str]) -> Starlette:
    """The receiver app from this source's settings (``SourcePlugin.webhook``)."""
    return create_app(config_from_environment(settings))
