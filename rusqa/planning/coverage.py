"""Coverage: which of the city plan's measures for «bydelene» each district plan has a tiltak for.

For each city measure addressed to the districts (`Tiltak.for_bydelene`) and each district plan,
the measure's text is searched within that plan with the chat's own retrieval
(`rusqa.search.retrieve.search`); only tiltak records count. The query is the measure's *distinctive*
terms: words that occur in more than a quarter of all tiltak (rusproblem, person, samarbeid,
tilby …) say nothing about whether a district took the measure up and are dropped, so that
`Hit.coverage` is the share of the measure's own subject that the district tiltak shares.

Grading, from the candidates' signals (best coverage, best cosine):

- **covered**: a tiltak holds ≥ COVERED_COVERAGE (0.30) of the measure's distinctive terms;
- **partial**: otherwise, a tiltak holds ≥ PARTIAL_COVERAGE (0.15) of them, or the dense leg finds
  one close (cosine ≥ PARTIAL_COSINE, 0.885 — multilingual-e5 scores almost every pair of
  Norwegian rusplan sentences 0.84–0.89, so only the top of that range means anything);
- **none** otherwise; the closest candidates are shown anyway, for the planner to judge.

How the thresholds were chosen: the 9 measures × 4 district plans were labelled by hand (reading
each measure and each district's tiltak; the labels are LABELLED in tests/test_coverage.py), and
a grid over covered-coverage {0.30 … 0.50}, partial-coverage {0.15 … 0.30} and partial-cosine
{0.87 … 0.895, off} was scored against them. The chosen values agree on the exact status for 29
of 36 pairs and on found vs not found for 30 of 36 (all-«none» would get 21); the test keeps a
floor under that as retrieval changes. Misses are mostly
paraphrases the stemmed terms cannot see («levevanekurs ved frisklivssentralen» against
«frisklivstilbud … endring av levevaner»), which is why candidates are always cited.

`score` is the best tiltak's coverage (0–1). The district plans (2020–2024 and undated) are older
than the city plan (2026–2029), so «none» means «not (yet) in the district's plan», not neglect.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from rusqa.models import Hit, Plan, Question, Role, Shape, Tiltak
from rusqa.planning.verdicts import Decision, Verdict
from rusqa.search.live import LiveIndex
from rusqa.search.retrieve import search
from rusqa.text import tokenize

Status = Literal["covered", "partial", "none"]

COVERED_COVERAGE = 0.3
PARTIAL_COVERAGE = 0.15
PARTIAL_COSINE = 0.885
GENERIC_SHARE = 0.25  # a term in more than this share of all tiltak is not distinctive
ADDRESSEE = frozenset({"bydel"})  # «Bydelene …» names who is asked, not what
CANDIDATES = 3  # tiltak cited per cell
SEARCH_K = 30  # records retrieved per plan before keeping tiltak only

STATUS_LABEL = {"covered": "dekket", "partial": "delvis", "none": "ikke funnet"}


@dataclass(frozen=True)
class Candidate:
    """A district tiltak found for a measure, with the retrieval signals that graded it."""

    tiltak: Tiltak
    coverage: float
    cosine: float | None
    score: float


@dataclass(frozen=True)
class Cell:
    """One measure × one district plan: the suggestion, or the planner's verdict over it."""

    plan: Plan
    status: Status
    score: float
    candidates: list[Candidate] = field(default_factory=list)
    source: Literal["planner", "suggested"] = "suggested"
    decisions: list[Decision] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """One city measure and its cells, one per district plan."""

    measure: Tiltak
    terms: list[str]
    cells: list[Cell]
    role: Role = Role.LEAD


# One rule for the districts' part in a city measure, read from its actor phrase: they lead when an item
# of the measure opens with «Bydelene …»; they are partners when another actor works «i samarbeid med
# bydelene», «samarbeider med bydelene» or «sammen med bydelene». Districts that only receive something,
# or are a place («i tre bydeler»), are neither.
_LEAD = re.compile(r"^bydelen(?:e)?\b")
_PARTNER = re.compile(r"\b(?:i samarbeid med|samarbeider med|sammen med) bydel(?:en|ene)?\b")


def measure_role(t: Tiltak) -> Role | None:
    """lead, partner, or None when the districts do not act in the measure."""
    items = [item.strip().casefold() for item in t.text.split(" • ")]
    if any(_LEAD.match(item) for item in items):
        return Role.LEAD
    if _PARTNER.search(t.text.casefold()):
        return Role.PARTNER
    return None


