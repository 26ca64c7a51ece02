"""Relations in the core vocabulary from cue patterns inside a sentence, checked against the ontology.

Three kinds of rule, each named in the relation's `extractor` for provenance:
- cue verbs/nouns ("develops", "partnered with", "rivals") between a subject and its objects;
- constructions ("Baidu's ERNIE", "Hangzhou-based DeepSeek", "Baidu CEO Robin Li", "X, a unit of Y");
- co-occurrence frames (index moves with the firms that drove them, tensions and their parties).
Negated statements are dropped; plans and reported speech are kept, as the guidelines say.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ontology.schema import Schema, load_schema


@dataclass(slots=True)
class M:
    """A resolved mention inside the text: offsets, entity key and core type."""

    start: int
    end: int
    key: str
    type: str
    coref: bool = False  # a description or pronoun standing for the entity named before


@dataclass(slots=True)
class Found:
    """A relation candidate before it becomes a `Relation`."""

    subject: str
    predicate: str
    object: str
    confidence: float
    rule: str
    sentence: tuple[int, int]


# Cue table: predicate -> regex of the cue words. Order matters where cues overlap (first wins).
CUES: list[tuple[str, str]] = [
    ("trainedOn", r"trained (?:\w+ )?(?:on|using|with)|training (?:on|using)"),
    ("subsidiaryOf", r"(?:a |the |its )?(?:unit|subsidiary|arm|affiliate|division|spin-?off|subsidiaries) of|"
                     r"owned by|wholly[- ]owned by|part of"),
    ("leads", r"(?:chief executive|CEO|founder|co-founder|chairman|chairwoman|president|head|boss|"
              r"chief executive officer) (?:of|at)"),
    ("listedOn", r"(?:listed|listing|debut(?:ed|s)?|trad(?:ed|es|ing)|IPO|float(?:ed)?) (?:\w+ ){0,2}(?:on|in)"),
    ("headquarteredIn", r"(?:headquartered|based|located|headquarters) in|-based|home(?:town)? (?:of|in)"),
    ("investsIn", r"invest(?:s|ed|ing|ment)? (?:\w+ ){0,3}in|(?:take|took|takes|taking|bought|buy|buys|acquir\w+) "
                  r"(?:a |an )?(?:\w+ ){0,2}stake in|acquir(?:e|es|ed|ing)|bought|buy(?:s|ing)? out|"
                  r"led (?:a |the )?(?:\w+ ){0,2}(?:funding|financing) round|(?:stake|stakes|holding) in|"
                  r"buy(?:s|ing)?"),
    ("suppliesTo", r"suppl(?:y|ies|ied|ying|ier|iers) (?:\w+ ){0,3}(?:to|for)|sell(?:s|ing)? (?:\w+ ){0,3}to|"
                   r"sold (?:\w+ ){0,3}to|ship(?:s|ped|ping)? (?:\w+ ){0,3}to|provid(?:e|es|ed|ing) (?:\w+ ){0,4}to"),
    ("manufactures", r"manufactur\w*|fabricat\w*|mass[- ]produc\w*|produc(?:e|es|ed|ing)|mak(?:e|es|ing)|made|"
                     r"assembl(?:e|es|ed|ing)|foundry for"),
    ("partnersWith", r"partner(?:s|ed|ing|ship)?(?: \w+){0,2} with|team(?:s|ed)? up with|collaborat\w* with|"
                     r"join(?:s|ed)? (?:forces|hands) with|(?:deal|agreement|alliance|tie-up|pact|contract|"
                     r"cooperation|joint venture|partnership) (?:\w+ ){0,3}with|cooperat\w* with|signed|"
                     r"work(?:s|ed|ing)? (?:closely )?with|allied with"),
    ("competesWith", r"compet\w*(?: \w+)? (?:with|against)|rivals?|rivalry|vie[sd]? with|vying with|challeng\w*|"
                     r"take on|taking on|versus|vs\.?|race against|outperform\w*|catch up (?:with|to)|"
                     r"competitors?(?: such as| like| including)?|on par with|match(?:es|ed)?|[Cc]ompetition|"
                     r"[Cc]ompeting|comparable (?:\w+ ){0,2}(?:to|with)|(?:equivalent|alternative)s? (?:to|of)"),
    ("targets", r"target(?:s|ed|ing)?|restrict(?:s|ed|ing|ions)?(?: \w+){0,2} (?:on|to)|restrict(?:s|ed|ing)?|"
                r"ban(?:s|ned|ning)?|bar(?:s|red|ring)?|block(?:s|ed|ing)?|sanction(?:s|ed|ing)?|"
                r"blacklist(?:s|ed|ing)?|curb(?:s|ed|ing)?|limit(?:s|ed|ing)?|prohibit\w*|aimed at|"
                r"cut(?:s|ting)? off|(?:imposed|levied|slapped) on|on imports from|against|on|"
                r"(?:under )?(?:the )?destinations? (?:of|such as|including)"),
    ("issuedBy", r"(?:issued|imposed|introduced|announced|unveiled|enacted|passed|adopted|proposed|released|"
                 r"published|implemented|signed|drafted|set|launched) by|by"),
    # reversed cues: the affected or supported one comes first ("China's tech stocks face pressure from US tariffs")
    ("affectedBy", r"fac(?:e|es|ed|ing) (?:[\w-]+ ){0,3}(?:pressure|headwinds?|challenges?|risks?|threats?|"
                   r"uncertaint(?:y|ies)|hurdles?)(?:,? (?:from|including|such as|like|of))?|"
                   r"(?:pressure|headwinds?) (?:from|including)|hurt by|weighed (?:down )?by|amid(?:st)?|"
                   r"tackle|counter|offset|cushion|cope with|combat|respond(?:s|ed|ing)? to|in response to|"
                   r"retaliat\w* against"),
    ("supportedBy", r"(?:beneficiar(?:y|ies)|winners?) (?:of|from|amid)|benefit(?:s|ed|ing|ting)? from"),
    ("supports", r"support(?:s|ed|ing)?|subsidi[sz](?:e|es|ed|ing)|subsid(?:y|ies) for|back(?:s|ed|ing)?|"
                 r"promot(?:e|es|ed|ing)|fund(?:s|ed|ing)?|encourag(?:e|es|ed|ing)|incentiv\w*|champion\w*|"
                 r"prioriti[sz]\w*|push(?:es|ed|ing)? for|bolster\w*|nurtur\w*"),
    ("affects", r"hit(?:s|ting)?|weigh(?:s|ed|ing)? on|affect(?:s|ed|ing)?|impact(?:s|ed|ing)?|hurt(?:s|ing)?|"
                r"pressur\w*|dent(?:s|ed)?|drag(?:s|ged|ging)?|roil\w*|rattl\w*|boost(?:s|ed|ing)?|"
                r"benefit(?:s|ed|ting)?|threaten\w*|disrupt\w*|cloud(?:s|ed)?|spook\w*|eroded|damp\w*"),
    ("involves", r"between|among|involving"),
    ("operatesIn", r"expand(?:s|ed|ing)?(?: \w+){0,3} (?:in|into|to)|expansion (?:in|into)|operat(?:e|es|ed|ing) in|"
                   r"enter(?:s|ed|ing)?|launch(?:es|ed|ing)? in|business(?:es)? in|presence in|"
                   r"sell(?:s|ing)? in|markets? (?:in|such as|like)|along|foothold in|"
                   r"(?:stores?|offices?|plants?|factor(?:y|ies)|data cent(?:er|re)s?) in"),
    ("uses", r"us(?:e|es|ed|ing)|adopt(?:s|ed|ing)?|deploy(?:s|ed|ing)?|integrat(?:e|es|ed|ing)|run(?:s|ning)? on|"
             r"powered by|built on|based on|rel(?:y|ies|ied) on|depend(?:s|ed)? on|bought|buy(?:s|ing)?|"
             r"purchas\w*|order(?:s|ed)?|equipped with|tap(?:s|ped|ping)?|leverag\w*|reliance on|demand for|"
             r"contain(?:s|ed|ing)?|appl(?:y|ies|ied|ying)|application of|adaptation of"),
    ("develops", r"develop(?:s|ed|ing|er|ers|ment)?(?: of)?|build(?:s|ing)?|built|launch(?:es|ed|ing)?|"
                 r"releas(?:e|es|ed|ing)|unveil(?:s|ed|ing)?|design(?:s|ed|ing|er)?|introduc(?:e|es|ed|ing)|"
                 r"roll(?:s|ed|ing)? out|debut(?:s|ed)?|creat(?:e|es|ed|ing|or)|maker of|"
                 r"work(?:s|ed|ing)? on|showcas\w*|open[- ]sourc\w*|announc(?:e|es|ed|ing)|"
                 r"upgrad\w*|push(?:es)? (?:into|towards?)|invest(?:s|ed|ing)? (?:heavily )?in|"
                 r"self-(?:made|developed|designed)|in-house|homegrown|proprietary|its own|own|"
                 r"lead(?:s|ing)? in|leaders? in"),
]
# Cues are found by one flat alternation (no group per predicate, so the engine can reject alternatives by their
# first character), and the predicate is the first whose own pattern matches there: the matches and predicates
# of `\b(?:(?P<develops>...)|...)`, five times faster.
_CUE_ANY = re.compile(r"\b(?:" + "|".join(rx for _, rx in CUES) + ")")
_CUE_EACH = [re.compile(f"(?P<{p}>{rx})") for p, rx in CUES]


def _english_cues(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Every English cue between `start` and `end`, its predicate as `lastgroup`."""
    for hit in _CUE_ANY.finditer(text, start, end):
        yield next(m for p in _CUE_EACH if (m := p.match(text, hit.start(), end)))


