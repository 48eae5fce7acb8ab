"""HTML for the app, built from rusqa's records. Every piece of plan text or user text is escaped here.

Pure functions of the records (no Gradio, no retrieval), so they are tested with literal inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

from rusqa.answering.conversation import context_parts
from rusqa.answering.shapes import plan_name, shorten
from rusqa.ingest.source import plan_lines
from rusqa.models import Answer, Citation, Context, ParsedPlan, Plan, Tiltak, location
from rusqa.planning.browse import plan_record
from rusqa.planning.coverage import STATUS_LABEL, Cell, Row
from rusqa.search.documents import TILTAK_LABELS

FIELDS = TILTAK_LABELS
_QUOTE = re.compile(r"«([^«»]{3,})»")
MAX_SOURCE_LINES = 40


def quoted_spans(answer_text: str) -> list[str]:
    """The words an answer quotes from its sources («…»), without a trailing « …» of a shortened quote."""
    spans = []
    for match in _QUOTE.finditer(answer_text):
        span = match.group(1).removesuffix(" …").removesuffix("…").strip()
        if len(span) >= 3:
            spans.append(span)
    return sorted(set(spans), key=lambda span: (-len(span), span))  # longest first, then a fixed order


def highlight(text: str, spans: Iterable[str]) -> str:
    """`text` escaped, with every occurrence of a span wrapped in <mark> (case-insensitive)."""
    escaped = escape(text)
    for span in spans:
        pattern = re.compile(re.escape(escape(span)), re.IGNORECASE)
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    return re.sub(r"(<mark>)+", "<mark>", re.sub(r"(</mark>)+", "</mark>", escaped))


def answer_markdown(answer: Answer) -> str:
    """The chat message for an answer: escaped text, line breaks kept; abstentions marked as such."""
    body = "\n".join(_markdown_text(line) for line in answer.answer.splitlines())
    if answer.abstained:
        return f"**Ikke funnet i rusplanene.**\n{body}"
    refs = ", ".join(f"[{c.n}] {escape(c.tiltak_id or c.bydel)}" for c in answer.citations)
    return f"{body}\n\n**Kilder:** {refs} — se kildene."


def _markdown_text(line: str) -> str:
    """A line of answer text as Markdown that renders as the same text (markup characters escaped)."""
    text = escape(line)
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", text).replace("\n", " ")


def context_markdown(context: Context | None, plans: dict[str, Plan] | None = None) -> str:
    """«Gjelder: Grorud · naloksonopplæring»: what a follow-up such as «og fristen?» will be about."""
    parts = context_parts(context, plans)
    if not parts:
        return "Ny samtale. Oppfølgingsspørsmål som «og fristen?» gjelder det forrige svaret."
    return "**Gjelder:** " + " · ".join(escape(p) for p in parts) + " — «Tøm samtalen» starter på nytt."


def error_markdown(message: str) -> str:
    return f"**Spørsmålet ble ikke sendt.** {escape(message)}"


def source_lines(plans_dir: Path, plan: Plan, lines: tuple[int, int]) -> str | None:
    """The plan file's own lines for a record (at most MAX_SOURCE_LINES), or None if unreadable."""
    text = plan_lines(plans_dir / plan.file)
    if text is None:
        return None
    start, end = lines
    chosen = text[start - 1 : min(end, start - 1 + MAX_SOURCE_LINES)]
    return "\n".join(chosen)


def tiltak_fields_html(t: Tiltak, spans: Sequence[str] = ()) -> str:
    """A definition list of a tiltak's fields as printed (owner with its expansion)."""
    rows = []
    for name, label in FIELDS:
        value = getattr(t, name)
        if not value:
            continue
        shown = highlight(value, spans)
        if name == "owner" and t.owner_expanded and t.owner_expanded != t.owner:
            shown += f" <span class='rq-muted'>({highlight(t.owner_expanded, spans)})</span>"
        rows.append(f"<dt>{label}</dt><dd>{shown}</dd>")
    return f"<dl class='rq-fields'>{''.join(rows)}</dl>"


