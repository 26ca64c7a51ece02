"""The persisted RDF store: Oxigraph (RocksDB) in a directory, one named graph per article.

Layout of a store directory:

    LOCK           fcntl lock: writers hold it exclusively, readers shared (see `StoreLock`)
    oxigraph/      the RocksDB database
    oxigraph.new/  only while a writer creates the database (see `create_database`)

Atomicity: every change (an article added, replaced or removed, the catalog reloaded, a user update) is
one SPARQL Update request, which Oxigraph runs as one RocksDB transaction: dropping an article's graph,
inserting the new one, pruning orphan entities and bumping the generation commit together or not at all.
(`Store.extend` is atomic too, but it can only add; a replace has to delete as well.) A killed ingest
therefore leaves whole articles only, and the next open replays the write-ahead log.

Readers open the database read-only (`pyoxigraph.Store.read_only`). Oxigraph documents that as undefined
behaviour while another process writes, and a read-only open has to replay the writer's whole write-ahead
log (seconds for a large ingest), so readers take the lock shared and wait briefly for a writer instead.

>>> with KGStore.open("kg-data", write=True) as st:    # doctest: +SKIP
...     st.put_article(graph)
'added'
"""
from __future__ import annotations

import errno
import fcntl
import gc
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

import pyoxigraph as ox

from kg.errors import StoreError
from kg.graph import ArticleGraph, Entity
from kg.ids import article_graph_iri, article_iri, entity_iri
from kg.rdf import (
    ENTITIES_GRAPH,
    RDF_TYPE,
    RDFS_LABEL,
    REFERENCE_GRAPH,
    SKOS_ALT_LABEL,
    article_quads,
    catalog_quads,
    ct,
    entity_description,
    iri,
    literal,
    surface_form_quads,
)
from ontology.schema import ARTICLE_BASE, GRAPH_BASE, NS, data_path

__all__ = ["KGStore", "StoreLock", "Outcome", "META_GRAPH", "ARTICLE_GRAPH_BASE", "DB_DIR", "LOCK_FILE",
           "nquads_line"]

META_GRAPH = GRAPH_BASE + "meta"
ARTICLE_GRAPH_BASE = GRAPH_BASE + "article/"
STORE_NS = "https://w3id.org/chinatech/store#"
DB_DIR = "oxigraph"
LOCK_FILE = "LOCK"
FORMAT_VERSION = 1
FLUSH_BYTES = 8 << 20
_STORED_ENTITIES_MAX = 200_000  # entries of the stored-entities memo before it starts again
_QUAD_BYTES = 150  # an article graph's mean N-Quads line, to count added quads against FLUSH_BYTES

Outcome = Literal["added", "replaced", "unchanged"]

_META = iri(META_GRAPH)
_GENERATION = iri(STORE_NS + "generation")
_CATALOG_HASH = iri(STORE_NS + "catalogHash")
_FORMAT = iri(STORE_NS + "formatVersion")
_ENTITIES = iri(ENTITIES_GRAPH)
_REFERENCE = iri(REFERENCE_GRAPH)
_SURFACE_PREDICATES = (SKOS_ALT_LABEL, ct("mergeReason"))


def nquads_line(q: ox.Quad) -> str:
    """A quad in N-Quads syntax (also valid inside a SPARQL `INSERT DATA` / `DELETE DATA` block)."""
    return f"{q.subject} {q.predicate} {q.object} {q.graph_name} ."


