"""Source readers and Markdown stripping: every format, the real corpus, and every kind of bad input."""
from __future__ import annotations

import gzip
import json
import re
from datetime import date
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.graph import Article
from kg.ids import article_id_for
from loaders.markdown import strip_markdown
from loaders.sources import (
    READERS,
    LoadFailure,
    iter_articles,
    load_articles,
    read_path,
    reader_for,
    suffix_of,
)
from loaders.sources.base import parse_published
from tests.conftest import DATA, EXAMPLES, SHARED, need_shared

SOURCES = DATA / "sources"


def _one(path: Path) -> Article:
    """The single item read from `path`, which must be an article."""
    items = list(read_path(path))
    assert len(items) == 1, items
    assert isinstance(items[0], Article), items[0]
    return items[0]


def _failures(path: Path) -> list[LoadFailure]:
    """Everything read from `path`, which must all be failures."""
    items = list(read_path(path))
    assert items and all(isinstance(i, LoadFailure) for i in items), items
    return items  # type: ignore[return-value]


# ---------------------------------------------------------------------------- formats (tests/data) --


def test_txt_first_non_empty_line_is_title() -> None:
    a = _one(SOURCES / "plain.txt")
    assert a.title == "Tencent expands its Hunyuan model"
    assert a.text == (
        "Tencent develops the Hunyuan large language model.\nIt offers Hunyuan to companies through Tencent Cloud."
    )
    assert a.id == article_id_for(a.title, a.text)
    assert a.path == str(SOURCES / "plain.txt")
    assert a.published is None


def test_md_front_matter_heading_links_images_emphasis() -> None:
    a = _one(SOURCES / "markup.md")
    assert (a.id, a.published, a.source_url) == ("md-kunlun", date(2025, 3, 10), "https://example.org/kunlun")
    assert a.title == "Baidu ships more Kunlun chips"
    assert a.text == (
        "See Baidu and its Kunlun chips.\n\n\nKunlunxin designs the chips_in_house, said a *spokesperson*."
    )


