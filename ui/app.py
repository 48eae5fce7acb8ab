"""rusqa's Gradio app: Spør (chat), Tiltak (browse), Dekning (city measures × district plans), Om.

A thin layer: it calls rusqa's public functions (Assistant.ask, filter_tiltak, coverage_rows) and
renders the records through ui.render, which escapes all plan and user text. No retrieval here.
Safety: loopback by default, share=False, no upload components, analytics off, and every question
(from the browser or the API) goes through rusqa.answering.qa.clean_question's length limit on the server.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from rusqa.settings import apply_offline_env

apply_offline_env()

import gradio as gr  # noqa: E402  (after the offline environment is set)

from rusqa import __version__  # noqa: E402
from rusqa.answering.conversation import Conversation  # noqa: E402
from rusqa.answering.qa import Assistant, clean_question  # noqa: E402
from rusqa.errors import InputError  # noqa: E402
from rusqa.facets import facet, facet_table  # noqa: E402
from rusqa.models import Answer, Plan, Tiltak  # noqa: E402
from rusqa.planning.browse import filter_tiltak, tiltak_record  # noqa: E402
from rusqa.planning.coverage import (  # noqa: E402
    COVERED_AT,
    FOUND_AT,
    Row,
    city_measures,
    coverage_csv,
    coverage_rows,
    coverage_xlsx,
    csv_safe,
    with_verdicts,
)
from rusqa.planning.verdicts import Verdict, VerdictStore  # noqa: E402
from rusqa.search.live import LiveIndex  # noqa: E402
from rusqa.service.auth import LOCAL_USER, User  # noqa: E402
from rusqa.service.logs import audit, log_event  # noqa: E402
from ui import render  # noqa: E402
from ui.feedback import FeedbackDesk  # noqa: E402

ALL = "Alle"
EXAMPLES = [
    "Hvem har ansvar for opplæring og utdeling av Naloxon-nesespray i bydel Grorud?",
    "Hva er fristen for kontaktpunktet i Ullern?",
    "Hvilke bydeler har tiltak om hasjavvenningsprogram (HAP)?",
    "Hva sier byens plan om lavterskel arbeidsrettede tiltak?",
    "Who is responsible for naloxone training in Grorud?",
]
TABLE_HEADERS = ["Id", "Plan", "Tiltak", "Ansvarlig", "Frist", "Status", "Risiko"]
TABLE_WIDTHS: list[str | int] = ["10%", "9%", "35%", "20%", "12%", "7%", "7%"]  # every field within a laptop screen
TILTAK_CSV_FIELDS = [
    "id", "plan_id", "bydel", "section", "goal", "text", "owner", "owner_expanded",
    "deadline", "status", "risk", "for_bydelene", "lines",
]  # fmt: skip
# Labels Gradio's components hard-code in English (not in its translations), as the app's Norwegian.
GRADIO_LABELS_NB = {
    "Copy table data": "Kopier tabellen",
    "Fullscreen": "Fullskjerm",
    "Exit fullscreen": "Avslutt fullskjerm",
    "File upload": "Fil",
    "More tabs": "Flere faner",
    "Open cell menu": "Åpne cellemenyen",
    "Table actions": "Tabellhandlinger",
    "chatbot conversation": "Samtale",
    "Clear": "Tøm",
    "Copy": "Kopier",
    "Download": "Last ned",
    "Sort ascending": "Sorter stigende",
    "Sort descending": "Sorter synkende",
    "Clear sort": "Fjern sortering",
    # the chat's 👍 / 👎 on each answer (Gradio's bokmål says «Liker» / «Liker ikke»; selected, it says English)
    "Like": "Svaret er riktig",
    "Dislike": "Svaret er feil",
    "Liker": "Svaret er riktig",
    "Liker ikke": "Svaret er feil",
    "Liked": "Merket som riktig (klikk for å angre)",
    "Disliked": "Merket som feil (klikk for å angre)",
}
# The page template says lang="en"; the app is Norwegian bokmål (WCAG 3.1.1), so set it on load.
# Also: Gradio's chat scroll box is a scrollable region that a keyboard cannot reach (WCAG 2.1.1): make it
# focusable and name it, now and whenever Gradio re-renders it.
SET_LANG_JS = r"""() => {
  document.documentElement.lang = 'nb';
  const norwegian = GRADIO_LABELS_NB;
  // only the elements that carry one of those English labels, not every labelled element on the page
  const english = Object.keys(norwegian).flatMap((k) => [`[aria-label="${k}"]`, `[title="${k}"]`]).join(', ');
  const fix = () => {
    document.querySelectorAll('#rq-chat .bubble-wrap').forEach((box) => {
      if (box.tabIndex !== 0) { box.tabIndex = 0; box.setAttribute('aria-label', 'Samtale'); }
    });
    // Gradio names each message «bot's message: » + its raw Markdown; a screen reader gets clean Norwegian text
    document.querySelectorAll('#rq-chat [aria-label^="bot\'s message: "], #rq-chat [aria-label^="user\'s message: "]')
      .forEach((e) => {
        const raw = e.getAttribute('aria-label');
        const who = raw.startsWith('bot') ? 'Svar: ' : 'Spørsmål: ';
        const text = raw.slice(raw.indexOf(': ') + 2).replace(/<br\s*\/?>/gi, ' ').replace(/\*\*|__/g, '')
          .replace(/\\([\\`*_{}\[\]()#+\-.!|<>])/g, '$1').replace(/\s+/g, ' ').trim();
        e.setAttribute('aria-label', who + text);
      });
    document.querySelectorAll(english).forEach((e) => {
      for (const name of ['aria-label', 'title']) {
        const value = e.getAttribute(name);
        if (value && norwegian[value]) e.setAttribute(name, norwegian[value]);
      }
    });
  };
  fix();
  new MutationObserver(fix).observe(document.body, {childList: true, subtree: true, attributes: true,
                                                    attributeFilter: ['aria-label', 'title']});
}""".replace("GRADIO_LABELS_NB", json.dumps(GRADIO_LABELS_NB, ensure_ascii=False))
# Gradio translates its own strings («Bygget med Gradio», «Innstillinger», «Bruk via API» …) by the browser's
# language; the app is Norwegian whatever the browser says, so Gradio is told the browser speaks bokmål.
SET_LANG_HEAD = """<script>
document.documentElement.lang = 'nb';
try {
  Object.defineProperty(Navigator.prototype, 'language', {get: () => 'nb-NO', configurable: true});
  Object.defineProperty(Navigator.prototype, 'languages', {get: () => ['nb-NO', 'nb', 'no'], configurable: true});
} catch (e) {}
</script>"""
CSS = """
/* WCAG 2.1 AA: Gradio's orange primary (white on #f97316, 2.8:1) and accent fail contrast; a dark blue passes
   (white on #1d4ed8 is 6.7:1). A visible focus ring everywhere (2.4.7). */
:root, .dark {
  --color-accent: #1d4ed8; --color-accent-soft: #dbeafe;
  --button-primary-background-fill: #1d4ed8; --button-primary-background-fill-hover: #1e3a8a;
  --button-primary-border-color: #1d4ed8; --button-primary-text-color: #ffffff;
  --button-primary-text-color-hover: #ffffff;
}
button.selected, [role="tab"][aria-selected="true"] { color: #1d4ed8 !important; }
footer a, footer button { color: #374151 !important; }
*:focus-visible { outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }
textarea:focus, input:focus { outline: 3px solid #1d4ed8 !important; outline-offset: 1px; }
.rq-source { border: 1px solid #8a8a8a; border-radius: 6px; padding: .6rem .8rem; margin-bottom: .8rem; }
.rq-source h3 { margin: 0 0 .2rem 0; font-size: 1rem; }
.rq-num { font-weight: 700; }
.rq-meta, .rq-muted { color: #4a4a4a; font-size: .9rem; }
.dark .rq-meta, .dark .rq-muted { color: #c8c8c8; }
.rq-fields dt { font-weight: 700; margin-top: .3rem; }
.rq-fields dd { margin-left: 1rem; }
.rq-lines { white-space: pre-wrap; font-size: .85rem; max-height: 16rem; overflow: auto; }
mark { background: #ffe066; color: #000; padding: 0 .1rem; }
.rq-none { border-left: 6px solid #b35c00; padding-left: .8rem; }
.rq-scroll { overflow-x: auto; }
/* On a phone the sources come directly under the conversation, before the question box and the rest
   (the two columns become one; the chat column's children join the row so that they can be ordered). */
@media (max-width: 720px) {
  #rq-chat-row { flex-direction: column !important; flex-wrap: nowrap !important; }
  #rq-chat-col { display: contents !important; }
  #rq-chat-col > * { order: 3; }
  #rq-chat-col > #rq-chat { order: 1; }
  #rq-sources-col { order: 2; min-width: 0 !important; }
}
.rq-coverage { border-collapse: collapse; font-size: .9rem; }
.rq-coverage th, .rq-coverage td { border: 1px solid #8a8a8a; padding: .4rem; vertical-align: top; text-align: left; }
.rq-coverage th[scope=row] { min-width: 18rem; font-weight: 400; }
.rq-coverage td { min-width: 12rem; }
.rq-coverage ul { margin: .2rem 0 0 1rem; padding: 0; }
.rq-badge { font-weight: 700; }
#rq-t-table table { font-family: var(--font); }
td.rq-covered { background: #e3f4e1; } td.rq-partial { background: #fff3cd; } td.rq-none { background: #f4f4f4; }
.dark td.rq-covered, .dark td.rq-partial, .dark td.rq-none { color: #000; }
"""


def plan_choice(plan: Plan) -> str:
    """How a plan is offered in the filters: «Grorud (2023–2028)»."""
    return f"{plan.bydel} ({plan.period or 'udatert'})"


def scoped_question(question: str, plan: Plan | None) -> str:
    """The question limited to one plan by naming it, as a caseworker would («… (bydel Grorud)»)."""
    if plan is None:
        return question
    if plan.is_city_plan:
        return f"{question} (Oslo kommune)"
    if plan.bydel.casefold() in question.casefold():
        return question
    return f"{question} (bydel {plan.bydel})"


WARM_MAX_DISTRICTS = 20


@dataclass
class Snapshot:
    """What the browse, coverage and about tabs show of one index build (recomputed when a new build goes live)."""

    live: LiveIndex
    out_dir: Path

    @cached_property
    def plans(self) -> list[Plan]:
        return [p.plan for p in self.live.plans]

    @cached_property
    def choices(self) -> dict[str, Plan]:
        return {plan_choice(p): p for p in self.plans}

    @cached_property
    def tiltak(self) -> list[Tiltak]:
        return [t for p in self.live.plans for t in p.tiltak]

    _coverage_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _coverage: list[Row] | None = field(default=None, repr=False)

    @property
    def coverage(self) -> list[Row]:
        """The coverage matrix of this build, computed once (the warm-up thread and a first click share it)."""
        with self._coverage_lock:
            if self._coverage is None:
                self._coverage = coverage_rows(self.live)
            return self._coverage

    def warm(self) -> None:
        """Compute the coverage matrix in the background, so the Dekning tab opens at once — for a municipality's
        districts (Oslo has 15); a corpus of many more computes it when the tab is first opened, rather than
        embedding every district's tiltak at start-up."""
        if sum(not p.is_city_plan for p in self.plans) <= WARM_MAX_DISTRICTS:
            threading.Thread(target=lambda: self.coverage, name="rusqa-coverage-warm", daemon=True).start()

    def about(self) -> str:
        m = self.live.manifest
        names = {
            "plans": "planer",
            "tiltak": "tiltak",
            "passages": "tekstavsnitt",
            "sections": "seksjoner",
            "records": "poster i alt",
        }
        counts = m.get("counts", {})
        build = {
            "Indeks bygget": m.get("created", "?"),
            "Bygg-id": self.live.build_id,
            "Språkmodell for meningssøk": m.get("embedder", {}).get("name", "?"),
            "Poster": ", ".join(f"{v} {names.get(k, k)}" for k, v in counts.items()),
        }
        return render.about_html(self.live.plans, build, __version__)


def write_file(out_dir: Path, stem: str, text: str) -> str:
    """Write an export under a name derived from its content (same rows → same file)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    path = out_dir / f"{stem}-{digest}.csv"
    if not path.exists():
        path.write_text(text, encoding="utf-8-sig")  # BOM: Excel opens æøå correctly
    return str(path)


def tiltak_csv(rows: list[Tiltak]) -> str:
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TILTAK_CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for t in rows:
        record = tiltak_record(t)
        record["lines"] = f"{t.lines[0]}-{t.lines[1]}"
        writer.writerow({k: csv_safe(v) for k, v in record.items()})
    return out.getvalue()


class RusqaApp:
    """The app's state: one Assistant, and a Snapshot of the live build for the other tabs."""

    def __init__(self, assistant: Assistant | None = None) -> None:
        self.assistant = assistant or Assistant()
        self.out_dir = Path(tempfile.mkdtemp(prefix="rusqa-export-"))
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self.feedback_desk = FeedbackDesk()  # each conversation's answers, for 👍 / 👎 on them; memory only
        self.gate: Any = None  # ui.server.Gate when served with access control

    def snapshot(self) -> Snapshot:
        live = self.assistant.live
        with self._lock:
            if self._snapshot is None or self._snapshot.live is not live:
                self._snapshot = Snapshot(live, self.out_dir)
                self._snapshot.warm()
            return self._snapshot

    # --- Spør ---------------------------------------------------------------------------------
    def answer(self, question: str, plan: str | None) -> Answer:
        """Validate (server side), scope to the chosen plan, and answer; InputError for a bad question."""
        text = clean_question(question, self.assistant.settings.max_question_chars)
        chosen = self.snapshot().choices.get(plan or "")
        return self.assistant.ask(scoped_question(text, chosen))

    def chat(
        self, question: str, plan: str | None, history: list[dict[str, Any]] | None, saved: Any = None,
        request: gr.Request | None = None,
    ) -> tuple[Any, str, str, Any, str]:  # fmt: skip
        """One chat turn: answered in the conversation's state (kept per browser session, in memory only)."""
        history = list(history or [])
        shown = render.escape((question or "").strip()[:300]) or "(tomt spørsmål)"
        state, last, conversation_id = saved if saved else (None, None, uuid.uuid4().hex)
        conversation = Conversation(self.assistant, state, last)
        try:
            text = clean_question(question, self.assistant.settings.max_question_chars)
            chosen = self.snapshot().choices.get(plan or "")
            answer = conversation.ask(scoped_question(text, chosen))
        except InputError as exc:
            history += [
                {"role": "user", "content": shown},
                {"role": "assistant", "content": render.error_markdown(str(exc))},
            ]
            return (
                history,
                render.note_html(str(exc)),
                question,
                saved,
                render.context_markdown(conversation.state, None),
            )
        live = self.assistant.live
        self.log_answer(answer, "chat", self.user_name(request))
        history += [
            {"role": "user", "content": shown},
            {"role": "assistant", "content": render.answer_markdown(answer)},
        ]
        sources = render.sources_html(answer, live.plan_by_id, live.tiltak_by_id, self.assistant.settings.plans_dir)
        context = render.context_markdown(conversation.state, live.plan_by_id)
        self.feedback_desk.answered(conversation_id, len(history) - 1, answer)
        return history, sources, "", (*conversation.saved(), conversation_id), context

    def rate(self, saved: Any, like: gr.LikeData, request: gr.Request | None = None) -> str:
        """👍 / 👎 clicked on one answer in the chat: stored at once with that answer, its cited ids and the build."""
        index = like.index if isinstance(like.index, int) else like.index[0]
        note = self.feedback_desk.rate(
            self.assistant.settings.data_dir, self.assistant.live.build_id, saved[2] if saved else None,
            index, like.liked, self.user_name(request),
        )  # fmt: skip
        return render.note_html(note, announce=True)

    def feedback(self, rating: int, comment: str, share: bool, saved: Any, request: gr.Request | None = None) -> str:
        """The form under the chat: 👍 / 👎 with a comment on the answer last rated, or the last answer — the
        question only when the user ticked «del spørsmålet med forvalter»."""
        note = self.feedback_desk.comment(
            self.assistant.settings.data_dir, self.assistant.live.build_id, saved[2] if saved else None,
            rating, comment, share, self.user_name(request),
        )  # fmt: skip
        return render.note_html(note, announce=True)

    def log_answer(self, answer: Answer, via: str, user: str | None = None) -> None:
        """One JSON log line per answer: how long, what shape, abstained, how many cited — never the question."""
        log_event(
            "answer",
            via=via,
            latency_ms=round(answer.latency_ms, 1),
            shape=answer.shape.value,
            abstained=answer.abstained,
            cited=len(answer.citations),
            build_id=self.assistant.live.build_id,
            user=user,
        )

    def api_answer(self, question: str, plan: str = "", request: gr.Request | None = None) -> dict[str, Any]:
        """The `ask --json` contract over the app's API; a bad question gives {"error": …}."""
        try:
            answer = self.answer(question, plan)
        except InputError as exc:
            log_event("refused_question", via="api", reason=type(exc).__name__)
            return {"question": str(question)[:200], "error": str(exc)}
        self.log_answer(answer, "api", self.user_name(request))
        return answer.model_dump(mode="json")

    # --- Tiltak -------------------------------------------------------------------------------
    def filter_rows(
        self, plan: str | None, owner: str, status: str | None, strategy: str | None, text: str,
        risk: str | None = ALL, deadline: str = "",
    ) -> list[Tiltak]:  # fmt: skip
        snap = self.snapshot()
        chosen = snap.choices.get(plan or "")
        rows = filter_tiltak(
            snap.tiltak,
            plan=chosen.id if chosen else None,
            owner=(owner or "").strip()[:200] or None,
            status=None if status in (None, ALL) else status,
            text=(text or "").strip()[:200] or None,
        )
        if strategy and strategy != ALL:
            rows = [t for t in rows if top_section(t) == strategy]
        if risk and risk != ALL:
            rows = [t for t in rows if facet("risk", t.risk) == risk]
        wanted = (deadline or "").strip().casefold()[:100]
        if wanted:
            rows = [t for t in rows if wanted in (t.deadline or "").casefold()]
        return rows

    def table(
        self, plan: str | None, owner: str, status: str | None, strategy: str | None, text: str,
        risk: str | None = ALL, deadline: str = "",
    ) -> tuple[Any, ...]:  # fmt: skip
        rows = self.filter_rows(plan, owner, status, strategy, text, risk, deadline)
        values = [table_row(t) for t in rows] or [[""] * len(TABLE_HEADERS)]
        ids = [t.id for t in rows]
        note = f"{len(rows)} tiltak" if rows else "Ingen tiltak passer filtrene."
        export = write_file(self.out_dir, "rusqa-tiltak", tiltak_csv(rows))
        return values, gr.update(choices=ids, value=None), export, render.note_html(note), ids

    def record(self, tiltak_id: str | None) -> str:
        snap = self.snapshot()
        t = snap.live.tiltak_by_id.get(tiltak_id or "")
        if t is None:
            return render.note_html("Velg et tiltak i tabellen eller i listen for å se hele posten.")
        return render.tiltak_record_html(t, snap.live.plan_by_id[t.plan_id], self.assistant.settings.plans_dir)

    def select_row(self, ids: list[str], evt: gr.SelectData) -> tuple[str, Any]:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        tiltak_id = ids[row] if isinstance(row, int) and 0 <= row < len(ids) else None
        return self.record(tiltak_id), gr.update(value=tiltak_id)

    # --- Dekning ------------------------------------------------------------------------------
    @property
    def verdicts(self) -> VerdictStore:
        return VerdictStore.in_dir(self.assistant.settings.data_dir)

    def coverage_rows(self) -> list[Row]:
        """The suggestions of this build (computed once) with the planners' verdicts over them (read each time)."""
        snap = self.snapshot()
        decisions = self.verdicts.decisions(snap.live.tiltak_by_id)
        return [with_verdicts(row, decisions, snap.live.tiltak_by_id) for row in snap.coverage]

    def coverage(self) -> tuple[str, str, str]:
        snap = self.snapshot()
        rows = self.coverage_rows()
        districts = [p for p in snap.plans if not p.is_city_plan]
        city = next((p for p in snap.plans if p.is_city_plan), None)
        csv_path = write_file(self.out_dir, "rusqa-dekning", coverage_csv(rows))
        xlsx_path = str(self.out_dir / "rusqa-dekning.xlsx")
        coverage_xlsx(rows, xlsx_path)
        return render.coverage_html(rows, districts, city), csv_path, xlsx_path

    def coverage_cell(self, measure_id: str | None, plan_id: str | None) -> tuple[str, Any]:
        """The detail pane of one cell, and its candidates as the choices of the verdict's tiltak."""
        snap = self.snapshot()
        row = next((r for r in self.coverage_rows() if r.measure.id == measure_id), None)
        cell = next((c for c in row.cells if c.plan.id == plan_id), None) if row else None
        city = next((p for p in snap.plans if p.is_city_plan), None)
        if row is None or cell is None or city is None:
            return render.note_html("Velg et tiltak i byplanen og en bydel."), gr.update(choices=[], value=None)
        choices = [(f"{c.tiltak.id} — {render.shorten(c.tiltak.text, 60)}", c.tiltak.id) for c in cell.candidates]
        others = [
            (f"{t.id} — {render.shorten(t.text, 60)}", t.id)
            for t in snap.live.tiltak_by_id.values()
            if t.plan_id == plan_id and t.id not in {c.tiltak.id for c in cell.candidates}
        ]
        html = render.coverage_detail_html(row, cell, self.assistant.settings.plans_dir, city)
        return html, gr.update(choices=choices + others, value=choices[0][1] if choices else None)

    def user_name(self, request: gr.Request | None) -> str | None:
        """Who asked, for the logs, when the server knows (behind access control); None on an unguarded laptop."""
        return None if self.gate is None or self.gate.mode == "none" else self.user_of(request).name

    def user_of(self, request: gr.Request | None) -> User:
        """The signed-in user (a planner on an unguarded laptop)."""
        if self.gate is None:
            return LOCAL_USER
        return self.gate.role_of(getattr(request, "username", None))

    def save_verdict(
        self, measure_id: str | None, plan_id: str | None, verdict: str | None, tiltak_id: str | None,
        comment: str, who: str, request: gr.Request | None = None,
    ) -> tuple[str, str, str, str, str]:  # fmt: skip
        """Store a planner's verdict; the matrix and the detail pane show it at once. Readers are refused."""
        snap = self.snapshot()
        user = self.user_of(request)
        guarded = self.gate is not None and self.gate.mode != "none"
        try:
            if not user.may_decide_coverage:
                log_event("refused", status=403, action="verdict", user=user.name)
                raise InputError(f"{user.name} har lesetilgang; bare planleggere kan lagre vurderinger.")
            if guarded:
                who = user.name
            if not measure_id or not plan_id:
                raise InputError("Velg et tiltak i byplanen og en bydel først.")
            kind = next((v for v, label in VERDICT_CHOICES if label == verdict), None)
            if kind is None:
                raise InputError("Velg en vurdering: dekker, dekker delvis, avvist eller ikke dekket.")
            tiltak = snap.live.tiltak_by_id.get(tiltak_id or "") if kind != Verdict.NOT_COVERED else None
            if kind != Verdict.NOT_COVERED and (tiltak is None or tiltak.plan_id != plan_id):
                raise InputError("Velg hvilket bydelstiltak vurderingen gjelder.")
            if not (who or "").strip():
                raise InputError("Skriv navnet ditt, så vi vet hvem som har vurdert.")
            self.verdicts.record(measure_id, plan_id, kind, who=who, tiltak=tiltak, comment=(comment or "")[:1000])
            audit(
                self.assistant.settings.data_dir, "verdict", who,
                measure_id=measure_id, plan_id=plan_id, tiltak_id=tiltak_id if tiltak else None, verdict=kind.value,
            )  # fmt: skip
            note = render.note_html(f"Lagret: {render.VERDICT_LABEL[kind.value]} for {measure_id} × {plan_id}.")
        except InputError as exc:
            note = render.note_html(str(exc))
        matrix, csv_path, xlsx_path = self.coverage()
        detail, _ = self.coverage_cell(measure_id, plan_id)
        return matrix, detail, note, csv_path, xlsx_path


def top_section(t: Tiltak) -> str:
    return t.section.split(" / ")[0]


def table_row(t: Tiltak) -> list[str]:
    """One table row: the id, the plan, the tiltak shortened (the whole record opens below), the fields."""
    code = t.id.removeprefix(f"{t.plan_id}-")
    owner = render.shorten(t.owner_label or "", 80)
    return [code, t.bydel, render.shorten(t.text, 110), owner, t.deadline or "", t.status or "", t.risk or ""]


def decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def coverage_note(snap: Snapshot) -> str:
    city = next((p for p in snap.plans if p.is_city_plan), None)
    periods = ", ".join(f"{p.bydel} {p.period or 'udatert'}" for p in snap.plans if not p.is_city_plan)
    return (
        "Hver rad er et tiltak i byplanen der bydelene leder eller samarbeider; hver kolonne er en bydelsplan. "
        "En celle viser planleggerens vurdering (✔) eller et forslag. Forslaget rangerer bydelsplanens tiltak etter "
        "hvor likt de er byplantiltaket i mening (hver setning for seg) og hvor mange sjeldne ord de deler med det; "
        f"treffet til det beste er **dekket** fra {decimal(COVERED_AT)}, **delvis** fra {decimal(FOUND_AT)}, "
        "ellers **ikke funnet**. "
        "Forslagene er enige med en planleggers lesning i om lag to av tre celler: velg cellen under, se "
        "kandidatene og lagre din vurdering.\n\n"
        f"**Merk:** bydelsplanene ({render.escape(periods)}) er eldre enn byplanen"
        f"{' (' + render.escape(city.period or '') + ')' if city else ''}. «Ikke funnet» betyr at tiltaket ikke står i "
        "bydelens gjeldende plan — ikke nødvendigvis at bydelen ikke gjør det."
    )


def build_app(app: RusqaApp | None = None) -> gr.Blocks:
    """The four tabs, wired to a RusqaApp."""
    app = app or RusqaApp()
    snap = app.snapshot()
    plan_choices = [ALL, *snap.choices]
    statuses = [ALL, *sorted({t.status for t in snap.tiltak if t.status})]
    strategies = [ALL, *dict.fromkeys(top_section(t) for t in snap.tiltak)]
    with gr.Blocks(title="rusqa – spør rusplanene", analytics_enabled=False) as demo:
        gr.Markdown(
            "# rusqa – spør Oslos rusplaner\nSvar med kilder fra byens og bydelenes rusplaner. Spørsmål lagres ikke."
        )
        with gr.Tab("Spør", id="spor"):
            _chat_tab(app, plan_choices)
        with gr.Tab("Tiltak", id="tiltak"):
            _tiltak_tab(app, plan_choices, statuses, strategies)
        with gr.Tab("Dekning", id="dekning") as dekning:
            _coverage_tab(app, snap, dekning)
        with gr.Tab("Om", id="om") as om:
            about = gr.HTML(render.note_html("Henter …"), label="Om indeksen")
            om.select(lambda: app.snapshot().about(), outputs=about, api_visibility="private")
        demo.load(lambda: app.snapshot().about(), outputs=about, api_visibility="private")
        gr.api(
            app.api_answer, api_name="svar", api_description="Svar på et spørsmål (samme JSON som `rusqa ask --json`)."
        )
    return demo


def _chat_tab(app: RusqaApp, plan_choices: list[str]) -> None:
    limit = app.assistant.settings.max_question_chars
    with gr.Row(elem_id="rq-chat-row"):
        with gr.Column(scale=3, elem_id="rq-chat-col"):
            chatbot = gr.Chatbot(
                label="Samtale",
                height=460,
                sanitize_html=True,
                render_markdown=True,
                elem_id="rq-chat",
                buttons=[],  # Gradio's share and copy buttons have empty or English labels
                feedback_options=("Like", "Dislike"),  # 👍 / 👎 on each answer (labels made Norwegian on load)
            )
            question = gr.Textbox(
                label="Spørsmål",
                placeholder="F.eks. «Hvem har ansvar for naloxonopplæring i Grorud?» — trykk Enter for å sende",
                max_lines=4,
                max_length=limit,
                elem_id="rq-question",
            )
            context = gr.Markdown(render.context_markdown(None), elem_id="rq-context")
            with gr.Row():
                plan = gr.Dropdown(plan_choices, value=ALL, label="Avgrens til plan/bydel", elem_id="rq-plan")
                send = gr.Button("Send", variant="primary", elem_id="rq-send")
                clear = gr.Button("Tøm samtalen", elem_id="rq-clear")
            with gr.Accordion("Var svaret riktig? Gi tilbakemelding", open=False, elem_id="rq-feedback") as form:
                with gr.Row():
                    up = gr.Button("👍 Riktig", elem_id="rq-fb-up")
                    down = gr.Button("👎 Feil", elem_id="rq-fb-down")
                remark = gr.Textbox(label="Kommentar (valgfritt)", max_length=2000, elem_id="rq-fb-comment")
                share = gr.Checkbox(label="Del spørsmålet med forvalter", value=False, elem_id="rq-fb-share")
                thanks = gr.HTML("", elem_id="rq-fb-note")
            gr.Examples(EXAMPLES, inputs=question, label="Eksempler (klikk for å bruke)")
        with gr.Column(scale=2, elem_id="rq-sources-col"):
            sources = gr.HTML(render.note_html("Kildene til svaret vises her."), label="Kilder", elem_id="rq-sources")
    saved = gr.State(None)  # the conversation's state, per browser session, in memory only

    def rate(saved_: Any, like: gr.LikeData, request: gr.Request) -> tuple[str, Any]:
        return app.rate(saved_, like, request), gr.update(open=True)  # the comment form opens beside the note

    def rated_right(comment: str, shared: bool, saved_: Any, request: gr.Request) -> str:
        return app.feedback(1, comment, shared, saved_, request)

    def rated_wrong(comment: str, shared: bool, saved_: Any, request: gr.Request) -> str:
        return app.feedback(-1, comment, shared, saved_, request)

    chatbot.like(rate, [saved], [thanks, form], api_visibility="private")
    for button, rated in ((up, rated_right), (down, rated_wrong)):
        button.click(rated, [remark, share, saved], thanks, api_visibility="private")
    inputs, outputs = [question, plan, chatbot, saved], [chatbot, sources, question, saved, context]
    question.submit(app.chat, inputs, outputs, api_visibility="private")
    send.click(app.chat, inputs, outputs, api_visibility="private")
    clear.click(  # one control clears everything: the messages, the sources and the conversation's state
        lambda: ([], render.note_html("Kildene til svaret vises her."), None, render.context_markdown(None), ""),
        outputs=[chatbot, sources, saved, context, question],
        api_visibility="private",
    )


def _tiltak_tab(app: RusqaApp, plan_choices: list[str], statuses: list[str], strategies: list[str]) -> None:
    with gr.Row():
        plan = gr.Dropdown(plan_choices, value=ALL, label="Plan/bydel", elem_id="rq-t-plan")
        owner = gr.Textbox(label="Ansvarlig inneholder", elem_id="rq-t-owner")
        status = gr.Dropdown(statuses, value=ALL, label="Status", elem_id="rq-t-status")
        strategy = gr.Dropdown(strategies, value=ALL, label="Strategi/kapittel", elem_id="rq-t-strategy")
        deadline = gr.Textbox(label="Frist inneholder", elem_id="rq-t-deadline")
        risk = gr.Dropdown([ALL, *facet_table()["risk"]], value=ALL, label="Risiko", elem_id="rq-t-risk")
        text = gr.Textbox(label="Fritekst", elem_id="rq-t-text")
    values, _, csv_path, count, all_ids = app.table(ALL, "", ALL, ALL, "")
    note = gr.HTML(count, elem_id="rq-t-count")
    table = gr.Dataframe(
        values,
        headers=TABLE_HEADERS,
        interactive=False,
        wrap=True,
        label="Tiltak",
        max_height=520,
        column_widths=TABLE_WIDTHS,
        elem_id="rq-t-table",
    )
    with gr.Row():
        pick = gr.Dropdown(all_ids, value=None, label="Åpne tiltak (id)", elem_id="rq-t-pick")
        export = gr.DownloadButton("Last ned filtrerte rader (CSV)", value=csv_path, elem_id="rq-t-export")
    record = gr.HTML(
        render.note_html("Velg et tiltak i tabellen eller i listen for å se hele posten."), elem_id="rq-t-record"
    )
    ids = gr.State(all_ids)
    filters = [plan, owner, status, strategy, text, risk, deadline]
    outputs = [table, pick, export, note, ids]
    for dropdown in (plan, status, strategy, risk):
        dropdown.change(app.table, filters, outputs, api_visibility="private")
    for box in (owner, text, deadline):
        box.submit(app.table, filters, outputs, api_visibility="private")
        box.blur(app.table, filters, outputs, api_visibility="private")
    show = "() => document.querySelector('#rq-t-record')?.scrollIntoView({block: 'start'})"  # an opened record in view
    table.select(app.select_row, [ids], [record, pick], api_visibility="private").then(None, js=show)
    pick.input(app.record, pick, record, api_visibility="private").then(None, js=show)


def _coverage_tab(app: RusqaApp, snap: Snapshot, tab: gr.Tab) -> None:
    gr.Markdown(coverage_note(snap))
    matrix = gr.HTML(render.note_html("Beregner dekning …"), elem_id="rq-coverage")
    measures = [
        (f"{m.id.removeprefix('oslo-2026-')} — {render.shorten(m.text, 70)}", m.id) for m in city_measures(snap.live)
    ]
    districts = [(p.bydel, p.id) for p in snap.plans if not p.is_city_plan]
    with gr.Row():
        measure = gr.Dropdown(measures, value=None, label="Tiltak i byplanen", elem_id="rq-c-measure")
        district = gr.Dropdown(districts, value=None, label="Bydel", elem_id="rq-c-plan")
    detail = gr.HTML(render.note_html("Velg et tiltak i byplanen og en bydel."), elem_id="rq-c-detail")
    with gr.Group():
        with gr.Row():
            verdict = gr.Radio([label for _, label in VERDICT_CHOICES], label="Din vurdering", elem_id="rq-c-verdict")
            candidate = gr.Dropdown([], label="Bydelstiltaket vurderingen gjelder", elem_id="rq-c-tiltak")
        with gr.Row():
            comment = gr.Textbox(label="Kommentar", max_length=1000, elem_id="rq-c-comment")
            who = gr.Textbox(label="Ditt navn", max_length=100, elem_id="rq-c-who")
        save = gr.Button("Lagre vurdering", variant="primary", elem_id="rq-c-save")
        saved = gr.HTML("", elem_id="rq-c-saved")
    with gr.Row():
        export = gr.DownloadButton("Last ned dekning (CSV)", elem_id="rq-c-export")
        export_xlsx = gr.DownloadButton("Last ned dekning (Excel)", elem_id="rq-c-xlsx")
    tab.select(app.coverage, outputs=[matrix, export, export_xlsx], api_visibility="private")
    for box in (measure, district):
        box.change(app.coverage_cell, [measure, district], [detail, candidate], api_visibility="private")
    save.click(
        app.save_verdict,
        [measure, district, verdict, candidate, comment, who],
        [matrix, detail, saved, export, export_xlsx],
        api_visibility="private",
    )


VERDICT_CHOICES = [
    (Verdict.COVERS, "Dekker"),
    (Verdict.PARTLY, "Dekker delvis"),
    (Verdict.REJECTED, "Avvist"),
    (Verdict.NOT_COVERED, "Ikke dekket"),
]
QUEUE_CONCURRENCY = 2
QUEUE_MAX = 64


def launch(host: str = "127.0.0.1", port: int = 7860) -> None:
    """Start the app (blocking) behind the FastAPI face (ui/server.py: /healthz, JSON logs)."""
    from ui.server import serve

    serve(host=host, port=port)


if __name__ == "__main__":
    launch()
