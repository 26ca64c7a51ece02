"""The one intermediate model every stage passes along: articles in, entities, relations and
observations out, each fact with its provenance. Entity types and relation names are enums
generated from the ontology, so a name the ontology lacks fails validation at once.
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ontology.schema import load_schema

_schema = load_schema()
EntityType = StrEnum("EntityType", {t: t for t in _schema.core_types})  # type: ignore[misc]
RelationName = StrEnum("RelationName", {r: r for r in _schema.core_relations})  # type: ignore[misc]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Article(_Strict):
    """An article as a loader presents it: offsets of every fact refer to `text`."""

    id: str
    title: str = ""
    text: str
    published: date | None = None
    source_url: str | None = None
    source_name: str | None = None
    lang: str | None = None
    path: str | None = Field(default=None, description="file the article was read from")


class Mention(_Strict):
    """Where an entity is named: character offsets into the article text."""

    text: str
    start: int
    end: int
    field: str = "text"  # "text", or "title" when the mention is in the headline


class Evidence(_Strict):
    """The sentence a fact was read from, with its offsets in the article text."""

    sentence: str
    start: int
    end: int


class Entity(_Strict):
    """One real-world thing named in an article (or in the catalog)."""

    id: str  # stable key: catalog key, or found/<type>/<slug>
    label: str
    type: EntityType  # type: ignore[valid-type]
    types: list[str] = Field(default_factory=list)  # finer ontology classes, when known
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    source: str = "catalog"  # "catalog" or "discovered"
    wikidata: str | None = None
    tickers: list[str] = Field(default_factory=list)
    reason: str = ""  # why the mentions were resolved to this entity


class Relation(_Strict):
    """A typed, directed relation in the core vocabulary, with its provenance."""

    subject: str
    predicate: RelationName  # type: ignore[valid-type]
    object: str
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: Evidence
    extractor: str


class Observation(_Strict):
    """A number stated about an entity."""

    subject: str
    measure: str
    value: float
    unit: str
    period: str | None = None
    confidence: float = Field(default=0.8, ge=0.0, le=1.0)
    evidence: Evidence
    extractor: str


class ArticleGraph(_Strict):
    """Everything read from one article: the unit the store writes and replaces atomically."""

    id: str
    title: str
    published: date | None = None
    source_url: str | None = None
    source_name: str | None = None
    lang: str | None = None
    content_hash: str = ""
    entities: list[Entity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)

    def contract(self) -> dict[str, Any]:
        """The JSON shape of `kg extract --json` (VOCABULARY.md), plus provenance keys."""
        d = self.model_dump(mode="json", exclude={"content_hash", "source_url", "source_name", "lang"})
        for e in d["entities"]:
            for k in ("source", "wikidata", "reason"):
                e.pop(k, None)
            if not e["types"]:
                e.pop("types")
            if not e["tickers"]:
                e.pop("tickers")
        return d