def _data_block(quads: Iterable[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    return " ".join(f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}" for g, lines in by_graph.items())


class StoreLock:
    """An fcntl lock on `<store>/LOCK`: exclusive for the one writer, shared for readers.

    The writer writes its pid and command line into the file so that others can say who holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None
        self.exclusive = False

    def holder(self) -> str:
        """Who holds the write lock, as written by the writer ("pid 123: kg ingest …")."""
        try:
            text = self.path.read_text().strip()
        except OSError:
            return ""
        return text

    def acquire(self, exclusive: bool, wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> None:
        """Take the lock; a writer fails at once when another writer holds it, and waits up to `wait`
        seconds for readers; a reader waits up to `wait` seconds for a writer."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        except OSError as e:
            raise StoreError(f"cannot create the store at {self.path.parent}: {e.strerror or e}") from e
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fh, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    fh.close()
                    raise StoreError(f"cannot lock {self.path}: {e.strerror}") from e
            writer = self._writer_active(fh)
            store = self.path.parent
            if exclusive and writer:
                fh.close()
                raise StoreError(f"store {store} is locked by another writer ({self.holder() or 'unknown'}); "
                                 "wait for it to finish or use another --store")
            if time.monotonic() >= deadline:
                fh.close()
                who = f"being written ({self.holder() or 'unknown writer'})" if writer else "in use by readers"
                raise StoreError(f"store {store} is {who}; try again when it finishes")
            if on_wait is not None and not told:
                told = True
                on_wait(f"store {store} is {'being written' if writer else 'in use by readers'}; waiting…")
            time.sleep(0.1)
        if exclusive:
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}: {' '.join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))}"
                     [:300] + "\n")
            fh.flush()
        self._fh = fh
        self.exclusive = exclusive

    @staticmethod
    def _writer_active(fh: IO[str]) -> bool:
        """True when an exclusive holder exists: a shared probe fails only against a writer."""
        try:
            fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False

    def release(self) -> None:
        if self._fh is None:
            return
        if self.exclusive:
            self._fh.seek(0)
            self._fh.truncate()
            self._fh.flush()
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()
        self._fh = None


@dataclass(frozen=True)
class _Old:
    """What the store holds of one article before a write."""

    exists: bool
    content_hash: str | None
    mentions: frozenset[ox.NamedNode]


def create_database(db: Path) -> None:
    """Create an empty Oxigraph database at `db`, atomically: built beside it and renamed into place.

    A process killed while RocksDB creates its files leaves a directory that no later open accepts (no
    CURRENT file, missing column families, a version key not yet written); built under another name, such
    a wreck is never taken for a store and the next writer starts it again."""
    tmp = db.with_name(db.name + ".new")
    shutil.rmtree(tmp, ignore_errors=True)
    ox.Store(str(tmp)).flush()  # the Store is dropped, and RocksDB closed, at the end of the statement
    gc.collect()
    os.replace(tmp, db)
    fd = os.open(db.parent, os.O_RDONLY)
    try:
        os.fsync(fd)  # make the rename itself durable
    finally:
        os.close(fd)