# A government acting on a policy: "BIS is amending the Export Administration Regulations" -> issuedBy.
_ISSUE_RE = re.compile(
    r"(?P<issues>\b(?:amend(?:s|ed|ing)?|implement(?:s|ed|ing)?|establish(?:es|ed|ing)?|issu(?:e|es|ed|ing)|"
    r"impos(?:e|es|ed|ing)|enact(?:s|ed|ing)?|introduc(?:e|es|ed|ing)|adopt(?:s|ed|ing)?|unveil(?:s|ed|ing)?|"
    r"announc(?:e|es|ed|ing)|add(?:s|ed|ing)? (?:[\w-]+ ){0,3}to|revis(?:e|es|ed|ing)|expand(?:s|ed|ing)?|"
    r"tighten(?:s|ed|ing)?|slap(?:s|ped)?|levi(?:ed|es)|pass(?:es|ed)|sign(?:s|ed)|draft(?:s|ed)?|"
    r"roll(?:s|ed)? out|extend(?:s|ed)?|updat(?:e|es|ed|ing)|broaden(?:s|ed)?|lift(?:s|ed)?|eas(?:e|es|ed))\b)")
# Chinese cue words (no word boundaries in Chinese text), used for sentences written in Chinese.
CUES_ZH: list[tuple[str, str]] = [
    ("develops", r"发布|推出|研发|开发|打造|自研|上线|亮相|推介"),
    ("partnersWith", r"合作|携手|联手|牵手|签署|签约|结盟"),
    ("investsIn", r"投资|入股|收购|注资|领投|增持|控股"),
    ("targets", r"制裁|列入|限制|禁止|封杀|打压|管制|禁令"),
    ("uses", r"使用|采用|搭载|接入|部署|基于|应用"),
    ("competesWith", r"竞争|对手|抗衡|比肩|挑战|叫板"),
    ("suppliesTo", r"供应|供货|提供给|出货"),
    ("manufactures", r"代工|制造|生产|量产"),
    ("headquarteredIn", r"总部位于|总部设在|位于"),
    ("listedOn", r"上市|挂牌|登陆"),
]
_CUE_ZH = re.compile("|".join(f"(?P<{p}>{rx})" for p, rx in CUES_ZH))
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NEGATION_ZH = re.compile(r"不|没有|未|并非|否认|拒绝|暂停|终止")
_REVERSED = {"issues": "issuedBy", "affectedBy": "affects", "supportedBy": "supports"}
_WE_QUOTE = re.compile(r"\s*[\"“]\s*We\b[^\"”]*$")
_SPEAKER = re.compile(r"[\"”]\s*,?\s*(?P<name>[A-Z][\w.&-]*)(?:\s+[A-Z][\w.&-]*){0,3}\s+(?:said|says|added|noted|"
                      r"announced|wrote|told)\b")
_TOPIC = "@topic"
_TOPIC_CUES = {"competesWith": re.compile(r"(?i)compet|rival")}  # nouns and participles, not verbs
_NEAR_ONLY = {"on", "against", "by", "along"}  # prepositions as cues: only right after their subject
_RELATIVE = re.compile(r"(?:,\s*)?\b(?:which|who)\s*$")
# Passive voice flips roles: "ERNIE, developed by Baidu".
_PASSIVE = re.compile(r"^(?:\s+\w+)?\s+by\b")
_NEGATION = re.compile(r"\b(?:not|n't|never|no longer|denied|deny|denies|rejected|rejects|refused|"
                       r"declined to|without|nor|halted|ended|scrapped|cancel\w*|abandon\w*)\b")