def grade(coverage: float, cosine: float | None) -> Status:
    """The status of a cell from its best tiltak's signals (thresholds in the module docstring)."""
    if coverage >= COVERED_COVERAGE:
        return "covered"
    if coverage >= PARTIAL_COVERAGE or (cosine is not None and cosine >= PARTIAL_COSINE):
        return "partial"
    return "none"


def city_measures(live: LiveIndex) -> list[Tiltak]:
    """The city plan's measures in which the districts act, lead or partner, in plan order."""
    return [t for p in live.plans if p.plan.is_city_plan for t in p.tiltak if measure_role(t) is not None]


def district_plans(live: LiveIndex) -> list[Plan]:
    return [p.plan for p in live.plans if not p.plan.is_city_plan]


def measure_text(measure: Tiltak) -> str:
    """The part of a measure every district is asked to do: its first item and any item naming «bydelene»
    (items for one named bydel, such as «Bydel Bjerke tilbyr …», are left out)."""
    items = measure.text.split(" • ")
    return " ".join([items[0], *(item for item in items[1:] if re.search(r"\bbydelene\b", item.casefold()))])


def distinctive_terms(text: str, generic: Iterable[str]) -> list[str]:
    """The text's BM25 tokens without generic ones (first occurrence order, no repeats)."""
    skip = set(generic) | ADDRESSEE
    seen: dict[str, None] = {}
    for token in tokenize(text):
        if token not in skip:
            seen.setdefault(token)
    return list(seen)


def generic_terms(tiltak_texts: Sequence[str], share: float = GENERIC_SHARE) -> frozenset[str]:
    """Tokens that occur in more than `share` of the given tiltak texts."""
    counts: Counter[str] = Counter()
    for text in tiltak_texts:
        counts.update(set(tokenize(text)))
    limit = share * len(tiltak_texts)
    return frozenset(token for token, n in counts.items() if n > limit)


class CoverageMatrix:
    """City measures × district plans over one live index."""

    def __init__(self, live: LiveIndex) -> None:
        self.live = live

    @cached_property
    def generic(self) -> frozenset[str]:
        return generic_terms([d.search_text for d in self.live.docs if d.kind == "tiltak"])

    def query(self, measure: Tiltak) -> Question:
        text = measure_text(measure)
        terms = distinctive_terms(text, self.generic) or tokenize(text)
        return Question(text=text, shape=Shape.FACT, concepts=[[t] for t in terms], dense_text=text)

    def cell(self, query: Question, plan: Plan, vector: Any = None) -> Cell:
        hits = search(self.live, query, plan_ids=[plan.id], k=SEARCH_K, vector=vector)
        tiltak_hits = [h for h in hits if h.record_id in self.live.tiltak_by_id]
        ranked = sorted(tiltak_hits, key=_strength, reverse=True)[:CANDIDATES]
        candidates = [
            Candidate(self.live.tiltak_by_id[h.record_id], round(h.coverage, 3), _round(h.cosine), round(h.score, 5))
            for h in ranked
        ]
        if not candidates:
            return Cell(plan=plan, status="none", score=0.0)
        best_coverage = max(c.coverage for c in candidates)
        best_cosine = max((c.cosine for c in candidates if c.cosine is not None), default=None)
        return Cell(plan=plan, status=grade(best_coverage, best_cosine), score=best_coverage, candidates=candidates)

    def row(self, measure: Tiltak) -> Row:
        query = self.query(measure)
        vector = self.live.embed_query(query.dense_text) if self.live.settings.dense else None
        cells = [self.cell(query, plan, vector) for plan in district_plans(self.live)]
        return Row(measure=measure, terms=query.terms, cells=cells, role=measure_role(measure) or Role.LEAD)

    def rows(self) -> list[Row]:
        return [self.row(m) for m in city_measures(self.live)]


def coverage_rows(live: LiveIndex, decisions: Sequence[Decision] = ()) -> list[Row]:
    """Every city measure the districts act in against every district plan, the planners' verdicts over the
    suggestions."""
    rows = CoverageMatrix(live).rows()
    return [with_verdicts(row, decisions, live.tiltak_by_id) for row in rows] if decisions else rows