def test_front_matter_fields_are_type_checked_and_prose_between_rules_is_text(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: [a, list]\n---\nBody text.\n")
    assert [f.message for f in _failures(bad)] == ["field 'title' must be a string, got array"]
    ruled = tmp_path / "ruled.md"
    ruled.write_text("---\nNot front matter, just prose.\n---\nBody text.\n")
    a = _one(ruled)
    assert (a.title, a.text) == ("Not front matter, just prose.", "Body text.")


def test_title_skips_lines_that_hold_only_markup(tmp_path: Path) -> None:
    path = tmp_path / "img.md"
    path.write_text("![logo](https://e.com/logo.png)\n\nSMIC results\n============\n\nSMIC reported revenue.\n")
    a = _one(path)
    assert (a.title, a.text) == ("SMIC results", "SMIC reported revenue.")


def test_html_main_text_and_page_metadata() -> None:
    a = _one(SOURCES / "page.html")
    assert a.title == "Xiaomi starts selling its first car"
    assert a.text.startswith("Xiaomi, the Beijing-based smartphone maker, began selling its first electric car")
    assert a.text.endswith("as investors welcomed the new business.")
    for boilerplate in ("Log in", "Cookie settings", "Copyright", "Test Wire"):
        assert boilerplate not in a.text
    assert (a.published, a.lang, a.source_name) == (date(2024, 3, 29), "en-GB", "Test Wire")


def test_json_single_object_extra_fields_ignored() -> None:
    a = _one(SOURCES / "one.json")
    assert a.model_dump() == {
        "id": "json-one",
        "title": "Meituan tests drone deliveries",
        "text": "Meituan runs a food delivery platform.\n\nIt tests drone deliveries in Shenzhen.",
        "published": date(2024, 7, 1),
        "source_url": "https://example.org/meituan",
        "source_name": "Test Wire",
        "lang": "en",
        "path": str(SOURCES / "one.json"),
    }


def test_json_articles_wrapper() -> None:
    items = list(read_path(SOURCES / "many.json"))
    assert [(a.id, a.published) for a in items] == [  # type: ignore[union-attr]
        ("json-many-1", date(2024, 1, 5)),
        (article_id_for("Pinduoduo grows Temu", "Pinduoduo operates the Temu marketplace."), None),
    ]


def test_jsonl_skips_blank_lines_keeps_lang_and_bad_dates_are_none() -> None:
    items = list(read_path(SOURCES / "lines.jsonl"))
    assert [(a.id, a.published, a.lang) for a in items] == [  # type: ignore[union-attr]
        ("jl-1", date(2025, 1, 2), "en"),
        ("jl-2", date(2024, 12, 31), None),
        ("jl-3", None, "zh-CN"),
    ]
    assert items[1].text == "CATL supplies batteries to carmakers."  # type: ignore[union-attr]
    assert items[2].title == "蔚来发布新车"  # type: ignore[union-attr]


def test_jsonl_gz() -> None:
    items = list(read_path(SOURCES / "lines.jsonl.gz"))
    assert [(a.id, a.title, a.published) for a in items] == [  # type: ignore[union-attr]
        ("gz-1", "Lenovo ships AI PCs", date(2024, 5, 14)),
        ("gz-2", "Xiaomi sells phones", date(2024, 5, 15)),
    ]


def test_directory_is_read_in_sorted_order() -> None:
    items = list(read_path(SOURCES))
    assert all(isinstance(i, Article) for i in items), [i for i in items if isinstance(i, LoadFailure)]
    paths = [Path(a.path).name for a in items]  # type: ignore[union-attr, arg-type]
    assert paths == sorted(paths)
    assert set(paths) == {"plain.txt", "markup.md", "page.html", "one.json", "many.json", "lines.jsonl",
                          "lines.jsonl.gz"}


def test_examples_are_six_short_articles_in_four_formats() -> None:
    articles, failures = load_articles([EXAMPLES])
    assert failures == []
    assert len(articles) == 6
    assert len({a.id for a in articles}) == 6
    assert {Path(a.path).suffix for a in articles} == {".md", ".txt", ".html", ".jsonl"}  # type: ignore[arg-type]
    for a in articles:
        assert 150 <= len(a.text.split()) <= 300, (a.path, len(a.text.split()))
        assert "](" not in a.text and "**" not in a.text
    text = " ".join(a.text for a in articles)
    for name in ("Huawei", "Alibaba", "Baidu", "Nvidia", "SMIC", "Entity List", "Hang Seng Tech Index", "DeepSeek"):
        assert name in text


# ------------------------------------------------------------------------------ registry contract --

_SAMPLE_TEXT = "Huawei designs the Ascend 910B chip."


def _write_sample(path: Path) -> None:
    """A minimal valid file for the format `path`'s extension names, holding `_SAMPLE_TEXT`."""
    record = {"id": "sample", "title": "Ascend", "text": _SAMPLE_TEXT}
    suffix = suffix_of(path)
    if suffix in (".txt", ".md", ".markdown"):
        path.write_text(f"Ascend\n\n{_SAMPLE_TEXT}\n", encoding="utf-8")
    elif suffix in (".html", ".htm"):
        para = f"<p>{_SAMPLE_TEXT} " + "It is used to train large language models in China. " * 3 + "</p>"
        path.write_text(f"<html><head><title>Ascend</title></head><body><article>{para}</article></body></html>")
    elif suffix == ".json":
        path.write_text(json.dumps(record), encoding="utf-8")
    elif suffix == ".json.gz":
        path.write_bytes(gzip.compress(json.dumps(record).encode()))
    elif suffix in (".jsonl", ".ndjson"):
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    elif suffix == ".jsonl.gz":
        path.write_bytes(gzip.compress((json.dumps(record) + "\n").encode()))
    else:
        raise AssertionError(f"no sample for registered extension {suffix}")


@pytest.mark.parametrize("suffix", sorted(READERS))
def test_every_registered_reader_reads_its_format(suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"sample{suffix}"
    _write_sample(path)
    assert callable(reader_for(path))
    a = _one(path)
    assert a.title == "Ascend"
    assert a.text.startswith(_SAMPLE_TEXT)
    assert a.path == str(path)


def test_suffix_lookup_prefers_the_longest_and_ignores_case() -> None:
    assert suffix_of("a/b/news.JSONL.GZ") == ".jsonl.gz"
    assert suffix_of("x.json.gz") == ".json.gz"
    assert suffix_of("x.gz") is None and reader_for("x.docx") is None


# ----------------------------------------------------------------------------------- real corpus --


def test_first_200_lines_of_the_english_corpus() -> None:
    corpus = need_shared("corpus", "news-en-2025.jsonl.gz")
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        raw = [json.loads(line) for line in islice(f, 200)]
    items = list(islice(read_path(corpus), 200))
    assert all(isinstance(i, Article) for i in items), [i for i in items if isinstance(i, LoadFailure)][:3]
    assert [a.id for a in items] == [r["id"] for r in raw]  # type: ignore[union-attr]
    assert [a.title for a in items] == [r["title"].strip() for r in raw]  # type: ignore[union-attr]
    assert [a.published for a in items] == [date.fromisoformat(r["published"][:10]) for r in raw]  # type: ignore
    assert {a.lang for a in items} == {"en"}  # type: ignore[union-attr]
    assert all(a.path == str(corpus) for a in items)  # type: ignore[union-attr]
    linked = [(r, a) for r, a in zip(raw, items, strict=True) if "](http" in r["text"]]
    assert linked, "expected Markdown links in the first 200 articles"
    for _, a in linked:
        assert "](http" not in a.text  # type: ignore[union-attr]


def _eval_files() -> list[Path]:
    """The eval articles in ../shared, or none when it is absent (the test then skips)."""
    folder = SHARED / "eval" / "articles"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.mark.parametrize("path", _eval_files() or [None], ids=lambda p: p.stem if p else "absent")
def test_every_eval_article_loads(path: Path | None) -> None:
    if path is None:
        need_shared("eval", "articles")
        pytest.fail("eval/articles exists but holds no .json file")
    raw = json.loads(path.read_text(encoding="utf-8"))
    a = _one(path)
    assert a.id == raw["id"] == path.stem
    assert a.title == raw["title"].strip()
    assert a.text == strip_markdown(raw["text"])
    published = raw.get("published") or ""
    if re.match(r"\d{4}-\d{2}-\d{2}", published):
        assert a.published == date.fromisoformat(published[:10])
    else:
        assert a.published == {"2020-06": date(2020, 6, 1), "": None}[published]


def test_seed_text_file_reads_like_its_json_twin() -> None:
    seed = need_shared("seed", "baidu-alibaba-rally-2025.txt")
    twin = need_shared("eval", "articles", "seed-baidu-alibaba-rally.json")
    a, b = _one(seed), _one(twin)
    assert (a.title, a.text) == (b.title, b.text)
    assert a.id == article_id_for(b.title, b.text) != b.id


# ------------------------------------------------------------------------------------- markdown --


@pytest.mark.parametrize(
    ("raw", "seen"),
    [
        ("See [Baidu](https://www.baidu.com) now", "See Baidu now"),
        ('a [link](https://e.com/x "its title") b', "a link b"),
        ("[FLEX LTD. [ FLEX ] - Form 4](https://sec.gov/x.xml)", "FLEX LTD. [ FLEX ] - Form 4"),
        ("[[阿里](https://e.com/a)巴巴](https://e.com/b)集团", "阿里巴巴集团"),
        ("x ![chart](https://e.com/c.jpg?im=Resize=(640,480)) y", "x  y"),
        ("[![thumb](https://e.com/t.png)](https://e.com/full.png)after", "after"),
        ("![](data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7)", ""),
        ("**bold** and __strong__ and *em* and _em_", "bold and strong and em and em"),
        ("***both*** and ****doubled****", "both and doubled"),
        ("# Title\n## Sub ##\n###\ntext", "Title\nSub\n\ntext"),
        ("**# Market Insights**", "Market Insights"),
        ("Heading\n-------\nbody\n\n***\nend", "Heading\n\nbody\n\n\nend"),
        ("> quoted **line**\n> > nested", "quoted line\nnested"),
        (r"\*\xa0 escaped \_ and \[x\]", "*\\xa0 escaped _ and [x]"),
        ("snake_case_name and 2 * 3 and #hashtag and C# code", "snake_case_name and 2 * 3 and #hashtag and C# code"),
        ("* item one\n* item **two**", "* item one\n* item two"),
        ("[[email protected]](/cdn-cgi/l/email-protection)", "[email protected]"),
        # a run-in heading that lost its line break gets it back; emphasis inside a line stays inline
        ("x\n**About Acme Robotics**Acme Robotics makes arms. un**real** **Bold** 2",
         "x\nAbout Acme Robotics\nAcme Robotics makes arms. unreal Bold 2"),
    ],
)
def test_strip_markdown(raw: str, seen: str) -> None:
    assert strip_markdown(raw) == seen


def test_offsets_refer_to_the_stripped_text(tmp_path: Path) -> None:
    path = tmp_path / "kunlun.md"
    path.write_text("Kunlun\n\nSee [Baidu](https://www.baidu.com/kunlun-chips) and **Kunlun** chips.\n")
    a = _one(path)
    assert a.text == "See Baidu and Kunlun chips."
    assert "https" not in a.text
    m = re.search(r"Kunlun", a.text)
    assert m is not None and (m.start(), m.end()) == (14, 20)
    assert a.text[m.start() : m.end()] == "Kunlun"


_PLAIN = st.text(alphabet=st.characters(blacklist_characters="[]()!*_#>\\-=`", blacklist_categories=("Cs",)))


@given(_PLAIN)
def test_text_without_markup_is_unchanged(text: str) -> None:
    assert strip_markdown(text) == text


@given(st.text())
def test_stripping_never_adds_text(text: str) -> None:
    assert len(strip_markdown(text)) <= len(text)


# ------------------------------------------------------------------------------------ bad inputs --


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\n \t\n", "empty"),
        ("empty.jsonl", b"", "empty"),
        ("blank.jsonl", b"\n\n", "empty"),
        ("empty.json", b"", "empty"),
        ("empty.html", b"", "empty"),
        ("binary.txt", b"PK\x03\x04\x00\x00title\n", "binary"),
        ("binary.jsonl", b'{"text": "a"}\n\x00\x01\x02', "binary"),
        ("latin1.txt", "Title\n\nCafé Huawei".encode("latin-1"), "not UTF-8 text"),
        ("latin1.json", '{"text": "Café"}'.encode("latin-1"), "not UTF-8 text"),
        ("title-only.txt", b"Only a title\n\n", "no text after the title line"),
        ("nothing.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no main text"),
        ("not-gzip.jsonl.gz", b'{"text": "plain, not gzipped"}\n', "corrupt gzip"),
        ("syntax.json", b'{\n  "text": "a",\n  "title": oops\n}', "invalid JSON"),
        ("array.json", b"[]", "no articles"),
        ("scalar.json", b"42", "expected a JSON object, got number"),
        ("wrapper.json", b'{"articles": {"text": "a"}}', "field 'articles' must be an array, got object"),
        ("images-only.json", b'{"text": "![](https://e.com/a.png)"}', "field 'text' holds only Markdown"),
    ],
)
def test_bad_file_is_one_failure_naming_the_problem(name: str, content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    (failure,) = _failures(path)
    assert failure.path == str(path)
    assert message in failure.message
    assert str(failure).startswith(str(path))


def test_json_syntax_error_reports_its_line(tmp_path: Path) -> None:
    path = tmp_path / "syntax.json"
    path.write_text('{\n  "text": "a",\n  "title": oops\n}')
    (failure,) = _failures(path)
    assert failure.line == 3
    assert str(failure) == f"{path}:3: {failure.message}"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", 42, "field 'text' must be a string, got number"),
        ("text", None, "missing field 'text'"),
        ("text", "  ", "field 'text' is empty"),
        ("title", ["a", "list"], "field 'title' must be a string, got array"),
        ("id", {"x": 1}, "field 'id' must be a string, got object"),
        ("published", 20250208, "field 'published' must be a string, got number"),
        ("source_url", True, "field 'source_url' must be a string, got boolean"),
        ("source_name", 1.5, "field 'source_name' must be a string, got number"),
        ("lang", ["en"], "field 'lang' must be a string, got array"),
    ],
)
def test_wrong_json_types_name_the_field(field: str, value: object, message: str, tmp_path: Path) -> None:
    record = {"id": "a", "title": "t", "text": "Huawei makes phones.", field: value}
    single, lines = tmp_path / "one.json", tmp_path / "lines.jsonl"
    single.write_text(json.dumps(record))
    lines.write_text(json.dumps({"id": "ok", "text": "fine"}) + "\n" + json.dumps(record) + "\n")
    assert [f.message for f in _failures(single)] == [message]
    items = list(read_path(lines))
    assert isinstance(items[0], Article)
    assert items[1] == LoadFailure(str(lines), 2, message)