_CLAUSE_BREAK = re.compile(r";|\)\s+[-–—]{1,2}\s|:|—|–|；|：|但|而|\b(?:while|whereas|but|which|who)\b")
_PRONOUN_START = re.compile(r"^(?:It|The (?:company|firm|group|startup|start-up|giant|chipmaker|maker|"
                            r"developer|tech giant|conglomerate|lab|e-commerce giant)|They|Its|The [\w-]+ "
                            r"(?:giant|company|firm|group|startup|maker)|The (?:new |latest )?(?P<thing>phone|"
                            r"smartphone|handset|device|chip|processor|model|chatbot|app|car|vehicle))\b")
DEMONYMS = {
    "Chinese": "china", "American": "united-states", "U.S.": "united-states", "US": "united-states",
    "Japanese": "japan", "Korean": "south-korea", "South Korean": "south-korea", "Taiwanese": "taiwan",
    "Dutch": "netherlands", "German": "germany", "British": "united-kingdom", "French": "france",
    "Indian": "india", "Hong Kong": "hong-kong", "European": "european-union", "China's": "china",
    "China’s": "china", "U.S.'s": "united-states", "America's": "united-states", "Singaporean": "singapore",
    "Israeli": "israel", "Russian": "russia", "Canadian": "canada", "Swiss": "switzerland", "Italian": "italy",
    "Australian": "australia", "Vietnamese": "vietnam", "Malaysian": "malaysia", "Indonesian": "indonesia",
    "Saudi": "saudi-arabia", "Emirati": "uae", "Iranian": "iran", "Brazilian": "brazil", "UK": "uk", "U.K.": "uk",
    "Japan's": "japan", "Taiwan's": "taiwan", "Korea's": "south-korea", "Swedish": "sweden",
    "Finnish": "finland", "Spanish": "spain", "Mexican": "mexico", "Thai": "thailand", "Turkish": "turkey",
}
_DEMONYMS = DEMONYMS
_ROLE = r"(?:CEO|chief executive(?: officer)?|founder|co-founder|chairman|chairwoman|president|head|boss|CFO|CTO)"
_MARKET_MOVE = re.compile(r"\b(?:led|lead|leading|driven|drove|drag\w*|boost\w*|weigh\w*|rall\w*|gain\w*|rose|"
                          r"climb\w*|jump\w*|surg\w*|fell|fall\w*|slid|slump\w*|drop\w*|soar\w*|tumbl\w*|"
                          r"constituents?|components?|heavyweights?|members?|including|such as|among)\b")


_PAREN = re.compile(r"\s*\([^()]{0,40}\)")
_COORD = re.compile(r"[\s,、，]*(?:and|or|as well as|&|和|与|及|以及|或)?[\s,、，]*(?:the\s)?"
                    r"(?:[a-z]+(?:ing|ed|al|ic|ive|ous|er|est|ent|ant)\s+)?")  # "..., escalating trade tensions"
_POSSESSOR = re.compile(r"['’]s?\s+(?:[\w-]+\s+){0,3}")


def _nearest_before(ms: list[M], pos: int, ok: set[str], floor: int) -> M | None:
    for m in reversed(ms):
        if m.end <= pos and m.start >= floor and m.type in ok:
            return m
    return None


# The addressee ("told Reuters", "confirmed to Reuters"), a thing held ("with its advanced ERNIE model") and a
# dateline ("SHENZHEN (Reuters) -") are not the subject of the verb that follows.
_OBLIQUE_BEFORE = re.compile(r"(?:\b(?:told|(?:said|confirmed|told|explained|disclosed|revealed) to)|"
                             r"\bwith (?:its|their|his|her)(?:\s+[\w-]+){0,3})\s+$")
# A firm named as a source ("according to Bloomberg", "analyst at CLSA", "Reuters reported") is no topic.
_SOURCE_BEFORE = re.compile(r"\b(?:at|to|told|according to|by|from|of)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}$")
_SOURCE_AFTER = re.compile(r"[\s*_)]*(?:[a-z]+\s+)?(?:reported|reports?|said|says|wrote|noted|estimates?|thinks|"
                           r"believes|argued|argues|predicts|predicted|warned|warns|data|survey|poll|consensus)\b")
_PLACE_OWNS = re.compile(r"['’]s\s+(?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*s\b")
_DATELINE_AFTER = re.compile(r"\)\s*[-–—]|\s*-\s")  # "SHENZHEN (Reuters) -", "Investing.com - "


def _dateline(text: str, m: M, start: int) -> bool:
    """`m` opens its sentence as the source of a dateline ("HONG KONG (Reuters) -", "Investing.com - ")."""
    return bool(_DATELINE_AFTER.match(text, m.end)) and not _LOWER.search(text, start, m.start)


def _subject_before(ms: list[M], text: str, pos: int, ok: set[str], floor: int, owner: bool = False) -> M | None:
    """The nearest mention of an allowed type before `pos` that can be a subject (see `_OBLIQUE_BEFORE`)."""
    for m in reversed(ms):
        if m.end > pos or m.type not in ok:
            continue
        if m.start < floor:
            break
        if _OBLIQUE_BEFORE.search(text, max(floor, m.start - 40), m.start) or _dateline(text, m, floor):
            continue
        if m.type == "Place" and not owner and _PLACE_OWNS.match(text, m.end):
            continue  # "China's tech giants can lead in AI": the giants act, the place only says whose
        return m
    return None


def _objects_after(ms: list[M], text: str, pos: int, ok: set[str], ceil: int, limit: int = 140) -> list[M]:
    """Mentions of an allowed type after the cue: the first, and those coordinated with it ("X, Y and Z")."""
    out: list[M] = []
    prev_end = pos
    for i, m in enumerate(ms):
        if m.start < pos:
            continue
        if m.start > min(ceil, pos + limit):
            break
        gap = _PAREN.sub("", text[prev_end:m.start])  # "Alibaba Group (BABA) to ByteDance"
        if out and not _COORD.fullmatch(gap) and not (
                gap.strip() == "to" and re.search(r"\bfrom\s+(?:[\w-]+\s+){0,4}$", text[pos:out[0].start])):
            if m.type in ok and len(gap) < 4:
                pass
            else:
                break
        if m.type == "Place" and i + 1 < len(ms) and ms[i + 1].type in ok and ms[i + 1].type != "Place" \
                and _POSSESSOR.fullmatch(text, m.end, ms[i + 1].start):
            prev_end = ms[i + 1].start  # "by China's NPC Standing Committee": the place only says whose
            continue
        if m.type in ok:
            out.append(m)
            prev_end = m.end
        elif out:
            break
    if (len(out) > 2 or (len(out) == 2 and "," in text[out[0].end:out[1].start])) and out[0].type == "Place":
        # "Shenzhen, Guangdong province, China" is an address; a list ends with "and"/"or"
        if not any(re.search(r"\b(?:and|or)\b|&", text[a.end:b.start]) for a, b in zip(out, out[1:], strict=False)):
            out = out[:1]
    return out


