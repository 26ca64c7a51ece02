"""Descriptions of organisations: the noun phrases news put around a company name, and what they state.

"Chinese AI startup DeepSeek", "Hebei-based Great Wall", "Tencent-backed EnFlame", "TikTok-parent ByteDance",
"cloud service providers like Alibaba and Tencent", "Huawei, and other Chinese AI chipmakers such as Hygon",
"SMIC, China's largest chip maker," and "Capitalonline, which provides cloud computing services" each say
where a firm is based (`headquarteredIn`), which technology it works in (`develops`), who backs it
(`investsIn`) or what it owns (`develops`). A definite description without a name ("the U.S. firm",
"the Chinese company", "China's top telecom equipment maker") refers back to the company named last
(short-range coreference): it becomes a mention of that company for the later stages, and what it says
is stated about that company. One regex pass over the text finds the descriptions.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from loaders.extract.relations import DEMONYMS, Found, M

_HEADS = (r"start-?ups?|compan(?:y|ies)|firms?|giants?|makers?|chip ?makers?|automakers?|carmakers?|car makers?|"
          r"providers?|vendors?|developers?|operators?|players?|rivals?|peers?|conglomerates?|champions?|"
          r"suppliers?|manufacturers?|foundry|foundries|designers?|brands?|lenders?|insurers?|brokerages?|"
          r"unicorns?|majors|heavyweights?|titans?|behemoths?|outfits?|carriers?|retailers?|producers?|"
          r"labs?|leaders?|innovators?|hyperscalers?|groups?|businesses|powerhouses?|pioneers?|"
          r"corporations?|enterprises?|champions?")
_HEAD_RE = re.compile(rf"(?:{_HEADS})$")
_SINGULAR_HEAD = re.compile(
    r"(?:start-?up|company|firm|giant|maker|chip ?maker|automaker|carmaker|car maker|provider|vendor|developer|"
    r"operator|conglomerate|champion|supplier|manufacturer|foundry|designer|lender|retailer|producer|lab|"
    r"group|pioneer|corporation|powerhouse)$")
# Words a description may hold before its head: lower-case modifiers, hyphenated words, demonyms, acronyms.
_MOD = (r"(?:[a-z][\w-]*|[A-Z]{2,5}|[A-Z][a-z]+(?:['’]s)?|[A-Z]\.[A-Z]\.(?:['’]s)?|"
        r"[\w-]+-(?:based|backed|owned|listed|parent|run|controlled))")
_STOP_MODS = {
    "the", "a", "an", "and", "or", "of", "in", "on", "at", "to", "by", "for", "with", "from", "that", "which",
    "who", "said", "says", "is", "are", "was", "were", "has", "have", "had", "be", "been", "as", "than", "but",
    "its", "their", "his", "her", "this", "these", "those", "such", "like", "including", "it", "they", "we",
    "will", "would", "could", "can", "may", "not", "also", "into", "about", "over", "after", "before",
}
_BACKED = re.compile(r"^-(backed|owned|parent|controlled|funded|invested)\b")
_APPOSITION = re.compile(r"^\s*(?:\(?[A-Z0-9]{1,6}\.[A-Z]{1,2}\)?\s*)?(?:,|--|—|–|\s-\s)\s*(?:the\s+|a\s+|an\s+)?")
_WHICH = re.compile(r"^\s*,\s*(?:which|that|who)\s+(?:also\s+)?(?:provides|offers|makes|develops|sells|builds|designs|"
                    r"produces|supplies|operates|runs|specialises in|specializes in|focuses on)\s+")


@dataclass(slots=True)
class Description:
    """A descriptive noun phrase: its span, its head word, and the mentions (places, technologies) inside."""

    start: int
    end: int
    head: str
    named: bool  # directly followed by the name it describes
    places: list[str]
    techs: list[str]
    backers: list[str]
    definite: bool = False  # "the ..." / "this ...": may stand for a company named before


def _demonym_places(words: str, place_keys: set[str]) -> list[str]:
    out = []
    for w in re.findall(r"[A-Z][\w.]*(?:\s[A-Z][a-z]+)?", words):
        key = DEMONYMS.get(w.rstrip(".") if w not in DEMONYMS else w)
        if key and key in place_keys:
            out.append(key)
    return out


_NAME_GAP = re.compile(r" *(?:[-–—:] +)?")
_COUNTRY_DETS = {"country's", "nation's", "country’s", "nation’s"}
_HEAD_WORD = re.compile(rf"\b(?:{_HEADS})\b(?P<tail>(?:['’]s)?(?:\s+(?:such as|like|including|led by))?,?)(?=\s|$)")
_MOD_WORD = re.compile(_MOD + "$")


def find_descriptions(text: str, mentions: list[M], place_keys: set[str]) -> list[Description]:
    """Every descriptive noun phrase around company heads in the text, with what it contains.

    One pass finds the head nouns; the modifiers are read backwards from each head, up to five words,
    stopping at a function word (which, when it is "the" or "this", makes the description definite).
    """
    out: list[Description] = []
    starts = {m.start: m for m in mentions}
    for d in _HEAD_WORD.finditer(text):
        head_start = d.start()
        window = text[max(0, head_start - 70):head_start].replace("\n", " ")
        words = window.split(" ")[:-1] if window.endswith(" ") else []
        mods: list[str] = []
        det = ""
        for w in reversed(words[-6:]):
            if not w or w.lower() in _STOP_MODS or not _MOD_WORD.match(w):
                det = w.lower()
                break
            mods.append(w)
        if len(mods) > 5:
            continue
        mods.reverse()
        if not mods and det not in ("the", "this", "a", "an", "other", "fellow", "its", "their"):
            continue
        start = head_start - sum(len(w) + 1 for w in mods)
        end = d.end()
        after = end + _NAME_GAP.match(text, end).end() - end  # "telecom companies - China Mobile, ..."
        named = after in starts and starts[after].type == "Company"
        head_end = head_start + len(d.group(0)) - len(d.group("tail"))
        inner = [m for m in mentions if start <= m.start and m.end <= head_end]
        places = [m.key for m in inner if m.type == "Place"]
        places += [p for p in _demonym_places(" ".join(mods), place_keys) if p not in places]
        if det in _COUNTRY_DETS:  # "the country's three largest telecom companies": the country named before
            country = next((m for m in reversed(mentions) if m.type == "Place" and m.end <= start), None)
            if country is not None and start - country.end < 400 and country.key not in places:
                places.append(country.key)
        techs = [m.key for m in inner if m.type == "Technology"]
        backers = [m.key for m in inner if m.type == "Company" and _BACKED.match(text[m.end:m.end + 12])]
        head = text[head_start:head_end].lower()
        out.append(Description(start, end, head, named, places, techs, backers, det in ("the", "this")))
    return out


def _chip_tech(head: str, techs: list[str], tech_keys: set[str]) -> list[str]:
    """"AI chipmakers" work on AI chips when the article names that technology."""
    if "chip" in head and "ai-chips" in tech_keys and any(t in ("artificial-intelligence", "ai-chips") for t in techs):
        return ["ai-chips"]
    return techs


def describe(text: str, sentences: list[tuple[int, int]], mentions: list[M], place_keys: set[str],
             tech_keys: set[str]) -> tuple[list[Found], list[M]]:
    """Facts stated by descriptions of companies, and coreference mentions for the nameless ones."""
    descs = find_descriptions(text, mentions, place_keys)
    facts: list[Found] = []
    refs: list[M] = []
    companies = [m for m in mentions if m.type == "Company"]
    sent_of = _sentence_index(sentences)
    for d in descs:
        if d.named:
            targets = _listed_after(text, companies, d.end)
            targets += _coordinated_before(text, companies, d.start)
        elif _SINGULAR_HEAD.search(d.head) and d.definite or (
                d.places and not d.named and _SINGULAR_HEAD.search(d.head) and re.search(
                    r"(?:['’]s)\s", text[d.start:d.end])):
            ante = _antecedent(companies, d.start, sent_of)
            if ante is None:
                continue
            refs.append(M(d.start, d.end, ante.key, "Company", True))
            targets = [ante]
        else:
            continue
        sent = sentences[sent_of(d.start)] if sentences else (d.start, d.end)
        yield_facts = list(_facts(d, targets, sent, tech_keys))
        facts.extend(yield_facts)
    for i, m in enumerate(companies):
        backed = _BACKED.match(text[m.end:m.end + 12])
        if backed and i + 1 < len(companies) and re.fullmatch(r"-[a-z]+\s+", text[m.end:companies[i + 1].start]):
            sent = sentences[sent_of(m.start)] if sentences else (m.start, m.end)
            pred = "develops" if backed.group(1) == "parent" else "investsIn"
            if pred == "investsIn":
                facts.append(Found(m.key, pred, companies[i + 1].key, 0.75, "description:backed", sent))
        ap = _APPOSITION.match(text[m.end:m.end + 20])
        wh = _WHICH.match(text[m.end:m.end + 60])
        sent = sentences[sent_of(m.start)] if sentences else (m.start, m.end)
        if wh:
            lim = text.find(".", m.end + wh.end())
            lim = len(text) if lim < 0 else lim
            for t in mentions:
                if m.end + wh.end() <= t.start < min(lim, m.end + wh.end() + 60) and t.type == "Technology":
                    facts.append(Found(m.key, "develops", t.key, 0.7, "description:which-provides", sent))
        elif ap:
            pos = m.end + ap.end()
            d = next((x for x in descs if x.start == pos and not x.named), None)
            if d is not None:
                facts.extend(_facts(d, [m], sent, tech_keys, "description:apposition"))
    return facts, refs


def _facts(d: Description, targets: list[M], sent: tuple[int, int], tech_keys: set[str],
           rule: str = "description:premodifier") -> Iterator[Found]:
    for m in targets:
        for p in d.places:
            yield Found(m.key, "headquarteredIn", p, 0.75, rule, sent)
        for t in _chip_tech(d.head, d.techs, tech_keys):
            yield Found(m.key, "develops", t, 0.7, rule, sent)
        for b in d.backers:
            if b != m.key:
                yield Found(b, "investsIn", m.key, 0.75, "description:backed", sent)


_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:[\w.-]+-(?:backed|owned|parent|based)\s+)?")


def _listed_after(text: str, companies: list[M], pos: int) -> list[M]:
    """The company named right after a description, and those coordinated with it; a company used as a
    modifier ("Tencent-backed EnFlame") is not an item of the list."""
    out: list[M] = []
    prev = pos
    for m in companies:
        if m.start < prev or _BACKED.match(text[m.end:m.end + 12]):
            continue
        gap = text[prev:m.start]
        if not out:
            if gap.strip(" -–—:") and not re.fullmatch(r"\s*[\w.-]+-(?:backed|owned|parent|based|run)\s+", gap):
                break
        elif not _LIST_GAP.fullmatch(gap):
            break
        out.append(m)
        prev = m.end
    return out


def _coordinated_before(text: str, companies: list[M], pos: int) -> list[M]:
    """"Huawei, and other Chinese AI chipmakers ...": the company joined to the description by "and other"."""
    before = text[max(0, pos - 40):pos]
    m = re.search(r"(?:,\s*)?\s*and\s+(?:other|fellow|its|their)\s*$", before)
    if not m:
        return []
    end = pos - (len(before) - m.start())
    return [c for c in companies if c.end == end or c.end == end - 1][-1:]


def _antecedent(companies: list[M], pos: int, sent_of: object) -> M | None:
    """The company named last before `pos`, within the same or the two previous sentences."""
    assert callable(sent_of)
    here = sent_of(pos)
    for m in reversed(companies):
        if m.end <= pos and not m.coref:
            return m if here - sent_of(m.start) <= 2 else None
    return None


def _sentence_index(sentences: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    import bisect

    starts = [s for s, _ in sentences]

    def index(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)

    return index