def with_verdicts(row: Row, decisions: Sequence[Decision], tiltak: dict[str, Tiltak]) -> Row:
    """A row with each cell decided by the planners' verdicts where there are any: an accepted tiltak makes it
    covered (or partial), «ikke dekket» makes it none, a rejected candidate leaves the suggestion."""
    cells = []
    for cell in row.cells:
        mine = [d for d in decisions if d.measure_id == row.measure.id and d.plan_id == cell.plan.id]
        if not mine:
            cells.append(cell)
            continue
        rejected = {d.tiltak_id for d in mine if d.verdict == Verdict.REJECTED}
        accepted = [d for d in mine if d.verdict in (Verdict.COVERS, Verdict.PARTLY)]
        kept = [c for c in cell.candidates if c.tiltak.id not in rejected]
        if accepted:
            status: Status = "covered" if any(d.verdict == Verdict.COVERS for d in accepted) else "partial"
            chosen = [Candidate(tiltak[d.tiltak_id], 1.0, None, 1.0) for d in accepted if d.tiltak_id in tiltak]
            others = [c for c in kept if c.tiltak.id not in {d.tiltak_id for d in accepted}]
            cells.append(Cell(cell.plan, status, 1.0, chosen + others, "planner", mine))
        elif any(d.verdict == Verdict.NOT_COVERED for d in mine):
            cells.append(Cell(cell.plan, "none", 0.0, kept, "planner", mine))
        else:
            status = cell.status if kept else "none"
            cells.append(Cell(cell.plan, status, cell.score if kept else 0.0, kept, "suggested", mine))
    return Row(row.measure, row.terms, cells, row.role)


def _strength(hit: Hit) -> tuple[float, float, float]:
    """Order candidates by the grading signals first, then by the fused rank."""
    return (hit.coverage, hit.cosine or 0.0, hit.score)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def row_record(row: Row) -> dict[str, Any]:
    """One row in the `rusqa coverage --json` contract."""
    return {
        "measure_id": row.measure.id,
        "measure_text": row.measure.text,
        "role": row.role.value,
        "cells": [
            {
                "bydel": cell.plan.bydel,
                "plan_id": cell.plan.id,
                "status": cell.status,
                "score": cell.score,
                "source": cell.source,
                "tiltak": [{"id": c.tiltak.id, "text": c.tiltak.text} for c in cell.candidates],
                "verdicts": [decision_record(d) for d in cell.decisions],
            }
            for cell in row.cells
        ],
    }


def decision_record(d: Decision) -> dict[str, Any]:
    return {
        "tiltak_id": d.tiltak_id or None,
        "verdict": d.verdict.value,
        "comment": d.comment,
        "who": d.who,
        "at": d.at,
        "needs_review": d.stale or d.missing,
    }


CSV_COLUMNS = [
    "measure_id",
    "role",
    "measure_text",
    "bydel",
    "plan_id",
    "status",
    "source",
    "score",
    "tiltak_ids",
    "tiltak_texts",
    "verdicts",
    "comments",
    "needs_review",
]


def csv_safe(value: Any) -> Any:
    """Text that starts like a spreadsheet formula (= + - @) gets a leading ' so it stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table_rows(rows: Sequence[Row]) -> list[list[Any]]:
    """One line per measure × district plan, in CSV_COLUMNS order (the CSV and the XLSX share it)."""
    out = []
    for row in rows:
        for cell in row.cells:
            out.append(
                [
                    row.measure.id,
                    row.role.value,
                    row.measure.text,
                    cell.plan.bydel,
                    cell.plan.id,
                    STATUS_LABEL[cell.status],
                    "planlegger" if cell.source == "planner" else "forslag",
                    cell.score,
                    " | ".join(c.tiltak.id for c in cell.candidates),
                    " | ".join(c.tiltak.text for c in cell.candidates),
                    " | ".join(
                        f"{d.tiltak_id or 'cellen'}: {d.verdict.value} ({d.who}, {d.at})" for d in cell.decisions
                    ),
                    " | ".join(d.comment for d in cell.decisions if d.comment),
                    "ja" if any(d.stale or d.missing for d in cell.decisions) else "",
                ]
            )
    return out


def coverage_csv(rows: Sequence[Row]) -> str:
    """One CSV line per measure × district plan (tiltak ids and texts joined with « | »)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in table_rows(rows):
        writer.writerow(csv_safe(value) for value in line)
    return out.getvalue()


def coverage_xlsx(rows: Sequence[Row], path: Any) -> None:
    """The same table as the CSV, as an Excel workbook (openpyxl), with a frozen header row."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Dekning"
    sheet.append(CSV_COLUMNS)
    for line in table_rows(rows):
        sheet.append([csv_safe(value) for value in line])
    sheet.freeze_panes = "A2"
    book.save(path)
