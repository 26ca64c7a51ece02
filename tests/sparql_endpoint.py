"""A minimal SPARQL 1.1 Protocol query endpoint for tests and for trying `--endpoint` by hand: Oxigraph
in memory, loaded from an N-Quads dump of a store, answering GET and POST (form or `application/
sparql-query`) with SPARQL JSON results over the union of the named graphs, on 127.0.0.1 only.

    python -m tests.sparql_endpoint kg-data --port 7878     # then: kg query run partners --endpoint http://127.0.0.1:7878/query
"""
from __future__ import annotations

import argparse
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox


def load_store(path: Path) -> ox.Store:
    """An in-memory copy of the store at `path` (read through its read-only API)."""
    from kg.store import KGStore

    mem = ox.Store()
    with KGStore.open(path) as st:
        mem.extend(st.quads())
    return mem


class _Handler(BaseHTTPRequestHandler):
    store: ox.Store

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def _answer(self, query: str | None) -> None:
        if not query:
            self._send(400, "text/plain", b"no query")
            return
        try:
            result = self.store.query(query, use_default_graph_as_union=True)
        except (SyntaxError, OSError, RuntimeError, ValueError) as e:
            self._send(400, "text/plain", str(e).encode())
            return
        if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
            self._send(200, "application/sparql-results+json", result.serialize(format=ox.QueryResultsFormat.JSON))
        else:
            self._send(200, "application/n-triples", ox.serialize(result, format=ox.RdfFormat.N_TRIPLES))

    def _send(self, code: int, media_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [None])[0])

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
        if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
            self._answer(body)
        else:
            self._answer(urllib.parse.parse_qs(body).get("query", [None])[0])


@contextmanager
def serve(store: ox.Store, port: int = 0) -> Iterator[str]:
    """Serve `store` on 127.0.0.1 in a thread; yields the query URL."""
    handler = type("Handler", (_Handler,), {"store": store})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--port", type=int, default=7878)
    args = ap.parse_args()
    with serve(load_store(args.store), args.port) as url:
        print(f"SPARQL endpoint at {url} (Ctrl-C to stop)", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