def _clause_bounds(text: str, s0: int, s1: int, pos: int) -> tuple[int, int]:
    floor, ceil = s0, s1
    for b in _CLAUSE_BREAK.finditer(text, s0, s1):
        if b.end() <= pos:
            floor = b.end()
        elif b.start() >= pos:
            ceil = b.start()
            break
    return floor, ceil


def _types(schema: Schema, names: frozenset[str]) -> set[str]:
    return {t for n in names for t in schema.subclasses(n)}


@cache
def _domains() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    schema = load_schema()
    dom = {p: _types(schema, r.domain) for p, r in schema.relations.items() if r.core}
    rng = {p: _types(schema, r.range) for p, r in schema.relations.items() if r.core}
    return dom, rng


@cache
def _supertypes(type_name: str) -> tuple[str, ...]:
    return load_schema().labels(type_name)[1:]


def extract_relations(text: str, sentences: list[tuple[int, int]], mentions: list[M]) -> Iterator[Found]:
    """Relation candidates of every sentence, then of the names themselves (places inside policy names)."""
    dom, rng = _domains()
    mi = 0
    last_seen: dict[str, M] = {}
    recent_index: tuple[M, int] | None = None
    place_keys = {m.key for m in mentions if m.type == "Place"}
    outer = _outermost(mentions)
    topic_age = 0
    for s0, s1 in sentences:
        ms: list[M] = []
        while mi < len(outer) and outer[mi].start < s1:
            if outer[mi].start >= s0:
                ms.append(outer[mi])
            mi += 1
        sent = (s0, s1)
        if ms:
            yield from _constructions(text, ms, sent, place_keys)
            if len(ms) > 1 and _CJK.search(text, s0, min(s1, s0 + 40)):
                yield from _cue_relations(text, ms, sent, dom, rng, last_seen, _CUE_ZH)
            elif len(ms) > 1 or _PRONOUN_START.match(text, s0):
                yield from _cue_relations(text, ms, sent, dom, rng, last_seen)
                types = {m.type for m in ms}
                if "Policy" in types and types & {"GovernmentBody", "Place"}:
                    yield from _cue_relations(text, ms, sent, dom, rng, last_seen, _ISSUE_RE)
            yield from _frames(text, ms, sent, recent_index)
            if len(ms) > 1:
                yield from _market_frames(text, ms, sent)
            idx = next((m for m in ms if m.type == "StockIndex"), None)
            if recent_index is None and idx is not None and _MARKET_MOVE.search(text, s0, s1):
                recent_index = (idx, 4)
        if recent_index is not None:
            recent_index = (recent_index[0], recent_index[1] - 1) if recent_index[1] > 1 else None
        for m in ms:
            last_seen[m.type] = m
            for sup in _supertypes(m.type):
                last_seen[sup] = m
        # the topic of the sentence, for a cue in the next one whose subject is left implicit
        # (kept over one sentence that names no firm: "That drove its shares up 13 per cent.")
        firms = [m for m in ms if m.type == "Company" and not _dateline(text, m, s0)
                 and not _SOURCE_BEFORE.search(text, max(s0, m.start - 30), m.start)
                 and not _SOURCE_AFTER.match(text, m.end)]
        topic = next((m for m in firms if not m.coref), firms[0] if firms else None)
        if topic is not None:
            last_seen[_TOPIC] = topic
            topic_age = 0
        elif _TOPIC in last_seen:
            topic_age += 1
            if topic_age > 1:
                del last_seen[_TOPIC]
    yield from _inner_places(text, mentions, sentences)
    yield from _owner_prefix(text, mentions, sentences)


def _owner_prefix(text: str, mentions: list[M], sentences: list[tuple[int, int]]) -> Iterator[Found]:
    """A product named after the company the article names ("DeepSeek-R1", "Alibaba Cloud", "Huawei Mate 60")
    is developed by that company."""
    firms = {text[m.start:m.end].casefold(): m.key for m in mentions if m.type == "Company" and not m.coref}
    if not firms:
        return
    import bisect

    starts = [s for s, _ in sentences]
    seen: set[tuple[str, str]] = set()
    for m in mentions:
        if m.type not in ("AIModel", "Chip", "Product") or m.coref:
            continue
        name = text[m.start:m.end].casefold()
        for cut in re.finditer(r"[\s-]", name):
            key = firms.get(name[:cut.start()])
            if key is not None and (key, m.key) not in seen and cut.start() >= 3:
                seen.add((key, m.key))
                sent = sentences[max(0, bisect.bisect_right(starts, m.start) - 1)] if sentences else (m.start, m.end)
                yield Found(key, "develops", m.key, 0.8, "name:owner-prefix", sent)
                break


def _outermost(mentions: list[M]) -> list[M]:
    """Mentions not inside a longer one: the place in "U.S. sanctions" or "UK government" is no argument of a
    cue of its own (`_inner_places` reads it)."""
    out: list[M] = []
    end = -1
    for m in mentions:
        if m.end <= end and out and (out[-1].start, out[-1].end) != (m.start, m.end):
            continue
        out.append(m)
        end = max(end, m.end)
    return out


def _subjects_before(ms: list[M], text: str, subj: M) -> list[M]:
    """The subject and the names coordinated before it ("Baidu and Alibaba are leading ...")."""
    out = [subj]
    if subj not in ms:
        return out
    i = ms.index(subj)
    while i > 0:
        prev = ms[i - 1]
        if prev.type != subj.type or not re.fullmatch(r"\s*(?:,|,?\s+and|,?\s+or|&)\s*", text[prev.end:out[-1].start]):
            break
        out.append(prev)
        i -= 1
    return out


