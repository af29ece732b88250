"""The shared half of every source's connection check: one GET, and a look at the answer's shape.

A 2xx answer is not enough: a base URL pointing at some other JSON service answers 200 too, so
the check also requires the key the vendor's list endpoints always carry.
"""

from typing import Any

from connectors.errors import MalformedResponseError
from connectors.http import HttpClient


def probe(
    client: HttpClient,
    path: str,
    params: dict[str, Any],
    expected_key: str,
    base_url_hint: str,
) -> dict[str, Any]:
    """GET ``path`` once through ``client`` (then close it) and require ``expected_key``.

    Args:
        client: the vendor's client, built with the short retry bounds of a check.
        path: the cheapest list endpoint a run reads anyway (one record asked).
        params: its query parameters.
        expected_key: a key every answer of that endpoint holds.
        base_url_hint: what to tell the operator when the answer is some other service's.

    Returns:
        The decoded answer.

    Raises:
        ConnectorError: as ``HttpClient.get``, or MalformedResponseError for a foreign answer.
    """
    try:
        body = client.get(path, params)
    finally:
        client.close()
    if expected_key not in body:
        raise MalformedResponseError(
            f"GET {path} answered JSON without `{expected_key}`: that base URL serves another "
            f"API; {base_url_hint}"
        )
    return body
