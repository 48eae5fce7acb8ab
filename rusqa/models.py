"""The domain records passed between rusqa's modules; one id per record, end to end."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from rusqa.text import clauses

LineRange = tuple[int, int]
PageRange = tuple[int, int]


def location(lines: LineRange, pages: PageRange | int | None = None) -> str:
    """Where a record sits, as a citation says it: «side 7», «side 7–8», or «linje 120–131» for a text plan."""
    if isinstance(pages, int):
        pages = (pages, pages)
    if pages:
        return f"side {pages[0]}" if pages[0] == pages[1] else f"side {pages[0]}–{pages[1]}"
    return f"linje {lines[0]}–{lines[1]}"


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Plan(Record):
    """One plan as the catalog describes it."""

    id: str = Field(description="Stable plan id, e.g. `grorud-2023`.")
    bydel: str = Field(description="The district, or `Oslo kommune` for the city plan.")
    title: str = Field(description="The plan's title as printed.")
    period: str | None = Field(description="The period it covers, e.g. `2023–2028`; None if undated.")
    layout: str = Field(description="Which parser in rusqa.ingest reads it.")
    file: str = Field(description="File name under corpus/plans/.")
    sha256: str = Field(description="SHA-256 of the file as catalogued.")

    @property
    def is_city_plan(self) -> bool:
        return self.bydel == "Oslo kommune"

    @property
    def period_end(self) -> int | None:
        """Last year of the period (2024 for `2020–2024`), or None if undated."""
        if not self.period:
            return None
        digits = [int(part) for part in self.period.replace("-", "–").split("–") if part.strip().isdigit()]
        return digits[-1] if digits else None

    @property
    def label(self) -> str:
        """How an answer names the plan: «Grorud, Ruspolitisk handlingsplan … 2023–2028»."""
        return self.title if self.is_city_plan else f"{self.bydel}: {self.title}"


class Section(Record):
    """A heading of a plan, with its path from the top."""

    id: str = Field(description="`<plan id>-s<n>`.")
    plan_id: str
    title: str = Field(description="The heading as printed.")
    path: list[str] = Field(description="Headings from the top down to this one.")
    lines: LineRange = Field(description="1-based, inclusive line range of the heading in the source.")


class Tiltak(Record):
    """One measure (tiltak) with its fields exactly as the plan prints them."""

    id: str = Field(description="The plan's own code where it has one (`oslo-2026-11S`), else `<plan>-t<n>`.")
    plan_id: str
    bydel: str
    section: str = Field(description="Section path joined with ` / ` (strategy / innsatsområde / level).")
    goal: str | None = Field(default=None, description="Mål / resultatmål of the row, as printed.")
    text: str = Field(description="The measure's own text, as printed (bullets joined with ` • `).")
    owner: str | None = Field(default=None, description="Ansvarlig as printed.")
    owner_expanded: str | None = Field(
        default=None, description="The owner with the plan's own abbreviations expanded; None if nothing to expand."
    )
    deadline: str | None = Field(default=None, description="Frist as printed.")
    status: str | None = Field(default=None, description="Status as printed.")
    risk: str | None = Field(default=None, description="Risiko as printed.")
    for_bydelene: bool = Field(default=False, description="A city measure addressed to the districts.")
    lines: LineRange = Field(description="1-based, inclusive line range of the row in the source.")
    pages: PageRange | None = Field(default=None, description="First and last page of the row (PDF plans only).")

    @property
    def subject(self) -> str:
        """What the tiltak is about, for matching one plan's tiltak against another's: its goal and its text
        (not the plan's title, owner or status)."""
        return f"{self.goal}. {self.text}" if self.goal else self.text

    @property
    def subject_parts(self) -> list[str]:
        """The subject whole and cut into its clauses (its goal, sentences, bullet items), for matching a tiltak
        that lists several activities by the one that matches."""
        return list(dict.fromkeys([self.subject, *clauses(self.subject)]))

    @property
    def owner_label(self) -> str | None:
        """The owner as an answer shows it: printed, with the plan's expansion in brackets."""
        if not self.owner:
            return None
        if self.owner_expanded and self.owner_expanded != self.owner:
            return f"{self.owner} ({self.owner_expanded})"
        return self.owner

    def value(self, field: FieldName) -> str | None:
        """A printed field as an answer shows it (the owner with its expansion)."""
        return self.owner_label if field == FieldName.OWNER else getattr(self, field.value)

    def fields(self, skip: FieldName | None = None) -> list[tuple[FieldName, str]]:
        """The printed fields this tiltak has, in the plans' column order."""
        return [(f, v) for f in FieldName if f != skip and (v := self.value(f))]


class Passage(Record):
    """Prose under a section heading (split at paragraph boundaries when long)."""

    id: str = Field(description="`<plan id>-p<n>`.")
    plan_id: str
    bydel: str
    section: str = Field(description="Section path joined with ` / `.")
    text: str = Field(description="The paragraph(s), whitespace collapsed, hyphenation re-joined.")
    lines: LineRange
    pages: PageRange | None = Field(default=None, description="First and last page (PDF plans only).")


class ParsedPlan(Record):
    """Everything one parser found in one plan."""

    plan: Plan
    sections: list[Section]
    tiltak: list[Tiltak]
    passages: list[Passage]
    abbreviations: dict[str, str] = Field(default_factory=dict, description="The plan's own abbreviation list.")
    warnings: list[str] = Field(default_factory=list, description="What the parser could not read.")


class Intent(StrEnum):
    """What a question asks for (also the evaluation files' `intent`)."""

    OWNER = "owner"
    DEADLINE = "deadline"
    STATUS = "status"
    RISK = "risk"
    FACT = "fact"
    LIST = "list"
    COUNT = "count"
    COMPARE = "compare"
    PLAN = "plan"
    ABSTAIN = "abstain"


class FieldName(StrEnum):
    """The printed fields of a tiltak that a question can ask for."""

    OWNER = "owner"
    DEADLINE = "deadline"
    STATUS = "status"
    RISK = "risk"


FIELD_LABELS: dict[FieldName, str] = {
    FieldName.OWNER: "Ansvarlig",
    FieldName.DEADLINE: "Frist",
    FieldName.STATUS: "Status",
    FieldName.RISK: "Risiko",
}


class Role(StrEnum):
    """How the districts act in a city measure: as its actor, or beside another actor."""

    LEAD = "lead"
    PARTNER = "partner"


class Shape(StrEnum):
    """The shape of an answer; each has its own builder in rusqa.answering.shapes."""

    VALUE = "value"  # one field of one tiltak
    FACT = "fact"  # a sentence of one record
    SET = "set"  # the tiltak matching filters (list, filter, inverse owner)
    COUNT = "count"  # how many tiltak match
    PLAN = "plan"  # a plan as a whole: period, expired, innsatsområder, number of tiltak
    ACROSS = "across"  # one line per plan that has it, across plans
    SMALLTALK = "smalltalk"  # «takk», «hei»: a short reply, no citations
    NONE = "none"  # an abstention


class Hit(Record):
    """A retrieved record with its fused score and what each leg said of it."""

    record_id: str
    score: float = Field(description="Fused score (weighted reciprocal rank).")
    bm25: float = Field(default=0.0, description="BM25 score; 0 if the lexical leg did not find it.")
    cosine: float | None = Field(default=None, description="Dense cosine similarity, if the dense leg found it.")
    coverage: float = Field(default=0.0, description="Share of the question's search terms found in the record.")


class Citation(Record):
    """One numbered source of an answer, resolving to one record (the `ask --json` contract)."""

    n: int
    doc_id: str = Field(description="The plan id.")
    bydel: str
    title: str = Field(description="The plan's title (with period).")
    section: str
    tiltak_id: str | None
    text: str = Field(description="The cited record's full cleaned text.")
    lines: LineRange
    page: int | None = Field(default=None, description="The page the record starts on (PDF plans only).")
    record_id: str = Field(exclude=True, description="The cited record's id (the tiltak or passage id).")


class Context(Record):
    """The conversation state a turn was answered in (the `--chat` contract's `context`)."""

    plan_ids: list[str] = Field(default_factory=list)
    record_id: str | None = None
    field: FieldName | None = None
    subject: str = Field(default="", exclude=True, description="The subject words, for the chat's «Gjelder:» line.")
    cited: list[str] = Field(
        default_factory=list, exclude=True, description="The records the turn cited, in order («den andre»)."
    )
    topic: str | None = Field(
        default=None, exclude=True, description="The tiltak the conversation is about, for a field follow-up."
    )
    said: str = Field(default="", exclude=True, description="The turn's answer text (a clarification asks about it).")
    listed: list[str] = Field(
        default_factory=list,
        exclude=True,
        description="The last list's members, kept through the turns about them («den siste», «hvor mange av dem»).",
    )


class Answer(Record):
    """An answer and the citations it owns; an abstention cites nothing."""

    question: str
    answer: str
    abstained: bool
    latency_ms: float = 0.0
    citations: list[Citation] = Field(default_factory=list)
    shape: Shape = Field(default=Shape.FACT, exclude=True)
    context: Context | None = Field(default=None, exclude=True, description="Set by a conversation turn.")


class Filters(Record):
    """Exact filters on a tiltak's fields, read from a question; None = no filter on that field."""

    owner: str | None = Field(default=None, description="A unit named as owner, matched in owner, expansion or actor.")
    owner_only: bool = Field(default=False, description="The unit is the only owner printed («NAV alene»).")
    owner_printed: str | None = Field(
        default=None, description="An owner printed the same, case and spacing aside («Alle»: names no unit)."
    )
    besides: list[str] = Field(
        default_factory=list, description="Tiltak left out: the one a «samme ansvarlig» follow-up compares with."
    )
    among: list[str] = Field(
        default_factory=list, description="Only these tiltak: the last list, narrowed («hvor mange av dem …»)."
    )
    status: str | None = Field(default=None, description="A normalised status facet (lexicon/facets.yaml).")
    risk: str | None = Field(default=None, description="A normalised risk facet.")
    status_also: list[str] = Field(
        default_factory=list, description="Further status facets accepted («påbegynt eller ikke startet»)."
    )
    risk_also: list[str] = Field(
        default_factory=list, description="Further risk facets accepted («høy eller middels»)."
    )
    status_excluded: bool = Field(default=False, description="The status facet is excluded («annen status enn …»).")
    risk_excluded: bool = Field(default=False, description="The risk facet is excluded («ikke lav risiko»).")
    year: int | None = Field(default=None, description="A year the deadline must name.")
    deadline: str | None = Field(
        default=None, description="A deadline printed the same, case, spacing and punctuation aside («samme frist»)."
    )
    for_bydelene: bool | None = Field(default=None, description="City measures addressed to the districts.")
    districts_role: Role | None = Field(
        default=None, description="City measures in which the districts act so («partner»: beside another actor)."
    )
    codes: list[str] = Field(default_factory=list, description="The city plan's codes named («11S»).")
    code_group: str | None = Field(default=None, description="«F» or «S»: a whole group of the city plan's codes.")

    @property
    def any(self) -> bool:
        """Whether any filter is set."""
        return any(v not in (None, [], False) for v in self.model_dump().values())


class Question(Record):
    """What rusqa understood of a question: where to look, what to filter, what to rank on, what to answer."""

    text: str
    shape: Shape
    field: FieldName | None = Field(default=None, description="The field asked for, if any.")
    plan_ids: list[str] = Field(default_factory=list, description="Plans the question is limited to; empty = all.")
    unknown_place: str | None = Field(default=None, description="A place named that has no plan here.")
    english: bool = False
    filters: Filters = Field(default_factory=Filters)
    concepts: list[list[str]] = Field(
        default_factory=list,
        description="The question's subject, one group of BM25 tokens per word (the word and its synonyms).",
    )
    subject: list[str] = Field(default_factory=list, description="The subject words as typed (after typo repair).")
    unknown: list[int] = Field(default_factory=list, description="Indexes of concepts no plan contains.")
    quantity: bool = Field(default=False, description="The question asks for a number («hvor mange»).")
    counted: list[str] = Field(default_factory=list, description="Tokens of what a number counts («hvor mye penger»).")
    numbers: list[str] = Field(
        default_factory=list,
        description="Tiltak numbers of the one district plan named, as it prints them («tiltak 1.2») or as rusqa shows "
        "an unnumbered plan's tiltak («t4»).",
    )
    corrected: dict[str, str] = Field(default_factory=dict, description="Typos repaired: typed → corpus word.")
    anaphor: bool = Field(default=False, description="It points back («det», «it», «den»): a follow-up.")
    lacking: bool = Field(default=False, description="Across plans: it asks which plans do not have it.")
    districts_only: bool = Field(
        default=False, description="Across plans: the districts' plans are asked («hvilke bydeler …»), not the city's."
    )
    tiltak_only: bool = Field(
        default=False, description="Across plans: tiltak are asked («… har tiltak om …»), not what a plan says."
    )
    besides_plans: list[str] = Field(
        default_factory=list, description="Across plans: plans left out («hvilke andre planer …» in a chat)."
    )
    dense_text: str = Field(default="", description="The question as embedded for the dense leg.")
    like: str | None = Field(
        default=None,
        description="A record of another plan whose counterpart is asked for («samme spørsmål for Ullern» in a chat).",
    )

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(t for group in self.concepts for t in group))

    @property
    def known_concepts(self) -> list[list[str]]:
        return [group for i, group in enumerate(self.concepts) if i not in self.unknown]
