"""Observations: percentages, money and counts stated about an entity, with measure, unit and period."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from loaders.extract.relations import M


def _num(g: str) -> str:
    return rf"(?P<{g}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"


def _scale(g: str) -> str:
    return rf"(?P<{g}>trillion|billion|million|thousand|tn|bn|mn|m|b|k)?"


_CUR_PREFIX = {"US$": "USD", "$": "USD", "HK$": "HKD", "¥": "CNY", "RMB": "CNY", "€": "EUR", "£": "GBP",
               "USD": "USD", "CNY": "CNY", "HKD": "HKD", "EUR": "EUR", "GBP": "GBP", "NT$": "TWD", "S$": "SGD"}
_CUR_SUFFIX = {"yuan": "CNY", "renminbi": "CNY", "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
               "pounds": "GBP", "Hong Kong dollars": "HKD", "HK dollars": "HKD", "won": "KRW", "yen": "JPY"}
_SCALES = {"trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mn": 1e6,
           "m": 1e6, "thousand": 1e3, "k": 1e3}
_COUNT_NOUNS = (r"users|customers|subscribers|employees|workers|staff|units|vehicles|cars|chips|GPUs|entities|"
                r"companies|firms|downloads|contracts|shipments|devices|smartphones|phones|orders|stores|"
                r"parameters|tokens|members|engineers|patents|servers|data centers|robots")
_AMOUNT = re.compile(
    rf"(?P<pct>{_num('pnum')}\s?(?:%|percent\b|per cent\b|pct\b|percentage points?\b))"
    rf"|(?P<pre>(?:US\$|HK\$|NT\$|S\$|\$|¥|€|£|RMB|USD|CNY|HKD|EUR|GBP)\s?{_num('mnum')}\s?{_scale('mscale')}\b)"
    rf"|(?P<suf>{_num('snum')}\s?{_scale('sscale')}\s(?:Hong Kong dollars|HK dollars|yuan|renminbi|dollars|"
    rf"dollar|euros|euro|pounds|won|yen)\b)"
    rf"|(?P<cnt>{_num('cnum')}\s?(?P<cscale>trillion|billion|million|thousand)?\s(?:\w+\s)?(?P<noun>{_COUNT_NOUNS})\b)"
)
_DOWN = re.compile(r"\b(?:fell|fall(?:s|ing)?|drop(?:s|ped|ping)?|declin\w*|slid|slide|slump\w*|plung\w*|tumbl\w*|"
                   r"sank|sink\w*|lost|los(?:e|es|ing)|down|decreas\w*|shed|retreat\w*|dipp?\w*|lower\w*|"
                   r"cut|contract\w*|shrank|shrink\w*|narrow\w*|slipp?\w*|eased?)\b")
_UP = re.compile(r"\b(?:rose|ris(?:e|es|ing)|gain\w*|grew|grow\w*|jump\w*|surg\w*|soar\w*|climb\w*|rall\w*|"
                 r"increas\w*|up|advanc\w*|added|boost\w*|rebound\w*|spik\w*|expand\w*|higher)\b")
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


def _measure(between: str, moved: str | None, unit: str, noun: str | None) -> str:
    """A short measure name from the words between the subject and the number."""
    if noun:
        base = noun
    else:
        words = [w for w in re.findall(r"[A-Za-z][\w-]*", between)]
        kept: list[str] = []
        for w in words:
            if _UP.fullmatch(w) or _DOWN.fullmatch(w):
                break
            if _MEASURE_STOP.fullmatch(w.lower()) or w.lower() in ("s", "shares", "stock"):
                if w.lower() in ("shares", "stock"):
                    kept = ["share", "price"]
                continue
            kept.append(w)
        base = " ".join(kept[-5:]) or ("share price" if re.search(r"\bshares?|stock", between) else "value")
    if unit == "percent" and moved:
        return f"{base} {'change' if moved == 'down' else 'growth'}".strip()
    return base


def extract_observations(text: str, sentences: list[tuple[int, int]], mentions: list[M]) -> Iterator[Obs]:
    """Numbers with their subject: the nearest entity named before the number in the same sentence."""
    mi = 0
    last_subject: M | None = None
    for s0, s1 in sentences:
        ms: list[M] = []
        while mi < len(mentions) and mentions[mi].start < s1:
            if mentions[mi].start >= s0 and mentions[mi].type in _SUBJECT_TYPES:
                ms.append(mentions[mi])
            mi += 1
        for a in _AMOUNT.finditer(text, s0, s1):
            num = a.group("pnum") or a.group("mnum") or a.group("snum") or a.group("cnum")
            before = [m for m in ms if m.end <= a.start()]
            # A technology word ("Baidu's AI cloud revenue") is rarely what a number is about.
            subj = next((m for m in reversed(before) if m.type != "Technology"), before[-1] if before else None)
            conf = 0.75
            if subj is None:
                after = [m for m in ms if m.start >= a.end() and m.start - a.end() < 40]
                subj = after[0] if after else last_subject
                conf = 0.5
            if subj is None:
                continue
            value = _number(num)
            noun = None
            if a.group("pct"):
                unit = "percent"
            elif a.group("pre") or a.group("suf"):
                frag = a.group(0)
                unit = next((c for p, c in _CUR_PREFIX.items() if frag.startswith(p)), None) or next(
                    (c for w, c in _CUR_SUFFIX.items() if frag.endswith(w)), "USD")
                scale = a.group("mscale") or a.group("sscale")
                if scale:
                    value *= _SCALES[scale.lower()]
            else:
                unit = "count"
                noun = a.group("noun")
                if a.group("cscale"):
                    value *= _SCALES[a.group("cscale")]
                if value >= 1900 and value <= 2100 and not a.group("cscale"):
                    continue  # a year, not a count
            between = text[subj.end:a.start()] if subj.end <= a.start() else ""
            moved = None
            down = list(_DOWN.finditer(between))
            up = list(_UP.finditer(between))
            if down and (not up or down[-1].start() > up[-1].start()):
                moved = "down"
            elif up:
                moved = "up"
            if unit == "percent" and moved == "down":
                value = -value
            p = _PERIOD.search(text, a.end(), min(s1, a.end() + 80)) or _PERIOD.search(text, s0, a.start())
            yield Obs(subj.key, _measure(between, moved, unit, noun), value, unit,
                      p.group(0) if p else None, conf, f"number:{unit if unit in ('percent', 'count') else 'money'}",
                      (s0, s1))
            last_subject = subj
        if ms:
            last_subject = ms[0]
