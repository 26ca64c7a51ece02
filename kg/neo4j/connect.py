"""Connecting to a Neo4j (or Bolt-speaking) server: settings, the password, the driver, and errors.

The password never travels on the command line: it comes from `--config FILE`, the `NEO4J_PASSWORD`
environment variable, `~/.config/chinatech-kg/neo4j.toml` (which must not be readable by others), or an
interactive prompt, in that order. Driver failures become `Neo4jError`, one line that names the server
and never the password.

>>> check_uri("bolt://localhost:7687")
'bolt://localhost:7687'
"""
from __future__ import annotations

import getpass
import os
import stat
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from kg.errors import KGError, QueryError

__all__ = [
    "Neo4jError", "Settings", "DEFAULT_CONFIG", "SCHEMES", "check_uri", "read_config", "resolve_settings",
    "open_driver", "run_read", "run_write", "describe_failure",
]

SCHEMES = ("neo4j", "bolt", "neo4j+s", "bolt+s", "neo4j+ssc", "bolt+ssc")
DEFAULT_CONFIG = Path("~/.config/chinatech-kg/neo4j.toml")
_CONFIG_KEYS = {"uri", "user", "password", "database"}

T = TypeVar("T")


class Neo4jError(KGError):
    """The Neo4j server could not be reached, refused the credentials, or failed a statement."""


@dataclass(frozen=True)
class Settings:
    """Where and as whom to connect; `repr` hides the password."""

    uri: str
    user: str
    password: str = field(repr=False)
    database: str | None = None

    @property
    def where(self) -> str:
        """The server for messages: `bolt://host:port` (and database), never credentials."""
        return f"{self.uri}" + (f" (database {self.database})" if self.database else "")


def check_uri(uri: str) -> str:
    """Return `uri` if it is a Bolt URI the driver accepts (`bolt://`, `neo4j://`, their `+s` forms)."""
    parts = urlsplit(uri)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise Neo4jError(f"not a Neo4j URI: {_safe_uri(uri)!r} (expected {', '.join(s + '://' for s in SCHEMES[:4])}"
                         " followed by host[:port])")
    if parts.username or parts.password:
        raise Neo4jError("put no credentials in the URI: use --user and NEO4J_PASSWORD, a config file or the prompt")
    return uri


def _safe_uri(uri: str) -> str:
    parts = urlsplit(uri)
    if parts.password or parts.username:
        host = parts.hostname or ""
        return f"{parts.scheme}://***@{host}" + (f":{parts.port}" if parts.port else "")
    return uri


def read_config(path: Path) -> dict[str, str]:
    """Read a TOML config (`uri`, `user`, `password`, `database`); refuse one that others can read."""
    path = path.expanduser()
    try:
        st = path.stat()
    except FileNotFoundError:
        raise Neo4jError(f"config file not found: {path}") from None
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        raise Neo4jError(f"refusing to read {path}: it may hold a password but has permissions {mode:04o}; "
                         f"run `chmod 600 {path}`")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise Neo4jError(f"cannot read config {path}: {type(e).__name__}") from None
    section = data.get("neo4j", data)
    if not isinstance(section, dict):
        raise Neo4jError(f"config {path}: expected keys {sorted(_CONFIG_KEYS)} at the top or under [neo4j]")
    unknown = set(section) - _CONFIG_KEYS - {"neo4j"}
    if unknown:
        raise Neo4jError(f"config {path}: unknown keys {sorted(unknown)} (known: {sorted(_CONFIG_KEYS)})")
    bad = [k for k in _CONFIG_KEYS & set(section) if not isinstance(section[k], str)]
    if bad:
        raise Neo4jError(f"config {path}: {', '.join(sorted(bad))} must be strings")
    return {k: section[k] for k in _CONFIG_KEYS & set(section)}


def resolve_settings(
    uri: str | None,
    user: str | None,
    database: str | None,
    config: Path | None = None,
    *,
    environ: dict[str, str] | None = None,
    prompt: Callable[[str], str] | None = None,
) -> Settings:
    """Combine options, environment and config into `Settings`.

    The password comes from an explicit `config` file, else `NEO4J_PASSWORD`, else the default config
    file when it exists, else a prompt on a terminal; URI, user and database given as options win over
    the config file. Without a terminal and without a password this raises `Neo4jError`.
    """
    env = os.environ if environ is None else environ
    cfg: dict[str, str] = {}
    if config is not None:
        cfg = read_config(config)
    elif DEFAULT_CONFIG.expanduser().exists():
        cfg = read_config(DEFAULT_CONFIG)
    password: str | None
    if config is not None and "password" in cfg:
        password = cfg["password"]
    elif "NEO4J_PASSWORD" in env:
        password = env["NEO4J_PASSWORD"]
    else:
        password = cfg.get("password")
    uri = check_uri(uri or cfg.get("uri") or "bolt://localhost:7687")
    user = user or cfg.get("user") or "neo4j"
    database = database or cfg.get("database") or None
    if password is None:
        if prompt is None and not sys.stdin.isatty():
            raise Neo4jError("no Neo4j password: set NEO4J_PASSWORD, write it to "
                             f"{DEFAULT_CONFIG} (chmod 600) or pass --config FILE")
        password = (prompt or getpass.getpass)(f"Neo4j password for {user} at {uri}: ")
    return Settings(uri, user, password, database)


