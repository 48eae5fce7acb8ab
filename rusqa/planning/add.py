"""`rusqa add`: a new plan (PDF, Word or text) into the corpus — catalog entry, review, incremental index.

The file is read and parsed *before* anything is written; `--dry-run` stops after the review. Adding
copies the file into `corpus/plans/`, appends its catalog entry (the catalog's comments are kept),
and builds the index; the embedding cache means only the new plan's records are embedded, and a
running app picks up the new build on its next question. Every addition is written to the audit log.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rusqa.errors import InputError
from rusqa.ingest import PARSERS, completeness
from rusqa.ingest.catalog import load_catalog
from rusqa.ingest.source import Source
from rusqa.models import FIELD_LABELS, FieldName, ParsedPlan, Plan
from rusqa.settings import Settings

_PERIOD = re.compile(r"\b(20\d\d)\s*[–—-]\s*(20\d\d)\b")
_LAYOUT = {"pdf": "pdf", "docx": "docx", "text": "generic"}  # the parser for each kind of file
REVIEW_ROWS = 5


@dataclass
class AddReview:
    """What `rusqa add` found, shown before (and whether or not) the plan is added."""

    parsed: ParsedPlan
    warnings: list[str] = field(default_factory=list)
    added: bool = False
    build_summary: str | None = None

    @property
    def plan(self) -> Plan:
        return self.parsed.plan

    def filled(self) -> dict[str, int]:
        """How many tiltak fill each column."""
        counts = {FIELD_LABELS[f]: sum(1 for t in self.parsed.tiltak if t.value(f)) for f in FieldName}
        return {"Mål": sum(1 for t in self.parsed.tiltak if t.goal), **counts}

    def render(self) -> str:
        plan, tiltak = self.plan, self.parsed.tiltak
        lines = [
            f"Plan: {plan.id} — {plan.bydel}: {plan.title} ({plan.period or 'udatert'})",
            f"Fil: {plan.file} · format: {plan.layout} · sha256 {plan.sha256[:12]}…",
            f"Fant {len(tiltak)} tiltak, {len(self.parsed.passages)} tekstavsnitt og {len(self.parsed.sections)} overskrifter.",
        ]
        if self.parsed.abbreviations:
            codes = ", ".join(f"{k} = {v}" for k, v in self.parsed.abbreviations.items())
            lines.append(f"Forkortelser: {codes}")
        if tiltak:
            lines.append(
                "Felt utfylt: " + " · ".join(f"{label} {n}/{len(tiltak)}" for label, n in self.filled().items())
            )
            lines.append("Første rader:")
            for t in tiltak[:REVIEW_ROWS]:
                where = f"side {t.pages[0]}" if t.pages else f"linje {t.lines[0]}"
                fields = " · ".join(f"{FIELD_LABELS[f]}: {v}" for f, v in t.fields())
                lines.append(f"  {t.id} ({where}): {t.text[:90]}{'…' if len(t.text) > 90 else ''} — {fields}")
        lines += [f"Advarsel: {w}" for w in self.warnings]
        if self.build_summary:
            lines.append(self.build_summary)
        return "\n".join(lines)


def slug(text: str) -> str:
    """«Nordre Aker» → «nordre-aker»; «Søndre Nordstrand» → «sondre-nordstrand»."""
    text = text.casefold().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def review(settings: Settings, file: Path, bydel: str, title: str | None, period: str | None) -> AddReview:
    """Read and parse the file as the plan it would become; nothing is written."""
    if not file.is_file():
        raise InputError(f"{file}: file not found — give the path to the plan's PDF, .docx or text file")
    if not bydel.strip():
        raise InputError("--bydel is empty — name the district, e.g. --bydel Sagene")
    source = Source.read(file)  # refuses a lying extension, a scan, an encrypted PDF, a zip bomb …
    layout = _LAYOUT[
        "pdf" if file.suffix.casefold() == ".pdf" else "docx" if file.suffix.casefold() == ".docx" else "text"
    ]
    head = [line.strip() for line in source.lines[:60] if line.strip()]
    title = (title or (head[0] if head else file.stem)).strip()
    period = period or _period(title) or next((p for line in head if (p := _period(line))), None)
    plans, _ = load_catalog(settings.corpus_dir / "catalog.yaml", set(PARSERS))
    for existing in plans:
        if existing.sha256 == source.sha256:
            raise InputError(f"{file}: this file is already in the corpus as `{existing.id}` — nothing to add")
    base = slug(bydel) + (f"-{period[:4]}" if period else "")
    taken = {p.id for p in plans}
    plan_id = base if base not in taken else next(f"{base}-{n}" for n in range(2, 100) if f"{base}-{n}" not in taken)
    name = f"{plan_id}{file.suffix.casefold() or '.txt'}"
    plan = Plan(
        id=plan_id, bydel=bydel.strip(), title=title, period=period, layout=layout, file=name, sha256=source.sha256
    )
    parsed = PARSERS[layout](source, plan)
    return AddReview(parsed=parsed, warnings=[*parsed.warnings, *completeness(parsed)])


def _period(text: str) -> str | None:
    match = _PERIOD.search(text)
    return f"{match.group(1)}–{match.group(2)}" if match else None


def add(settings: Settings, file: Path, review_: AddReview) -> None:
    """Copy the file into the corpus and append its catalog entry (atomically: a temp file renamed)."""
    plan = review_.plan
    target = settings.corpus_dir / "plans" / plan.file
    if target.exists():
        raise InputError(
            f"{target}: a file of that name is already in the corpus — remove it or choose another --bydel"
        )
    catalog = settings.corpus_dir / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    entry = "\n".join(
        [
            f"  - id: {plan.id}",
            f"    bydel: {_yaml(plan.bydel)}",
            f"    title: {_yaml(plan.title)}",
            f"    period: {_yaml(plan.period) if plan.period else 'null'}",
            f"    layout: {plan.layout}",
            f"    file: {plan.file}",
            f"    sha256: {plan.sha256}",
        ]
    )
    shutil.copyfile(file, target)
    staged = catalog.with_suffix(".yaml.tmp")
    staged.write_text(text.rstrip("\n") + "\n" + entry + "\n", encoding="utf-8")
    staged.replace(catalog)
    review_.added = True


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
