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
