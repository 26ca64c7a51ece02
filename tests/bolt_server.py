"""A real Bolt server for the tests: ArcadeDB with its Bolt plugin, from the `arcadedb-embedded` wheel.

The wheel ships a Java runtime and the server jars. `running_bolt_server()` starts the server as a
separate process on free loopback ports (HTTP and Bolt bound to 127.0.0.1 only), creates a database
over the HTTP API, waits until the official `neo4j` driver gets an answer, and at the end stops the
process by its pid. The root password is generated here and stays here.

Run by hand for a server to try the CLI against (Ctrl-C stops it):

    .venv/bin/python -m tests.bolt_server
"""
from __future__ import annotations

import base64
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BoltServer", "BoltServerError", "arcadedb_home", "running_bolt_server", "free_port"]

PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
JVM_OPTIONS = (
    "-Xms256m", "-Xmx2g", "--add-modules=jdk.incubator.vector", "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF8", "-Dpolyglot.engine.WarnInterpreterOnly=false",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/java.nio.channels.spi=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
)


class BoltServerError(RuntimeError):
    """The server could not be found or started."""


@dataclass
class BoltServer:
    """A running server: connect with `uri`, `user`, `password` and `database`."""

    uri: str
    http_url: str
    user: str
    password: str = field(repr=False)
    database: str
    pid: int
    root: Path
    http_port: int
    bolt_port: int

    def create_database(self, name: str) -> None:
        """Create another database on the server (over the HTTP API)."""
        _http(f"{self.http_url}/api/v1/server", self.user, self.password, {"command": f"create database {name}"})

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server's log, for failure messages."""
        try:
            return "\n".join((self.root / "server.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def arcadedb_home() -> Path:
    """The installed `arcadedb_embedded` package directory (holding `jre/` and `jars/`), without importing it."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.origin:
        raise BoltServerError(
            "arcadedb-embedded is not installed: the Neo4j tests need its Bolt server; "
            "install the test extras with `pip install -e '.[test]'`")
    home = Path(spec.origin).parent
    if not (home / "jre" / "bin" / "java").exists() or not (home / "jars").is_dir():
        raise BoltServerError(f"arcadedb-embedded at {home} has no bundled jre/bin/java or jars/")
    return home


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _http(url: str, user: str, password: str, body: dict[str, object]) -> dict[str, object]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback URL built here
        return json.loads(resp.read() or b"{}")


def _bolt_answers(uri: str, user: str, password: str, database: str) -> bool:
    import neo4j

    try:
        with neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=2) as d:
            with d.session(database=database) as s:
                return s.run("RETURN 1 AS one").single()["one"] == 1  # type: ignore[index]
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError):
        return False


def _stop(proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Stop the server by its pid: SIGTERM (clean shutdown), then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)


@contextmanager
def running_bolt_server(database: str = "kg", timeout: float = 180.0) -> Iterator[BoltServer]:
    """Start ArcadeDB with Bolt on free loopback ports, create `database`, yield, then stop it by pid."""
    home = arcadedb_home()
    root = Path(tempfile.mkdtemp(prefix="kg-bolt-"))
    password = secrets.token_urlsafe(18)
    http_port, bolt_port = free_port(), free_port()
    while bolt_port == http_port:
        bolt_port = free_port()
    props = {
        "arcadedb.server.rootPath": root,
        "arcadedb.server.databaseDirectory": root / "databases",
        "arcadedb.server.rootPassword": password,
        "arcadedb.server.mode": "development",
        "arcadedb.server.httpIncomingHost": "127.0.0.1",
        "arcadedb.server.httpIncomingPort": http_port,
        "arcadedb.server.plugins": PLUGIN,
        "arcadedb.bolt.host": "127.0.0.1",
        "arcadedb.bolt.port": bolt_port,
    }
    cmd = [str(home / "jre" / "bin" / "java"), *JVM_OPTIONS, f"-XX:ErrorFile={root}/hs_err_pid%p.log",
           *(f"-D{k}={v}" for k, v in props.items()),
           "-cp", f"{home / 'jars'}/*", "com.arcadedb.server.ArcadeDBServer"]
    log = open(root / "server.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(cmd, cwd=root, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    server = BoltServer(uri=f"bolt://127.0.0.1:{bolt_port}", http_url=f"http://127.0.0.1:{http_port}",
                        user="root", password=password, database=database, pid=proc.pid, root=root,
                        http_port=http_port, bolt_port=bolt_port)
    try:
        deadline = time.monotonic() + timeout
        created = False
        while True:
            if proc.poll() is not None:
                raise BoltServerError(f"ArcadeDB exited with code {proc.returncode}:\n{server.log_tail()}")
            if time.monotonic() > deadline:
                raise BoltServerError(f"ArcadeDB did not answer within {timeout:.0f}s:\n{server.log_tail()}")
            if not created:
                try:
                    _http(f"{server.http_url}/api/v1/server", "root", password,
                          {"command": f"create database {database}"})
                    created = True
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    time.sleep(0.5)
                    continue
            if _bolt_answers(server.uri, "root", password, database):
                break
            time.sleep(0.5)
        yield server
    finally:
        _stop(proc)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    """Start a server and print how to reach it, until interrupted (Ctrl-C, or SIGTERM to this process)."""
    def interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    with running_bolt_server() as s:
        print(f"uri={s.uri} user={s.user} database={s.database} pid={s.pid}", flush=True)
        print(f"export NEO4J_PASSWORD='{s.password}'", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
