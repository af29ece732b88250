"""Twilio Conversations v1 under ``/twilio``: conversations, participants, messages (§5.2).

Basic auth (account SID + auth token) with Twilio's 401 body, a per-second budget answered with
429 / code 20429, ``PageSize`` clamped, keyset ``PageToken`` carried in ``meta.next_page_url``.
Conversations filter on creation date and state only, as the real API: no updated-since filter.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sandbox.apis import twilio_render as render
from sandbox.config import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, SandboxConfig
from sandbox.server.ratelimit import RollingWindow
from sandbox.server.wire import Request, Response, json_response
from sandbox.world.business import Business
from sandbox.world.conversations import ConversationFact

MOUNT = "/twilio"  # base URL of the connector: http://host:port/twilio
PAGE_SIZE_DEFAULT = 50
STATES = ("active", "inactive", "closed")
Key = tuple[Any, ...]
Item = tuple[Key, Callable[[], dict[str, Any]]]


def twilio_error(status: int, code: int, message: str, **extra: Any) -> Response:
    """Twilio's error body: ``code``, ``message``, ``more_info``, ``status``."""
    payload = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
        **extra,
    }
    return json_response(status, payload)


class TwilioApi:
    """The Conversations API over one business's messaging facts."""

    def __init__(self, business: Business, config: SandboxConfig) -> None:
        self.business = business
        self.page_size_max = config.twilio_page_size_max
        self.window = RollingWindow(config.twilio_per_second, 1.0)
        self._index: tuple[tuple[int, int], dict[str, ConversationFact]] = ((-1, -1), {})

    def handle(self, request: Request) -> Response:
        if not _authorized(request):
            return twilio_error(
                401,
                20003,
                "Authentication Error - invalid username",
                detail="Your AccountSid or AuthToken was incorrect.",
            )
        allowed, _ = self.window.take()
        if not allowed:
            response = twilio_error(429, 20429, "Too Many Requests")
            response.headers["Retry-After"] = "1"
            return response
        if request.method != "GET":
            return twilio_error(405, 20004, "Method not allowed")
        return self._route(request, request.path.removeprefix(MOUNT).rstrip("/"))

    def _route(self, request: Request, path: str) -> Response:
        parts = path.split("/")  # "", "v1", "Conversations", sid, child
        if parts[:3] != ["", "v1", "Conversations"] or len(parts) > 5:
            return twilio_error(404, 20404, f"The requested resource {path} was not found")
        if len(parts) == 3:
            return self._conversations(request)
        conversation = self._conversation(parts[3])
        if conversation is None:
            return twilio_error(404, 20404, f"The requested resource {path} was not found")
        if len(parts) == 4:
            return json_response(200, render.conversation_json(conversation))
        if parts[4] == "Participants":
            return self._page(request, "participants", _participants(conversation))
        if parts[4] == "Messages":
            descending = (request.param("Order") or "asc").lower() == "desc"
            return self._page(request, "messages", _messages(conversation), descending)
        return twilio_error(404, 20404, f"The requested resource {path} was not found")

    def _conversations(self, request: Request) -> Response:
        try:
            lower = _instant(request.param("StartDate"), end_of_day=False)
            upper = _instant(request.param("EndDate"), end_of_day=True)
        except ValueError as exc:
            return twilio_error(400, 20001, f"Invalid date: {exc}")
        wanted = request.param("State")
        if wanted not in (None, "", *STATES):
            return twilio_error(400, 20001, f"Invalid State: {wanted}")
        items: list[Item] = []
        for conversation in self.business.conversations.carried_by(render.SOURCE):
            created = conversation.started_at
            if (lower is not None and created < lower) or (upper is not None and created > upper):
                continue
            if wanted and render.state(conversation) != wanted:
                continue
            key = (created, render.conversation_sid(conversation))
            items.append((key, lambda c=conversation: render.conversation_json(c)))
        items.sort(key=lambda item: item[0])
        return self._page(request, "conversations", items)

    def _conversation(self, conversation_sid: str) -> ConversationFact | None:
        book = self.business.conversations
        stamp = (book.version, len(book))
        if self._index[0] != stamp:
            index = {render.conversation_sid(c): c for c in book.carried_by(render.SOURCE)}
            self._index = (stamp, index)
        return self._index[1].get(conversation_sid)

    def _page(
        self, request: Request, key: str, items: Sequence[Item], descending: bool = False
    ) -> Response:
        """One page after (``PT``) or before (``PB``) the token's key, with Twilio's ``meta``."""
        size = max(1, min(request.int_param("PageSize", PAGE_SIZE_DEFAULT), self.page_size_max))
        number = max(0, request.int_param("Page", 0))
        ordered = list(reversed(items)) if descending else list(items)
        try:
            chosen, more = _slice(ordered, request.param("PageToken"), size, descending)
        except ValueError:
            return twilio_error(400, 20001, "Invalid PageToken")
        kept = {k: v[-1] for k, v in request.query.items() if k not in ("Page", "PageToken")}
        kept["PageSize"] = size

        def link(page: int, token: str | None) -> str:
            params = {**kept, "Page": page, **({"PageToken": token} if token else {})}
            return request.url(request.path, params)

        meta = {
            "page": number,
            "page_size": size,
            "first_page_url": link(0, None),
            "previous_page_url": (
                link(number - 1, "PB" + _token(chosen[0][0])) if number and chosen else None
            ),
            "url": link(number, request.param("PageToken")),
            "next_page_url": link(number + 1, "PT" + _token(chosen[-1][0])) if more else None,
            "key": key,
        }
        return json_response(200, {key: [render_item() for _, render_item in chosen], "meta": meta})


def _slice(
    ordered: list[Item], token: str | None, size: int, descending: bool
) -> tuple[list[Item], bool]:
    """The page of ``ordered`` a token asks for, and whether more follow it."""
    if not token:
        return ordered[:size], len(ordered) > size
    if token[:2] not in ("PT", "PB"):
        raise ValueError(token)
    mark = _parse_token(token[2:])

    def after(key: Key) -> bool:
        return key < mark if descending else key > mark

    if token.startswith("PT"):
        rest = [item for item in ordered if after(item[0])]
        return rest[:size], len(rest) > size
    before = [item for item in ordered if item[0] != mark and not after(item[0])]
    return before[-size:], True


def _token(key: Key) -> str:
    return "_".join(str(part) for part in key)


def _parse_token(text: str) -> Key:
    first, *rest = text.split("_")
    return (int(first), *rest)


def _participants(conversation: ConversationFact) -> list[Item]:
    items: list[Item] = [
        (
            (party.joined_at, party.participant_sid),
            lambda p=party: render.participant_json(conversation, p),
        )
        for party in render.parties(conversation)
    ]
    return sorted(items, key=lambda item: item[0])


def _messages(conversation: ConversationFact) -> list[Item]:
    return [
        ((message.index,), lambda m=message: render.message_json(conversation, m))
        for message in conversation.messages
    ]


def _instant(value: str | None, end_of_day: bool) -> int | None:
    """UNIX seconds of a ``StartDate``/``EndDate``: a day (its start, or its last second for
    ``EndDate``) or an ISO-8601 instant; None when absent."""
    if not value:
        return None
    if len(value) == 10:
        day = dt.date.fromisoformat(value)
        moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time(), dt.UTC)
        return int(moment.timestamp())
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return int((moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).timestamp())


def _authorized(request: Request) -> bool:
    expected = base64.b64encode(f"{TWILIO_ACCOUNT_SID}:{TWILIO_AUTH_TOKEN}".encode()).decode()
    return request.headers.get("authorization", "") == f"Basic {expected}"