class KGStore:
    """The knowledge graph on disk. Open with `KGStore.open(path, write=…)`; use as a context manager."""

    def __init__(self, path: Path, oxigraph: ox.Store, lock: StoreLock, writable: bool) -> None:
        self.path = path
        self.oxigraph = oxigraph
        self.writable = writable
        self._lock = lock
        self._generation = self._read_generation()
        self._opened_at = self._generation
        self._unflushed = 0  # bytes of SPARQL Update since the last flush
        self._reference_keys: set[str] | None = None
        # Entities (by everything their entities-graph quads are made of) whose quads are all stored: an
        # entity met again in the same words is skipped without building or looking up its quads. Cleared
        # by every SPARQL change, which may delete some of them.
        self._stored_entities: set[tuple[Any, ...]] = set()

    # ------------------------------------------------------------------ opening --

    @classmethod
    def open(cls, path: str | Path, *, write: bool = False, wait: float = 10.0,
             on_wait: Callable[[str], None] | None = None, sync_catalog: bool = True) -> KGStore:
        """Open (a writer creates) the store in `path`; a writer also reloads the catalog when it changed."""
        path = Path(path)
        db = path / DB_DIR
        if not write and not db.is_dir():
            raise StoreError(f"no store at {path}: run `kg ingest` first, or pass --store / set KG_STORE")
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path} is not a directory")
        lock = StoreLock(path / LOCK_FILE)
        lock.acquire(exclusive=write, wait=wait, on_wait=on_wait)
        try:
            if write and not db.is_dir():
                create_database(db)
            store = ox.Store(str(db)) if write else ox.Store.read_only(str(db))
        except (OSError, RuntimeError) as e:
            lock.release()
            raise StoreError(f"cannot open the store at {path}: {e}") from e
        st = cls(path, store, lock, write)
        if write:
            try:
                st._init_meta()
                if sync_catalog:
                    st.sync_catalog()
            except BaseException:
                st.close()
                raise
        return st

    def close(self) -> None:
        """Flush (so that the next open need not replay the log), close the database and release the lock.

        pyoxigraph closes RocksDB only when the Store object is freed; a reference caught in an exception's
        traceback cycle would keep it open (and compacting) after the lock is gone, so cycles are collected
        here before the lock is released."""
        if self.oxigraph is None:
            return
        try:
            if self.writable:
                self.oxigraph.flush()
        finally:
            self.oxigraph = None  # type: ignore[assignment]
            gc.collect()
            try:
                if self.writable and self._generation != self._opened_at:
                    # RocksDB deletes write-ahead logs made obsolete by the flush only when it next opens the
                    # database: after a corpus ingest they are two thirds of the directory (1.3 of 1.9 GB).
                    ox.Store(str(self.path / DB_DIR))  # opened and closed at once
            finally:
                self._lock.release()

    def __enter__(self) -> KGStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _require_write(self) -> None:
        if not self.writable:
            raise StoreError("the store was opened read-only")

    # ------------------------------------------------------------------ meta --

    def _meta_value(self, prop: ox.NamedNode) -> str | None:
        for q in self.oxigraph.quads_for_pattern(_META, prop, None, _META):
            return str(q.object.value)
        return None

    def _read_generation(self) -> int:
        """The highest generation stored (`_add` writes the next one before it removes the last one)."""
        values = [int(q.object.value) for q in self.oxigraph.quads_for_pattern(_META, _GENERATION, None, _META)]
        return max(values, default=0)

    def _init_meta(self) -> None:
        if self._meta_value(_FORMAT) is None:
            self.oxigraph.update(f"INSERT DATA {{ GRAPH {_META} {{ {_META} {_FORMAT} {FORMAT_VERSION} . "
                                 f"{_META} {_GENERATION} 0 }} }}")
            self._generation = 0
        for q in list(self.oxigraph.quads_for_pattern(_META, _GENERATION, None, _META)):
            if int(q.object.value) != self._generation:  # left by a writer stopped inside `_add`
                self.oxigraph.remove(q)

    @property
    def generation(self) -> int:
        """Bumped by every committed change; a projection built at another generation is stale."""
        return self._generation

    def _bump(self) -> str:
        """The SPARQL operations that move the generation one up (part of the same request)."""
        old, new = self._generation, self._generation + 1
        return (f"DELETE DATA {{ GRAPH {_META} {{ {_META} {_GENERATION} {old} }} }} ;\n"
                f"INSERT DATA {{ GRAPH {_META} {{ {_META} {_GENERATION} {new} }} }}")

    def _commit(self, operations: list[str]) -> None:
        """Run the operations and the generation bump as one SPARQL Update request: one transaction.

        RocksDB keeps what it wrote in memory tables until they fill up (about 110 MB of RSS per 1,000
        corpus articles); flushing every FLUSH_BYTES of updates keeps a corpus ingest under 200 MB."""
        update = " ;\n".join([*operations, self._bump()])
        self._stored_entities.clear()
        self.oxigraph.update(update)
        self._generation += 1
        self._written(len(update))

    def _written(self, size: int) -> None:
        """Count `size` bytes of updates (or their equivalent in quads) and flush every FLUSH_BYTES."""
        self._unflushed += size
        if self._unflushed > FLUSH_BYTES:
            self.oxigraph.flush()
            self._unflushed = 0

    def _add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads and the next generation in one transaction (the bulk path of new articles: no SPARQL text
        to write and parse). The last generation is removed just after; a writer stopped in between leaves
        both, and the highest one counts."""
        quads = list(quads)
        old, new = self._generation, self._generation + 1
        self.oxigraph.extend([*quads, ox.Quad(_META, _GENERATION, literal(new), _META)])
        self._generation = new
        self.oxigraph.remove(ox.Quad(_META, _GENERATION, literal(old), _META))
        self._written(len(quads) * _QUAD_BYTES)

    # ------------------------------------------------------------------ catalog --

    def reference_keys(self) -> set[str]:
        """Keys of the entities the reference graph (the catalog) describes."""
        if self._reference_keys is None:
            self._reference_keys = {str(q.object.value) for q in
                                    self.oxigraph.quads_for_pattern(None, ct("key"), None, _REFERENCE)}
        return self._reference_keys

    def sync_catalog(self, catalog: Any = None) -> bool:
        """Replace the reference graph when the catalog changed; True if it did.

        Without an argument the shipped catalog file is compared by the hash of its bytes (so an unchanged
        catalog costs no YAML parsing); a given `Catalog` is compared by the hash of its quads. Entities the
        catalog now describes lose their discovered description (types, label…) in the entities graph,
        keeping the surface forms seen and their reasons."""
        self._require_write()
        old = self._meta_value(_CATALOG_HASH)
        if catalog is None:
            path = data_path("catalog.yaml")
            if not path.is_file():
                return False  # no catalog in this checkout: the store works without a reference graph
            digest = hashlib.sha256(f"file {FORMAT_VERSION}\n".encode() + path.read_bytes()).hexdigest()
            if old == digest:
                return False
            from ontology.catalog import load_catalog

            try:
                catalog = load_catalog()
            except ValueError as e:  # CatalogError
                raise StoreError(f"the catalog cannot be loaded: {e}") from e
            quads = catalog_quads(catalog.entities.values(), catalog.facts)
        else:
            quads = catalog_quads(catalog.entities.values(), catalog.facts)
            digest = hashlib.sha256("\n".join(sorted(map(nquads_line, quads))).encode()).hexdigest()
            if old == digest:
                return False
        keys = {str(q.object.value) for q in quads if q.predicate == ct("key")}
        ops = [f"DROP SILENT GRAPH {_REFERENCE}"]
        for q in self.oxigraph.quads_for_pattern(None, ct("key"), None, _ENTITIES):
            if str(q.object.value) in keys:
                ops.append(f"DELETE {{ GRAPH {_ENTITIES} {{ {q.subject} ?p ?o }} }} WHERE {{ GRAPH {_ENTITIES} "
                           f"{{ {q.subject} ?p ?o FILTER(?p NOT IN ({', '.join(map(str, _SURFACE_PREDICATES))})) }} }}")
        if old is not None:
            ops.append(f'DELETE DATA {{ GRAPH {_META} {{ {_META} {_CATALOG_HASH} "{old}" }} }}')
        ops.append(f'INSERT DATA {{ {_data_block(quads)} GRAPH {_META} {{ {_META} {_CATALOG_HASH} "{digest}" }} }}')
        self._commit(ops)
        self._reference_keys = keys
        return True

    # ------------------------------------------------------------------ articles --

    def _old(self, article_id: str) -> _Old:
        g, a = iri(article_graph_iri(article_id)), iri(article_iri(article_id))
        exists = any(True for _ in self.oxigraph.quads_for_pattern(a, RDF_TYPE, None, g))
        h = next((str(q.object.value) for q in self.oxigraph.quads_for_pattern(a, ct("contentHash"), None, g)), None)
        mentions = frozenset(q.object for q in self.oxigraph.quads_for_pattern(a, ct("mentions"), None, g)
                             if isinstance(q.object, ox.NamedNode))
        return _Old(exists, h, mentions)

    def content_hash(self, article_id: str) -> str | None:
        """The stored content hash of an article, or None when it is not in the store."""
        return self._old(article_id).content_hash

    def article_hashes(self) -> dict[str, str]:
        """Article id -> stored content hash, for every article (one index scan)."""
        out: dict[str, str] = {}
        for q in self.oxigraph.quads_for_pattern(None, ct("contentHash"), None, None):
            g = q.graph_name
            if isinstance(g, ox.NamedNode) and g.value.startswith(ARTICLE_GRAPH_BASE):
                out[_article_id(q.subject.value)] = str(q.object.value)
        return out

    def article_ids(self) -> list[str]:
        """Ids of the stored articles, sorted."""
        return sorted(_article_id(q.subject.value)
                      for q in self.oxigraph.quads_for_pattern(None, RDF_TYPE, ct("Article"), None)
                      if q.subject.value.startswith(ARTICLE_BASE))

    def _orphans(self, candidates: Iterable[ox.NamedNode], graph: ox.NamedNode) -> list[ox.NamedNode]:
        """Entities no article other than the one in `graph` mentions."""
        def mentioned_elsewhere(e: ox.NamedNode) -> bool:
            return any(q.graph_name != graph for q in self.oxigraph.quads_for_pattern(None, ct("mentions"), e, None))

        return sorted((e for e in candidates if not mentioned_elsewhere(e)), key=lambda n: n.value)

    def _entity_quads(self, ag: ArticleGraph, pending: dict[ox.Quad, None] | None = None,
                      labelled: set[ox.NamedNode] | None = None) -> list[ox.Quad]:
        """What the article adds to the entities graph and is not there yet (nor in `pending`, the quads of
        a batch not yet committed, whose labelled entities are in `labelled`)."""
        catalog = self.reference_keys()
        out: list[ox.Quad] = []
        for e in ag.entities:
            if _entity_content(e) in self._stored_entities:
                continue
            quads = surface_form_quads(e)
            if e.id not in catalog:
                node = iri(entity_iri(e.id))
                has_label = (labelled is not None and node in labelled) or any(
                    True for _ in self.oxigraph.quads_for_pattern(node, RDFS_LABEL, None, _ENTITIES))
                quads = entity_description(e, first_seen=not has_label) + quads
                if labelled is not None:
                    labelled.add(node)
            out += (q for q in quads if (pending is None or q not in pending) and q not in self.oxigraph)
        return list(dict.fromkeys(out))

    def put_articles(self, graphs: Sequence[ArticleGraph], *, force: bool = False) -> list[Outcome]:
        """Write several articles, returning their outcomes once committed. Articles new to the store go in
        one transaction together (each whole, and all of them or none); an article already stored, or named
        twice in `graphs`, is written by `put_article` in a transaction of its own, in order.

        One transaction per batch instead of per article: the commit, not the quads, is what costs."""
        self._require_write()
        outcomes: list[Outcome | None] = [None] * len(graphs)
        quads: dict[ox.Quad, None] = {}
        labelled: set[ox.NamedNode] = set()
        batch: dict[str, int] = {}

        def flush() -> None:
            if batch:
                self._add(quads)
                self._stored_entities.update(_entity_content(e) for i in batch.values() for e in graphs[i].entities)
                if len(self._stored_entities) > _STORED_ENTITIES_MAX:
                    self._stored_entities.clear()
                for i in batch.values():
                    outcomes[i] = "added"
                quads.clear()
                labelled.clear()
                batch.clear()

        for i, ag in enumerate(graphs):
            if ag.id in batch:
                flush()
            if self._old(ag.id).exists:
                flush()
                outcomes[i] = self.put_article(ag, force=force)
                continue
            quads.update(dict.fromkeys(article_quads(ag)))
            quads.update(dict.fromkeys(self._entity_quads(ag, quads, labelled)))
            batch[ag.id] = i
        flush()
        return [o for o in outcomes if o is not None]

    def put_article(self, ag: ArticleGraph, *, force: bool = False) -> Outcome:
        """Write one article's graph atomically: added, replaced (its own facts only) or unchanged.

        An article whose stored content hash equals `ag.content_hash` is left alone unless `force`; with
        `force` it is compared quad by quad, so re-extracting to the same facts changes nothing either."""
        self._require_write()
        g = iri(article_graph_iri(ag.id))
        old = self._old(ag.id)
        if old.exists and not force and ag.content_hash and old.content_hash == ag.content_hash:
            return "unchanged"
        new = article_quads(ag)
        same_graph = old.exists and set(self.oxigraph.quads_for_pattern(None, None, None, g)) == set(new)
        entity_adds = self._entity_quads(ag)
        new_mentions = {q.object for q in new if q.predicate == ct("mentions")}
        orphans = self._orphans(old.mentions - new_mentions, g)
        if same_graph and not entity_adds and not orphans:
            return "unchanged"
        ops = [f"DROP SILENT GRAPH {g}"] if old.exists and not same_graph else []
        ops += (f"DELETE WHERE {{ GRAPH {_ENTITIES} {{ {e} ?p ?o }} }}" for e in orphans)
        adds = entity_adds if same_graph else new + entity_adds
        if adds:
            ops.append(f"INSERT DATA {{ {_data_block(adds)} }}")
        self._commit(ops)
        return "replaced" if old.exists else "added"

    def remove_article(self, article_id: str) -> bool:
        """Drop an article's graph and the entities only it mentioned; False when it was not stored."""
        self._require_write()
        old = self._old(article_id)
        if not old.exists:
            return False
        g = iri(article_graph_iri(article_id))
        ops = [f"DROP SILENT GRAPH {g}"]
        ops += (f"DELETE WHERE {{ GRAPH {_ENTITIES} {{ {e} ?p ?o }} }}" for e in self._orphans(old.mentions, g))
        self._commit(ops)
        return True

    def update(self, sparql: str) -> None:
        """Run a user's SPARQL Update as one transaction. The generation moves first, in a transaction of its
        own (Oxigraph takes no PREFIX after `;`, so it cannot be spliced in): a crash in between, or an
        update that fails, can only make a projection rebuild for nothing, never miss a change."""
        self._require_write()
        self._commit([])
        self.oxigraph.update(sparql)

    # ------------------------------------------------------------------ reading --

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad, or those of one named graph."""
        return self.oxigraph.quads_for_pattern(None, None, None, iri(graph) if graph else None)

    def __len__(self) -> int:
        return len(self.oxigraph)

    def _select(self, query: str) -> list[tuple[Any, ...]]:
        from kg.sparql import run_select

        return run_select(self, query)[1]

    def stats(self) -> dict[str, Any]:
        """Counts by class and relation, articles and their date range, entities, quads, generation, size."""
        from ontology.schema import load_schema

        schema = load_schema()
        classes = {str(c).removeprefix(NS): n for c, n in self._select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c")
            if str(c).startswith(NS)}
        relations: dict[str, dict[str, int]] = {r: {"article": 0, "catalog": 0, "distinct": 0}
                                                for r in schema.core_relations}
        for p, from_article, n in self._select("""SELECT ?p ?art (COUNT(?r) AS ?n) WHERE {
                ?r a ct:RelationAssertion ; rdf:predicate ?p . OPTIONAL { ?r ct:sourceArticle ?a }
                BIND(BOUND(?a) AS ?art) } GROUP BY ?p ?art"""):
            name = str(p).removeprefix(NS)
            relations.setdefault(name, {"article": 0, "catalog": 0, "distinct": 0})
            relations[name]["article" if from_article else "catalog"] += n
        for p, n in self._select("""SELECT ?p (COUNT(*) AS ?n) WHERE {
                SELECT DISTINCT ?s ?p ?o WHERE { ?r a ct:RelationAssertion ; rdf:subject ?s ; rdf:predicate ?p ;
                rdf:object ?o } } GROUP BY ?p"""):
            relations[str(p).removeprefix(NS)]["distinct"] = n
        ((count,),) = self._select("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a ct:Article }")
        # Only dated articles: Oxigraph's MIN/MAX give nothing when one value is unbound.
        ((first, last, dated),) = self._select("""SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last)
                (COUNT(DISTINCT ?a) AS ?dated) WHERE { ?a a ct:Article ; ct:published ?d }""")
        ((catalog, discovered),) = self._select(f"""SELECT (COUNT(DISTINCT ?c) AS ?catalog)
                (COUNT(DISTINCT ?d) AS ?discovered) WHERE {{
                {{ GRAPH <{REFERENCE_GRAPH}> {{ ?c ct:key ?k }} }} UNION
                {{ GRAPH <{ENTITIES_GRAPH}> {{ ?d ct:key ?k }} }} }}""")
        return {
            "articles": {"count": count, "first": first, "last": last, "undated": count - dated},
            "entities": {"catalog": catalog, "discovered": discovered},
            "classes": classes,
            "relations": {k: v for k, v in sorted(relations.items())},
            "quads": len(self), "graphs": sum(1 for _ in self.oxigraph.named_graphs()),
            "generation": self.generation, "size_bytes": self.size_on_disk(),
        }

    def size_on_disk(self) -> int:
        """Bytes the store directory takes on disk."""
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())


def _entity_content(e: Entity) -> tuple[Any, ...]:
    """Everything an entity's quads in the entities graph are made of (`entity_description`,
    `surface_form_quads`): the same content makes the same quads, whatever the order of its mentions."""
    return (e.id, e.label, str(e.type), tuple(e.types), e.wikidata, tuple(e.tickers), e.source, e.reason,
            frozenset(m.text for m in e.mentions), frozenset(e.aliases))


def _article_id(article_iri_value: str) -> str:
    from urllib.parse import unquote

    return unquote(article_iri_value[len(ARTICLE_BASE):])
