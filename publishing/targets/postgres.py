"""PostgreSQL target for Looker Studio's PostgreSQL connector: a schema swapped in one transaction.

Tables are COPY-loaded into a staging schema (no grants: readers cannot see it), then one short
transaction moves each published table aside into the previous schema and its staged replacement
in, so a query sees every old table or every new one. Until every target of the publication has
switched, the previous schema keeps the old tables, so a rollback is the same swap backwards in
one transaction; then it is dropped. The reader role gets USAGE + SELECT on the published schema
only, plus default privileges so tables created there later stay readable.
"""

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from publishing.build import TableExport
from publishing.targets.base import Publication, StepHook, TargetUnavailableError

COPY_CHUNK = 1 << 20
MANIFEST_TABLE = "publication_manifest"
# Serialises publishers of the same database; an arbitrary constant shared by all of them.
ADVISORY_LOCK_KEY = 7_431_201_905
# A check answers in seconds: an unreachable server must not hold `kpi-pipeline check` for the
# minutes a TCP connect can take.
CHECK_CONNECT_TIMEOUT_SECONDS = 5


@dataclass(frozen=True, slots=True)
class PostgresConfig:
    """Where and how to publish (LOOKER_PG_DSN; the DSN is never logged).

    Attributes:
        dsn: a libpq connection string for a role that owns the schemas (and may create roles).
        schema: the schema Looker Studio reads.
        staging_schema: where tables are loaded first; never granted to the reader.
        previous_schema: where the replaced tables wait until the publication is final.
        reader_role: the read-only role Looker Studio connects as.
        create_reader_role: create the role (NOLOGIN) when missing; give it LOGIN and a password
            out of band. When False a missing role is an error.
        lock_timeout: how long the swap waits for readers' locks before failing (nothing changes).
    """

    dsn: str
    schema: str = "looker"
    staging_schema: str = "looker_staging"
    previous_schema: str = "looker_previous"
    reader_role: str = "looker_reader"
    create_reader_role: bool = True
    lock_timeout: str = "30s"


def postgres_type(duckdb_type: str) -> str:
    """Map a DuckDB column type to the PostgreSQL type of the published column."""
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.replace("DECIMAL", "numeric")
    simple = {
        "DATE": "date",
        "VARCHAR": "text",
        "BOOLEAN": "boolean",
        "DOUBLE": "double precision",
        "FLOAT": "real",
        "TINYINT": "smallint",
        "SMALLINT": "smallint",
        "INTEGER": "integer",
        "BIGINT": "bigint",
        "TIMESTAMP": "timestamp",  # exports carry local wall-clock time, so no zone
        "TIMESTAMP WITH TIME ZONE": "timestamp",
    }
    # HUGEINT and unsigned integers (e.g. from SUM) overflow bigint: numeric holds them exactly.
    return simple.get(duckdb_type, "numeric")


class PostgresTarget:
    """Publishes the exports as tables of one PostgreSQL schema."""

    __slots__ = ("config",)

    def __init__(self, config: PostgresConfig) -> None:
        self.config = config

    def describe(self) -> str:
        """Name the schema, never the DSN (it may hold a password)."""
        return f"PostgreSQL schema {self.config.schema}"

    def check(self) -> str:
        """Connect, then do what a publication does first inside a transaction rolled back
        (PostgreSQL DDL is transactional): create a schema and a table, and make sure the reader
        role exists or can be created. Readers see nothing.

        Raises:
            TargetUnavailableError: unreachable, refused credentials, or a missing privilege.
        """
        try:
            with (
                psycopg.connect(
                    self.config.dsn, autocommit=True, connect_timeout=CHECK_CONNECT_TIMEOUT_SECONDS
                ) as connection,
                connection.transaction(force_rollback=True),
            ):
                probe = sql.Identifier(f"{self.config.staging_schema}_check")
                connection.execute(sql.SQL("CREATE SCHEMA {}").format(probe))
                connection.execute(sql.SQL("CREATE TABLE {}.probe (x integer)").format(probe))
                problem = _privilege_problem(connection, self.config)
                version = connection.execute("SHOW server_version").fetchone()
        except psycopg.errors.InsufficientPrivilege as error:
            raise TargetUnavailableError(
                f"{_first_line(error)}: the role needs CREATE on the database (it creates and owns "
                "the published schemas)"
            ) from None
        except psycopg.Error as error:
            raise TargetUnavailableError(_redact(_first_line(error), self.config.dsn)) from None
        if problem:
            raise TargetUnavailableError(problem)
        return f"reachable and writable (PostgreSQL {version[0] if version else '?'})"

    def previous_row_counts(self) -> dict[str, int]:
        """Read the row counts of the published manifest table, if there is one."""
        query = sql.SQL("SELECT table_name, row_count FROM {}.{}").format(
            sql.Identifier(self.config.schema), sql.Identifier(MANIFEST_TABLE)
        )
        with psycopg.connect(self.config.dsn) as connection:
            exists = connection.execute(
                "SELECT to_regclass(%s) IS NOT NULL",
                [f'"{self.config.schema}"."{MANIFEST_TABLE}"'],
            ).fetchone()
            if not exists or not exists[0]:
                return {}
            return {name: int(rows) for name, rows in connection.execute(query)}

    def previous_manifest(self) -> dict[str, object]:
        """The manifest stored with the published tables (same on every row); empty if none."""
        query = sql.SQL("SELECT manifest FROM {}.{} LIMIT 1").format(
            sql.Identifier(self.config.schema), sql.Identifier(MANIFEST_TABLE)
        )
        with psycopg.connect(self.config.dsn) as connection:
            exists = connection.execute(
                "SELECT to_regclass(%s) IS NOT NULL",
                [f'"{self.config.schema}"."{MANIFEST_TABLE}"'],
            ).fetchone()
            row = connection.execute(query).fetchone() if exists and exists[0] else None
        return dict(row[0]) if row and row[0] else {}

    def stage(self, publication: Publication, hook: StepHook) -> "StagedSchema":
        """COPY every table into the staging schema and commit there (invisible to readers)."""
        # autocommit: each `transaction()` block below is then exactly one BEGIN...COMMIT.
        connection = psycopg.connect(self.config.dsn, autocommit=True)
        try:
            with connection.transaction():
                _lock(connection)
                _recreate_schema(connection, self.config.staging_schema)
                for table in publication.build.tables:
                    _create_and_copy(connection, self.config.staging_schema, table, publication)
                _write_manifest(connection, self.config.staging_schema, publication)
            hook("pg:staged")
        except BaseException:
            connection.close()
            raise
        return StagedSchema(self.config, connection, publication, hook)


