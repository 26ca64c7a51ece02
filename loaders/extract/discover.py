"""Discovery of named entities that are not in the catalog, typed by cues around capitalised names.

"Zhipu's GLM-4 model" -> AIModel, "Moore Threads Technology Co." -> Company, "the CHIPS Act" -> Policy,
"CEO Liang Wenfeng" -> Person, "said Jian Shi Cortesi" -> Person, "a portfolio manager at Janus Henderson"
-> Company, "known as the Universal Service Fund" (after "subsidy program") -> Policy, and a name listed
with known companies ("Hygon, EnFlame, Tsingmicro and Moore Threads") -> Company. Lower-case policy phrases
named by their issuer ("U.S. export curbs", "chip restrictions") are found here too. Each rule leaves its
name in the span for provenance.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from loaders.extract.spans import Span
from loaders.extract.wordlists import bounded_words

# A capitalised name: tokens starting with a capital or digit-led model names, joined by spaces,
# hyphens or a few lower-case connectors ("Bank of China", "Belt and Road").
_TOKEN = r"(?:[A-Z][\w&'’.+]*[\w+]|[A-Z]|\d+[A-Za-z][\w.+-]*)"
# The first token is `_TOKEN` led by one character class, which lets the engine skip to capitals and digits.
_FIRST_TOKEN = r"[A-Z\d](?:(?<=[A-Z])(?:[\w&'’.+]*[\w+])?|(?<=\d)\d*[A-Za-z][\w.+-]*)"
_NAME = re.compile(  # spaces join tokens, never a line break: a heading's last word and the next line's first are two
    rf"{_FIRST_TOKEN}(?:(?:-|[^\S\n](?:of|and|for|on|de|&)[^\S\n]|[^\S\n])(?:{_TOKEN}|\d[\w.]*))*"
)
_STOP_START = {
    "The", "A", "An", "In", "On", "At", "For", "And", "But", "Or", "As", "It", "Its", "This", "That", "These",
    "Those", "He", "She", "They", "We", "I", "However", "Meanwhile", "While", "When", "After", "Before", "If",
    "According", "With", "By", "From", "To", "Of", "So", "Yet", "Also", "Still", "Despite", "Since", "Both",
    "Some", "Many", "Most", "Other", "Such", "Why", "What", "How", "Who", "Where", "Our", "Their", "His", "Her",
    "Shares", "Analysts", "Investors", "Here", "There", "Under", "Between", "Against", "Amid", "Through",
    "Furthermore", "Moreover", "Additionally", "Last", "Next", "Earlier", "Later", "Now", "Then", "Today",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Read", "See", "Click", "About", "Follow", "Photo", "Image", "Source", "Note", "Update", "Updated", "Related",
    "More",
    "Chinese", "American", "U.S.", "US", "New", "Top", "Big", "Do", "Does", "Did", "Is", "Are", "Was",
    "Will", "Can", "Could", "Should", "Would", "Not", "No", "Yes", "All", "Any", "Each", "Every", "One",
    "Reporting", "Writing", "Editing", "Published", "Write", "Rolling", "Following", "Competing",
    "Separately", "Previously", "Even", "Keen", "Positive", "Options", "Multiples", "Cloud", "Market", "Tech",
    "Technology", "Industry", "Expectations", "Exploding", "Excluding", "During", "Neither", "Nor",
    "Western", "Eastern", "Global", "State-run", "State-backed",
}
# The company suffixes that are legal forms: a heading line ending in "Insights" or "Solutions" is a section
# title, one ending in "Inc." a company's name.
_LEGAL_FORMS = {"Inc", "Inc.", "Incorporated", "Corp", "Corp.", "Corporation", "Ltd", "Ltd.", "Limited", "Co", "Co.",
                "Group", "Holdings", "Holding", "Plc", "PLC", "LLC", "AG", "SA", "GmbH"}
_COMPANY_SUFFIX = _LEGAL_FORMS | {
    "Technologies", "Technology", "Capital", "Management", "Partners", "Securities", "Bank", "Motors", "Motor",
    "Semiconductor", "Semiconductors", "Electronics", "Systems", "Labs", "Lab", "Robotics", "Ventures", "Investments",
    "Microelectronics", "Networks", "Software", "Pharmaceuticals", "Industries", "Instruments", "Dynamics", "Energy",
    "Automotive", "Research", "Intelligence", "Advisors", "Advisers", "Investment", "Associates", "Airlines",
    "Telecom", "Communications", "Media", "Entertainment", "Games", "Devices", "Materials", "Solutions",
    "Service", "Services", "Consulting", "Analytics", "Insights", "Markets", "Estimates",
}
_GOV_WORDS = {
    "Ministry", "Department", "Commission", "Administration", "Agency", "Bureau", "Council", "Congress",
    "Senate", "Parliament", "Authority", "Committee", "Government", "Cabinet", "Treasury", "Regulator",
    "Office", "Court", "Assembly", "Politburo",
}
_POLICY_LAST = {
    "Act", "Law", "Plan", "Initiative", "Rule", "Rules", "Regulation", "Regulations", "Program", "Programme",
    "Strategy", "List", "Order", "Directive", "Framework", "Policy", "Measures", "Guidelines", "Ban", "Sanctions",
    "Controls", "License", "Licence", "Tariffs", "Restrictions", "Agreement", "Treaty", "Accord", "Pact",
    "Bill", "Ordinance", "Provisions",
}
_INDEX_LAST = {"Index", "Composite", "Average"}
# Words that name no one when they stand alone: "the Company" of a filing, a company suffix by itself.
_GENERIC_ALONE = {"Company", "Firm", "Group"} | _COMPANY_SUFFIX
_SUFFIXES = _COMPANY_SUFFIX | _GOV_WORDS | _POLICY_LAST | _INDEX_LAST
_GENERIC_FIRST = {"Industry", "Market", "Sector", "Moving", "Simple", "Weighted", "Average", "Global", "National",
                  "Price", "Consumer", "Producer", "Purchasing"}
_EXCHANGE_LAST = {"Exchange"}
_MEDIA_LAST = {"Times", "News", "Post", "Journal", "Daily", "Herald", "Standard", "Telegraph", "Tribune", "Gazette",
               "Weekly", "Insider", "Observer"}
# Job titles inside a capitalised run split it: "UK Prime Minister Boris Johnson" -> the person after the title.
_TITLE = re.compile(bounded_words(
    "Prime Minister|Minister|President|Vice President|Secretary|Chancellor|Governor|Senator|Chairman|Chairwoman|"
    "Chair|CEO|CFO|CTO|COO|Director|Ambassador|Spokesperson|Spokesman|Spokeswoman|Premier|Vice Premier|"
    "Representative|Rep.|Sen.|Gov.|Commissioner|Mayor|King|Queen|Pope|General|Admiral|Judge|Justice|Speaker|Leader|"
    "Founder|Analyst|Professor".split("|")) + r"\s")
# Cue word right after the name -> type ("DeepSeek-R1 model", "Kunlun P800 chip").
_AFTER = [
    (re.compile(r"\s(?:AI\s|large\s|language\s|reasoning\s|open-source\s|foundation\s)*"
                r"(?:models?|LLMs?|chatbots?|assistants?)\b"), "AIModel"),
    (re.compile(r"\s(?:AI\s)?(?:chips?|processors?|GPUs?|accelerators?|chipsets?|SoCs?|semiconductors?)\b"), "Chip"),
    (re.compile(r"\s(?:apps?|platforms?|services?|smartphones?|phones?|handsets?|robotaxis?|operating system|"
                r"browsers?|devices?|vehicles?|cars?|EVs?|laptops?|tablets?|headsets?|wearables?)\b"), "Product"),
    (re.compile(r"\s(?:analysts?|economists?|strategists?|researchers?)\s[A-Z]"), "Company"),
    (re.compile(r"\s(?:first\s)?reported\b|['’]s\s(?:report|reporting|analysts?|estimates?|data|survey)\b"), "Company"),
]
_COMPANY_CUES = {
    "startup", "start-up", "company", "firm", "maker", "giant", "rival", "developer", "chipmaker", "automaker",
    "carmaker", "supplier", "brokerage", "lender", "bank", "insurer", "investor", "fund", "conglomerate", "unit",
    "subsidiary", "manufacturer", "foundry", "operator", "retailer", "house", "publication", "newspaper", "tabloid",
    "outlet", "agency", "tracker", "consultancy", "provider", "vendor", "group", "designer", "producer", "broker"}
_PERSON_CUES = {
    "CEO", "founder", "Founder", "co-founder", "Co-founder", "chairman", "Chairman", "chairwoman", "Chairwoman",
    "president", "President", "analyst", "Analyst", "analysts", "secretary", "Secretary", "minister", "Minister",
    "spokesperson", "Spokesperson", "spokesman", "Spokesman", "spokeswoman", "Spokeswoman", "director", "Director",
    "manager", "Manager", "strategist", "Strategist", "economist", "Economist", "head", "Head", "Mr.", "Ms.", "Mrs.",
    "Dr.", "Senator", "Rep.", "professor", "Professor", "partner", "Partner", "researcher", "Researcher",
    "executive", "Executive", "official", "Official", "leader", "Leader", "premier", "Premier", "CFO", "CTO", "COO",
    "said", "says", "told", "reporter", "Reporter", "correspondent", "Correspondent"}
_PERSON_CUE_PAIRS = {"chief executive", "Chief Executive", "chief executive officer", "according to", "reporting by",
                     "Reporting by", "writing by", "Writing by", "editing by", "Editing by", "Write to"}


def _cue_before(before: str) -> str | None:
    """Type named by the word(s) right before a name: "startup Manus", "CEO Lisa Su", "said Jian Shi Cortesi"."""
    if before.endswith("/"):
        return "Person" if re.search(r"(?:[A-Z]{2,}|[A-Z][a-z]+)/$", before) else None
    if not before.endswith(" "):
        return None
    words = before.rsplit(None, 3)  # the last three words are all a cue looks at
    if not words:
        return None
    last = words[-1]
    if last.lower() in _COMPANY_CUES or last.endswith("-based"):
        return "Company"
    if last in ("model", "chatbot"):
        return "AIModel"
    if last in _PERSON_CUES or " ".join(words[-2:]) in _PERSON_CUE_PAIRS or " ".join(words[-3:]) in _PERSON_CUE_PAIRS:
        return "Person"
    if last in ("By", "by") and re.search(r"(?:^|\n|\()\W*[Bb]y\s+$", before):
        return "Person"
    return None


_AFTER_ALL = re.compile("|".join(f"(?P<a{i}>{rx.pattern})" for i, (rx, _) in enumerate(_AFTER)))
_PERSON_AFTER = re.compile(
    r"^(?:,\s(?:the\s|a\s|an\s)?(?:[\w'’-]+\s){0,3}?(?:CEO|chief|founder|co-founder|chairman|chairwoman|president|"
    r"analyst|head|director|manager|strategist|economist|partner|professor|spokes\w+|secretary|minister|"
    r"executive|researcher|portfolio|vice|officer|reporter|editor|correspondent|lawmaker|senator|official|"
    r"fellow|follower|expert|adviser|advisor)|\s(?:said|says|told|wrote|added|noted|explained|argued|warned|"
    r"urged|believes|thinks|expects|predicted|stated|commented))\b"
)
_ROLE_OF_COMPANY = re.compile(r"(?:analysts?|managers?|directors?|economists?|strategists?|chairman|chairwoman|"
                              r"partners?|heads?|executives?|officers?|presidents?|founders?|CEO|researchers?|"
                              r"professors?|fellows?)\s+(?:at|of|with)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}$")
_TICKER_AFTER = re.compile(r"^\s\((?:(?:NASDAQ|NYSE|HKEX|SSE|SZSE|HK|TSE|LSE)\s?:\s?\w+|\d{3,6}\.(?:HK|SS|SZ|T)|"
                           r"[A-Z]{2,5}\.[A-Z]{1,2})\)|^\s[A-Z]{2,5}\.(?:O|N|UL|HK|SS|SZ)\b")
_HEADING = re.compile(r"^(?:Implementation|Addition|Revision|Amendment|Removal|Extension|Expansion|Enactment|"
                      r"Passage|Repeal|Adoption|Introduction|Modification)s? (?:of|to) (?:the )?")
_PERSON_TOKEN = re.compile(r"^[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?$")
_STRONG_RULES = {"discover:index-suffix", "discover:exchange-suffix", "discover:policy-suffix",
                 "discover:government-word", "discover:corporate-suffix"}
# "a subsidy program, known as the Universal Service Fund": the noun before the naming verb types the name.
_NAMED_AS = re.compile(
    r"\b(?P<noun>system|platform|app|application|service|product|device|phone|smartphone|car|vehicle|model|chatbot|"
    r"assistant|chip|processor|program|programme|fund|plan|initiative|policy|law|rule|list|scheme|company|startup|"
    r"firm|subsidiary|unit|index|gauge)s?\b[^.;]{0,60}?(?:known as|called|dubbed|branded|named|brand(?:ed)? as|"
    r"nicknamed)\s+(?:the\s+)?[\"“']?$")
_NAMED_TYPE = {"system": "Product", "platform": "Product", "app": "Product", "application": "Product",
               "service": "Product", "product": "Product", "device": "Product", "phone": "Product",
               "smartphone": "Product", "car": "Product", "vehicle": "Product", "model": "AIModel",
               "chatbot": "AIModel", "assistant": "AIModel", "chip": "Chip", "processor": "Chip",
               "program": "Policy", "programme": "Policy", "fund": "Policy", "plan": "Policy",
               "initiative": "Policy", "policy": "Policy", "law": "Policy", "rule": "Policy", "list": "Policy",
               "scheme": "Policy", "company": "Company", "startup": "Company", "firm": "Company",
               "subsidiary": "Company", "unit": "Company", "index": "StockIndex", "gauge": "StockIndex"}
# Lower-case policies named by their issuer or field: "U.S. export curbs", "chip restrictions", "US tariffs".
_ISSUER = (r"(?:U\.S\.|US|U\.K\.|UK|EU|E\.U\.|American|Chinese|China['’]s|Beijing['’]s|Washington['’]s|Dutch|"
           r"Japanese|Japan['’]s|British|European|Taiwan['’]s|Korean|South Korean|Indian|India['’]s|Trump['’]s|"
           r"Biden['’]s|the Trump administration['’]s|the Biden administration['’]s)")
_POLICY_NP = re.compile(
    rf"\b(?:{_ISSUER}\s(?:government\s|federal\s|new\s|sweeping\s|tighter\s|latest\s)?"
    r"(?:(?:export|trade|chip|tech|technology|investment|semiconductor|AI|import|outbound|sales?)\s){0,2}"
    r"(?:curbs|restrictions|controls|sanctions|caps|tariffs|bans|blacklist|export ban|ban)"
    r"|(?:chip|tech|technology|semiconductor|AI chip|export)\s(?:restriction policies|restrictions|curbs|"
    r"export controls|controls|bans)"
    r"|(?:[\w-]+-)?locali[sz]ation (?:efforts|drive|push|campaign|policy|policies))\b")

# A word every policy phrase contains: most texts have none, and the phrase pattern is not run on them.
_POLICY_HEAD = re.compile(r"curbs|restriction|controls|sanctions|caps|tariffs|ban|blacklist|locali")

_FIRST_WORD = re.compile(r"(\S+)\s")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop sentence-initial function words and trailing possessives/punctuation from a name span."""
    while True:
        m = _FIRST_WORD.match(text, start, end)
        if m and m.group(1) in _STOP_START:
            start = m.end()
            continue
        break
    if text[start:end] in _STOP_START:
        return start, start
    for suffix in ("'s", "’s"):
        if text.endswith(suffix, start, end):
            end -= len(suffix)
    while end > start and text[end - 1] in ".,;:-'’":
        if text[end - 1] == "." and text[start:end].split()[-1] in _COMPANY_SUFFIX:
            break
        end -= 1
    return start, end