def lines_html(plans_dir: Path, plan: Plan, lines: tuple[int, int], open_: bool = False) -> str:
    raw = source_lines(plans_dir, plan, lines)
    label = f"Kildelinjer {lines[0]}–{lines[1]} i {escape(plan.file)}"
    if plan.layout in ("pdf", "docx"):  # the lines of the text rusqa read out of the file, not of the file itself
        label = f"Kildelinjer {lines[0]}–{lines[1]} i teksten lest fra {escape(plan.file)}"
    if raw is None:
        return f"<p class='rq-muted'>{label}</p>"
    return f"<details{' open' if open_ else ''}><summary>{label}</summary><pre class='rq-lines'>{escape(raw)}</pre></details>"


def citation_html(c: Citation, plan: Plan, tiltak: Tiltak | None, spans: Sequence[str], plans_dir: Path) -> str:
    """One numbered source: plan (with period warning), section, tiltak id, fields or passage, source lines."""
    head = f"<span class='rq-num'>[{c.n}]</span> {escape(plan_name(plan))}"
    ident = f"<code>{escape(c.tiltak_id)}</code>" if c.tiltak_id else "Tekstavsnitt"
    meta = f"<p class='rq-meta'>{ident} · {escape(c.section)} · {location(c.lines, c.page)}</p>"
    if tiltak is not None:
        body = tiltak_fields_html(tiltak, spans)
    else:
        body = f"<blockquote>{highlight(c.text, spans)}</blockquote>"
    return (
        f"<article class='rq-source' aria-label='Kilde {c.n}'><h3>{head}</h3>{meta}{body}"
        f"{lines_html(plans_dir, plan, c.lines)}</article>"
    )


def sources_html(answer: Answer, plans: dict[str, Plan], tiltak: dict[str, Tiltak], plans_dir: Path) -> str:
    """The numbered sources of an answer; for an abstention a plain note that there are none."""
    if answer.abstained or not answer.citations:
        return "<div class='rq-sources rq-none'><p>Ingen kilder: rusplanene sier ikke noe om dette.</p></div>"
    spans = quoted_spans(answer.answer)
    parts = [
        citation_html(c, plans[c.doc_id], tiltak.get(c.tiltak_id or ""), spans, plans_dir) for c in answer.citations
    ]
    return f"<div class='rq-sources'><h2>Kilder</h2>{''.join(parts)}</div>"


def tiltak_record_html(t: Tiltak, plan: Plan, plans_dir: Path) -> str:
    """The full record of one tiltak, as opened from the table."""
    flag = " · <strong>rettet til bydelene</strong>" if t.for_bydelene else ""
    return (
        f"<article class='rq-source' aria-live='polite'><h3><code>{escape(t.id)}</code> — {escape(plan_name(plan))}</h3>"
        f"<p class='rq-meta'>{escape(t.section)} · {location(t.lines, t.pages)}{flag}</p>"
        f"{tiltak_fields_html(t)}{lines_html(plans_dir, plan, t.lines, open_=True)}</article>"
    )


def note_html(text: str, announce: bool = False) -> str:
    """A short note; `announce` makes a screen reader read it when it appears (a status message, WCAG 4.1.3)."""
    role = " role='status'" if announce else ""
    return f"<p class='rq-muted'{role}>{escape(text)}</p>"


SYMBOL = {"covered": "●", "partial": "◐", "none": "○"}