def _cue_relations(text: str, ms: list[M], sent: tuple[int, int], dom: dict[str, set[str]],
                   rng: dict[str, set[str]], last_seen: dict[str, M], cues: re.Pattern[str] | None = None
                   ) -> Iterator[Found]:
    s0, s1 = sent
    for cue in cues.finditer(text, s0, s1) if cues else _english_cues(text, s0, s1):
        pred = cue.lastgroup
        assert pred is not None
        if pred == "involves":
            continue  # handled by the tension frame
        buying = pred == "investsIn" and cue.group().startswith(("buy", "bought", "purchas"))
        if buying:
            # "to buy 3Com" invests in the firm; "buy Nvidia chips" uses them
            after = [m for m in ms if cue.end() <= m.start < cue.end() + 40 and m.type != "Place"]
            if _PASSIVE.match(text[cue.end():cue.end() + 12]):  # "Nvidia's H20 chips were bought by ...": the
                after = [m for m in reversed(ms) if cue.start() - 40 <= m.end <= cue.start() and m.type != "Place"]
                after = after[:1]  # thing bought is the name right before
            if after and not any(m.type == "Company" for m in after) \
                    and after[0].type in ("Chip", "AIModel", "Product", "Technology"):
                pred = "uses"
        rule = f"cue:{pred}"
        backwards = pred in _REVERSED
        if backwards:
            pred = _REVERSED[pred]
        floor, ceil = _clause_bounds(text, s0, s1, cue.start())
        passive = bool(_PASSIVE.match(text[cue.end():cue.end() + 12])) and rule != "cue:issuedBy" and not backwards
        subj_ok, obj_ok = dom[pred], rng[pred]
        if backwards:
            subj_ok, obj_ok = obj_ok, subj_ok
        if buying and pred == "investsIn":
            obj_ok = {"Company"}  # "buy network gear maker 3Com": the firm, not its trade
        if cues is _CUE_ZH:
            # "中国AI", "北京市…": in Chinese a place before the verb is mostly a modifier, not the actor
            subj_ok = subj_ok - {"Place"}
            rule = rule.replace("cue:", "cue-zh:")
        subjects: list[M]
        if passive:
            by = text.index("by", cue.end()) + 2
            subjects = _objects_after(ms, text, by, subj_ok, ceil, 80)
            objs = [o for o in [_nearest_before(ms, cue.start(), obj_ok, floor)] if o]
            conf = 0.7
            if not objs and floor > s0 and _RELATIVE.search(text, max(s0, floor - 10), floor):
                # "The company, which has been targeted by U.S. restrictions"
                objs = [o for o in [_nearest_before(ms, floor, obj_ok, s0)] if o]
                rule += "/relative"
        else:
            subj = _subject_before(ms, text, cue.start(), subj_ok, floor, owner=backwards)
            objs = _objects_after(ms, text, cue.end(), obj_ok, ceil)
            conf = 0.75
            if subj is None and floor > s0 and _RELATIVE.search(text, max(s0, floor - 10), floor):
                subj = _nearest_before(ms, floor, subj_ok, s0)
                rule += "/relative"
            pron = _PRONOUN_START.match(text[s0:cue.start()])
            if subj is None and pron:
                kinds = ("Product", "AIModel", "Chip") if pron.group("thing") else (
                    "Company", "Organization", "AIModel", "Product", "Policy")
                subj = next((last_seen[t] for t in kinds if t in last_seen and last_seen[t].type in subj_ok), None)
                conf = 0.55
                rule += "/pronoun"
            elif subj is None and _WE_QUOTE.match(text, s0, cue.start()):
                # '"We will launch the Ernie 4.5 series ...," Baidu said': the speaker
                said = _SPEAKER.search(text, cue.end(), s1)
                subj = next((m for m in ms if said and m.start == said.start("name") and m.type in subj_ok), None)
                if said:  # what was said ends with the quote
                    objs = [o for o in objs if o.end <= said.start()]
                conf = 0.55
                rule += "/pronoun"
            elif subj is not None and cue.start() - subj.end > 60:
                conf -= 0.15
            if subj is None and pred in _TOPIC_CUES and _TOPIC_CUES[pred].match(cue.group()) and objs \
                    and _TOPIC in last_seen \
                    and not any(s0 <= m.start and m.end <= cue.start() for m in ms):
                # "Competing offerings from other majors include Tencent's Hunyuan ...": rivals of the firm
                # the sentence before was about
                first = next((m for m in ms if m.start >= cue.end()), None)
                subj = last_seen[_TOPIC] if first is objs[0] else None  # not "competition between A and B, C"
                conf = 0.55
                rule += "/topic"
            subjects = _subjects_before(ms, text, subj) if subj is not None else []
            if subj is not None and not objs and cues is _CUE_ZH and pred in ("partnersWith", "competesWith"):
                # "华为与中国移动合作": both parties stand before the verb
                i = ms.index(subj) if subj in ms else 0
                if i > 0 and ms[i - 1].type in subj_ok and re.fullmatch(r"\s*(?:与|和|同|跟|及)\s*",
                                                                         text[ms[i - 1].end:subj.start]):
                    subjects, objs = [ms[i - 1]], [subj]
        if not subjects or not objs:
            continue
        if backwards and pred != "issuedBy" and _CAPITALISED.search(text, subjects[0].end, cue.start()):
            continue  # "ties to China, SoundHound faces risks": an unknown firm is the one affected
        if cue.group().startswith("amid") and (subjects[0].type not in ("Place", "StockIndex", "Exchange")
                                               or cue.start() - subjects[0].end > 60):
            continue  # "Asia stocks fall amid US tariffs": markets, not whatever else the sentence names
        if cue.group() in _NEAR_ONLY and cue.start() - subjects[0].end > 30:
            continue  # "tariffs on China", not "... sanctions, began selling online on Tuesday"
        lo = max(s0, min(subjects[0].end, cue.start()))
        if _NEGATION.search(text, lo, cue.end()) or _NEGATION.search(text[cue.start():cue.end()]):
            continue
        if cues is _CUE_ZH and _NEGATION_ZH.search(text, lo, cue.end()):
            continue
        for subj in subjects:
            for o in objs:
                if o.key == subj.key:
                    continue
                if pred == "competesWith" and _group(o.type)[0] != _group(subj.type)[0]:
                    continue  # firms rival firms, products rival products
                if o.type == "Company" and not backwards and _FIRM_AS_MODIFIER.match(text, o.end):
                    continue  # "working with the DeepSeek open source model": the model, not the firm
                r = rule + ("/coref" if subj.coref or o.coref else "")
                if backwards:
                    yield Found(o.key, pred, subj.key, round(conf, 2), r, sent)
                    if pred == "affects" and o.type == "GeopoliticalFactor" and subj.type == "Place" \
                            and re.match(r"fac|pressure|headwind", cue.group()):
                        yield Found(o.key, "involves", subj.key, round(conf, 2), r, sent)  # a party to it
                else:
                    yield Found(subj.key, pred, o.key, round(conf, 2), r, sent)


