"""The ways vendors take credentials: Bearer token, Basic, an API key in a header or the query.

Each is a ``requests`` auth hook holding its secret; ``repr`` never shows it.
"""

import requests
from requests.auth import AuthBase, HTTPBasicAuth


class BearerAuth(AuthBase):
    """``Authorization: Bearer <token>``."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "BearerAuth(token=***)"


class BasicAuth(HTTPBasicAuth):
    """``Authorization: Basic base64(user:password)``."""

    def __repr__(self) -> str:
        return "BasicAuth(***)"


class ApiKeyHeaderAuth(AuthBase):
    """The key in a named header (e.g. ``x-api-token``)."""

    def __init__(self, header: str, key: str) -> None:
        self._header, self._key = header, key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers[self._header] = self._key
        return request

    def __repr__(self) -> str:
        return f"ApiKeyHeaderAuth(header={self._header!r}, key=***)"


class ApiKeyQueryAuth(AuthBase):
    """The key as a query parameter (legacy ``?api_token=``); prefer a header where offered,
    since URLs end up in proxy logs."""

    def __init__(self, parameter: str, key: str) -> None:
        self._parameter, self._key = parameter, key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.prepare_url(request.url, {self._parameter: self._key})
        return request

    def __repr__(self) -> str:
        return f"ApiKeyQueryAuth(parameter={self._parameter!r}, key=***)"
