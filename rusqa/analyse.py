"""Question analysis: which plan(s), which intent, which search terms — Norwegian or English.

Pure functions over the question text and the corpus's plans; no retrieval here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import Field

from rusqa.models import Intent, Plan, Record
from rusqa.text import normalise, stopwords, tokenize, words

# Oslo's districts (bydeler); longest first so «Søndre Nordstrand» wins over «Nordstrand».
OSLO_BYDELER = sorted(
    [
        "Gamle Oslo",
        "Grünerløkka",
        "Sagene",
        "St. Hanshaugen",
        "Frogner",
        "Ullern",
        "Vestre Aker",
        "Nordre Aker",
        "Bjerke",
        "Grorud",
        "Stovner",
        "Alna",
        "Østensjø",
        "Nordstrand",
        "Søndre Nordstrand",
        "Sentrum",
        "Marka",
    ],
    key=len,
    reverse=True,
)
_BYDEL_ALIASES = {
    "st hanshaugen": "St. Hanshaugen",
    "grunerlokka": "Grünerløkka",
    "ostensjo": "Østensjø",
    "sondre nordstrand": "Søndre Nordstrand",
    "gamle oslo": "Gamle Oslo",
}

# Other municipalities a user might name; a question about them has no basis in Oslo's plans.
OTHER_PLACES = [
    "Bergen",
    "Trondheim",
    "Stavanger",
    "Kristiansand",
    "Drammen",
    "Fredrikstad",
    "Tromsø",
    "Sandnes",
    "Bærum",
    "Asker",
    "Lillestrøm",
    "Skien",
    "Bodø",
    "Ålesund",
    "Sarpsborg",
    "Larvik",
    "Tønsberg",
    "Moss",
    "Hamar",
    "Lillehammer",
    "Gjøvik",
    "Halden",
    "Arendal",
    "Haugesund",
    "Molde",
    "Harstad",
    "Sandefjord",
    "Lørenskog",
    "Ullensaker",
    "Kongsberg",
    "Steinkjer",
    "Narvik",
    "Porsgrunn",
    "Stockholm",
    "Göteborg",
    "København",
    "Copenhagen",
    "Helsinki",
    "Gøteborg",
    "Malmö",
]

_CITY_PLAN = re.compile(
    r"\b(byens|byrådets|kommunens|oslo kommunes?|the city'?s?|city|municipal(?:ity)?'?s?)\b.{0,30}?"
    r"\b(plan|planen|handlingsplan|handlingsplanen|tiltak|measures?|action plan)\b"
    r"|\btryggere liv\b|\bbyplanen\b|\bbyrådsavdeling\w*\b|\boslo kommune\b|\bhandlingsplan(?:en)? for rusfeltet\b"
    r"|\b\d{1,2}\s?[fs]\b",
)
_OTHER_KOMMUNE = re.compile(r"\b([a-zæøå]+)\s+kommunes?\b")

_INTENTS: list[tuple[Intent, re.Pattern[str]]] = [
    (
        "compare",
        re.compile(
            r"\b(sammenlign\w*|forskjell\w*|compare[sd]?|comparison|differ\w*|versus|vs\.?)\b"
            r"|\bhvordan\b.*\bog\b.*\b(jobber|arbeider|håndterer)\b"
        ),
    ),
    (
        "list",
        re.compile(
            r"\b(hvilke|hvilken|which|what) (bydeler|bydel|planer|districts?|plans?|boroughs?)\b"
            r"|\b(alle|all|list|liste|oversikt over|nevn)\b.{0,20}\b(tiltak|measures?|bydeler|planer|districts)\b"
            r"|\bhvor mange (bydeler|planer)\b|\bhvilke tiltak\b|\bwhat measures\b|\bwhich measures\b"
        ),
    ),
    ("risk", re.compile(r"\b(risiko\w*|risk\w*)\b")),
    ("status", re.compile(r"\b(status\w*|hvor langt|progress|how far|underveis|påbegynt|igangsatt|startet)\b")),
    (
        "deadline",
        re.compile(
            r"\b(frist\w*|tidsfrist|deadline\w*|når skal|innen når|when (?:is|will|should|must|are)|"
            r"due|by when|tidsramme|timeline|når er)\b"
        ),
    ),
    (
        "owner",
        re.compile(
            r"\b(hvem|who|whom|ansvar\w*|responsib\w*|owns?|owner|eier|hvilken etat|which agency|"
            r"hvilken avdeling|hvilken byrådsavdeling|står bak|tar seg av|følger opp)\b"
        ),
    ),
]

# Words that frame the question rather than name its subject; kept out of the search terms.
_FRAME = {
    "ansvar",
    "ansvarlig",
    "ansvarleg",
    "frist",
    "fristen",
    "status",
    "statusen",
    "risiko",
    "risikoen",
    "risikonivå",
    "risikonivået",
    "tiltak",
    "tiltaket",
    "tiltakene",
    "plan",
    "planen",
    "planene",
    "rusplan",
    "rusplanen",
    "handlingsplan",
    "handlingsplanen",
    "bydel",
    "bydelen",
    "bydelene",
    "bydeler",
    "står",
    "bak",
    "tar",
    "følger",
    "hvilket",
    "hvilke",
    "hvilken",
    "nevn",
    "list",
    "liste",
    "sammenlign",
    "etat",
    "etaten",
    "avdeling",
    "sin",
    "sitt",
    "sine",
    "oslo",
    "kommune",
    "kommunes",
    "byens",
    "planer",
    "sier",
    "nevner",
    "skriver",
    "gjelder",
    "inneholder",
    "noe",
    "noen",
    "finnes",
    "ha",
    "gjøre",
    "gjør",
}
_ENGLISH_FRAME = {
    "who",
    "whom",
    "what",
    "which",
    "when",
    "where",
    "how",
    "does",
    "do",
    "did",
    "is",
    "are",
    "the",
    "a",
    "an",
    "of",
    "for",
    "in",
    "on",
    "to",
    "and",
    "or",
    "with",
    "about",
    "plan",
    "plans",
    "district",
    "districts",
    "measure",
    "measures",
    "responsible",
    "owns",
    "owner",
    "deadline",
    "status",
    "risk",
    "level",
    "city",
    "city's",
    "by",
    "there",
    "any",
    "have",
    "has",
    "their",
    "its",
    "this",
    "that",
    "say",
    "says",
    "compare",
    "between",
    "list",
    "all",
    "borough",
    "action",
    "me",
    "tell",
    "please",
    "municipality",
    "s",
    "be",
    "will",
}

# A small domain glossary: English words → the plans' Norwegian terms.
GLOSSARY: dict[str, str] = {
    "naloxone": "nalokson naloxon",
    "overdose": "overdose",
    "overdoses": "overdose overdosedødsfall",
    "deaths": "dødsfall",
    "death": "dødsfall",
    "training": "opplæring kurs",
    "housing": "bolig boliger",
    "home": "bolig",
    "homes": "bolig",
    "homeless": "bostedsløse bolig",
    "relatives": "pårørende",
    "family": "familie pårørende",
    "families": "familier",
    "next": "pårørende",
    "kin": "pårørende",
    "youth": "ungdom unge",
    "young": "unge ungdom",
    "children": "barn",
    "kids": "barn",
    "school": "skole skolen",
    "schools": "skoler skolene",
    "pupils": "elever",
    "students": "elever",
    "parents": "foreldre",
    "drug": "rus rusmidler",
    "drugs": "rusmidler narkotika",
    "substance": "rus",
    "alcohol": "alkohol",
    "cannabis": "cannabis hasj",
    "hash": "hasj",
    "hashish": "hasj",
    "prevention": "forebygging forebyggende",
    "preventive": "forebyggende",
    "prevent": "forebygge",
    "harm": "skadereduksjon skadereduserende",
    "reduction": "skadereduksjon",
    "consumption": "brukerrom",
    "injection": "brukerrom sprøyte",
    "checking": "rusmiddelanalyse analyse",
    "testing": "rusmiddelanalyse",
    "police": "politi politiet",
    "employment": "arbeid jobb",
    "work": "arbeid",
    "job": "jobb arbeid",
    "jobs": "jobber arbeid",
    "elderly": "eldre",
    "older": "eldre",
    "outreach": "oppsøkende",
    "mental": "psykisk",
    "health": "helse",
    "volunteers": "frivillige",
    "volunteer": "frivillig",
    "peer": "erfaringskonsulent erfaringskompetanse",
    "experience": "erfaringskonsulent erfaringskompetanse",
    "equipment": "brukerutstyr",
    "needles": "sprøyter brukerutstyr",
    "treatment": "behandling",
    "follow": "oppfølging",
    "competence": "kompetanse",
    "skills": "kompetanse",
    "survey": "kartlegging undersøkelse",
    "mapping": "kartlegging",
    "inhabitants": "innbyggere",
    "residents": "innbyggere",
    "population": "innbyggere befolkning",
    "users": "brukere",
    "user": "bruker",
    "room": "brukerrom",
    "goal": "mål",
    "goals": "mål",
    "strategy": "strategi",
    "strategies": "strategier",
    "digital": "digital",
    "nightlife": "utelivet",
    "sports": "idrett",
    "leisure": "fritid",
    "clubs": "klubber",
    "contact": "kontaktperson",
    "person": "person",
    "institution": "institusjon",
    "institutions": "institusjoner",
    "crime": "kriminalitet",
    "criminal": "kriminalitet",
    "prison": "fengsel",
    "women": "kvinner",
    "pregnant": "gravide",
    "gambling": "pengespill",
    "medication": "legemidler",
    "medicines": "legemidler",
    "opioids": "opioider",
    "fentanyl": "fentanyl",
    "statistics": "statistikk",
    "visits": "besøk",
    "background": "bakgrunn",
    "addiction": "avhengighet rusavhengighet",
    "addicted": "avhengighet",
    "welfare": "velferdsetaten",
    "agency": "etat",
    "employees": "ansatte",
    "staff": "ansatte",
    "nav": "nav",
    "early": "tidlig",
    "intervention": "intervensjon innsats",
    "quality": "livskvalitet",
    "life": "liv",
    "dialogue": "samtale",
    "conversation": "samtale",
    "conversations": "samtaler",
    "contract": "ruskontrakt",
    "contracts": "ruskontrakter",
    "knowledge": "kunnskap",
    "cooperation": "samarbeid",
    "collaboration": "samarbeid samhandling",
}

_ENGLISH_MARKERS = {
    "who",
    "what",
    "which",
    "when",
    "where",
    "how",
    "the",
    "does",
    "do",
    "is",
    "are",
    "of",
    "for",
    "and",
    "in",
    "to",
    "on",
    "with",
    "has",
    "have",
    "about",
    "owns",
    "any",
    "there",
    "their",
    "this",
    "that",
    "by",
    "from",
}


class Query(Record):
    """What rusqa understood of a question."""

    text: str
    intent: Intent
    plan_ids: list[str] = Field(default_factory=list, description="Plans the question is limited to; empty = all.")
    unknown_place: str | None = Field(default=None, description="A place named that has no plan here.")
    english: bool = False
    terms: list[str] = Field(default_factory=list, description="BM25 tokens of the question's subject.")
    dense_text: str = Field(default="", description="The question as embedded for the dense leg.")


def detect_intent(norm: str) -> Intent:
    for intent, pattern in _INTENTS:
        if pattern.search(norm):
            return intent
    return "fact"


def is_english(norm: str) -> bool:
    tokens = re.findall(r"[a-z']+", norm)
    hits = sum(1 for t in tokens if t in _ENGLISH_MARKERS)
    return hits >= 2 or (hits >= 1 and len(tokens) <= 4 and not re.search(r"[æøå]", norm))


def find_places(norm: str, plans: Iterable[Plan]) -> tuple[list[str], str | None]:
    """Plan ids the question names, and a named bydel/municipality that has no plan here."""
    plans = list(plans)
    by_bydel = {normalise(p.bydel): p.id for p in plans if not p.is_city_plan}
    found: list[str] = []
    unknown: str | None = None
    rest = norm
    for name in OSLO_BYDELER:
        key = normalise(name)
        pattern = re.compile(rf"\b{re.escape(key)}\b")
        if pattern.search(rest):
            rest = pattern.sub(" ", rest)
            if key in by_bydel:
                found.append(by_bydel[key])
            elif unknown is None:
                unknown = name
    for alias, name in _BYDEL_ALIASES.items():
        if re.search(rf"\b{alias}\b", rest) and normalise(name) not in by_bydel and unknown is None:
            unknown = name
    for place in OTHER_PLACES:
        if re.search(rf"\b{re.escape(normalise(place))}\b", rest) and unknown is None:
            unknown = place
    for match in _OTHER_KOMMUNE.finditer(rest):
        if match.group(1) not in {"oslo", "i", "en", "hver", "denne", "vår", "var"} and unknown is None:
            unknown = match.group(1).capitalize()
    city = [p.id for p in plans if p.is_city_plan]
    if city and _CITY_PLAN.search(rest):
        found.extend(city)
    return sorted(set(found), key=found.index), unknown


def split_compound(word: str, vocabulary: frozenset[str]) -> list[str]:
    """«naloxonopplæring» → [«naloxon», «opplæring»] when both parts occur in the plans (linking s/e allowed)."""
    if word in vocabulary or len(word) < 8:
        return []
    best: list[str] = []
    for i in range(4, len(word) - 3):
        head, tail = word[:i], word[i:]
        for h in (head, head[:-1] if head.endswith(("s", "e")) else None):
            if h and len(h) >= 4 and h in vocabulary and tail in vocabulary:
                candidate = [h, tail]
                if not best or min(map(len, candidate)) > min(map(len, best)):
                    best = candidate
    return best


def search_terms(question: str, vocabulary: frozenset[str], strip: Iterable[str] = ()) -> list[str]:
    """BM25 tokens for the question's subject: frame words and named places out, compounds split, glossary in."""
    stripped = set(_FRAME) | {normalise(s) for s in strip}
    raw = [w for w in words(question) if w not in stripped]
    extra: list[str] = []
    for w in raw:
        if w in GLOSSARY:
            extra.append(GLOSSARY[w])
        extra.extend(split_compound(w, vocabulary))
    content = [w for w in raw if w not in _ENGLISH_FRAME or w in vocabulary]
    return tokenize(" ".join(content + extra))


def analyse(question: str, plans: Iterable[Plan], vocabulary: frozenset[str]) -> Query:
    plans = list(plans)
    norm = normalise(question)
    plan_ids, unknown = find_places(norm, plans)
    intent = detect_intent(norm)
    named = [p.bydel for p in plans if p.id in plan_ids and not p.is_city_plan]
    terms = search_terms(question, vocabulary, strip=[*named, *(unknown.split() if unknown else [])])
    if not terms:  # only frame words: search with everything the question has
        terms = [t for t in tokenize(question) if t not in stopwords()]
    return Query(
        text=question,
        intent=intent,
        plan_ids=plan_ids,
        unknown_place=unknown,
        english=is_english(norm),
        terms=terms,
        dense_text=question,
    )
