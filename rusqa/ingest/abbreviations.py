"""Expanding printed owner codes («OF/HM») through a plan's own abbreviation list."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[A-ZÆØÅ][A-ZÆØÅa-zæøå]*")


def expand_owner(owner: str | None, abbreviations: dict[str, str]) -> str | None:
    """«OF/HM» → «Oppvekst- og familieavdelingen / Helse- og mestringsavdelingen».

    Only whole tokens that the plan's own list defines are replaced; separators are kept
    («/» becomes « / », «,» stays). None when nothing in the owner is an abbreviation.
    """
    if not owner or not abbreviations:
        return None
    replaced = False

    def sub(match: re.Match[str]) -> str:
        nonlocal replaced
        token = match.group(0)
        if token in abbreviations:
            replaced = True
            return abbreviations[token]
        return token

    expanded = _TOKEN.sub(sub, owner)
    if not replaced:
        return None
    return re.sub(r"\s*/\s*", " / ", expanded)


# «Hasjavvenningsprogram (HAP)», «IPS (Individuell jobbstøtte)»: a plan defining its own short forms.
_LONG_THEN_SHORT = re.compile(r"([A-Za-zÆØÅæøå][\wæøåÆØÅ-]{5,}(?: [\wæøåÆØÅ-]+){0,3})\s*\(([A-ZÆØÅ]{2,6})\)")
_SHORT_THEN_LONG = re.compile(r"\b([A-ZÆØÅ]{2,6})\s*\(([A-ZÆØÅa-zæøå][^()]{5,60})\)")


def defined_abbreviations(texts: list[str]) -> dict[str, tuple[str, ...]]:
    """Short forms the texts define in brackets, lowercased: {«hap»: («hasjavvenningsprogram»,)}.

    A pair counts when the short form's first letter starts the long form's last words (the long
    form is cut to the words that the short form's letters begin).
    """
    pairs: dict[str, list[str]] = {}
    for text in texts:
        for long, short in _LONG_THEN_SHORT.findall(text):
            _add(pairs, short, long)
        for short, long in _SHORT_THEN_LONG.findall(text):
            _add(pairs, short, long)
    return {short: tuple(dict.fromkeys(longs)) for short, longs in pairs.items()}


def _add(pairs: dict[str, list[str]], short: str, long: str) -> None:
    words = long.split()
    letter = short[0].lower()
    # the long form begins at the last word (within the short form's length) that starts with its letter
    start = next(
        (i for i in range(max(0, len(words) - len(short)), len(words)) if words[i][:1].lower() == letter), None
    )
    if start is None:
        return
    pairs.setdefault(short.lower(), []).append(" ".join(words[start:]).lower())


# A plan's list of owner codes: «OF – Oppvekst og familie», «OF: Oppvekst og familie», «OF = …».
_CODE = r"[A-ZÆØÅ][A-ZÆØÅa-zæøå]{0,2}[A-ZÆØÅ]{1,4}"
_CODE_LINE = re.compile(rf"^\s*[•\-]?\s*({_CODE})\s*(?:[–—=:]|-\s)\s*([A-ZÆØÅa-zæøå].{{2,80}}?)\s*[.;,]?\s*$")
_CODE_CELL = re.compile(rf"^{_CODE}$")
_ABBREVIATION_HEADERS = ("forkortelse", "forkortelser", "kode", "koder", "förkortning", "akronym")


# «BK = Barnevernet, OF = Oppvekst og familie, HM = …»: a legend line of several codes
_PAIR = re.compile(rf"({_CODE})\s*[=:–]\s*([A-ZÆØÅa-zæøå][^,;=]*?)(?=\s*[,;]\s*{_CODE}\s*[=:–]|\s*[.;,]?\s*$)")
# «OF        Oppvekst og familie» under a heading that names the list («Forkortelser …»): a code, then its name
_SPACED_CODE_LINE = re.compile(r"^\s*([A-ZÆØÅ][A-Za-zÆØÅæøå]{1,5})\s+([A-ZÆØÅ].{2,80}?)\s*[.;,]?\s*$")


def abbreviation_lines(lines: list[str]) -> dict[str, str]:
    """Codes defined one per line, in a run of at least two such lines (a lone «OF: …» is prose); several to a
    legend line; or a code and its name set apart only by space, in the lines under «Forkortelser»."""
    found: dict[str, str] = {}
    run: dict[str, str] = {}
    listed = False  # under a line that names the list of codes
    for line in [*lines, ""]:
        pairs = _PAIR.findall(line)
        if len(pairs) >= 2 and sum(len(c) + len(n) for c, n in pairs) > len(line) * 0.6:
            found.update({code: name.strip() for code, name in pairs})
            continue
        match = _CODE_LINE.match(line) or (_SPACED_CODE_LINE.match(line) if listed else None)
        if match and match.group(2)[0].isupper() and sum(c.isupper() for c in match.group(1)) >= 2:
            run[match.group(1)] = match.group(2).rstrip(" .;,")
            continue
        if len(run) >= 2:
            found.update(run)
        run = {}
        listed = "forkortelse" in line.casefold() or ("kode" in line.casefold() and len(line) < 80)
    return found


def abbreviation_table(table: object) -> dict[str, str]:
    """A two-column table whose first column holds codes (with or without a «Forkortelse» header)."""
    header: list[str] = getattr(table, "header", [])
    rows = [row.cells for row in getattr(table, "rows", [])]
    if len(header) != 2:
        return {}
    named = header[0].strip().casefold().rstrip(":") in _ABBREVIATION_HEADERS
    body = rows if named else [header, *rows]
    pairs = {" ".join(code.split()): " ".join(long.split()) for code, long in (r[:2] for r in body if len(r) >= 2)}
    if len(pairs) < 2 or not all(_CODE_CELL.match(code) and long for code, long in pairs.items()):
        return {}
    return pairs
