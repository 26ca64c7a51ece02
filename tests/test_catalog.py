"""Tests of the reference catalog: the shipped file is large, sound and consistent with the ontology, and
the loader and validator catch the mistakes a curator can make."""
from __future__ import annotations

from pathlib import Path

import pytest

from ontology.catalog import (
    KEY_PATTERN,
    SOURCES,
    Catalog,
    CatalogEntry,
    CatalogError,
    form_is_case_sensitive,
    load_catalog,
    surface_forms,
    validate_catalog,
)
from ontology.schema import load_schema

# Names the catalog must resolve (by label, alias, Chinese alias or ticker) to an entity of the given type.
MUST_INCLUDE: dict[str, list[str]] = {
    "Company": [
        "Baidu", "Kunlunxin", "Alibaba", "Alibaba Group", "Alibaba Group Holding", "T-Head", "Ant Group", "Tencent",
        "Huawei", "HiSilicon", "SMIC", "Hua Hong", "YMTC", "CXMT", "ByteDance", "DeepSeek", "Moonshot AI",
        "Zhipu AI", "MiniMax", "Baichuan", "01.AI", "StepFun", "iFlytek", "SenseTime", "Megvii", "Cambricon",
        "Biren", "Moore Threads", "MetaX", "Hygon", "Horizon Robotics", "Xiaomi", "JD.com", "Meituan", "PDD",
        "NetEase", "Kuaishou", "BYD", "CATL", "Lenovo", "ZTE", "DJI", "Unitree", "Nvidia", "AMD", "Intel", "TSMC",
        "Samsung", "SK Hynix", "Micron", "ASML", "Applied Materials", "Lam Research", "KLA", "Tokyo Electron",
        "Qualcomm", "Broadcom", "Arm", "Apple", "Microsoft", "Google", "Alphabet", "Meta", "Amazon", "OpenAI",
        "Anthropic", "Tesla", "Oracle",
    ],
    "Chip": [
        "Ascend 910B", "Ascend 910C", "Ascend 920", "Kunlun P800", "Hanguang 800", "Yitian 710", "H20", "H800",
        "H100", "A100", "B200", "Blackwell", "MI300", "Kirin 9000S", "Siyuan 590", "MLU590",
    ],
    "AIModel": [
        "ERNIE", "ERNIE Bot", "ERNIE 4.5", "ERNIE X1", "Qwen", "Qwen2.5-Max", "Qwen3", "QwQ", "DeepSeek-V3",
        "DeepSeek-R1", "Hunyuan", "Doubao", "Kimi", "GLM", "ChatGLM", "iFlytek Spark", "Pangu", "ChatGPT",
        "GPT-4o", "Gemini", "Claude", "Llama", "Grok",
    ],
    "Product": [
        "Apollo Go", "Alibaba Cloud", "WeChat", "Taobao", "Douyin", "TikTok", "HarmonyOS", "Alipay", "iPhone",
        "Mate 60", "Xiaohongshu", "RedNote", "Temu",
    ],
    "GovernmentBody": [
        "BIS", "Bureau of Industry and Security", "US Commerce Department", "MIIT", "CAC", "NDRC", "MOFCOM",
        "State Council", "PBOC", "CSRC", "SAMR", "US Congress", "White House", "Trump administration",
        "Biden administration", "Chinese government", "European Commission", "Dutch government",
        "Japanese government", "Washington",
    ],
    "Policy": [
        "Made in China 2025", "dual circulation", "Belt and Road Initiative", "Belt and Road", "BRI", "一带一路",
        "Entity List", "October 2022 export controls", "October 2023 export controls",
        "December 2024 export controls", "AI Diffusion Rule", "CHIPS and Science Act", "Big Fund",
        "National Integrated Circuit Industry Investment Fund", "Big Fund III", "US tariffs", "US export controls",
        "New Generation AI Development Plan", "Digital Silk Road", "14th Five-Year Plan",
        "Foreign Direct Product Rule", "Unreliable Entity List", "rare-earth export controls",
    ],
    "GeopoliticalFactor": [
        "US-China trade tensions", "trade war", "tech war", "regulatory crackdown", "geopolitical tensions",
        "geopolitical uncertainty", "AI arms race", "Taiwan Strait tensions", "decoupling", "chip war",
    ],
    "Technology": [
        "artificial intelligence", "AI", "generative AI", "large language models", "AI chips", "semiconductors",
        "cloud computing", "autonomous driving", "5G", "6G", "quantum computing", "robotics", "humanoid robots",
        "EVs", "lithography", "EUV lithography", "HBM", "data centers", "smartphones",
    ],
    "StockIndex": [
        "Hang Seng Tech Index", "Hang Seng Index", "CSI 300", "Shanghai Composite", "Shenzhen Component",
        "STAR 50", "Nasdaq Composite", "Nasdaq 100", "S&P 500", "Dow Jones Industrial Average", "Nikkei 225",
        "Philadelphia Semiconductor Index",
    ],
    "Exchange": [
        "Hong Kong Stock Exchange", "Nasdaq", "NYSE", "New York Stock Exchange", "Shanghai Stock Exchange",
        "Shenzhen Stock Exchange", "STAR Market", "Beijing Stock Exchange",
    ],
    "Place": [
        "China", "United States", "US", "U.S.", "USA", "America", "Hong Kong", "Taiwan", "Japan", "South Korea",
        "Netherlands", "Germany", "UK", "EU", "Europe", "India", "Singapore", "Malaysia", "Vietnam",
        "Southeast Asia", "Middle East", "Saudi Arabia", "UAE", "Russia", "Beijing", "Shanghai", "Shenzhen",
        "Hangzhou", "Guangzhou", "Hefei", "Wuhan", "Silicon Valley",
    ],
    "Person": [
        "Robin Li", "Eddie Wu", "Joe Tsai", "Jack Ma", "Pony Ma", "Ren Zhengfei", "Liang Wenfeng", "Jensen Huang",
        "Lisa Su", "Xi Jinping", "Donald Trump", "Joe Biden", "Gina Raimondo", "Howard Lutnick", "Lei Jun",
        "Zhang Yiming", "Liang Rubo",
    ],
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The shipped catalog, loaded once for the module."""
    return load_catalog()


def _resolve(cat: Catalog, name: str) -> list[CatalogEntry]:
    """Entries that have `name` as a surface form, honouring case-sensitivity."""
    out = []
    for e in cat.entities.values():
        for form in surface_forms(e):
            same = form == name if form_is_case_sensitive(e, form) else form.casefold() == name.casefold()
            if same:
                out.append(e)
                break
    return out


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "catalog.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_catalog_is_large_enough(catalog: Catalog) -> None:
    assert len(catalog.entities) >= 300
    assert len(catalog.facts) >= 150


def test_every_core_type_is_represented(catalog: Catalog) -> None:
    types = {e.type for e in catalog.entities.values()}
    assert set(load_schema().core_types) <= types
    assert len(load_schema().core_types) == 12


def test_shipped_catalog_has_no_problems(catalog: Catalog) -> None:
    assert validate_catalog(catalog) == []
    assert catalog.duplicate_keys == ()


def test_default_catalog_is_cached() -> None:
    assert load_catalog() is load_catalog()


@pytest.mark.parametrize(("type_name", "name"), [(t, n) for t, names in MUST_INCLUDE.items() for n in names])
def test_must_include_names_resolve(catalog: Catalog, type_name: str, name: str) -> None:
    hits = _resolve(catalog, name)
    assert len(hits) == 1, f"{name!r} resolves to {[e.key for e in hits]}"
    assert hits[0].type == type_name


def test_facts_obey_domain_and_range(catalog: Catalog) -> None:
    schema = load_schema()
    for s, p, o in catalog.facts:
        assert p in schema.core_relations
        assert schema.allows(p, catalog.entities[s].type, catalog.entities[o].type), (s, p, o)


def test_keys_are_stable_slugs(catalog: Catalog) -> None:
    for key, e in catalog.entities.items():
        assert key == e.key
        assert KEY_PATTERN.match(key), key
        assert not key.startswith("found/")


def test_every_entry_names_its_source(catalog: Catalog) -> None:
    assert {e.source for e in catalog.entities.values()} <= SOURCES
    reference = [e for e in catalog.entities.values() if e.source != "public record"]
    assert len(reference) >= 50


def test_known_reference_facts(catalog: Catalog) -> None:
    facts = set(catalog.facts)
    for fact in [
        ("kunlunxin", "subsidiaryOf", "baidu"), ("baidu", "develops", "ernie"), ("baidu", "listedOn", "nasdaq"),
        ("baidu", "constituentOf", "hang-seng-tech-index"), ("huawei", "develops", "ascend-910b"),
        ("smic", "manufactures", "ascend-910b"), ("deepseek-v3", "trainedOn", "h800"),
        ("entity-list", "issuedBy", "bis"), ("robin-li", "leads", "baidu"),
    ]:
        assert fact in facts


def test_ambiguous_short_names_are_case_sensitive(catalog: Catalog) -> None:
    for key in ("artificial-intelligence", "arm", "meta", "apple", "kimi", "pangu", "united-states", "glm"):
        assert catalog.entities[key].case_sensitive, key
    assert _resolve(catalog, "us") == []
    assert _resolve(catalog, "arm") == []
    assert [e.key for e in _resolve(catalog, "AI")] == ["artificial-intelligence"]


def test_surface_forms_order_and_dedup() -> None:
    e = CatalogEntry("amd", "AMD", "Company", aliases=("Advanced Micro Devices",), zh=("超威",), tickers=("AMD",))
    assert surface_forms(e) == ["AMD", "Advanced Micro Devices", "超威"]
    assert form_is_case_sensitive(e, "AMD")
    assert not form_is_case_sensitive(e, "Advanced Micro Devices")


def test_load_reads_all_fields(tmp_path: Path) -> None:
    path = _write(tmp_path, """
entities:
  - {key: baidu, label: Baidu, type: Company, aliases: [Baidu Inc.], zh: [百度], tickers: [BIDU, 9888.HK],
     wikidata: Q14772, descriptors: [search giant], case_sensitive: true, source: public record}
  - {key: ernie, label: ERNIE, type: AIModel}
facts:
  - [baidu, develops, ernie]
""")
    cat = load_catalog(path)
    assert cat.entities["baidu"] == CatalogEntry(
        "baidu", "Baidu", "Company", ("Baidu Inc.",), ("百度",), ("BIDU", "9888.HK"), "Q14772", ("search giant",),
        True, "public record")
    assert cat.entities["ernie"].source == "public record"
    assert cat.facts == [("baidu", "develops", "ernie")]
    assert validate_catalog(cat) == []


@pytest.mark.parametrize(("text", "message"), [
    ("entities: 3", "expected a mapping with an 'entities' list"),
    ("entities: [nope]", "entity #1: expected a mapping"),
    ("entities:\n  - {key: x, label: X}", "entity 'x': 'type' must be a non-empty string"),
    ("entities:\n  - {key: x, label: X, type: Place, colour: red}", "entity 'x': unknown field(s) colour"),
    ("entities:\n  - {key: x, label: X, type: Place, aliases: [1]}", "entity 'x': 'aliases' must be a list"),
    ("entities:\n  - {key: x, label: X, type: Place, case_sensitive: maybe}", "'case_sensitive' must be true"),
    ("entities: []\nfacts:\n  - [a, b]", "fact #1 must be [subject, relation, object]"),
    ("entities: [", "not valid YAML"),
])
def test_load_rejects_malformed_files(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_load_reports_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(tmp_path / "missing.yaml")


def test_validate_finds_every_kind_of_problem(tmp_path: Path) -> None:
    path = _write(tmp_path, """
entities:
  - {key: Bad_Key, label: X, type: Place}
  - {key: acme, label: Acme, type: Company, aliases: [ACME Corp], wikidata: "123", tickers: [acme]}
  - {key: widget, label: Widget, type: Gadget, source: my notes}
  - {key: rival, label: Rival, type: Company, aliases: [acme corp]}
  - {key: up, label: Up, type: Company, aliases: [UP], case_sensitive: true}
  - {key: down, label: Down, type: Company, aliases: [Up], case_sensitive: true}
  - {key: china, label: Old China, type: Place}
  - {key: china, label: China, type: Place}
  - {key: rule, label: Rule, type: Policy, aliases: [Rule]}
facts:
  - [acme, develops, ghost]
  - [acme, owns, rival]
  - [china, listedOn, rival]
  - [rule, issuedBy, china]
  - [rule, issuedBy, china]
""")
    problems = validate_catalog(load_catalog(path))
    expected = [
        "duplicate key 'china'",
        "entity 'Bad_Key': key is not a slug",
        "entity 'acme': '123' is not a Wikidata QID",
        "entity 'acme': malformed ticker 'acme'",
        "entity 'widget': type 'Gadget' is not a core type",
        "entity 'widget': unknown source 'my notes'",
        "entity 'rule': form 'Rule' is given more than once",
        "surface form 'ACME Corp' of 'acme' clashes with 'acme corp' of 'rival'",
        "surface form 'Up' of 'up' clashes with 'Up' of 'down'",
        "fact [acme, develops, ghost]: unknown key(s) ghost",
        "fact [acme, owns, rival]: 'owns' is not a core relation",
        "fact [china, listedOn, rival]: listedOn does not allow Place -> Company",
        "fact [rule, issuedBy, china] is listed twice",
    ]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    assert not any("'UP'" in p for p in problems)  # case-sensitive forms differing in case may coexist


def test_wikidata_must_be_a_string(tmp_path: Path) -> None:
    path = _write(tmp_path, "entities:\n  - {key: x, label: X, type: Place, wikidata: [Q1]}")
    with pytest.raises(CatalogError, match="wikidata"):
        load_catalog(path)
