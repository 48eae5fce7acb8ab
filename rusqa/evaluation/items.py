"""Evaluation items: the evals/*.yaml format (DESIGN.md), with conversations as `turns`."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from rusqa.errors import InputError
from rusqa.models import FieldName, Intent
from rusqa.settings import PROJECT_ROOT

EVALS_DIR = PROJECT_ROOT / "evals"
DEV_DIR = EVALS_DIR / "dev"
TEST_DIR = EVALS_DIR / "test"

KINDS = (
    "field",
    "fact",
    "set",
    "count",
    "inverse_owner",
    "across",
    "plan",
    "casual",
    "english",
    "abstain",
    "conversation",
)


class Turn(BaseModel):
    """One question with its reference answer."""

    model_config = ConfigDict(extra="forbid")

    id: str = ""
    kind: str = ""
    question: str
    intent: Intent
    value: str | None = Field(default=None, description="Field items: the value as printed; null = not printed.")
    count: int | None = None
    must: list[str] = Field(default_factory=list, description="Regexes the answer's main text must match.")
    gold_ids: list[str] = Field(default_factory=list)
    plans_without: list[str] = Field(default_factory=list)
    reference: str = ""
    abstain: bool = False

    @property
    def field(self) -> FieldName | None:
        return FieldName(self.intent.value) if self.intent.value in FieldName.__members__.values() else None

    @model_validator(mode="after")
    def _consistent(self) -> Turn:
        if self.abstain != (self.intent == Intent.ABSTAIN):
            raise ValueError(f"{self.id or self.question!r}: abstain must be true exactly for intent abstain")
        if self.field is not None and "value" not in self.model_fields_set:
            raise ValueError(f"{self.id or self.question!r}: a field item needs `value` (null if not printed)")
        if self.intent == Intent.COUNT and self.count is None:
            raise ValueError(f"{self.id or self.question!r}: a count item needs `count`")
        return self


class EvalItem(Turn):
    """An item of an evaluation file: one question, or a conversation of `turns`."""

    question: str = ""
    intent: Intent = Intent.FACT
    turns: list[Turn] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shape(self) -> EvalItem:
        if self.kind not in KINDS:
            raise ValueError(f"{self.id}: kind must be one of {', '.join(KINDS)}")
        if self.kind == "conversation" and not self.turns:
            raise ValueError(f"{self.id}: a conversation needs turns")
        if self.kind != "conversation" and not self.question:
            raise ValueError(f"{self.id}: a question is needed")
        return self

    def as_turns(self) -> list[Turn]:
        """The questions to ask in order (one for a single item), each with its own id and kind."""
        if not self.turns:
            return [self]
        return [
            t.model_copy(update={"id": f"{self.id}#{n}", "kind": "conversation"})
            for n, t in enumerate(self.turns, start=1)
        ]


def yaml_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        out.extend(sorted(path.rglob("*.yaml")) if path.is_dir() else [path])
    return out


def load_items(paths: list[Path]) -> list[EvalItem]:
    """Items of the given files or folders; a malformed item is an InputError naming it."""
    items: list[EvalItem] = []
    for path in yaml_files(paths):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
            items.extend(EvalItem.model_validate(entry) for entry in data)
        except (OSError, yaml.YAMLError, ValueError) as exc:
            first = str(exc).splitlines()[:3]
            raise InputError(f"{path}: {' '.join(first)} — fix the evaluation file") from None
    ids = [i.id for i in items]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"duplicate evaluation ids {dupes} — give each item its own id")
    return items