@dataclass(slots=True)
class StagedSchema:
    """Staged tables waiting for the swap; holds the connection that loaded them."""

    config: PostgresConfig
    connection: psycopg.Connection
    publication: Publication
    hook: StepHook

    def commit(self) -> "CommittedSchema":
        """Swap every table and the manifest into the published schema in one transaction."""
        names = [table.name for table in self.publication.build.tables] + [MANIFEST_TABLE]
        try:
            with self.connection.transaction():
                _lock(self.connection, self.config)
                previous = _published_version(self.connection, self.config.schema)
                _swap(self.connection, self.config, names, self.hook)
                _grant_reader(self.connection, self.config)
                self.hook("pg:before_commit")
            return CommittedSchema(self.config, names, previous)
        except BaseException:
            with contextlib.suppress(psycopg.Error), self.connection.transaction():
                _drop_schema(self.connection, self.config.staging_schema)
            raise
        finally:
            self.connection.close()

    def abort(self) -> None:
        """Drop the staging schema; the published one was never touched."""
        try:
            with self.connection.transaction():
                _drop_schema(self.connection, self.config.staging_schema)
        finally:
            self.connection.close()


@dataclass(slots=True)
class CommittedSchema:
    """The new tables are published; the replaced ones wait in the previous schema."""

    config: PostgresConfig
    names: list[str]
    previous_version: str | None

    @property
    def location(self) -> str:
        """Name the published schema."""
        return f"PostgreSQL schema {self.config.schema}"

    def rollback(self) -> None:
        """Swap back in one transaction: the replaced tables return, the new ones are dropped."""
        published, previous = self.config.schema, self.config.previous_schema
        with (
            psycopg.connect(self.config.dsn, autocommit=True) as connection,
            connection.transaction(),
        ):
            _lock(connection, self.config)
            for name in self.names:
                _drop_table(connection, published, name)
                if _table_exists(connection, previous, name):
                    _move(connection, previous, name, published)
            _drop_schema(connection, previous)

    def finish(self) -> None:
        """Drop the replaced tables."""
        with (
            psycopg.connect(self.config.dsn, autocommit=True) as connection,
            connection.transaction(),
        ):
            _lock(connection, self.config)
            _drop_schema(connection, self.config.previous_schema)


def _privilege_problem(connection: psycopg.Connection, config: PostgresConfig) -> str | None:
    """What the swap and the grants would lack: CREATE on an existing published schema, and the
    right to create the reader role when it is missing."""
    schema_exists = connection.execute(
        "SELECT 1 FROM pg_namespace WHERE nspname = %s", [config.schema]
    ).fetchone()
    if schema_exists:
        row = connection.execute(
            "SELECT has_schema_privilege(%s, 'CREATE')", [config.schema]
        ).fetchone()
        if not (row and row[0]):
            return f"the role may not create tables in schema {config.schema}: make it the owner"
    role = connection.execute(
        "SELECT 1 FROM pg_roles WHERE rolname = %s", [config.reader_role]
    ).fetchone()
    if role or not config.create_reader_role:
        return None if role else f"reader role {config.reader_role} does not exist"
    row = connection.execute(
        "SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if row and row[0]:
        return None
    return (
        f"reader role {config.reader_role} does not exist and this role may not create it: "
        "create it, or grant CREATEROLE"
    )


def _first_line(error: psycopg.Error) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _redact(text: str, dsn: str) -> str:
    """Never show the DSN's password, even if a driver message ever echoed it."""
    try:
        password = conninfo_to_dict(dsn).get("password")
    except psycopg.ProgrammingError:
        return text
    return text.replace(str(password), "***") if password else text


def _lock(connection: psycopg.Connection, config: PostgresConfig | None = None) -> None:
    """Serialise publishers; with a config, also bound the wait for readers' table locks."""
    connection.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
    if config is not None:
        connection.execute(
            sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(config.lock_timeout))
        )