def test_numeric_id_is_kept_as_text(tmp_path: Path) -> None:
    path = tmp_path / "n.json"
    path.write_text(json.dumps({"id": 1234, "text": "Huawei makes phones."}))
    assert _one(path).id == "1234"


def test_broken_jsonl_lines_among_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "Baidu develops ERNIE."}\n'
        b'{"id": "b", "text": "cut off\n'
        b'{"id": "c", "text": "Alibaba develops Qwen."}\n'
        b"\n"
        b'["not", "an", "object"]\n'
        b'{"id": "d", "text": "caf\xe9"}\n'
        b'{"id": "e", "text": "SMIC makes chips."}'
    )
    items = list(read_path(path))
    assert [i.id for i in items if isinstance(i, Article)] == ["a", "c", "e"]
    failures = [i for i in items if isinstance(i, LoadFailure)]
    assert [(f.line, f.message.split(" (")[0]) for f in failures] == [
        (2, "invalid JSON: Invalid control character at"),
        (5, "expected a JSON object, got array"),
        (6, "not UTF-8 text"),
    ]


def test_truncated_gzip_fails_after_the_lines_it_could_read(tmp_path: Path) -> None:
    rows = [json.dumps({"id": f"n{i}", "text": f"Article number {i} about Huawei and SMIC. " * 5}) for i in range(400)]
    data = gzip.compress(("\n".join(rows) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    items = list(read_path(path))
    *articles, last = items
    assert len(articles) > 10
    assert [a.id for a in articles] == [f"n{i}" for i in range(len(articles))]  # type: ignore[union-attr]
    assert isinstance(last, LoadFailure) and last.line is None
    assert "truncated or corrupt gzip" in last.message and f"after line {len(articles)}" in last.message


def test_truncated_json_gz_is_one_failure(tmp_path: Path) -> None:
    data = gzip.compress(json.dumps({"text": "Huawei " * 2000}).encode())
    path = tmp_path / "cut.json.gz"
    path.write_bytes(data[:-20])
    (failure,) = _failures(path)
    assert "truncated or corrupt gzip" in failure.message


def _encode(text: str, encoding: str) -> bytes:
    """`text` in `encoding`, always with a byte order mark."""
    return (b"\xfe\xff" if encoding == "utf-16-be" else b"") + text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_unicode_with_bom_reads_like_utf8(encoding: str, tmp_path: Path) -> None:
    title, body = "华为 Ascend", "Huawei develops the Ascend 910B chip; 华为开发昇腾芯片。"
    text_file, jsonl_file = tmp_path / "a.txt", tmp_path / "a.jsonl"
    text_file.write_bytes(_encode(f"{title}\n\n{body}\n", encoding))
    jsonl_file.write_bytes(_encode(json.dumps({"title": title, "text": body}) + "\n", encoding))
    a, b = _one(text_file), _one(jsonl_file)
    assert (a.title, a.text) == (b.title, b.text) == (title, body)
    assert a.id == b.id == article_id_for(title, body)


def test_crlf_line_endings_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Title\r\n\r\nLine one.\r\nLine two.\r\n")
    a = _one(path)
    assert (a.title, a.text) == ("Title", "Line one.\nLine two.")


def test_directory_walk_survives_a_symlink_loop_and_skips_hidden_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text("A\n\nHuawei makes phones.")
    (tmp_path / "b" / "c.md").write_text("C\n\nBaidu develops ERNIE.")
    (tmp_path / "b" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "b" / "self").symlink_to(tmp_path / "b", target_is_directory=True)
    (tmp_path / ".hidden.txt").write_text("H\n\nhidden")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.json").write_text('{"text": "hidden"}')
    (tmp_path / "notes.docx").write_bytes(b"\x00binary")
    items = list(read_path(tmp_path))
    assert [(i.title, Path(i.path).name) for i in items] == [("A", "a.txt"), ("C", "c.md")]  # type: ignore


def test_explicit_unknown_extension_and_missing_path_are_failures(tmp_path: Path) -> None:
    unknown = tmp_path / "notes.docx"
    unknown.write_bytes(b"whatever")
    missing = tmp_path / "nope.jsonl"
    good = SOURCES / "plain.txt"
    items = list(iter_articles([unknown, good, missing]))
    assert isinstance(items[1], Article)
    assert isinstance(items[0], LoadFailure) and "unsupported file type" in items[0].message
    assert items[2] == LoadFailure(str(missing), None, "no such file or directory")


def test_broken_symlink_in_a_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.json").symlink_to(tmp_path / "missing.json")
    (failure,) = _failures(tmp_path)
    assert failure.path == str(tmp_path / "gone.json") and failure.message.startswith("cannot read")


def test_failure_converts_to_the_cli_error() -> None:
    err = LoadFailure("x.jsonl", 7, "invalid JSON").as_error()
    assert str(err) == "x.jsonl:7: invalid JSON"


# ----------------------------------------------------------------------------- ids and dates --


def test_same_content_gets_the_same_id_in_any_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Huawei and SMIC\n\nSMIC made the Kirin 9000S for Huawei.\n")
    (tmp_path / "b.md").write_text("# Huawei and SMIC\n\n**SMIC** made the [Kirin 9000S](https://e.com) for Huawei.")
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"title": "Huawei and SMIC", "text": "SMIC made the Kirin 9000S for Huawei."}) + "\n"
    )
    ids = [a.id for a in read_path(tmp_path)]  # type: ignore[union-attr]
    assert len(ids) == 3 and len(set(ids)) == 1
    assert ids[0] == article_id_for("Huawei and SMIC", "SMIC made the Kirin 9000S for Huawei.")
    (tmp_path / "a.txt").write_text("Huawei and SMIC\n\nSMIC made the Kirin 9000S for Huawei in 2023.\n")
    assert _one(tmp_path / "a.txt").id != ids[0]
    assert [a.id for a in read_path(tmp_path)] == [a.id for a in read_path(tmp_path)]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-02-08 03:05:19", date(2025, 2, 8)),
        ("2008-02-23T02:05 EST", date(2008, 2, 23)),
        ("2007-10-26T06:45 EDT", date(2007, 10, 26)),
        ("2025-02-08T23:30:00-05:00", date(2025, 2, 8)),
        ("2025-02-08", date(2025, 2, 8)),
        ("Sat, 08 Feb 2025 03:05:19 +0000", date(2025, 2, 8)),
        ("February 8, 2025", date(2025, 2, 8)),
        ("8 Feb 2025", date(2025, 2, 8)),
        ("2020-06", date(2020, 6, 1)),
        ("2025-13-45", None),
        ("", None),
        ("not a date", None),
        (None, None),
    ],
)
def test_published_dates(raw: str | None, expected: date | None) -> None:
    assert parse_published(raw) == expected
