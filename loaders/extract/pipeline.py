"""The extraction pipeline: one `Article` in, one `ArticleGraph` out, every item with its provenance."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kg.graph import Article, ArticleGraph, Entity, Evidence, Observation, Relation
from kg.ids import content_hash
from loaders.extract.calibration import calibrated
from loaders.extract.descriptors import describe
from loaders.extract.discover import discover, person_surnames
from loaders.extract.mentions import default_matcher
from loaders.extract.observations import extract_observations
from loaders.extract.relations import Found, M, extract_relations
from loaders.extract.resolve import resolve
from loaders.extract.sentences import split_sentences
from loaders.extract.spans import Span, select_longest
from ontology.schema import load_schema

_CAPITALS = {"beijing", "washington-dc", "moscow", "tokyo", "london", "brussels", "seoul", "taipei", "new-delhi",
             "paris", "berlin", "canberra", "ottawa"}
_AGENT_AFTER = re.compile(
    r"^(?:['’]s\s+(?:[\w-]+\s+)?(?:approval|efforts?|policy|policies|crackdown|push|plans?|response|stance|support|"
    r"decision|restrictions|campaign|ban|measures|move|regulators?|officials?|leadership|demands?|retaliation|"
    r"pressure|control|blessing|backing|guidance|rules|sanctions|curbs|tariffs)\b|"
    r"\s+(?:has|have|had|is|was|will|would|said|says|announced|approved|ordered|imposed|urged|told|wants|"
    r"celebrated|banned|restricted|retaliated|responded|accused|warned|vowed|sought|pledged|plans|planned|"
    r"launched|introduced|added|blocked|barred|denied|pushed|called|insisted|demanded|agreed|rejected)\b)")
_AGENT_BEFORE = re.compile(r"\b(?:with|from|against|between|by|to|and|pressure on)\s+$")
_PLACE_USE = re.compile(r"^(?:-based|\s+[A-Z]|,\s+(?:China|the|capital))")
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|outside|around|across|visit(?:ed|ing|s)?|to)\s+$")
_TICKER_GAP = re.compile(r"^[\s(\[]*(?:(?:NASDAQ|NYSE|HKEX|HK|SEHK|SSE|SZSE|OTC|Nasdaq|SHA|SHE)\s?:\s?)?\[?$")
_TITLE_AFTER = re.compile(r"^\s+(?:Secretary|Minister|Under Secretary|Deputy Secretary|Commissioner)\b")
_NESTING = {"Policy", "GeopoliticalFactor", "GovernmentBody"}


def _drop_modifiers(text: str, spans: list[Span]) -> list[Span]:
    """Drop tickers written after their company ("Google Inc (GOOG.O)") and offices used as a title
    ("U.S. Treasury Secretary"): neither names an entity of its own there."""
    out: list[Span] = []
    for s in spans:
        if s.rule == "ticker" and out and out[-1].type == "Company" and _TICKER_GAP.match(text[out[-1].end:s.start]):
            continue
        if s.type == "GovernmentBody" and s.key is not None and _TITLE_AFTER.match(text[s.end:s.end + 20]):
            continue
        out.append(s)
    return out


def _capital_metonymy(text: str, spans: list[Span]) -> None:
    """A capital named only as an actor ("Beijing's approval", "talks with Beijing") is its government."""
    by_key: dict[str, list[Span]] = {}
    for s in spans:
        if s.key in _CAPITALS and s.type == "Place":
            by_key.setdefault(s.key, []).append(s)
    for group in by_key.values():
        agentive = place = 0
        for s in group:
            after, before = text[s.end:s.end + 40], text[max(0, s.start - 20):s.start]
            if _PLACE_USE.match(after) or _PLACE_BEFORE.search(before):
                place += 1
            elif _AGENT_AFTER.match(after) or (_AGENT_BEFORE.search(before) and re.match(r"^\s*[.,;\"”)]", after)):
                agentive += 1
        if agentive and not place:
            for s in group:
                s.type, s.key, s.rule, s.name = "GovernmentBody", None, "metonymy:capital", s.text


def _nested_places(catalog_spans: list[Span], chosen: list[Span]) -> list[Span]:
    """Places named inside a policy, tension or government name ("US tariffs", "U.S. export curbs")."""
    holders = [s for s in chosen if s.type in _NESTING]
    out: list[Span] = []
    for p in catalog_spans:
        if p.type != "Place":
            continue
        if any(h.start <= p.start and p.end <= h.end and (h.start, h.end) != (p.start, p.end) and h.field == p.field
               for h in holders):
            out.append(Span(p.start, p.end, p.text, p.type, p.key, "nested", p.confidence, p.field))
    return out


def find_spans(article: Article) -> list[Span]:
    """Catalog matches, then discovered names in the gaps, then surnames of people named in full."""
    matcher = default_matcher()
    spans: list[Span] = []
    for field, text in (("title", article.title), ("text", article.text)):
        if not text:
            continue
        raw = matcher.find(text, field)
        catalog = select_longest(raw)
        # Generic technology words may sit inside a longer name ("Zhaoli Robotics Co."): let discovery see them.
        found = catalog + discover(text, [s for s in catalog if s.type != "Technology"], field)
        persons = [s for s in found if s.type == "Person" and " " in (s.name or s.text)]
        found += person_surnames(text, persons, found, field)
        chosen = _drop_modifiers(text, select_longest(found))
        _capital_metonymy(text, chosen)
        spans += chosen + _nested_places(raw, chosen)
    named = {s.key for s in spans if s.rule != "descriptor"}
    return [s for s in spans if s.rule != "descriptor" or s.key in named]


def extract_article(article: Article) -> ArticleGraph:
    """Run every stage on one article."""
    schema = load_schema()
    text = article.text
    sentences = split_sentences(text)
    resolved = resolve(find_spans(article))
    types = {e.id: str(e.type) for e in resolved.entities}
    ms = [M(s.start, s.end, key, s.type if s.key is None else types[key])
          for s, key in resolved.spans if s.field == "text"]
    ms.sort(key=lambda m: (m.start, -m.end))
    facts: list[Found] = []
    if any(m.type == "Company" for m in ms):
        place_keys = {m.key for m in ms if m.type == "Place"}
        tech_keys = {m.key for m in ms if m.type == "Technology"}
        facts, refs = describe(text, sentences, ms, place_keys, tech_keys)
        if refs:
            ms = sorted(ms + refs, key=lambda m: (m.start, -m.end))

    def evidence(span: tuple[int, int]) -> Evidence:
        return Evidence(sentence=text[span[0]:span[1]], start=span[0], end=span[1])

    best: dict[tuple[str, str, str], Relation] = {}
    for f in [*facts, *extract_relations(text, sentences, ms)]:
        s, o = f.subject, f.object
        if s == o or s not in types or o not in types:
            continue
        if not schema.allows(f.predicate, types[s], types[o]):
            continue
        rel = schema.relations[f.predicate]
        if rel.symmetric and s > o:
            s, o = o, s
        k = (s, f.predicate, o)
        conf = calibrated(f.rule, f.confidence)
        if k not in best or conf > best[k].confidence:
            best[k] = Relation(subject=s, predicate=f.predicate, object=o, confidence=conf,
                               evidence=evidence(f.sentence), extractor=f.rule)
    observations: list[Observation] = []
    seen: set[tuple[object, ...]] = set()
    for ob in extract_observations(text, sentences, ms):
        # One per value and unit, and one per identity (`kg.ids.observation_iri`: subject, measure, value,
        # sentence): "$6 by 2028, 6% above consensus" would otherwise give one node two units.
        keys = ((ob.subject, ob.value, ob.unit), (ob.subject, ob.measure, ob.value, ob.sentence[0]))
        if any(k in seen for k in keys):
            continue
        seen.update(keys)
        observations.append(Observation(subject=ob.subject, measure=ob.measure, value=ob.value, unit=ob.unit,
                                        period=ob.period, confidence=ob.confidence,
                                        evidence=evidence(ob.sentence), extractor=ob.rule))
    entities = _prune(resolved.entities, best.values(), observations)
    return ArticleGraph(
        id=article.id, title=article.title, published=article.published, source_url=article.source_url,
        source_name=article.source_name, lang=article.lang, content_hash=content_hash(article.title, text),
        entities=entities, relations=list(best.values()), observations=observations,
    )


def _prune(entities: list[Entity], relations: Iterable[Relation], observations: list[Observation]) -> list[Entity]:
    """Technology words are entities only where the article says something about them: a word such as
    "e-commerce" or "smartphones" used in passing, with no relation or number, is dropped."""
    used = {r.subject for r in relations} | {r.object for r in relations} | {o.subject for o in observations}
    return [e for e in entities if str(e.type) != "Technology" or e.id in used]


def _init_worker() -> None:
    default_matcher()


def extract_articles(articles: Iterable[Article], jobs: int = 1) -> Iterator[ArticleGraph]:
    """Extract many articles, in order; `jobs` > 1 uses a process pool."""
    if jobs <= 1:
        for a in articles:
            yield extract_article(a)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    with ctx.Pool(jobs, initializer=_init_worker) as pool:
        yield from pool.imap(extract_article, articles, chunksize=16)
