"""What a source plug-in declares once, and the rules that pick the enabled ones.

A vendor package (``connectors/<vendor>/source.py``) builds one ``SourcePlugin`` and the registry
lists it; everything else (raw tables, Dagster assets and resources, settings validation,
reconciliation, the sandbox environment, the CLI summary, the tests) loops over the plug-ins and
never names a vendor.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from connectors.streams import Stream
from connectors.transport import Transport

SourceKind = Literal["crm", "telephony", "messaging"]
KINDS: tuple[SourceKind, ...] = ("crm", "telephony", "messaging")


@dataclass(frozen=True, slots=True)
class Variable:
    """One environment variable a source reads.

    Attributes:
        name: the variable, e.g. ``<VENDOR>_API_TOKEN``.
        meaning: what to put there, shown when it is missing or wrong.
        default: the value used when unset (credentials have none).
        secret: never printed, redacted from errors and logs.
    """

    name: str
    meaning: str
    default: str = ""
    secret: bool = False


class SourceSettings(Mapping[str, str]):
    """A source's variables read from an environment, defaults applied (a read-only mapping)."""

    def __init__(self, variables: tuple[Variable, ...], environ: Mapping[str, str]) -> None:
        self._values = {
            variable.name: (environ.get(variable.name) or "").strip() or variable.default
            for variable in variables
        }

    def __getitem__(self, name: str) -> str:
        return self._values[name]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def integer(self, name: str) -> int:
        """The variable as an int; the config check has validated it before any extract."""
        return int(self._values[name])


StreamBuilder = Callable[[SourceSettings, Transport], dict[str, Stream]]

# One cheap authenticated request with a source's settings; returns what it proved ("token
# accepted") and raises a ConnectorError whose message names the variable to fix.
ConnectionCheck = Callable[[SourceSettings, Transport], str]


@dataclass(frozen=True, slots=True)
class Webhook:
    """A receiver for a pushed source.

    Attributes:
        build_app: the ASGI app from the source's settings (built in each server worker).
        path: the URL path it answers.
        token_variable: the credential holding the secret the vendor puts in every event (what
            a sender, such as the bundled sandbox, must sign with).
    """

    build_app: Callable[[SourceSettings], Any]
    path: str
    token_variable: str


@dataclass(frozen=True, slots=True)
class SourcePlugin:
    """A vendor, declared once.

    Attributes:
        name: lower-case id: the raw schema (``raw_<name>``), the stream prefix (``<name>/deals``),
            the dbt source and staging folder, and the sandbox mount.
        label: the vendor's name for people (``"Acme CRM"``).
        kind: ``crm``, ``telephony`` or ``messaging``.
        tables: the raw tables it lands, in sync order.
        credentials: required secrets; the source is enabled when all are set (or it is named in
            ``SOURCES``).
        options: optional variables with defaults; the first is the API base URL.
        build_streams: builds every stream from its settings and the shared transport; makes no
            network call.
        sandbox_credentials: what the bundled sandbox accepts for ``credentials``.
        stream_prefix: the raw schema's vendor part when it differs from ``name`` (two plug-ins
            of one vendor, such as a telephony API and a messaging webhook, share ``raw_<vendor>``).
        needs_base_url: False for sources that are not reached over HTTP (webhook landings).
        raw_totals: KPI measure (``calls``, ``opportunities_created``, ``messages``) → a
            ``SELECT count(*)`` over this source's raw rows that make it; the publication audit
            checks the exports' totals against the sum over the enabled sources.
        webhook: for sources pushed to us, the receiver app and its path;
            ``kpi-pipeline webhooks`` serves it.
        erasure: raw table → its ``connectors.erasure.ErasureRule`` (what forgetting a person
            means in those records); tables without customer data have none.
        models_ready: False while the source's dbt staging and KPI models are still to come:
            its raw tables exist and its connector runs, but no run enables it.
        config_type: the vendor's frozen config class, for callers that build one by hand
            (tests, benchmarks); ``streams_from_config`` turns one into streams.
        check: the connection check `kpi-pipeline check` (and every run, before extracting)
            makes: one cheap request proving the credentials and the base URL; None for
            sources nothing is requested from (webhook landings).
    """

    name: str
    label: str
    kind: SourceKind
    tables: tuple[str, ...]
    credentials: tuple[Variable, ...]
    options: tuple[Variable, ...]
    build_streams: StreamBuilder = field(repr=False)
    sandbox_credentials: Mapping[str, str] = field(default_factory=dict, repr=False)
    stream_prefix: str = ""
    needs_base_url: bool = True
    raw_totals: Mapping[str, str] = field(default_factory=dict, repr=False)
    webhook: "Webhook | None" = None
    erasure: Mapping[str, Any] = field(default_factory=dict, repr=False)
    models_ready: bool = True
    config_type: type | None = field(default=None, repr=False)
    streams_from_config: Callable[[Any], dict[str, Stream]] | None = field(default=None, repr=False)
    check: ConnectionCheck | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"source {self.name!r}: kind {self.kind!r} is not one of {KINDS}")

    @property
    def schema_name(self) -> str:
        """The vendor part of stream names and raw schemas (``acme`` → ``raw_acme``)."""
        return self.stream_prefix or self.name

    @property
    def stream_names(self) -> tuple[str, ...]:
        """``<vendor>/<table>`` for every raw table, in sync order."""
        return tuple(f"{self.schema_name}/{table}" for table in self.tables)

    @property
    def variables(self) -> tuple[Variable, ...]:
        """Credentials then options."""
        return (*self.credentials, *self.options)

    @property
    def base_url_variable(self) -> str | None:
        """The variable holding the API root (the sandbox points it at its mount)."""
        return self.options[0].name if self.needs_base_url and self.options else None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Names of the variables never to show."""
        return tuple(variable.name for variable in self.variables if variable.secret)

    def settings(self, environ: Mapping[str, str]) -> SourceSettings:
        """This source's variables from ``environ``, defaults applied."""
        return SourceSettings(self.variables, environ)

    def has_credentials(self, environ: Mapping[str, str]) -> bool:
        """True when every credential is set (non-blank)."""
        return all((environ.get(item.name) or "").strip() for item in self.credentials)

    def missing_credentials(self, environ: Mapping[str, str]) -> tuple[Variable, ...]:
        """The credentials not set in ``environ``."""
        return tuple(
            item for item in self.credentials if not (environ.get(item.name) or "").strip()
        )

    def streams(self, environ: Mapping[str, str], transport: Transport) -> dict[str, Stream]:
        """Build this source's streams from the environment."""
        return self.build_streams(self.settings(environ), transport)

    def check_connection(self, environ: Mapping[str, str], transport: Transport) -> str:
        """Reach the source once with the settings of ``environ``.

        Returns:
            What the request proved, for the operator (never a secret).

        Raises:
            ConnectorError: the credentials were refused, the base URL is wrong or unreachable,
                or the vendor is down; the message says which variable to fix.
        """
        if self.check is None:
            return "nothing to reach: its records are pushed to the webhook receiver"
        return self.check(self.settings(environ), transport)
