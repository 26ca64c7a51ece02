"""Stable identifiers: the same article or entity always gets the same key and IRI."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from ontology.schema import ARTICLE_BASE, ENTITY_BASE, GRAPH_BASE

_SUFFIX = re.compile(
    r"(,?\s+(inc|incorporated|ltd|limited|group|holdings?|co|company|corp|corporation|plc|sa|ag|llc|"
    r"technologies|technology))+$"
)


@lru_cache(maxsize=1 << 16)
def normalize_name(name: str) -> str:
    """Case-, spacing-, punctuation- and corporate-suffix-insensitive key of a name (memoised: the same names
    recur in every article).

    >>> normalize_name("The Alibaba Group Holding Ltd.")
    'alibaba'
    """
    s = unicodedata.normalize("NFKC", name).casefold().strip()
    s = s.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = re.sub(r"'s$", "", s)
    s = re.sub(r"[\.\,\"'\(\)]", " ", s)
    s = re.sub(r"[-‐–—_/]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"^the ", "", s)
    s2 = _SUFFIX.sub("", s).strip()
    return s2 or s


def slugify(name: str) -> str:
    """A readable, IRI-safe slug: `Ascend 910B` -> `ascend-910b` (CJK characters kept)."""
    s = unicodedata.normalize("NFKC", name).casefold()
    s = re.sub(r"[^\w]+", "-", s, flags=re.UNICODE).strip("-_")
    return s or hashlib.sha1(name.encode()).hexdigest()[:12]


def discovered_key(type_name: str, name: str) -> str:
    """Key of an entity found in text but not in the catalog: merges by type and normalised name."""
    return f"found/{type_name.lower()}/{slugify(normalize_name(name))}"


def content_hash(title: str, text: str) -> str:
    """SHA-256 of an article's title and text."""
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()


def article_id_for(title: str, text: str) -> str:
    """Id of an article that came without one: a prefix of its content hash."""
    return "sha-" + content_hash(title, text)[:16]


@lru_cache(maxsize=1 << 16)
def _seg(key: str) -> str:
    """A key as an IRI path segment (cached: the same keys and article ids come back for every fact)."""
    return quote(key, safe="/-_.~")


def entity_iri(key: str) -> str:
    return ENTITY_BASE + _seg(key)


def key_from_iri(iri: str) -> str:
    from urllib.parse import unquote

    return unquote(iri[len(ENTITY_BASE):]) if iri.startswith(ENTITY_BASE) else iri


def article_iri(article_id: str) -> str:
    return ARTICLE_BASE + _seg(article_id)


def article_graph_iri(article_id: str) -> str:
    """The named graph holding one article's facts."""
    return GRAPH_BASE + "article/" + _seg(article_id)


def sentence_iri(article_id: str, start: int, end: int) -> str:
    return f"{article_iri(article_id)}#s{start}-{end}"


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def assertion_iri(article_id: str, subject: str, predicate: str, obj: str) -> str:
    """One relation assertion per (article, subject, predicate, object)."""
    return f"{article_iri(article_id)}#r-{_digest(subject, predicate, obj)}"


def reference_assertion_iri(subject: str, predicate: str, obj: str) -> str:
    return f"{GRAPH_BASE}reference#r-{_digest(subject, predicate, obj)}"


def observation_iri(article_id: str, subject: str, measure: str, value: float, start: int) -> str:
    return f"{article_iri(article_id)}#o-{_digest(subject, measure, value, start)}"
