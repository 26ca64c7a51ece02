"""Observations: percentages, money and counts stated about an entity, with measure, unit and period."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from loaders.extract.relations import M
from loaders.extract.wordlists import bounded_words


def _num(g: str) -> str:
    return rf"(?P<{g}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"


def _scale(g: str) -> str:
    return rf"(?P<{g}>trillion|billion|million|thousand|tn|bn|mn|m|b|k|M|B|K|Bn|Mn|Tn)?"


_CUR_PREFIX = {"US$": "USD", "$": "USD", "HK$": "HKD", "¥": "CNY", "RMB": "CNY", "€": "EUR", "£": "GBP",
               "USD": "USD", "CNY": "CNY", "HKD": "HKD", "EUR": "EUR", "GBP": "GBP", "NT$": "TWD", "S$": "SGD"}
_CUR_SUFFIX = {"pound": "GBP", "sterling": "GBP", "rupees": "INR", "Swiss francs": "CHF",
               "yuan": "CNY", "renminbi": "CNY", "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
               "pounds": "GBP", "Hong Kong dollars": "HKD", "HK dollars": "HKD", "won": "KRW", "yen": "JPY"}
_SCALES = {"trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mn": 1e6,
           "m": 1e6, "thousand": 1e3, "k": 1e3}
# Ranges ("6%-8%", "13-16 percent", "from 560 million yuan to 575 million yuan") are guidance, not facts.
_RANGE_BEFORE = re.compile(r"(?:\d|yuan|dollars|million|billion)[%\s]*(?:-|–|to)\s*$")
_RANGE_AFTER = {
    "percent": re.compile(r"\s*(?:-|–)\s*\d|\s+to\s+\d[\d.,]*\s?(?:%|per)"),
    "money": re.compile(r"\s*(?:-|–)\s*\d|\s+to\s+(?:(?:US\$|HK\$|\$|¥|€|£|RMB)\s?\d|\d[\d.,]*\s?(?:million |billion )?"
                        r"(?:yuan|dollars|euros))"),
    "count": re.compile(r"\s*(?:-|–)\s*\d"),
}
_DOWN_AFTER = re.compile(r"\s+(?:[\w-]+\s+)?(?:decline|drop|fall|decrease|slump|loss|plunge|contraction|slide|dip)\b")
_AT_SUBJECT = re.compile(r"^(?:(?:\s+[\w-]+){0,5}?\s+(?:at|for)|\s+(?:[\w-]+\s+)?(?:rise|gain|increase|jump|drop|fall|"
                         r"decline|growth|stake)\s+in|(?:\s+[\w-]+){0,3}?\s+(?:program|programme|fund|plan|scheme|"
                         r"package)\b[^.]{0,30}?(?:known as|called|named))\s+(?:the\s+)?$")
_COUNT_TO = re.compile(r"^(?:\s+[\w-]+){0,3}?\s+(?:to|on|from)\s+(?:the\s+)?$")
_WITH = re.compile(r"\b(?:with|has|have|had)\s+(?:over|about|around|more than|nearly|almost|some|roughly)?\s*$")
_NOT_SUBJECT = re.compile(r"^(?:-polled|-listed|-based|\s+(?:consensus|estimates?|forecasts?|data|survey|poll|"
                          r"Estimates|thinks|said|says|expects|estimated|believes|noted|forecast|predicts)\b)")
_STAKE_IN = re.compile(r"\bstake\s+in\s+$")
_ITS = re.compile(r"\b(?:its|their)\b")
_POLICY_NOUN = re.compile(r"\s(tariffs?|levy|duty|duties)\b")
_CURRENCIES = r"US\$|HK\$|NT\$|S\$|RMB|USD|CNY|HKD|EUR|GBP|\$|¥|€|£"
_ANCHOR_WORDS = ("twenty thirty forty fifty sixty seventy eighty ninety three four five six seven eight nine ten "
                 "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen").split()


def _anchor_pattern() -> re.Pattern[str]:
    """Where an amount may begin: a currency, a digit that starts a number, a number word. Every alternative
    opens with a literal character (the boundary checks follow it), so the engine skips other characters
    without trying the pattern there: three times faster than the same alternation led by assertions."""
    digits = [f"{d}(?<![\\w.,]{d})" for d in "0123456789"]
    return re.compile("|".join([_CURRENCIES, *digits, bounded_words(_ANCHOR_WORDS) + r"\b"]))


_ANCHOR = _anchor_pattern()
# The same anchors with any Unicode digit ("９"), for the rare text that has digits outside ASCII.
_ANCHOR_ANY_DIGIT = re.compile(rf"(?:{_CURRENCIES})|(?<![\w.,])\d|\b(?:{'|'.join(_ANCHOR_WORDS)})\b")
_OTHER_DIGIT = re.compile(r"[^\x00-\x7f](?<=\d)")
_RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose)\b[^,]*,")
_COUNT_NOUNS = (r"users|customers|subscribers|employees|workers|staff|units|vehicles|cars|chips|GPUs|entities|entries|"
                r"companies|firms|downloads|contracts|shipments|devices|smartphones|phones|orders|stores|"
                r"parameters|tokens|members|engineers|patents|servers|data centers|robots")
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
          "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_WORDNUM = (r"(?:" + "|".join(_TENS) + r")(?:-(?:" + "|".join(k for k in _UNITS if _UNITS[k] < 10) + r"))?|"
            + "|".join(sorted(_UNITS, key=len, reverse=True)))


def _word_number(w: str) -> float:
    """"twenty-four" -> 24."""
    parts = w.lower().split("-")
    return float(sum(_TENS.get(p, 0) + _UNITS.get(p, 0) for p in parts))


_AMOUNT = re.compile(
    rf"(?P<pct>{_num('pnum')}\s?(?:%|percent\b|per cent\b|pct\b|percentage points?\b))"
    rf"|(?P<pre>(?:US\$|HK\$|NT\$|S\$|\$|¥|€|£|RMB|USD|CNY|HKD|EUR|GBP)\s?{_num('mnum')}\s?{_scale('mscale')}\b)"
    rf"|(?P<suf>{_num('snum')}\s?{_scale('sscale')}\s(?:Hong Kong dollars|HK dollars|yuan|renminbi|dollars|"
    rf"dollar|euros|euro|pounds|pound|sterling|won|yen|rupees|Swiss francs)\b)"
    rf"|(?P<cents>{_num('ctnum')}\s(?:US\s)?cents\b)"
    rf"|(?P<cnt>(?:{_num('cnum')}|(?P<cword>{_WORDNUM}))\s?(?P<cscale>trillion|billion|million|thousand)?\s"
    rf"(?:[\w-]+\s)?(?P<noun>{_COUNT_NOUNS})\b)"
    rf"|(?P<bare>{_num('bnum')}\s(?P<bscale>trillion|billion|million)\b)"
)
# Movement words, matched against lower-cased text (a case-sensitive pattern scans twice as fast as "(?i)").
_DOWN = re.compile(r"\b(?:fell|fall(?:s|ing)?|drop(?:s|ped|ping)?|declin\w*|slid|slide|slump\w*|"
                   r"plung\w*|tumbl\w*|sank|sink\w*|lost|los(?:e|es|ing)|down|decreas\w*|shed|retreat\w*|dipp?\w*|lower\w*|"
                   r"cut|contract\w*|shrank|shrink\w*|narrow\w*|slipp?\w*|eased?)\b")
_UP = re.compile(r"\b(?:rose|ris(?:e|es|ing)|gain\w*|grew|grow\w*|jump\w*|surg\w*|soar\w*|climb\w*|"
                 r"rall\w*|increas\w*|up|advanc\w*|added|boost\w*|rebound\w*|spik\w*|expand\w*|higher)\b")
_PERIOD = re.compile(
    r"\b(?:year[- ]on[- ]year|year[- ]over[- ]year|quarter[- ]on[- ]quarter|month[- ]on[- ]month|"
    r"(?:first|second|third|fourth|final|December|March|June|September) quarter(?: of \d{4})?|Q[1-4] ?\d{4}|"
    r"(?:in|for|during) (?:fiscal )?\d{4}|(?:last|this|next) (?:week|month|year|quarter)|year to date|"
    r"(?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)(?: \d{4})?)\b")
_MEASURE_STOP = re.compile(r"\b(?:has|have|had|was|were|is|are|be|been|by|to|of|over|about|nearly|almost|"
                           r"around|more than|as much as|some|roughly|approximately|just|a|an|the|its|their|"
                           r"and|with|on|in|at|for|which|that)\b")
_SUBJECT_TYPES = {"Company", "Product", "AIModel", "StockIndex", "Place", "Policy", "Chip", "Exchange",
                  "GovernmentBody", "Technology"}


@dataclass(slots=True)
class Obs:
    """An observation candidate before it becomes an `Observation`."""

    subject: str
    measure: str
    value: float
    unit: str
    period: str | None
    confidence: float
    rule: str
    sentence: tuple[int, int]


def _number(s: str) -> float:
    return float(s.replace(",", ""))


_WORD = re.compile(r"[A-Za-z][\w-]*")


def _measure(between: str, moved: str | None, unit: str, noun: str | None) -> str:
    """A short measure name from the words between the subject and the number."""
    if noun:
        base = noun
    else:
        words = _WORD.findall(between)
        kept: list[str] = []
        for w in words:
            low = w.lower()
            if _UP.fullmatch(low) or _DOWN.fullmatch(low):
                break
            if _MEASURE_STOP.fullmatch(low) or low in ("s", "shares", "stock"):
                if low in ("shares", "stock"):
                    kept = ["share", "price"]
                continue
            kept.append(w)
        base = " ".join(kept[-5:]) or ("share price" if re.search(r"\bshares?|stock", between) else "value")
    if unit == "percent" and moved:
        return f"{base} {'change' if moved == 'down' else 'growth'}".strip()
    return base


def _subject(text: str, ms: list[M], a: re.Match[str], s0: int, last_company: M | None) -> tuple[M | None, float]:
    """The entity a number is about: "N% at Alibaba" names it after; "with N users" refers to the clause's
    first name; "its shares" to the company named last; otherwise the nearest company, product or index
    named before (places and technologies last), skipping names inside a relative clause, names used as a
    source ("a FactSet estimate", "DBS thinks") and the target of a stake."""
    after = [m for m in ms if m.start >= a.end()]
    if after and after[0].start - a.end() < 60 and (_AT_SUBJECT.match(text[a.end():after[0].start]) or (
            a.group("cnt") and _COUNT_TO.match(text[a.end():after[0].start]))):
        return after[0], 0.75
    before = [m for m in ms if m.end <= a.start() and not _NOT_SUBJECT.match(text[m.end:m.end + 14])
              and not _STAKE_IN.search(text, max(s0, m.start - 12), m.start)]
    if before and _WITH.search(text, max(s0, a.start() - 30), a.start()):
        heads = [m for m in before if not re.match(r"['’]s\b", text[m.end:m.end + 2])]
        if heads and "," not in text[heads[-1].end:a.start()]:
            return heads[-1], 0.6
        if heads:
            return heads[0], 0.6
    hidden = [(r.start(), r.end()) for r in _RELATIVE_CLAUSE.finditer(text, s0, a.start())]
    before = [m for m in before if not any(h0 < m.start and m.end < h1 for h0, h1 in hidden)]
    if last_company is not None and not before and _ITS.search(text, max(s0, a.start() - 60), a.start()):
        return last_company, 0.6
    for group in (("Company", "Product", "AIModel", "StockIndex", "Chip", "Policy", "Exchange", "GovernmentBody"),
                  ("Place",), ("Technology",)):
        subj = next((m for m in reversed(before) if m.type in group), None)
        if subj is not None:
            return subj, 0.75
    return None, 0.5


def _coordinated(text: str, ms: list[M], subj: M) -> list[M]:
    """"Alibaba Group and food delivery company Meituan surging 6%": every name of the coordination."""
    out = [subj]
    i = ms.index(subj) if subj in ms else -1
    while i > 0 and re.fullmatch(r"\s*(?:,|,?\s+and)\s+(?:[\w-]+\s+){0,3}?", text[ms[i - 1].end:out[-1].start]) \
            and ms[i - 1].type == subj.type:
        out.append(ms[i - 1])
        i -= 1
    return out


def extract_observations(text: str, sentences: list[tuple[int, int]], mentions: list[M]) -> Iterator[Obs]:
    """Numbers with their subject, measure, unit, period and sign."""
    mi = 0
    last_subject: M | None = None
    last_company: M | None = None
    policies = [m for m in mentions if m.type == "Policy"]
    all_amounts = _amounts(text)
    ai = 0
    for s0, s1 in sentences:
        ms: list[M] = []
        while mi < len(mentions) and mentions[mi].start < s1:
            if mentions[mi].start >= s0 and mentions[mi].type in _SUBJECT_TYPES:
                ms.append(mentions[mi])
            mi += 1
        amounts = []
        while ai < len(all_amounts) and all_amounts[ai].start() < s1:
            if all_amounts[ai].start() >= s0 and all_amounts[ai].end() <= s1:
                amounts.append(all_amounts[ai])
            ai += 1
        if not amounts or (not ms and last_subject is None):
            if ms:
                last_subject = next((m for m in ms if not _NOT_SUBJECT.match(text[m.end:m.end + 14])), last_subject)
                last_company = next((m for m in ms if m.type == "Company"), last_company)
            continue
        respectively = "respectively" in text[s0:s1]
        for a in amounts:
            kind = "percent" if a.group("pct") else "money" if (a.group("pre") or a.group("suf")) else "count"
            if (_RANGE_BEFORE.search(text, max(s0, a.start() - 10), a.start())
                    or _RANGE_AFTER[kind].match(text, a.end())):
                continue
            if a.group("cword") and (_word_number(a.group("cword")) < 3 or a.group("noun") in ("companies", "firms")):
                continue
            if a.end() < len(text) and (text[a.end()].isdigit() or text[a.end()] == "."
                                        and text[a.end() + 1:a.end() + 2].isdigit()):
                continue
            if a.group("bare") and not re.search(rf"\b(?:{_COUNT_NOUNS})\b", text[max(s0, a.start() - 80):a.start()]):
                continue
            subj, conf = _subject(text, ms, a, s0, last_company)
            rule_extra = ""
            noun_policy = _POLICY_NOUN.match(text, a.end())
            if noun_policy and policies:
                subj = next((p for p in policies if noun_policy.group(1)[:5] in text[p.start:p.end].lower()), subj)
            if subj is None:
                after = [m for m in ms if m.start >= a.end() and m.start - a.end() < 30
                         and not _NOT_SUBJECT.match(text[m.end:m.end + 14])]
                subj = after[0] if after else last_subject
                rule_extra = "/carried"
            if subj is None:
                continue
            subjects = _coordinated(text, ms, subj)
            if respectively and len(subjects) > 1 and a.start() < text.index("respectively", s0, s1):
                group = list(reversed(subjects))
                firsts = [x for x in amounts if x.start() > group[-1].end]
                idx = firsts.index(a) if a in firsts else -1
                subjects = [group[idx]] if 0 <= idx < len(group) else [subj]
            value, unit, noun = _value(a)
            if value is None:
                continue
            between = text[subj.end:a.start()] if subj.end <= a.start() else text[s0:a.start()]
            moved = None
            low = between.lower()
            down = list(_DOWN.finditer(low))
            up = list(_UP.finditer(low))
            if down and (not up or down[-1].start() > up[-1].start()):
                moved = "down"
            elif up:
                moved = "up"
            if _DOWN_AFTER.match(text, a.end()):
                moved = "down"
            if unit == "percent" and moved == "down":
                value = -value
            p = _PERIOD.search(text, a.end(), min(s1, a.end() + 80)) or _PERIOD.search(text, s0, a.start())
            kind = unit if unit in ("percent", "count") else "money"
            for sj in subjects:
                yield Obs(sj.key, _measure(between, moved, unit, noun), value, unit,
                          p.group(0) if p else None, conf, f"number:{kind}{rule_extra}", (s0, s1))
            last_subject = subj
        valid = [m for m in ms if not _NOT_SUBJECT.match(text[m.end:m.end + 14])]
        if valid:
            last_subject = valid[0]
        companies = [m for m in ms if m.type == "Company"]
        if companies:
            last_company = companies[0]


def _amounts(text: str) -> list[re.Match[str]]:
    """Every amount in the text: the amount pattern is tried only where a number or currency begins."""
    out: list[re.Match[str]] = []
    end = 0
    anchors = _ANCHOR_ANY_DIGIT if _OTHER_DIGIT.search(text) else _ANCHOR
    for anchor in anchors.finditer(text):
        pos = anchor.start()
        if pos < end:
            continue
        a = _AMOUNT.match(text, pos)
        if a is not None:
            out.append(a)
            end = a.end()
    return out


def _value(a: re.Match[str]) -> tuple[float | None, str, str | None]:
    """Value, unit and counted noun of an amount match ("$2.21B" -> 2.21e9 USD; "70 cents" -> 0.7 USD)."""
    noun = None
    if a.group("pct"):
        return _number(a.group("pnum")), "percent", None
    if a.group("cents"):
        return _number(a.group("ctnum")) / 100, "USD", None
    if a.group("pre") or a.group("suf"):
        frag = a.group(0)
        value = _number(a.group("mnum") or a.group("snum"))
        unit = next((c for p, c in _CUR_PREFIX.items() if frag.startswith(p)), None) or next(
            (c for w, c in _CUR_SUFFIX.items() if frag.endswith(w)), "USD")
        scale = a.group("mscale") or a.group("sscale")
        if scale:
            value *= _SCALES[scale.lower()]
        return value, unit, None
    if a.group("bare"):
        return _number(a.group("bnum")) * _SCALES[a.group("bscale")], "count", None
    noun = a.group("noun")
    value = _word_number(a.group("cword")) if a.group("cword") else _number(a.group("cnum"))
    if a.group("cscale"):
        value *= _SCALES[a.group("cscale")]
    elif 1900 <= value <= 2100 or value < 2:
        return None, "count", None  # a year, or "one person"
    return value, "count", noun
