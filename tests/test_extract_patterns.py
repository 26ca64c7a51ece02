"""The extraction's fast patterns find exactly what the plain patterns they replace would find, on real news
(English and Chinese) and on the edge cases of each rewrite."""
from __future__ import annotations

import itertools
import re

import pytest

from loaders.extract import discover, observations, relations, sentences
from loaders.extract.wordlists import bounded_words
from loaders.sources import iter_articles
from tests.conftest import need_shared

TITLES = ["Prime Minister", "Minister", "CEO", "Rep.", "Sen.", "Vice President"]
EDGES = [
    "UK Prime Minister Boris Johnson met CEO Lisa Su; AdminCEO X, Rep. Smith and Sen.Jones stayed. 12 per cent",
    "Revenue rose 9% to $2.21B, or HK$3 bn, from RMB5m; twenty-four firms, ninety cars, x7 units, 1.5 and ９ yuan.",
    "Baidu develops ERNIE. Alibaba partners with Nvidia! Is it? “Yes.” (Reuters) -- U.S. rivals, only onto bypass",
    "华为与中国移动合作。美国制裁华为！\n\nNext line.",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    out = list(EDGES)
    for name in ("news-en-2025.jsonl.gz", "news-zh-2025.jsonl.gz"):
        path = need_shared("corpus", name)
        out += [a.text for a in itertools.islice(iter_articles([path]), 150) if not hasattr(a, "message")]
    return out


def _found(matches: object) -> list[tuple[tuple[int, int], str | None]]:
    return [(m.span(), m.lastgroup) for m in matches]  # type: ignore[attr-defined]


def test_bounded_words_is_the_plain_word_alternation(texts: list[str]) -> None:
    plain = re.compile(r"\b(?:" + "|".join(map(re.escape, TITLES)) + r")")
    fast = re.compile(bounded_words(TITLES))
    for t in texts:
        assert _found(fast.finditer(t)) == _found(plain.finditer(t))
    with pytest.raises(ValueError, match="does not open with a letter"):
        bounded_words(["$US"])


def test_cues_are_those_of_one_group_per_predicate(texts: list[str]) -> None:
    plain = re.compile(r"\b(?:" + "|".join(f"(?P<{p}>{rx})" for p, rx in relations.CUES) + ")")
    for t in texts:
        assert _found(relations._english_cues(t, 0, len(t))) == _found(plain.finditer(t))


def test_scanning_patterns_match_their_plain_forms(texts: list[str]) -> None:
    token = discover._TOKEN
    plain = {
        discover._NAME: rf"{token}(?:(?:-|[^\S\n](?:of|and|for|on|de|&)[^\S\n]|[^\S\n])(?:{token}|\d[\w.]*))*",
        sentences._BOUNDARY: r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9\u4e00-\u9fff])|[。！？；]+[”’」』]*|\n+",
        relations._CLAUSE_BREAK: r";|\)\s+[-–—]{1,2}\s|\bwhile\b|\bwhereas\b|\bbut\b|\bwhich\b|\bwho\b|"
                                 r":|—|–|；|：|但|而",
    }
    for fast, rx in plain.items():
        slow = re.compile(rx)
        for t in texts:
            assert _found(fast.finditer(t)) == _found(slow.finditer(t)), fast.pattern[:40]
    for t in texts:
        if not observations._OTHER_DIGIT.search(t):  # the fast anchors are for ASCII digits
            assert _found(observations._ANCHOR.finditer(t)) == _found(observations._ANCHOR_ANY_DIGIT.finditer(t))
        low = t.lower()
        for fast in (observations._DOWN, observations._UP):
            assert _found(fast.finditer(low)) == _found(re.compile("(?i)" + fast.pattern).finditer(t))


def test_policy_phrases_need_a_head_word(texts: list[str]) -> None:
    for t in texts:
        if not discover._POLICY_HEAD.search(t):
            assert discover._POLICY_NP.search(t) is None


def test_surnames_stand_between_word_boundaries() -> None:
    text = "Su said. Susan and Sun agreed with Su, not Su_x or xSu; Su."
    every = [m.start() for m in re.finditer(r"\bSu\b", text)]
    assert list(discover._word_at(text, "Su", 0)) == every
    assert list(discover._word_at(text, "Su", 10)) == [i for i in every if i >= 10]
    assert list(discover._word_at("O'Neil and O'Neil's", "O'Neil", 0)) == [0, 11]