_POSSESSIVE = {
    # (subject type group, object type group) -> predicate, with the object being the owned thing
    ("Org", "Artifact"): "develops",
    ("Place", "Company"): "headquarteredIn",
    ("Org", "Policy"): "issuedBy",
    ("Place", "Policy"): "issuedBy",
    ("Place", "GovernmentBody"): "headquarteredIn",
    ("Company", "Technology"): "develops",
}
# "Huawei's HiSilicon chip division", "Alibaba's chip unit T-Head"
_UNIT = r"(?:unit|subsidiary|arm|affiliate|division|spin-?off)"
_UNIT_GAP = re.compile(rf"['’]s\s+(?:[\w-]+\s+){{0,2}}{_UNIT}\s*,?\s*")
_UNIT_AFTER = re.compile(rf"\s+(?:[\w-]+\s+){{0,2}}{_UNIT}\b")
_FIRM_AS_MODIFIER = re.compile(r"\s+(?:(?!(?:whose|which|that|who|and|or|has|have|is|was|will)\b)[a-z][\w-]*\s+){0,2}"
                               r"(?:models?|platforms?|apps?|chatbots?|software|"
                               r"systems?|chips?|services?|devices?|phones?|smartphones?|products?)\b")
_LOWER = re.compile(r"[a-z]")
_CAPITALISED = re.compile(r"(?<![.!?]\s)\b[A-Z][a-z]+[A-Z]?\w*")
_QUOTES = {'"', "“", "”", "‘", "'"}
_GENERIC_GOVERNMENT = re.compile(r"\s+(?:[Ff]ederal\s+|[Nn]ational\s+|[Cc]entral\s+)?(?:[Gg]overnment|"
                                 r"[Aa]dministration|[Aa]uthorities|[Ss]tate)")
_FUNCTION_WORD = re.compile(r"\b(?:to|of|for|in|on|with|from|by|at|and|or|as|than)\b")
# "TikTok-parent ByteDance", "ChatGPT maker OpenAI"
_MAKER_GAP = re.compile(r"[-\s](?:parent|owner|maker|developer|creator|operator)\s+(?:company\s+|firm\s+)?")
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)")


def _group(t: str) -> tuple[str, ...]:
    if t in ("Company", "GovernmentBody"):
        return ("Org", t)
    if t in ("Chip", "AIModel", "Product"):
        return ("Artifact", t)
    return (t,)


# "its ERNIE AI model", "its next-generation artificial intelligence model Ernie", "its AI chatbot—Ernie Bot",
# "its current version, Ernie 4.0"
_ITS = re.compile(r"\b[Ii]ts\s+(?:(?:[\w.-]+\s+){0,5}|(?:[\w.-]+\s+){0,3}[\w.-]+\s*(?:,|—|–|--|:)\s*[\"“]?)$")


_ARTIFACTS = ("Chip", "AIModel", "Product")
_AS_PARTNER = re.compile(r"\s+as\s+(?:its|their|a|the|an)\s+(?:[\w-]+\s+){0,2}(?:partners?|suppliers?|vendors?)\b")
_CUSTOMERS = re.compile(r"\b(?:customers?|clients?|buyers?)\s*(?:,\s*)?(?:such as|like|including|include|includes)\s+"
                        r"(?:the\s+)?$")
_EQUIVALENT = re.compile(r"\s+(?:equivalent|alternative|rival|counterpart|competitor|challenger)\s+(?:called|named|"
                         r"dubbed|known as)\s+[\"“]?")
_ARTIFACT_FROM = re.compile(r"\s+(?:[a-z][\w-]*\s+){0,2}from\s+(?:the\s+)?")
_TECH_SERVICE = re.compile(r"\s+(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*\s*(?:,|—|–|:)\s*")


def _more_constructions(text: str, ms: list[M], sent: tuple[int, int]) -> Iterator[Found]:
    """Constructions over a name and the names around it: "Apple had selected Baidu as its main partner",
    "Huawei's Ascend 910B ... customers such as ByteDance", "a CUDA equivalent called CANN", "a new Kirin 9000s
    processor from Huawei's HiSilicon", "Baidu's autonomous driving service, Apollo Go"."""
    s0 = sent[0]
    for i, m in enumerate(ms):
        if m.type == "Company" and _AS_PARTNER.match(text, m.end):
            other = next((o for o in ms[:i] if o.type == "Company" and o.key != m.key and not o.coref
                          and not _SOURCE_BEFORE.search(text, max(s0, o.start - 30), o.start)), None)
            if other is not None:
                pred = "partnersWith" if "partner" in _AS_PARTNER.match(text, m.end).group() else "suppliesTo"
                subj, obj = (other, m) if pred == "partnersWith" else (m, other)
                yield Found(subj.key, pred, obj.key, 0.7, "construction:as-partner", sent)
        if m.type == "Company" and _CUSTOMERS.search(text, max(s0, m.start - 40), m.start):
            supplier = next((o for o in reversed(ms[:i]) if o.type == "Company" and o.key != m.key
                             and not _SOURCE_BEFORE.search(text, max(s0, o.start - 30), o.start)), None)
            product = next((o for o in reversed(ms[:i]) if o.type in _ARTIFACTS), None)
            for c in _coordinated_after(ms, text, m):
                if supplier is not None:
                    yield Found(supplier.key, "suppliesTo", c.key, 0.65, "construction:customers", sent)
                if product is not None:
                    yield Found(c.key, "uses", product.key, 0.65, "construction:customers", sent)
        if i + 1 >= len(ms):
            continue
        b = ms[i + 1]
        if m.type in _ARTIFACTS and b.type in _ARTIFACTS and _EQUIVALENT.fullmatch(text, m.end, b.start):
            yield Found(m.key, "competesWith", b.key, 0.7, "construction:equivalent", sent)
        if m.type in _ARTIFACTS and b.type == "Company" and _ARTIFACT_FROM.fullmatch(text, m.end, b.start):
            maker = b
            if i + 2 < len(ms) and ms[i + 2].type == "Company" and re.fullmatch(r"['’]s\s+",
                                                                               text[b.end:ms[i + 2].start]):
                maker = ms[i + 2]  # "from Huawei's HiSilicon"
            yield Found(maker.key, "develops", m.key, 0.65, "construction:from", sent)
        if m.type in ("Company", "GovernmentBody") and b.type == "Technology" and i + 2 < len(ms) \
                and ms[i + 2].type in _ARTIFACTS and re.fullmatch(r"['’]s?\s+", text[m.end:b.start]) \
                and _TECH_SERVICE.fullmatch(text, b.end, ms[i + 2].start):
            c = ms[i + 2]  # "Baidu's autonomous driving service, Apollo Go"
            yield Found(m.key, "develops", c.key, 0.8, "construction:possessive", sent)
            yield Found(c.key, "uses", b.key, 0.7, "construction:possessive", sent)