def _heading_line(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]` is all of its line (a heading or a list label), bullet and colon aside."""
    head = text[text.rfind("\n", 0, start) + 1:start]
    tail_end = text.find("\n", end)
    tail = text[end:len(text) if tail_end < 0 else tail_end]
    return head.strip(" \t*-•") == "" and tail.strip(" \t:*") == ""


def _person_like(words: list[str]) -> bool:
    return 2 <= len(words) <= 3 and all(_PERSON_TOKEN.match(w) for w in words)


_HEAD_END = re.compile(r"\s(?:for|on|of)\s")


def _policy_head(name: str) -> bool:
    """Whether the words before a name's first "for", "on" or "of" end in a policy word ("Rules on AI")."""
    m = _HEAD_END.search(name)
    if m is None:
        return False
    head = name[:m.start()].split()
    return len(head) > 1 and head[-1] in _POLICY_LAST


def _naming_word(before: str) -> bool:
    """Whether a naming verb ("known as", "called", "dubbed", "(nick)named", "brand(ed)") is in `before`:
    substring tests, cheaper than running `_NAMED_AS` on every name's context."""
    return "called" in before or "named" in before or "known as" in before or "dubbed" in before or "brand" in before


def _type_of(name: str, before: str, after: str) -> tuple[str, str] | None:
    """Type of a capitalised name from its own words and the words around it, with the rule's name."""
    words = name.split()
    last = words[-1]
    several = len(words) > 1
    named = _NAMED_AS.search(before) if _naming_word(before) else None
    if named:
        return _NAMED_TYPE[named.group("noun")], "discover:named-as"
    if several:
        if last in _INDEX_LAST and words[0] not in _GENERIC_FIRST:
            return "StockIndex", "discover:index-suffix"
        if last in _EXCHANGE_LAST:
            return "Exchange", "discover:exchange-suffix"
        if last in _POLICY_LAST or _policy_head(name):
            return "Policy", "discover:policy-suffix"
        if not _GOV_WORDS.isdisjoint(words):
            return "GovernmentBody", "discover:government-word"
        if last in _COMPANY_SUFFIX:
            return "Company", "discover:corporate-suffix"
    if name.endswith(".com"):
        return "Company", "discover:corporate-suffix"
    if several and last in _MEDIA_LAST:
        return "Company", "discover:media-name"
    if _TICKER_AFTER.match(after):
        return "Company", "discover:ticker"
    if (" at " in before or " of " in before or " with " in before) and _ROLE_OF_COMPANY.search(before):
        return "Company", "discover:employer"
    a = _AFTER_ALL.match(after)
    if a is not None:
        t = _AFTER[int(a.lastgroup[1:])][1]  # type: ignore[index]
        if not (t == "Company" and _person_like(words)):
            return t, f"discover:{t.lower()}-cue-after"
    t = _cue_before(before)
    if t is not None and (t != "Person" or _person_like(words)):
        return t, f"discover:{t.lower()}-cue-before"
    if _PERSON_AFTER.match(after) and _person_like(words):
        return "Person", "discover:person-speech"
    return None


def _candidates(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The name itself, or its parts when a job title or a coordination splits it."""
    name = text[start:end]
    head = _HEADING.match(name)
    if head:
        return [(start + head.end(), end)]
    # a title is followed by a space inside the name: a single word holds none
    titles = list(_TITLE.finditer(name)) if len(name.split(None, 1)) > 1 else None
    t = titles[-1] if titles else None
    if t is not None and t.end() < len(name):
        rest = name[t.end():].split()
        if _person_like(rest) or (len(rest) == 1 and _PERSON_TOKEN.match(rest[0]) and rest[0] not in _SUFFIXES):
            return [(start + t.end(), end)]
    if " and " in name or " & " in name:
        parts = re.split(r"\s(?:and|&)\s", name)
        if len(parts) > 1 and not re.search(r"\s(?:of|for|on)\s", name):
            out, pos = [], start
            for p in parts:
                i = text.index(p, pos, end)
                out.append((i, i + len(p)))
                pos = i + len(p)
            return [(start, end), *out]
    return [(start, end)]


def discover(text: str, taken: list[Span], field: str = "text") -> list[Span]:
    """Typed spans for capitalised names not covered by `taken` (the catalog matches).

    A name typed by a strong suffix ("National Security Law for Hong Kong") may contain catalog places;
    it is kept, and the places stay mentions of their own (see `nested_places`).
    """
    out: list[Span] = []
    covered = sorted((s.start, s.end, s.type) for s in taken if s.field == field)
    cstarts = [c[0] for c in covered]
    untyped: list[tuple[int, int]] = []
    for m in _NAME.finditer(text):
        cands = _candidates(text, m.start(), m.end())
        whole = len(cands) > 1 and cands[0] == (m.start(), m.end())
        for i, (c0, c1) in enumerate(cands):
            start, end = _trim(text, c0, c1)
            if end - start < 2 or not text[start].isupper() and not text[start].isdigit():
                continue
            if text[start:end] in _GENERIC_ALONE:
                continue  # "the Company reported", "Industries" alone: a common noun capitalised
            lo = max(0, bisect.bisect_left(cstarts, start) - 3)
            hi = bisect.bisect_left(cstarts, end)
            inside = [(s, e, t) for s, e, t in covered[lo:hi] if s < end and start < e]
            if text[end:end + 1] == "." and text[start:end].rsplit(" ", 1)[-1] in ("Co", "Inc", "Corp", "Ltd", "Bros"):
                end += 1
            name = text[start:end]
            if inside and not (all(t == "Place" for _, _, t in inside)
                               and all(start <= s and e <= end for s, e, _ in inside) and len(name.split()) > 2):
                continue
            typed = _type_of(name, text[max(0, start - 60):start], text[end:end + 60])
            if typed is not None and typed[1] == "discover:corporate-suffix" and _heading_line(text, start, end) \
                    and name.split()[-1] not in _LEGAL_FORMS:
                typed = None  # "Data-Driven Insights" alone on its line heads a section; "Acme Inc." still names
            if inside and not (typed and typed[1] in _STRONG_RULES):
                continue
            if typed is None:
                if not inside:
                    untyped.append((start, end))
                continue
            if whole and i == 0 and typed[1] not in _STRONG_RULES:
                continue  # "Huawei and ZTE": the parts, not the whole
            t, rule = typed
            out.append(Span(start, end, name, t, None, rule, 0.6, field))
            if whole and i == 0:
                break
    out += _listed_companies(text, untyped, [*taken, *out], field)
    out += _policy_phrases(text, [*taken, *out], field)
    return out


def _listed_companies(text: str, untyped: list[tuple[int, int]], known: list[Span], field: str) -> list[Span]:
    """Untyped names coordinated with companies ("Hygon, EnFlame, Tsingmicro and Moore Threads") are companies."""
    companies = sorted((s.start, s.end) for s in known if s.type == "Company" and s.field == field)
    if not companies or not untyped:
        return []
    ends = {e for _, e in companies}
    starts = {s for s, _ in companies}
    out: list[Span] = []
    for start, end in untyped:
        left = re.search(r"(?:,\s*|\s+(?:and|or)\s+|,\s+(?:and|or)\s+)$", text[max(0, start - 8):start])
        right = re.match(r"(?:,\s*|\s+(?:and|or)\s+|,\s+(?:and|or)\s+)", text[end:end + 8])
        ok = (left is not None and start - len(left.group(0)) in ends) or (
            right is not None and end + len(right.group(0)) in starts)
        words = text[start:end].split()
        if ok and len(words) <= 3 and not _person_like(words) and text[start].isupper():
            out.append(Span(start, end, text[start:end], "Company", None, "discover:listed-with-companies", 0.5,
                            field))
    return out


def _policy_phrases(text: str, known: list[Span], field: str) -> list[Span]:
    """Lower-case policy phrases named by issuer or field, where no catalog or discovered name covers them."""
    busy = [(s.start, s.end) for s in known
            if s.field == field and s.type not in ("Place", "Technology", "GovernmentBody")]
    out: list[Span] = []
    if not _POLICY_HEAD.search(text):
        return out
    for m in _POLICY_NP.finditer(text):
        start, end = m.start(), m.end()
        if text.startswith("the ", start):
            start += 4
        if any(s < end and start < e for s, e in busy):
            continue
        out.append(Span(start, end, text[start:end], "Policy", None, "discover:policy-phrase", 0.5, field))
    return out


def person_surnames(text: str, persons: list[Span], taken: list[Span], field: str = "text") -> list[Span]:
    """Later mentions of a discovered person by surname alone ("Au said") become mentions of that person."""
    out: list[Span] = []
    busy = [(s.start, s.end) for s in taken if s.field == field]
    for p in persons:
        surname = p.text.split()[-1]
        for start in _word_at(text, surname, p.end):
            end = start + len(surname)
            if any(s < end and start < e for s, e in busy):
                continue
            out.append(Span(start, end, surname, "Person", None, "discover:surname", 0.6, field, p.text))
            busy.append((start, end))
    return out


def _is_word_char(text: str, i: int) -> bool:
    """Whether `text[i]` exists and is what `\\w` matches (a letter, digit or underscore of any script)."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


def _word_at(text: str, word: str, start: int) -> Iterator[int]:
    """Offsets from `start` on where `word` stands between word boundaries (what `\\bword\\b` finds, found
    by `str.find` instead of a pattern compiled per word)."""
    n = len(word)
    first, last = _is_word_char(word, 0), _is_word_char(word, n - 1)
    i = text.find(word, start)
    while i >= 0:
        if _is_word_char(text, i - 1) != first and _is_word_char(text, i + n) != last:
            yield i
            i = text.find(word, i + n)
        else:
            i = text.find(word, i + 1)