def coverage_html(rows: Sequence[Row], plans: Sequence[Plan], city: Plan | None) -> str:
    """The matrix: one row per city measure (code, role, the text on demand), one compact cell per district
    plan — a symbol and a word (colour is never the only sign), ✔ where a planner decided."""
    heads = "".join(
        f"<th scope='col'>{escape(p.bydel)}<br><span class='rq-muted'>{escape(p.period or 'udatert')}</span></th>"
        for p in plans
    )
    body = []
    for row in rows:
        role = "bydelene leder" if row.role.value == "lead" else "bydelene samarbeider"
        measure = (
            f"<th scope='row'><details><summary><code>{escape(row.measure.id.removeprefix('oslo-2026-'))}</code> "
            f"{escape(shorten(row.measure.text, 70))}</summary>{escape(row.measure.text)}</details>"
            f"<span class='rq-muted'>{role}</span></th>"
        )
        cells = "".join(_coverage_cell(cell) for cell in row.cells)
        body.append(f"<tr>{measure}{cells}</tr>")
    caption = "Byens tiltak der bydelene deltar" + (f" ({escape(plan_name(city))})" if city else "")
    legend = (
        "<p class='rq-muted'>● dekket · ◐ delvis · ○ ikke funnet · ✔ vurdert av planlegger (ellers forslag). "
        "Velg tiltak og bydel under for kandidatene og for å lagre en vurdering.</p>"
    )
    return (
        f"{legend}<div class='rq-scroll' tabindex='0' role='region' aria-label='Dekningstabell'>"
        f"<table class='rq-coverage'><caption>{caption}</caption>"
        f"<thead><tr><th scope='col'>Tiltak i byplanen</th>{heads}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _coverage_cell(cell: Cell) -> str:
    decided = " ✔" if cell.source == "planner" else ""
    review = " ⚠" if any(d.stale or d.missing for d in cell.decisions) else ""
    who = "planlegger" if cell.source == "planner" else f"forslag, treff {cell.score:.1f}".replace(".", ",")
    return (
        f"<td class='rq-{cell.status}'><span class='rq-badge'>{SYMBOL[cell.status]} {STATUS_LABEL[cell.status]}"
        f"{decided}{review}</span><br><span class='rq-muted'>{who}</span></td>"
    )


def coverage_detail_html(row: Row, cell: Cell, plans_dir: Path, city: Plan) -> str:
    """The selected cell: the measure, the candidates with why they matched and their source lines, and the
    planners' verdicts so far."""
    parts = [
        f"<h3><code>{escape(row.measure.id)}</code> × {escape(cell.plan.bydel)}: {SYMBOL[cell.status]} "
        f"{STATUS_LABEL[cell.status]} ({'planleggerens vurdering' if cell.source == 'planner' else 'forslag'})</h3>",
        f"<p>{escape(row.measure.text)}</p>",
    ]
    if cell.candidates:
        parts.append("<h4>Kandidater i bydelsplanen</h4><ol>")
        for c in cell.candidates:
            why = [f"treff {c.score:.2f}".replace(".", ",")]
            why += [f"felles ord: {', '.join(c.words)}"] if c.words else []
            why += [f"nærmest i mening: «{shorten(c.clause, 90)}»"] if c.clause else []
            parts.append(
                f"<li><code>{escape(c.tiltak.id)}</code> {escape(shorten(c.tiltak.text, 200))}"
                f"<br><span class='rq-muted'>{escape(' · '.join(why))}</span>"
                f"{lines_html(plans_dir, cell.plan, c.tiltak.lines)}</li>"
            )
        parts.append("</ol>")
    else:
        parts.append(note_html("Ingen kandidater funnet i bydelsplanen."))
    if cell.decisions:
        parts.append("<h4>Vurderinger</h4><ul>")
        for d in cell.decisions:
            flag = " — ⚠ tiltaket er endret, se over på nytt" if d.stale else ""
            flag += " — ⚠ tiltaket finnes ikke lenger" if d.missing else ""
            parts.append(
                f"<li>{escape(VERDICT_LABEL[d.verdict.value])} {escape(d.tiltak_id or '(hele cellen)')} — "
                f"{escape(d.who)}, {escape(d.at)}{': «' + escape(d.comment) + '»' if d.comment else ''}{flag}</li>"
            )
        parts.append("</ul>")
    return f"<article class='rq-source' aria-live='polite'>{''.join(parts)}</article>"


VERDICT_LABEL = {"covers": "Dekker", "partly": "Dekker delvis", "rejected": "Avvist", "not_covered": "Ikke dekket"}


def about_html(parsed: Sequence[ParsedPlan], build: dict[str, object], version: str) -> str:
    """Which plans are indexed, when the index was built, with which embedder, and the version."""
    rows = []
    for p in parsed:
        r = plan_record(p)
        period = r["period"] or "udatert"
        rows.append(
            f"<tr><td>{escape(r['title'])}</td><td>{escape(r['bydel'])}</td><td>{escape(period)}</td>"
            f"<td>{r['tiltak']}</td><td>{r['passages']}</td><td>{r['sections']}</td></tr>"
        )
    facts = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in build.items())
    return (
        "<table class='rq-about'><caption>Planer i indeksen</caption><thead><tr><th scope='col'>Tittel</th>"
        "<th scope='col'>Bydel</th><th scope='col'>Periode</th><th scope='col'>Tiltak</th>"
        f"<th scope='col'>Tekstavsnitt</th><th scope='col'>Seksjoner</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<dl class='rq-fields'>{facts}<dt>rusqa-versjon</dt><dd>{escape(version)}</dd></dl>"
    )