def _coordinated_after(ms: list[M], text: str, first: M) -> list[M]:
    """`first` and the names of its type coordinated with it ("Huawei or ZTE Corp", "A, B and C")."""
    out = [first]
    i = ms.index(first) + 1 if first in ms else len(ms)
    while i < len(ms) and ms[i].type == first.type and _LIST_GAP.fullmatch(text, out[-1].end, ms[i].start):
        out.append(ms[i])
        i += 1
    if len(out) > 1 and not any(re.search(r"\b(?:and|or)\b", text[a.end:b.start])
                                for a, b in zip(out, out[1:], strict=False)):
        return out[:1]  # "customers, including X, Bloomberg added": a list ends with "and" or "or"
    return out


def _constructions(text: str, ms: list[M], sent: tuple[int, int], place_keys: set[str]) -> Iterator[Found]:
    for a, b in zip(ms, ms[1:], strict=False):
        gap = text[a.end:b.start]
        # "Baidu's ERNIE", "Baidu's autonomous driving service, Apollo Go"
        if re.match(r"^['’]s?\s", gap) and len(gap) <= 45 and not re.search(r"[.;]", gap) \
                and not (text[a.start - 1:a.start] in _QUOTES and text[b.end:b.end + 1] in _QUOTES):
            # (not a nickname: "often referred to as "China's Google"")
            for ga in _group(a.type):
                for gb in _group(b.type):
                    pred = _POSSESSIVE.get((ga, gb))
                    if (gb in ("Technology", "Policy") or ga == "Place") and _FUNCTION_WORD.search(gap):
                        # "Huawei's access to chipmaking tools", "China's stocks face pressure from US tariffs":
                        # the name owns the access or the stocks, not what follows
                        continue
                    if pred == "headquarteredIn" and b.type == "Company":
                        # "China's Huawei or ZTE Corp": the place holds for the coordinated names too
                        for c in _coordinated_after(ms, text, b):
                            yield Found(c.key, pred, a.key, 0.7, "construction:possessive", sent)
                    elif pred == "headquarteredIn":
                        yield Found(b.key, pred, a.key, 0.7, "construction:possessive", sent)
                    elif pred == "issuedBy":
                        yield Found(b.key, pred, a.key, 0.75, "construction:possessive", sent)
                    elif pred:
                        yield Found(a.key, pred, b.key, 0.8, "construction:possessive", sent)
        if a.type == "Company" and b.type == "Company" and (
                _UNIT_GAP.fullmatch(gap) or (re.fullmatch(r"['’]s\s+", gap) and _UNIT_AFTER.match(text, b.end))):
            yield Found(b.key, "subsidiaryOf", a.key, 0.8, "construction:unit-of", sent)
        if b.type == "Company" and _MAKER_GAP.fullmatch(gap):
            if a.type in ("Chip", "AIModel", "Product"):
                yield Found(b.key, "develops", a.key, 0.8, "construction:maker", sent)
            elif a.type == "Company" and gap.startswith("-parent"):
                yield Found(a.key, "subsidiaryOf", b.key, 0.8, "construction:maker", sent)
        # "tech restriction policies from the Trump administration"
        if a.type == "Policy" and b.type in ("GovernmentBody", "Place") and re.fullmatch(r"\s+from\s+(?:the\s+)?", gap):
            yield Found(a.key, "issuedBy", b.key, 0.75, "construction:policy-from", sent)
        # "Huawei Mate 60", "Nvidia H20 chips"
        if gap == " " and a.type == "Company" and b.type in ("Chip", "AIModel", "Product"):
            yield Found(a.key, "develops", b.key, 0.75, "construction:compound", sent)
        # "Hangzhou-based DeepSeek"
        if a.type == "Place" and re.match(r"^-based\s+(?:[\w-]+\s+){0,3}$", gap) and b.type == "Company" \
                and not _FUNCTION_WORD.search(gap):  # not "Hong Kong-based analyst at CLSA"
            yield Found(b.key, "headquarteredIn", a.key, 0.85, "construction:based", sent)
        # "Baidu CEO Robin Li", "Robin Li, Baidu's chief executive", "Robin Li, CEO of Baidu"
        if a.type == "Company" and b.type == "Person" and re.fullmatch(rf"['’]?s?\s+(?:\w+\s+)?{_ROLE}\s+", gap):
            yield Found(b.key, "leads", a.key, 0.85, "construction:role", sent)
        if a.type == "Person" and b.type in ("Company", "GovernmentBody") and re.fullmatch(
                rf",\s+(?:the\s+|a\s+)?(?:\w+\s+){{0,2}}{_ROLE}\s+(?:of|at)\s+(?:the\s+)?", gap):
            yield Found(a.key, "leads", b.key, 0.85, "construction:role", sent)
        # "Kunlunxin, Baidu's chip unit" / "T-Head, a unit of Alibaba" handled by cues; here the possessive form
        if a.type == "Company" and b.type == "Company" and re.fullmatch(r",\s+", gap):
            tail = text[b.end:b.end + 40]
            if re.match(r"^['’]s\s+(?:[\w-]+\s+){0,2}(?:unit|subsidiary|arm|affiliate|division)\b", tail):
                yield Found(a.key, "subsidiaryOf", b.key, 0.8, "construction:unit-of", sent)
    yield from _more_constructions(text, ms, sent)
    # "Baidu ... with its advanced ERNIE AI model": the owner is the organisation named before "its"
    for m in ms:
        if m.type not in ("AIModel", "Chip", "Product"):
            continue
        its = _ITS.search(text[max(sent[0], m.start - 60):m.start])
        if its:
            owner = next((o for o in reversed(ms) if o.end <= m.start - len(its.group(0))
                          and o.type in ("Company", "GovernmentBody")), None)
            if owner is not None:
                yield Found(owner.key, "develops", m.key, 0.7, "construction:its", sent)
    # "Baidu (NASDAQ: BIDU)" -> listedOn; "said in a statement to the Shenzhen stock exchange" -> listedOn
    for i, m in enumerate(ms):
        if m.type != "Exchange":
            continue
        prev = ms[i - 1] if i else None
        if prev is not None and prev.type == "Company" and re.fullmatch(r"\s*\(\s*\[?", text[prev.end:m.start]) \
                and re.match(r"\s*:", text[m.end:m.end + 3]):
            yield Found(prev.key, "listedOn", m.key, 0.85, "construction:ticker", sent)
        elif re.search(r"\b(?:statement|filing|disclosure|announcement|prospectus)s?\s+(?:to|with)\s+(?:the\s+)?$",
                       text[max(sent[0], m.start - 40):m.start]):
            owner = next((o for o in reversed(ms[:i]) if o.type == "Company"), None)
            if owner is not None:
                yield Found(owner.key, "listedOn", m.key, 0.7, "construction:filing", sent)


