"""The column headers of tiltak tables — and the labels of labelled tiltak blocks — and the field each names."""

from __future__ import annotations

import re

from rusqa.text import collapse

# Column headers as Norwegian plans print them (first word of the header cell, casefolded): the labels of the five
# plans, their synonyms in a general Norwegian thesaurus (handling/oppgave/virkemiddel for tiltak; tidsramme for
# frist; fremdrift for status; risikonivå for risiko), the «Hva · Hvem · Når» layout of simple action plans, and the
# areas a plan groups its tiltak under (innsatsområde, satsingsområde), read as their goal.
COLUMN_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("nr", "nr.", "nummer", "id", "kode", "tiltaksnr", "tiltaksnummer", "løpenr", "løpenummer"),
    "goal": (
        "mål",
        "delmål",
        "resultatmål",
        "hovedmål",
        "målsetting",
        "målsettinger",
        "effektmål",
        "formål",
        "innsatsområde",
        "satsingsområde",
        "satsningsområde",
        "fokusområde",
    ),
    "text": (
        "tiltak",
        "tiltaksbeskrivelse",
        "beskrivelse",
        "aktivitet",
        "aktiviteter",
        "tiltakene",
        "handling",
        "handlinger",
        "oppgave",
        "oppgaver",
        "virkemiddel",
        "virkemidler",
        "hva",
    ),
    "owner": ("ansvarlig", "ansvar", "hovedansvar", "ansvarlige", "ansvarsenhet", "eier", "hvem", "utføres"),
    "deadline": (
        "frist",
        "tidsfrist",
        "tidsplan",
        "tidspunkt",
        "periode",
        "tidsperiode",
        "tidsrom",
        "når",
        "gjennomføring",
        "gjennomføres",
        "tidsramme",
        "tidsperspektiv",
        "tid",
        "dato",
    ),
    "status": ("status", "fremdrift", "framdrift", "statusvurdering"),
    "risk": ("risiko", "risikovurdering", "risikonivå"),
}
_HYPHENATED = re.compile(r"(\w)-(?:\s*\n\s*|\s+)([a-zæøå])")  # «Tids-⏎frist», or «Tids- frist» once joined
_HEADER_WORD = re.compile(r"[^\wæøåÆØÅ.]+")
ROW_FIELDS = ("owner", "deadline", "status", "risk")


def column_field(header: str) -> str | None:
    """«Tiltaksbeskrivelse» → text, «Frist/Status» → deadline, «Ansvarlig enhet» → owner, «Tiltak nr.» → code; a
    header hyphenated over two lines («Tiltaks-⏎beskrivelse») is one word."""
    joined = _HYPHENATED.sub(r"\1\2", header)
    words = [w for w in _HEADER_WORD.split(collapse(joined).casefold()) if w]
    if not words:
        return None
    if len(words) > 1 and words[1].rstrip(".") in ("nr", "nummer"):  # «Tiltak nr.»: the tiltak's number
        return "code"
    first = words[0].rstrip(".") if words[0] != "nr." else "nr."
    for name, labels in COLUMN_HEADERS.items():
        if first in labels or words[0] in labels:
            return name
    return None


def column_name(field: str) -> str:
    """The header a field's column is given where a reader must name it: «Tiltak», «Ansvarlig», «Nr» …"""
    return COLUMN_HEADERS[field][0].capitalize()
