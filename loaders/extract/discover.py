"""Discovery of named entities that are not in the catalog, typed by cues around capitalised names.

"Zhipu's GLM-4 model" -> AIModel, "Moore Threads Technology Co." -> Company, "the CHIPS Act" -> Policy,
"CEO Liang Wenfeng" -> Person. Each rule leaves its name in the span for provenance.
"""
from __future__ import annotations

import re

from loaders.extract.spans import Span

# A capitalised name: tokens starting with a capital or digit-led model names, joined by spaces,
# hyphens or a few lower-case connectors ("Bank of China", "Belt and Road").
_TOKEN = r"(?:[A-Z][\w&'’.+]*[\w+]|[A-Z]|\d+[A-Za-z][\w.+-]*)"
_NAME = re.compile(
    rf"{_TOKEN}(?:(?:-|\s(?:of|and|for|de|&)\s|\s)(?:{_TOKEN}|\d[\w.]*))*"
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
    "Read", "See", "Click", "Photo", "Image", "Source", "Note", "Update", "Updated", "Related", "More",
    "Chinese", "American", "U.S.", "US", "New", "Top", "Big", "Do", "Does", "Did", "Is", "Are", "Was",
    "Will", "Can", "Could", "Should", "Would", "Not", "No", "Yes", "All", "Any", "Each", "Every", "One",
}
_COMPANY_SUFFIX = {
    "Inc", "Inc.", "Incorporated", "Corp", "Corp.", "Corporation", "Ltd", "Ltd.", "Limited", "Co", "Co.",
    "Group", "Holdings", "Holding", "Technologies", "Technology", "Capital", "Management", "Partners",
    "Securities", "Bank", "Motors", "Semiconductor", "Semiconductors", "Electronics", "Systems", "Labs", "Lab",
    "Robotics", "Ventures", "Investments", "Microelectronics", "Networks", "Software", "Pharmaceuticals",
    "Plc", "PLC", "LLC", "AG", "SA", "GmbH", "Industries", "Instruments", "Dynamics", "Energy", "Automotive",
    "Research", "Intelligence", "Advisors", "Advisers", "Investment", "Associates", "Airlines",
    "Telecom", "Communications", "Media", "Entertainment", "Games", "Devices", "Materials", "Solutions",
}
_GOV_WORDS = {
    "Ministry", "Department", "Commission", "Administration", "Agency", "Bureau", "Council", "Congress",
    "Senate", "Parliament", "Authority", "Committee", "Government", "Cabinet", "Treasury", "Regulator",
    "Office", "Court", "Assembly", "Politburo",
}
_POLICY_LAST = {
    "Act", "Law", "Plan", "Initiative", "Rule", "Rules", "Regulation", "Regulations", "Program", "Programme",
    "Strategy", "List", "Order", "Directive", "Framework", "Policy", "Measures", "Guidelines", "Ban", "Sanctions",
}
_INDEX_LAST = {"Index", "Composite", "Average"}
_EXCHANGE_LAST = {"Exchange"}
# Cue word right after the name -> type ("DeepSeek-R1 model", "Kunlun P800 chip").
_AFTER = [
    (re.compile(r"\s(?:AI\s|large\s|language\s|reasoning\s|open-source\s|foundation\s)*"
                r"(?:models?|LLMs?|chatbots?|assistants?)\b"), "AIModel"),
    (re.compile(r"\s(?:AI\s)?(?:chips?|processors?|GPUs?|accelerators?|chipsets?|SoCs?|semiconductors?)\b"), "Chip"),
    (re.compile(r"\s(?:apps?|platforms?|services?|smartphones?|phones?|handsets?|robotaxis?|operating system|"
                r"browsers?|devices?|vehicles?|cars?|EVs?|laptops?|tablets?|headsets?|wearables?)\b"), "Product"),
]
# Cue word right before the name ("startup Manus", "CEO Lisa Su").
_BEFORE = [
    (re.compile(r"\b(?:startup|start-up|company|firm|maker|giant|rival|developer|chipmaker|automaker|carmaker|"
                r"supplier|brokerage|lender|bank|insurer|investor|fund|conglomerate|unit|subsidiary|"
                r"manufacturer|foundry|operator|retailer|platform)\s$"), "Company"),
    (re.compile(r"\b(?:model|chatbot)\s$"), "AIModel"),
    (re.compile(r"\b(?:CEO|[Cc]hief [Ee]xecutive(?: [Oo]fficer)?|[Ff]ounder|[Cc]o-founder|[Cc]hairman|"
                r"[Cc]hairwoman|[Pp]resident|[Aa]nalysts?|[Ss]ecretary|[Mm]inister|[Ss]pokes(?:person|man|woman)|"
                r"[Dd]irector|[Mm]anager|[Ss]trategist|[Ee]conomist|[Hh]ead|Mr\.|Ms\.|Mrs\.|Dr\.|Senator|"
                r"Rep\.|[Pp]rofessor|[Pp]artner|[Rr]esearcher|[Ee]xecutive|[Oo]fficial|[Ll]eader|[Pp]remier|"
                r"CFO|CTO|COO)\s$"), "Person"),
]
_PERSON_AFTER = re.compile(
    r"^(?:,\s(?:the\s|a\s|an\s)?(?:\w+\s){0,3}?(?:CEO|chief|founder|co-founder|chairman|chairwoman|president|"
    r"analyst|head|director|manager|strategist|economist|partner|professor|spokes\w+|secretary|minister|"
    r"executive|researcher|portfolio|vice)|\s(?:said|says|told|wrote|added|noted|explained|argued|warned))\b"
)
_TICKER_AFTER = re.compile(r"^\s\((?:(?:NASDAQ|NYSE|HKEX|SSE|SZSE|HK|TSE|LSE)\s?:\s?\w+|\d{3,6}\.(?:HK|SS|SZ|T)|"
                           r"[A-Z]{2,5}\.[A-Z]{1,2})\)")
