"""Real servers for the target tests: a throw-away PostgreSQL cluster and a GCS emulator."""

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from google.cloud import storage

GCS_BUCKET = "looker-exports"
_database_numbers = itertools.count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL server binaries (Debian layout first, then PATH)."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb and shutil.which("pg_ctl") else None


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: drop to `postgres` (else `nobody`) when root."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", _server_user(), "--", *command]


def _server_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("no unprivileged user to run PostgreSQL as")


@contextlib.contextmanager
def running_postgres(bin_dir: Path) -> Iterator[dict[str, str]]:
    """Run a throw-away PostgreSQL cluster (trust auth, superuser `postgres`) on a free port."""
    # Not under pytest's tmp dir: that one is private to root, the server user could not enter.
    root = Path(tempfile.mkdtemp(prefix="kpi-publishing-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user=_server_user())
    data, port = root / "data", free_port()
    pg_ctl = str(bin_dir / "pg_ctl")
    run = {"check": True, "capture_output": True}
    subprocess.run(
        _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                         "--auth=trust", "-E", "UTF8", "--locale=C"]),
        **run,
    )  # fmt: skip
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_server_user([pg_ctl, "-D", str(data), "-l", str(root / "log"), "-o", options, "-w",
                         "start"]),
        **run,
    )  # fmt: skip
    try:
        yield {"host": "127.0.0.1", "port": str(port)}
    finally:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[dict[str, str]]:
    """Start a PostgreSQL cluster for the session; skip only when no server binaries exist."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None and os.environ.get("CI"):
        pytest.fail("CI must test against a real PostgreSQL: .ci/run installs it, yet it is absent")
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) are not installed; "
            "CI installs them with `apt-get install -y postgresql`"
        )
    with running_postgres(bin_dir) as server:
        yield server


@pytest.fixture
def postgres_database(postgres_server: dict[str, str]) -> Iterator[dict[str, str]]:
    """A fresh database owned by a non-superuser `publisher` role; yields DSNs by role."""
    import psycopg

    base = f"host={postgres_server['host']} port={postgres_server['port']}"
    name = f"publishing_{next(_database_numbers)}"
    with psycopg.connect(f"{base} user=postgres dbname=postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'publisher'").fetchone():
            admin.execute("CREATE ROLE publisher LOGIN CREATEROLE")
        admin.execute(f"CREATE DATABASE {name} OWNER publisher")
    yield {
        "admin": f"{base} user=postgres dbname={name}",
        "publisher": f"{base} user=publisher dbname={name}",
        "base": f"{base} dbname={name}",
    }


@contextlib.contextmanager
def running_gcs_emulator() -> Iterator[str]:
    """Run gcp-storage-emulator in-process (in memory) with one bucket; yield its endpoint."""
    from gcp_storage_emulator.server import create_server

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket=GCS_BUCKET)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def gcs_emulator() -> Iterator[str]:
    """The emulator, for the whole session."""
    with running_gcs_emulator() as endpoint:
        yield endpoint


def emulator_client(endpoint: str) -> "storage.Client":
    """A storage client for the emulator (anonymous credentials, explicit endpoint)."""
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    return storage.Client(
        project="test",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": endpoint},
    )


@pytest.fixture
def gcs_client(gcs_emulator: str, monkeypatch: pytest.MonkeyPatch) -> "storage.Client":
    """A storage client talking to the emulator; the bucket is emptied before each test."""
    # The client library itself reads STORAGE_EMULATOR_HOST; the publishing package never does.
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_emulator)
    client = emulator_client(gcs_emulator)
    for blob in client.bucket(GCS_BUCKET).list_blobs():
        blob.delete()
    return client
