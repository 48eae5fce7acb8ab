"""A plan's text as lines, read and checked; and the builder that gives records their ids."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rusqa.errors import CorpusError
from rusqa.ingest.document import Document
from rusqa.models import LineRange, PageRange, ParsedPlan, Passage, Plan, Section, Tiltak
from rusqa.text import collapse, join_lines

MAX_PLAN_BYTES = 50_000_000
_BINARY_SAMPLE = 8192
FILE_KINDS = {".pdf": "pdf", ".docx": "docx"}  # any other name is read as text
KIND_NAMES = {"pdf": "PDF", "docx": "a Word document (.docx)", "text": "text"}
_SUFFIX = {"pdf": "pdf", "docx": "docx", "text": "txt"}


def sniff(data: bytes) -> str:
    """What a file is by its first bytes: pdf, docx (a zip archive) or text."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    return "text"


@dataclass(frozen=True)
class Source:
    """A plan file's lines; `line(n)` is 1-based like every line range in rusqa."""

    path: Path
    lines: list[str]
    sha256: str

    document: Document | None = None  # what the PDF / Word reader found; None for a text plan

    @classmethod
    def read(cls, path: Path) -> Source:
        """Read and check a plan file (text, PDF or Word); CorpusError names the file and what to do."""
        if not path.is_file():
            raise CorpusError(f"{path}: file not found — put the plan there or fix `file:` in corpus/catalog.yaml")
        size = path.stat().st_size  # checked before reading: a huge file must not be read into memory
        if size > MAX_PLAN_BYTES:
            raise CorpusError(
                f"{path}: {size:,} bytes is too large for a plan (limit {MAX_PLAN_BYTES:,}) — check it is the right file"
            )
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        kind = sniff(data)
        named = FILE_KINDS.get(path.suffix.casefold(), "text")
        if kind != named:
            raise CorpusError(
                f"{path}: the name says {KIND_NAMES[named]} but the content is {KIND_NAMES[kind]} — "
                f"rename it (.{_SUFFIX[kind]}) or export the plan again"
            )
        if kind == "pdf":
            from rusqa.ingest import pdf

            return cls.from_document(path, pdf.read(path), sha256)
        if kind == "docx":
            from rusqa.ingest import docx

            return cls.from_document(path, docx.read(path), sha256)
        if not data.strip():
            raise CorpusError(f"{path}: the file is empty — re-export the plan's text or remove it from the catalog")
        if b"\x00" in data[:_BINARY_SAMPLE]:
            raise CorpusError(
                f"{path}: this is a binary file, not plan text — add it as PDF or .docx, or extract the text (UTF-8)"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{path}: not UTF-8 (byte {exc.start}) — convert it, e.g. `iconv -f latin1 -t utf-8`"
            ) from None
        text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
        return cls(path=path, lines=text.split("\n"), sha256=sha256)

    @classmethod
    def from_document(cls, path: Path, document: Document, sha256: str) -> Source:
        """A PDF or Word plan: its lines are the text the reader wrote out."""
        return cls(path=path, lines=document.lines, sha256=sha256, document=document)

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, n: int) -> str:
        return self.lines[n - 1]

    def span(self, start: int, end: int) -> list[str]:
        """Lines start..end inclusive (1-based)."""
        return self.lines[start - 1 : end]