def describe_failure(e: BaseException, settings: Settings) -> str:
    """One line for a driver exception: what went wrong and where, without credentials or a trace."""
    from neo4j import exceptions as x

    where = settings.uri
    text = str(e)
    if isinstance(e, x.AuthError):
        return f"{where} refused the credentials of user {settings.user!r} (wrong user or password)"
    if isinstance(e, x.ServiceUnavailable | x.SessionExpired):
        text = _chain_text(e)  # neo4j:// wraps the reason in its routing failure's exception group
        if "looks like HTTP" in text:
            return f"{where} is an HTTP port, not Bolt (Neo4j serves Bolt on 7687, HTTP on 7474)"
        if "Connection refused" in text or "Errno 111" in text:
            return f"cannot connect to {where}: connection refused (is the server running on that port?)"
        if "DNS resolve" in text or "Name or service not known" in text:
            return f"cannot connect to {where}: unknown host"
        if "SSL" in text or "encryption" in text:
            return f"cannot connect to {where}: TLS handshake failed (use bolt:// for a server without TLS, " \
                   "bolt+s:// or neo4j+s:// for one with it)"
        if "timed out" in text.lower():
            return f"cannot connect to {where}: timed out"
        return f"cannot connect to {where}: the server does not answer as a Bolt server"
    if isinstance(e, x.ConfigurationError):
        return f"cannot connect to {where}: {_first_line(text)}"
    if isinstance(e, x.Neo4jError):
        msg = e.message or _first_line(text)
        if e.code and "DatabaseNotFound" in e.code:
            return f"{where}: database {settings.database!r} does not exist"
        return f"{where}: {e.code or 'error'}: {_first_line(msg)}"
    if isinstance(e, x.DriverError):
        return f"{where}: {type(e).__name__}: {_first_line(text)}"
    return f"{where}: {type(e).__name__}: {_first_line(text)}"


def _chain_text(e: BaseException) -> str:
    """The messages of an exception, of its causes and context, and of an exception group's members."""
    parts: list[str] = []
    seen: set[int] = set()
    todo = [e]
    while todo:
        x = todo.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        parts.append(str(x))
        todo += [c for c in (x.__cause__, x.__context__) if c is not None]
        todo += getattr(x, "exceptions", ())
    return "\n".join(parts)


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:300]


@contextmanager
def open_driver(settings: Settings, *, connection_timeout: float = 10.0) -> Iterator[Any]:
    """A verified `neo4j.Driver`; failures to connect or authenticate raise `Neo4jError`."""
    try:
        import neo4j
    except ImportError:  # pragma: no cover - a core dependency
        raise Neo4jError("the `neo4j` driver is not installed: pip install neo4j") from None
    try:
        driver = neo4j.GraphDatabase.driver(settings.uri, auth=(settings.user, settings.password),
                                            connection_timeout=connection_timeout, user_agent="chinatech-kg")
    except (ValueError, neo4j.exceptions.ConfigurationError) as e:
        raise Neo4jError(f"cannot connect to {settings.uri}: {_first_line(str(e))}") from None
    try:
        try:
            driver.verify_connectivity()
            if settings.database:  # fail early and clearly on a missing database
                with driver.session(database=settings.database) as s:
                    s.run("RETURN 1").consume()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
            raise Neo4jError(describe_failure(e, settings)) from None
        yield driver
    finally:
        driver.close()


def run_write(driver: Any, settings: Settings, work: Callable[[Any], T]) -> T:
    """Run `work(tx)` in a retried write transaction; driver errors become one-line `Neo4jError`s."""
    return _run(driver, settings, work, write=True)


def run_read(driver: Any, settings: Settings, work: Callable[[Any], T]) -> T:
    """Run `work(tx)` in a retried read transaction; driver errors become one-line `Neo4jError`s."""
    return _run(driver, settings, work, write=False)


def _run(driver: Any, settings: Settings, work: Callable[[Any], T], *, write: bool) -> T:
    import neo4j

    try:
        with driver.session(database=settings.database) as session:
            return session.execute_write(work) if write else session.execute_read(work)
    except neo4j.exceptions.CypherSyntaxError as e:
        raise QueryError(describe_failure(e, settings)) from None
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError) as e:
        raise Neo4jError(describe_failure(e, settings)) from None
