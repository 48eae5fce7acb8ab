"""Ingest: the catalog's plan files → ParsedPlan records, one parser per layout.

A bad plan (missing, empty, binary, not UTF-8, changed hash, parser failure) is reported in one
line and skipped; the other plans are still ingested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rusqa.errors import CorpusError, RusqaError
from rusqa.ingest import generic, grorud, nordre_aker, oslo, stovner, tables, ullern
from rusqa.ingest.catalog import load_catalog
from rusqa.ingest.source import Source
from rusqa.models import ParsedPlan, Passage, Plan, Tiltak

PARSER_VERSION = "1"

Parser = Callable[[Source, Plan], ParsedPlan]

PARSERS: dict[str, Parser] = {
    "oslo": oslo.parse,
    "grorud": grorud.parse,
    "ullern": ullern.parse,
    "nordre_aker": nordre_aker.parse,
    "stovner": stovner.parse,
    "generic": generic.parse,
    "pdf": tables.parse,
    "docx": tables.parse,
}


@dataclass
class Corpus:
    """The parsed plans and the problems met on the way."""

    plans: list[ParsedPlan] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def warnings(self) -> list[str]:
        """The parsers' own warnings and the completeness check, one line each, per plan."""
        return [
            line
            for parsed in self.plans
            for line in [*(f"{parsed.plan.id}: {w}" for w in parsed.warnings), *completeness(parsed)]
        ]

    def plan(self, plan_id: str) -> ParsedPlan:
        for parsed in self.plans:
            if parsed.plan.id == plan_id:
                return parsed
        raise KeyError(plan_id)

    def all_tiltak(self) -> Iterator[Tiltak]:
        for parsed in self.plans:
            yield from parsed.tiltak

    def all_passages(self) -> Iterator[Passage]:
        for parsed in self.plans:
            yield from parsed.passages


def completeness(parsed: ParsedPlan) -> list[str]:
    """What makes a parsed plan suspect: no tiltak at all, or tiltak without an owner (never silent)."""
    if not parsed.tiltak:
        return [
            f"{parsed.plan.id}: no tiltak found ({len(parsed.passages)} prose passages) — the plan's tables were not "
            "recognised; check that its header row names the columns (Tiltak, Ansvarlig, Frist …) or add a parser"
        ]
    ownerless = [t.id for t in parsed.tiltak if not t.owner]
    if ownerless:
        shown = ", ".join(ownerless[:5]) + (" …" if len(ownerless) > 5 else "")
        return [
            f"{parsed.plan.id}: {len(ownerless)} of {len(parsed.tiltak)} tiltak have no owner ({shown}) — "
            "check the Ansvarlig column in the plan"
        ]
    return []


def parse_plan(plan: Plan, plans_dir: Path) -> ParsedPlan:
    """Read, check and parse one catalogued plan; raises RusqaError with a one-line message."""
    path = plans_dir / plan.file
    source = Source.read(path)
    if source.sha256 != plan.sha256:
        raise CorpusError(
            f"{path}: content changed since it was catalogued (sha256 {source.sha256[:12]}…, catalog says "
            f"{plan.sha256[:12]}…) — check the new text, then update `sha256` in corpus/catalog.yaml"
        )
    try:
        return PARSERS[plan.layout](source, plan)
    except RusqaError:
        raise
    except Exception as exc:  # a parser bug must not stop the other plans
        raise CorpusError(
            f"{path}: the `{plan.layout}` parser failed ({type(exc).__name__}: {exc}) — report it; plan skipped"
        ) from exc


def ingest(corpus_dir: Path, on_plan: Callable[[Plan], None] | None = None) -> Corpus:
    """Parse every catalogued plan under corpus_dir; bad plans become problems, not exceptions."""
    plans, problems = load_catalog(corpus_dir / "catalog.yaml", set(PARSERS))
    corpus = Corpus(problems=problems)
    for plan in plans:
        if on_plan:
            on_plan(plan)
        try:
            corpus.plans.append(parse_plan(plan, corpus_dir / "plans"))
        except RusqaError as exc:
            corpus.problems.append(str(exc))
    return corpus
