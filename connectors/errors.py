"""Connector error hierarchy: what the orchestration layer may retry and what needs a human."""


class ConnectorError(Exception):
    """Base class of every error raised by connectors/."""


class FatalError(ConnectorError):
    """A request that will fail again unchanged (bad credentials, bad request): do not retry.

    Attributes:
        status: the HTTP status, or None when the failure was not an HTTP status.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class MalformedResponseError(FatalError):
    """A 2xx response whose body is not the JSON document the vendor contract promises."""


class QuotaExhaustedError(ConnectorError):
    """The vendor's daily quota is spent: stop now, keep what landed, resume on the next run."""


class RetriesExhaustedError(ConnectorError):
    """A transient failure (429, 5xx, connection reset) outlived the bounded retry budget."""


class PaginationLoopError(ConnectorError):
    """A paginator kept promising more data without returning any."""


class UnreachableError(FatalError):
    """The vendor host refused the connection or does not resolve: almost always a wrong base URL,
    so the orchestration must not retry it for minutes."""


class StopRequested(ConnectorError):
    """The caller asked the sync to stop (signal, deadline): the last page is committed with its
    cursor, so the next run resumes from there."""