_PERSON_TOKEN = re.compile(r"^[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?$")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop sentence-initial function words and trailing possessives/punctuation from a name span."""
    while True:
        m = re.match(r"(\S+)\s", text[start:end])
        if m and m.group(1) in _STOP_START:
            start += m.end()
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


def _type_of(name: str, before: str, after: str) -> tuple[str, str] | None:
    """Type of a capitalised name from its own words and the words around it, with the rule's name."""
    words = name.split()
    last = words[-1]
    if last in _INDEX_LAST and len(words) > 1:
        return "StockIndex", "discover:index-suffix"
    if len(words) > 1 and last in _EXCHANGE_LAST:
        return "Exchange", "discover:exchange-suffix"
    if len(words) > 1 and last in _POLICY_LAST:
        return "Policy", "discover:policy-suffix"
    if any(w in _GOV_WORDS for w in words) and len(words) > 1:
        return "GovernmentBody", "discover:government-word"
    if (len(words) > 1 and last in _COMPANY_SUFFIX) or name.endswith(".com"):
        return "Company", "discover:corporate-suffix"
    if _TICKER_AFTER.match(after):
        return "Company", "discover:ticker"
    for rx, t in _AFTER:
        if rx.match(after):
            return t, f"discover:{t.lower()}-cue-after"
    person_like = 2 <= len(words) <= 3 and all(_PERSON_TOKEN.match(w) for w in words)
    for rx, t in _BEFORE:
        if rx.search(before):
            if t == "Person" and not person_like:
                continue
            return t, f"discover:{t.lower()}-cue-before"
    if person_like and _PERSON_AFTER.match(after):
        return "Person", "discover:person-speech"
    return None


def discover(text: str, taken: list[Span], field: str = "text") -> list[Span]:
    """Typed spans for capitalised names not covered by `taken` (the catalog matches)."""
    out: list[Span] = []
    covered = sorted((s.start, s.end) for s in taken if s.field == field)
    for m in _NAME.finditer(text):
        start, end = _trim(text, m.start(), m.end())
        if end - start < 2 or not text[start].isupper() and not text[start].isdigit():
            continue
        if any(s < end and start < e for s, e in covered):
            # Extend a catalog company over a trailing corporate suffix? Leave it to the catalog span.
            continue
        if text[end:end + 1] == "." and text[start:end].rsplit(" ", 1)[-1] in ("Co", "Inc", "Corp", "Ltd", "Bros"):
            end += 1
        name = text[start:end]
        typed = _type_of(name, text[max(0, start - 40):start], text[end:end + 60])
        if typed is None:
            continue
        t, rule = typed
        out.append(Span(start, end, name, t, None, rule, 0.6, field))
    return out


def person_surnames(text: str, persons: list[Span], taken: list[Span], field: str = "text") -> list[Span]:
    """Later mentions of a discovered person by surname alone ("Au said") become mentions of that person."""
    out: list[Span] = []
    busy = [(s.start, s.end) for s in taken if s.field == field]
    for p in persons:
        surname = p.text.split()[-1]
        for m in re.finditer(rf"\b{re.escape(surname)}\b", text):
            if m.start() < p.end or any(s < m.end() and m.start() < e for s, e in busy):
                continue
            out.append(Span(m.start(), m.end(), surname, "Person", None, "discover:surname", 0.6, field, p.text))
            busy.append((m.start(), m.end()))
    return out
