"""corpus/catalog.yaml: one entry per plan, checked before anything is parsed."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from rusqa.errors import CorpusError
from rusqa.models import Plan


def load_catalog(path: Path, known_layouts: set[str]) -> tuple[list[Plan], list[str]]:
    """The catalog's valid plans and one problem line per bad entry (bad entries are skipped)."""
    if not path.is_file():
        raise CorpusError(f"{path}: catalog not found — create it (see corpus/README.md)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}) — fix the catalog") from None
    entries = data.get("plans") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise CorpusError(f"{path}: expected a top-level `plans:` list — see corpus/README.md")
    plans: list[Plan] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        where = f"{path.name} entry {n}"
        try:
            plan = Plan.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "entry"
            problems.append(f"{where}: `{field}` {first['msg'].lower()} — fix the entry; plan skipped")
            continue
        where = f"{path.name} entry {n} ({plan.id})"
        if plan.id in seen:
            problems.append(f"{where}: duplicate id `{plan.id}` — give each plan its own id; entry skipped")
            continue
        if plan.layout not in known_layouts:
            layouts = ", ".join(sorted(known_layouts))
            problems.append(f"{where}: unknown layout `{plan.layout}` — use one of {layouts}; plan skipped")
            continue
        seen.add(plan.id)
        plans.append(plan)
    return plans, problems