_SHARE_MOVE = re.compile(r"^(?:['’]s\s+(?:shares|stock)\s+)?(?:\s+(?:shares|stock))?\s+(?:\w+\s+){0,2}?"
                         r"(?:rose|fell|gained|lost|jumped|surged|surging|rising|falling|climbed|slid|dropped|"
                         r"added|declined|tumbled|soared|rallied|slumped|advanced|plunged|sank|edged)\b")


_PLACE_MARKET = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,3}(?:markets?|sectors?|industry|industries|economy)\b")
_IN_PLACE_START = re.compile(r"\s*(?:In|Across|Inside)\s+(?:the\s+)?$")
_USERS_IN = re.compile(r"\s+(?:users|customers|consumers|subscribers|buyers|shoppers|drivers|fans)\s+in\s+(?:the\s+)?$")


def _market_frames(text: str, ms: list[M], sent: tuple[int, int]) -> Iterator[Found]:
    """Where firms do business: "Baidu, which dominates China's Web search market" (the clause's firm in the
    place's market), "In China, ByteDance's Doubao has ..." (the firms of a sentence set in a place), "iPhone
    users in China" (the product and the firm the sentence is about)."""
    s0, s1 = sent
    for i, p in enumerate(ms):
        if p.type != "Place":
            continue
        if _PLACE_MARKET.match(text, p.end):
            floor, _ = _clause_bounds(text, s0, s1, p.start)
            firm = _subject_before(ms, text, p.start, {"Company"}, floor)
            if firm is None and floor > s0 and _RELATIVE.search(text, max(s0, floor - 10), floor):
                firm = _nearest_before(ms, floor, {"Company"}, s0)
            if firm is not None and not _SOURCE_AFTER.match(text, firm.end) \
                    and not _SOURCE_BEFORE.search(text, max(s0, firm.start - 30), firm.start):
                yield Found(firm.key, "operatesIn", p.key, 0.6, "frame:place-market", sent)
        elif i == 0 and _IN_PLACE_START.fullmatch(text, s0, p.start) and re.match(r"\s*,", text[p.end:p.end + 3]):
            for m in ms[1:]:
                if m.type in ("Company", "Product") and not _SOURCE_BEFORE.search(text, max(s0, m.start - 30), m.start):
                    yield Found(m.key, "operatesIn", p.key, 0.6, "frame:in-place", sent)
        elif i > 0 and ms[i - 1].type in ("Company", "Product") and _USERS_IN.fullmatch(text, ms[i - 1].end, p.start):
            yield Found(ms[i - 1].key, "operatesIn", p.key, 0.6, "frame:users-in", sent)
            if ms[0].type == "Company" and ms[0].start == s0 and ms[0] is not ms[i - 1]:
                yield Found(ms[0].key, "operatesIn", p.key, 0.6, "frame:users-in", sent)


def _frames(text: str, ms: list[M], sent: tuple[int, int], recent_index: tuple[M, int] | None = None
            ) -> Iterator[Found]:
    s0, s1 = sent
    indices = [m for m in ms if m.type == "StockIndex"]
    if indices and _MARKET_MOVE.search(text, s0, s1):
        for idx in indices:
            for m in ms:
                if m.type == "Company":
                    yield Found(m.key, "constituentOf", idx.key, 0.55, "frame:index-move", sent)
    elif recent_index is not None:
        # "The Hang Seng Index surged 1.8% ... Xiaomi and Tencent rose 3% and 2%": the movers of the index
        movers = [m for m in ms if m.type == "Company" and not m.coref]
        for i, m in enumerate(movers):
            group = [m]
            j = i
            while j + 1 < len(movers) and re.fullmatch(r"\s*(?:,|,?\s+and)\s+(?:[\w-]+\s+){0,3}?",
                                                     text[movers[j].end:movers[j + 1].start]):
                group.append(movers[j + 1])
                j += 1
            if _SHARE_MOVE.match(text[group[-1].end:group[-1].end + 50]):
                for g in group:
                    yield Found(g.key, "constituentOf", recent_index[0].key, 0.5, "frame:index-movers", sent)
    factors = [m for m in ms if m.type == "GeopoliticalFactor"]
    for f in factors:
        for m in ms:
            if m.type not in ("Place", "GovernmentBody"):
                continue
            if any(g is not f and min(f.end, m.end) <= g.start and g.end <= max(f.start, m.start) for g in factors):
                continue  # another tension stands between: "crackdowns, trade tensions with the US"
            gap = text[f.end:m.start] if m.start >= f.end else text[m.end:f.start]
            if m.start >= f.end and len(gap) <= 50 and re.search(r"\b(?:between|with|among|involving|in|over|"
                                                               r"from|against)\b", gap):
                yield Found(f.key, "involves", m.key, 0.6, "frame:tension-parties", sent)
            elif m.end <= f.start and len(gap) <= 25 and re.fullmatch(r"[\s\w'’-]*", gap):
                yield Found(f.key, "involves", m.key, 0.6, "frame:tension-parties", sent)


def _inner_places(text: str, mentions: list[M], sentences: list[tuple[int, int]]) -> Iterator[Found]:
    """A place inside a name: "US tariffs" issued by the US, "US-China tensions" involving both,
    "US Federal Communications Commission" based in the US, "security law for Hong Kong" affecting it."""
    holders = [m for m in mentions if m.type in ("Policy", "GeopoliticalFactor", "GovernmentBody") and not m.coref]
    if not holders:
        return
    places = [m for m in mentions if m.type == "Place"]
    import bisect

    starts = [s for s, _ in sentences]
    for h in holders:
        for p in places:
            if not (h.start <= p.start and p.end <= h.end) or (h.start, h.end) == (p.start, p.end):
                continue
            i = max(0, bisect.bisect_right(starts, h.start) - 1)
            sent = sentences[i] if sentences else (h.start, h.end)
            lead = p.start == h.start
            if h.type == "GeopoliticalFactor":
                yield Found(h.key, "involves", p.key, 0.75, "name:inner-place", sent)
            elif lead and h.type == "Policy":
                yield Found(h.key, "issuedBy", p.key, 0.8, "name:inner-place", sent)
            elif lead and h.type == "GovernmentBody" and not _GENERIC_GOVERNMENT.fullmatch(text, p.end, h.end):
                # "US Federal Communications Commission", not "UK government"
                yield Found(h.key, "headquarteredIn", p.key, 0.75, "name:inner-place", sent)
            elif h.type == "Policy":
                prep = re.search(r"\b(for|in|on|against|to)\s+(?:the\s+)?$", text[h.start:p.start])
                if prep and prep.group(1) in ("on", "against"):
                    yield Found(h.key, "targets", p.key, 0.7, "name:inner-place", sent)
                elif prep:
                    yield Found(h.key, "affects", p.key, 0.6, "name:inner-place", sent)