def _published_version(connection: psycopg.Connection, schema: str) -> str | None:
    """The version in the published manifest table, None before the first publication."""
    if not _table_exists(connection, schema, MANIFEST_TABLE):
        return None
    row = connection.execute(
        sql.SQL("SELECT version FROM {} LIMIT 1").format(sql.Identifier(schema, MANIFEST_TABLE))
    ).fetchone()
    return None if row is None else str(row[0])


def _table_exists(connection: psycopg.Connection, schema: str, name: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = %s", [schema, name]
    ).fetchone()
    return row is not None


def _drop_table(connection: psycopg.Connection, schema: str, name: str) -> None:
    connection.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(schema, name)))


def _move(connection: psycopg.Connection, source: str, name: str, destination: str) -> None:
    connection.execute(
        sql.SQL("ALTER TABLE {} SET SCHEMA {}").format(
            sql.Identifier(source, name), sql.Identifier(destination)
        )
    )


def _recreate_schema(connection: psycopg.Connection, schema: str) -> None:
    _drop_schema(connection, schema)
    connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))


def _drop_schema(connection: psycopg.Connection, schema: str) -> None:
    connection.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _create_and_copy(
    connection: psycopg.Connection, schema: str, table: TableExport, publication: Publication
) -> None:
    """Create one staged table and bulk-load its CSV files with COPY (no row inserts)."""
    target = sql.Identifier(schema, table.name)
    columns = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(postgres_type(data_type)))
        for name, data_type in zip(table.columns, table.column_types, strict=True)
    )
    connection.execute(sql.SQL("CREATE TABLE {} ({})").format(target, columns))
    copy = sql.SQL("COPY {} FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')").format(
        target
    )
    with connection.cursor() as cursor:
        for export_file in table.files:
            with (
                (publication.build.root / export_file.path).open("rb") as handle,
                cursor.copy(copy) as copy_in,
            ):
                while chunk := handle.read(COPY_CHUNK):
                    copy_in.write(chunk)


def _write_manifest(connection: psycopg.Connection, schema: str, publication: Publication) -> None:
    """A small table of what was published: version, rows and checksums per table."""
    target = sql.Identifier(schema, MANIFEST_TABLE)
    connection.execute(
        sql.SQL(
            "CREATE TABLE {} (table_name text PRIMARY KEY, row_count bigint, "
            "sha256 text, version text, manifest jsonb)"
        ).format(target)
    )
    manifest = publication.manifest.decode("utf-8")
    with connection.cursor() as cursor:
        cursor.executemany(
            sql.SQL("INSERT INTO {} VALUES (%s, %s, %s, %s, %s::jsonb)").format(target),
            [
                (t.name, t.rows, _table_sha256(t), publication.version, manifest)
                for t in publication.build.tables
            ],
        )


def _table_sha256(table: TableExport) -> str:
    return ",".join(export_file.sha256 for export_file in table.files)


def _swap(
    connection: psycopg.Connection, config: PostgresConfig, names: Sequence[str], hook: StepHook
) -> None:
    """Move each published table into the previous schema and its staged replacement in."""
    connection.execute(
        sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(config.schema))
    )
    _recreate_schema(connection, config.previous_schema)  # a crashed run's leftovers go
    for name in names:
        if _table_exists(connection, config.schema, name):
            _move(connection, config.schema, name, config.previous_schema)
        _move(connection, config.staging_schema, name, config.schema)
        hook(f"pg:swapped:{name}")
    _drop_schema(connection, config.staging_schema)


def _grant_reader(connection: psycopg.Connection, config: PostgresConfig) -> None:
    """Give the reader USAGE + SELECT on the published schema and nothing else."""
    role, schema = sql.Identifier(config.reader_role), sql.Identifier(config.schema)
    exists = connection.execute(
        "SELECT 1 FROM pg_roles WHERE rolname = %s", [config.reader_role]
    ).fetchone()
    if not exists:
        if not config.create_reader_role:
            raise RuntimeError(f"reader role {config.reader_role} does not exist")
        connection.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(role))
    statements = (
        "REVOKE ALL ON SCHEMA {schema} FROM PUBLIC",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {role}",
    )
    for statement in statements:
        connection.execute(sql.SQL(statement).format(schema=schema, role=role))