@dataclass
class PlanBuilder:
    """Collects one plan's records and gives them stable, readable ids in document order."""

    plan: Plan
    sections: list[Section] = field(default_factory=list)
    tiltak: list[Tiltak] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    abbreviations: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    page_of: list[int] | None = None  # the page of each source line (PDF plans)

    def pages(self, lines: LineRange) -> PageRange | None:
        if not self.page_of:
            return None
        return (self.page_of[lines[0] - 1], self.page_of[min(lines[1], len(self.page_of)) - 1])

    def add_section(self, title: str, path: list[str], lines: LineRange) -> Section:
        section = Section(
            id=f"{self.plan.id}-s{len(self.sections) + 1}",
            plan_id=self.plan.id,
            title=collapse(title),
            path=[collapse(p) for p in path],
            lines=lines,
        )
        self.sections.append(section)
        return section

    def add_tiltak(
        self,
        *,
        section: str,
        text: str,
        lines: LineRange,
        code: str | None = None,
        goal: str | None = None,
        owner: str | None = None,
        owner_expanded: str | None = None,
        deadline: str | None = None,
        status: str | None = None,
        risk: str | None = None,
        for_bydelene: bool = False,
        pages: PageRange | None = None,
    ) -> Tiltak:
        """Add a tiltak; its id is `<plan>-<code>` when the plan prints a code, else `<plan>-t<n>`."""
        ordinal = len(self.tiltak) + 1
        record_id = f"{self.plan.id}-{code}" if code else f"{self.plan.id}-t{ordinal}"
        if any(t.id == record_id for t in self.tiltak):
            self.warnings.append(
                f"tiltak number {code!r} is printed twice (line {lines[0]}); the second is {self.plan.id}-t{ordinal}"
            )
            record_id = f"{self.plan.id}-t{ordinal}"
        record = Tiltak(
            id=record_id,
            plan_id=self.plan.id,
            bydel=self.plan.bydel,
            section=section,
            goal=_field(goal),
            text=collapse(text),
            owner=_field(owner),
            owner_expanded=_field(owner_expanded),
            deadline=_field(deadline),
            status=_field(status),
            risk=_field(risk),
            for_bydelene=for_bydelene,
            lines=lines,
            pages=pages or self.pages(lines),
        )
        self.tiltak.append(record)
        return record

    def add_passage(self, section: str, text: str, lines: LineRange) -> Passage | None:
        text = collapse(text)
        if not text:
            return None
        passage = Passage(
            id=f"{self.plan.id}-p{len(self.passages) + 1}",
            plan_id=self.plan.id,
            bydel=self.plan.bydel,
            section=section,
            text=text,
            lines=lines,
            pages=self.pages(lines),
        )
        self.passages.append(passage)
        return passage

    def build(self) -> ParsedPlan:
        return ParsedPlan(
            plan=self.plan,
            sections=self.sections,
            tiltak=self.tiltak,
            passages=self.passages,
            abbreviations=self.abbreviations,
            warnings=self.warnings,
        )


def _field(value: str | None) -> str | None:
    if value is None:
        return None
    value = collapse(value)
    return value or None


SECTION_SEP = " / "

# A line that is only a page number: «7», «Side 7», «7 av 12», «7/12».
PAGE_NUMBER = re.compile(r"^\s*(?:side\s*)?\d{1,4}(?:\s*(?:av|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
NUMBER = r"\d{1,2}(?:\.\d{1,2})*"  # a section's or a tiltak's printed number: «3», «3.1», «2.1.4»
NUMBERED_LINE = re.compile(
    rf"^\s*({NUMBER})\.?\s+([A-ZÆØÅ].{{1,80}})$"
)  # «3.1 Bakgrunn»: a number, a capitalised title


def heading_level(line: str) -> int | None:
    """1 for «2 Forankring», 2 for «3.1 Bakgrunn»; None if the line is not a numbered heading."""
    match = NUMBERED_LINE.match(line)
    if not match or match.group(2).rstrip().endswith((".", ",", ":", ";")):
        return None
    return match.group(1).count(".") + 1


def is_blank(line: str) -> bool:
    return not line.strip()


def paragraphs(source: Source, start: int, end: int) -> list[tuple[int, int]]:
    """Line ranges of the paragraphs (runs of non-blank lines) within start..end, page numbers dropped."""
    out: list[tuple[int, int]] = []
    run_start: int | None = None
    for n in range(start, end + 1):
        line = source.line(n)
        if is_blank(line) or PAGE_NUMBER.match(line):
            if run_start is not None:
                out.append((run_start, n - 1))
                run_start = None
        elif run_start is None:
            run_start = n
    if run_start is not None:
        out.append((run_start, end))
    return out


def add_prose(
    builder: PlanBuilder, source: Source, section: str, start: int, end: int, *, max_chars: int = 1200
) -> None:
    """Add the prose in start..end as passages of whole paragraphs, each at most ~max_chars."""
    group: list[tuple[int, int]] = []
    size = 0
    for para in paragraphs(source, start, end):
        text = join_lines(source.span(*para))
        if group and size + len(text) > max_chars:
            _flush(builder, source, section, group)
            group, size = [], 0
        group.append(para)
        size += len(text) + 1
    if group:
        _flush(builder, source, section, group)


def _flush(builder: PlanBuilder, source: Source, section: str, group: list[tuple[int, int]]) -> None:
    text = " ".join(join_lines(source.span(*para)) for para in group)
    builder.add_passage(section, text, (group[0][0], group[-1][1]))


@lru_cache(maxsize=32)
def _lines_of(path: Path, mtime_ns: int) -> tuple[str, ...]:
    return tuple(Source.read(path).lines)


def plan_lines(path: Path) -> list[str] | None:
    """A plan's lines as its records' line ranges count them (a PDF's or Word file's text as read); None if unreadable."""
    try:
        return list(_lines_of(path, path.stat().st_mtime_ns))
    except (OSError, CorpusError):
        return None
