"""The `rusqa` command line: a thin layer over the package's public functions.

Exit codes: 0 ok, 1 failure, 2 usage or bad input, 3 index missing or incompatible.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from rusqa import __version__
from rusqa.errors import InputError, RusqaError
from rusqa.settings import get_settings

F = TypeVar("F", bound=Callable[..., Any])


def _err(message: str) -> None:
    click.echo(f"rusqa: {message}", err=True)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn rusqa's errors into one line on stderr and their exit code; never a traceback."""
    try:
        yield
    except RusqaError as exc:
        _err(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _err("avbrutt")
        sys.exit(1)


def _print_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def _progress_bar(label: str) -> Any:
    """A rich progress bar on a terminal; a no-op elsewhere (CI, pipes)."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    return Progress(transient=True, console=__import__("rich.console").console.Console(stderr=True))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rusqa")
def main() -> None:
    """rusqa — exakte, siterte svar fra Oslos rusplaner.

    Example: rusqa ask "Hvem har ansvar for naloxonopplæring i Grorud?"
    """


def _ingest(show_progress: bool = True) -> Any:
    from rusqa.ingest import ingest

    settings = get_settings()
    bar = _progress_bar("ingest") if show_progress else None
    if bar is None:
        return ingest(settings.corpus_dir)
    with bar:
        task = bar.add_task("Leser planene", total=None)
        corpus = ingest(settings.corpus_dir, on_plan=lambda plan: bar.update(task, description=f"Leser {plan.id}"))
    return corpus


@main.command("ingest")
def ingest_cmd() -> None:
    """Validate the catalog and the plan files, parse them, and summarise what was found.

    Example: rusqa ingest
    """
    from rich.console import Console
    from rich.table import Table

    from rusqa.planning.browse import missing_fields

    with _user_errors():
        corpus = _ingest()
        table = Table(title="Planer lest")
        for column in ("plan", "bydel", "periode", "seksjoner", "passasjer", "tiltak", "felt som mangler"):
            table.add_column(column)
        for parsed in corpus.plans:
            missing = ", ".join(f"{k}: {v}" for k, v in missing_fields(parsed).items()) or "–"
            table.add_row(
                parsed.plan.id,
                parsed.plan.bydel,
                parsed.plan.period or "udatert",
                str(len(parsed.sections)),
                str(len(parsed.passages)),
                str(len(parsed.tiltak)),
                missing,
            )
        Console().print(table)
        for warning in corpus.warnings:
            _err(f"advarsel: {warning}")
        for problem in corpus.problems:
            _err(problem)
        if corpus.problems:
            _err(f"{len(corpus.problems)} problem(er); de andre planene ble lest.")
        if corpus.problems or corpus.warnings:
            sys.exit(2)


@main.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--bydel", required=True, help="The district the plan belongs to, e.g. Sagene.")
@click.option("--title", help="The plan's title (default: its first line).")
@click.option("--period", help="The period it covers, e.g. 2025–2028 (default: read from the title or first page).")
@click.option("--dry-run", is_flag=True, help="Show the review and change nothing.")
def add_cmd(file: Path, bydel: str, title: str | None, period: str | None, dry_run: bool) -> None:
    """Add a new plan (PDF, Word or text): catalog entry, a review of what was found, and the index.

    Only the new plan's records are embedded; a running app picks the plan up on its next question.
    Exit 2 when the plan yields no tiltak or tiltak without an owner (it is still added; check it).

    Example: rusqa add ~/Nedlastinger/rusplan-sagene.pdf --bydel Sagene --dry-run
    """
    import getpass

    from rusqa.planning.add import add, review
    from rusqa.search.build import build_index
    from rusqa.service.logs import audit

    with _user_errors():
        settings = get_settings()
        found = review(settings, file, bydel, title, period)
        if dry_run:
            click.echo(found.render())
            click.echo("Tørrkjøring: ingenting er endret.")
            sys.exit(2 if found.warnings else 0)
        add(settings, file, found)
        audit(
            settings.data_dir, "plan_added", getpass.getuser(),
            plan_id=found.plan.id, file=found.plan.file, sha256=found.plan.sha256, tiltak=len(found.parsed.tiltak),
        )  # fmt: skip
        corpus = _ingest(show_progress=False)
        report = build_index(settings, corpus)
        if report.built:
            audit(settings.data_dir, "index_build", getpass.getuser(), build_id=report.build_id,
                  records=report.records, embedded=report.embedded, forced=False)  # fmt: skip
        found.build_summary = report.summary()
        click.echo(found.render())
        click.echo(f"La til {found.plan.id} i corpus/catalog.yaml og corpus/plans/{found.plan.file}.")
        for problem in corpus.problems:
            _err(problem)
        if found.warnings:
            sys.exit(2)


@main.command("plans")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per plan.")
def plans_cmd(as_json: bool) -> None:
    """List the plans with their counts of sections, passages and tiltak.

    Example: rusqa plans --json
    """
    from rich.console import Console
    from rich.table import Table

    from rusqa.planning.browse import plan_record

    with _user_errors():
        corpus = _ingest(show_progress=not as_json)
        for problem in corpus.problems:
            _err(problem)
        records = [plan_record(p) for p in corpus.plans]
        if as_json:
            for record in records:
                _print_json(record)
        else:
            table = Table()
            for column in ("id", "bydel", "title", "period", "sections", "passages", "tiltak"):
                table.add_column(column)
            for r in records:
                table.add_row(*(str(r[c]) if r[c] is not None else "udatert" for c in table_columns(table)))
            Console().print(table)
        if corpus.problems:
            sys.exit(2)


def table_columns(table: Any) -> list[str]:
    return [str(c.header) for c in table.columns]


@main.command("tiltak")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per tiltak.")
@click.option("--plan", help="Only this plan id, e.g. grorud-2023.")
@click.option("--bydel", help="Only this bydel, e.g. Grorud.")
@click.option("--owner", help="Only tiltak whose owner contains this text.")
def tiltak_cmd(as_json: bool, plan: str | None, bydel: str | None, owner: str | None) -> None:
    """List tiltak with owner, deadline, status and risk as printed.

    Example: rusqa tiltak --bydel Grorud
    """
    from rich.console import Console
    from rich.table import Table

    from rusqa.planning.browse import filter_tiltak, tiltak_record

    with _user_errors():
        corpus = _ingest(show_progress=not as_json)
        for problem in corpus.problems:
            _err(problem)
        known = {p.plan.id for p in corpus.plans}
        if plan and plan not in known:
            raise InputError(f"unknown plan `{plan}` — known plans: {', '.join(sorted(known))}")
        rows = filter_tiltak(corpus.all_tiltak(), plan=plan, bydel=bydel, owner=owner)
        if as_json:
            for t in rows:
                _print_json(tiltak_record(t))
        else:
            table = Table(show_lines=True)
            for column in ("id", "mål", "tiltak", "ansvarlig", "frist", "status", "risiko", "linjer"):
                table.add_column(column, overflow="fold")
            for t in rows:
                owner_text = t.owner or "–"
                if t.owner_expanded:
                    owner_text += f"\n({t.owner_expanded})"
                table.add_row(
                    t.id,
                    t.goal or "–",
                    t.text,
                    owner_text,
                    t.deadline or "–",
                    t.status or "–",
                    t.risk or "–",
                    f"{t.lines[0]}–{t.lines[1]}",
                )
            Console().print(table)
            click.echo(f"{len(rows)} tiltak", err=True)
        if corpus.problems:
            sys.exit(2)


@main.command("index")
@click.option("--force", is_flag=True, help="Build even if nothing changed.")
def index_cmd(force: bool) -> None:
    """Build a new index if the sources, settings or code changed (atomic; the old one serves meanwhile).

    Example: rusqa index
    """
    from rusqa.search.build import build_index

    with _user_errors():
        settings = get_settings()
        corpus = _ingest()
        for problem in corpus.problems:
            _err(f"{problem}")
        bar = _progress_bar("index")
        if bar is None:
            report = build_index(settings, corpus, force=force)
        else:
            with bar:
                task = bar.add_task("Bygger indeks", total=None)
                report = build_index(
                    settings,
                    corpus,
                    force=force,
                    progress=lambda what, done, total: bar.update(task, description=what, completed=done, total=total),
                )
        for removed in report.cleaned or []:
            _err(f"fjernet en ufullstendig bygging fra et avbrutt løp: {removed}")
        if report.built:
            import getpass

            from rusqa.service.logs import audit

            audit(
                settings.data_dir, "index_build", getpass.getuser(),
                build_id=report.build_id, records=report.records, embedded=report.embedded, forced=force,
            )  # fmt: skip
        click.echo(report.summary())
        if corpus.problems:
            _err(f"{len(corpus.problems)} plan(er) ble hoppet over; se over.")
            sys.exit(2)


def _render_answer(answer: Any) -> str:
    from rusqa.models import location

    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("Kilder:")
        for c in answer.citations:
            where = f"{c.tiltak_id or c.section}"
            lines.append(f"[{c.n}] {c.bydel} — {c.title} — {where} ({location(c.lines, c.page)})")
            for text_line in c.text.splitlines():
                lines.append(f"     {text_line}")
    return "\n".join(lines)


def _answer_json(answer: Any, *, chat: bool = False) -> dict[str, Any]:
    record: dict[str, Any] = answer.model_dump(mode="json")
    for citation in record["citations"]:  # the contract: only a citation from a PDF plan carries `page`
        if citation.get("page") is None:
            citation.pop("page", None)
    if chat:
        context = answer.context
        record["context"] = {
            "plan_ids": list(context.plan_ids) if context else [],
            "record_id": context.record_id if context else None,
            "field": context.field.value if context and context.field else None,
        }
    return record


def _context_line(answer: Any, plans: Any = None) -> str:
    """«Gjelder: Grorud · naloksonopplæring» — what the next follow-up will be asked about."""
    from rusqa.answering.conversation import context_parts

    parts = context_parts(answer.context, plans)
    return "Gjelder: " + " · ".join(parts) if parts else ""


BATCH_BYTES = 16_384


def stdin_batches(fd: int | None = None) -> Iterator[list[str]]:
    """The lines on stdin, in batches of what has arrived together: a file piped in comes in large batches,
    a program that writes a question and waits for its answer gets it at once (the read never waits for
    more than one line)."""
    import codecs
    import os

    fd = sys.stdin.fileno() if fd is None else fd
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    while True:
        chunk = os.read(fd, BATCH_BYTES)
        pending += decoder.decode(chunk, final=not chunk)
        *lines, pending = pending.split("\n")
        if lines:
            yield [line.removesuffix("\r") for line in lines]
        if not chunk:
            if pending:
                yield [pending.removesuffix("\r")]
            return


@main.command("ask")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract (one object per question).")
@click.option("--chat", is_flag=True, help="With `-`: each line is a turn of one conversation; an empty line ends it.")
@click.argument("question")
def ask_cmd(as_json: bool, chat: bool, question: str) -> None:
    """Answer a question, with numbered sources; `-` reads one question per line from stdin.

    Example: rusqa ask "Hva er fristen for kontaktpunktet i Ullern?"
    """
    from rusqa.answering.conversation import Conversation
    from rusqa.answering.qa import Assistant
    from rusqa.models import Answer

    with _user_errors():
        assistant = Assistant()
        if question != "-":
            answer = assistant.ask(question)
            click.echo(json.dumps(_answer_json(answer), ensure_ascii=False) if as_json else _render_answer(answer))
            return
        failed = False
        conversation = Conversation(assistant)
        for batch in stdin_batches():
            if not chat:  # the questions that arrived together are embedded together
                assistant.prepare(batch)
            for text in batch:
                if chat and not text.strip():
                    conversation.reset()
                    continue
                try:
                    answer = conversation.ask(text) if chat else assistant.ask(text)
                except InputError as exc:
                    failed = True
                    _err(str(exc))
                    answer = Answer(question=text, answer=str(exc), abstained=True, context=conversation.state)
                if as_json:
                    _print_json(_answer_json(answer, chat=chat))
                else:
                    line = _context_line(answer, assistant.live.plan_by_id) if chat else ""
                    click.echo(_render_answer(answer) + (f"\n{line}" if line else "") + "\n")
                sys.stdout.flush()
        if failed:
            sys.exit(2)


@main.command("chat")
def chat_cmd() -> None:
    """A conversation at the prompt: follow-ups such as «og fristen?» use the earlier turns; «ny» starts afresh.

    Example: rusqa chat
    """
    from rusqa.answering.conversation import Conversation
    from rusqa.answering.qa import Assistant

    with _user_errors():
        conversation = Conversation(Assistant())
        click.echo("Spør om rusplanene. «ny» starter en ny samtale; Ctrl-D avslutter.", err=True)
        while True:
            try:
                text = click.prompt("›", prompt_suffix=" ", default="", show_default=False)
            except (EOFError, click.exceptions.Abort):
                click.echo("", err=True)
                return
            if text.strip().casefold() in {"ny", "new", "reset"}:
                conversation.reset()
                click.echo("Ny samtale.", err=True)
                continue
            if not text.strip():
                continue
            try:
                answer = conversation.ask(text)
            except InputError as exc:
                _err(str(exc))
                continue
            click.echo(_render_answer(answer))
            context = _context_line(answer, conversation.assistant.live.plan_by_id)
            if context:
                click.echo(context + "  (skriv «ny» for å starte på nytt)", err=True)


@main.command("eval")
@click.option(
    "--report", "report_path", default="reports/eval.json", show_default=True, help="Where to write the JSON report."
)
@click.option("--no-snapshot", is_flag=True, help="Do not rewrite evals/snapshot.jsonl.")
@click.argument("files", nargs=-1)
def eval_cmd(report_path: str, no_snapshot: bool, files: tuple[str, ...]) -> None:
    """Score the answers: gate on evals/dev/ (thresholds in evals/thresholds.yaml), report evals/test/.

    With FILES, only those are scored (and gated). Example: rusqa eval
    """
    from pathlib import Path

    from rusqa.evaluation.evaluate import SNAPSHOT_FILE, run_evaluation

    with _user_errors():
        ok = run_evaluation(
            [Path(f) for f in files] or None,
            Path(report_path),
            snapshot=None if (no_snapshot or files) else SNAPSHOT_FILE,
        )
        sys.exit(0 if ok else 1)


def _coverage_rows(assistant: Any) -> list[Any]:
    from rusqa.planning.coverage import coverage_rows
    from rusqa.planning.verdicts import VerdictStore

    live = assistant.live
    decisions = VerdictStore.in_dir(assistant.settings.data_dir).decisions(live.tiltak_by_id)
    return coverage_rows(live, decisions)


@main.command("coverage")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per city measure.")
@click.option("--csv", "as_csv", is_flag=True, help="One CSV line per measure × district plan.")
@click.option("--xlsx", "xlsx", type=click.Path(dir_okay=False), help="Write the table as an Excel workbook.")
def coverage_cmd(as_json: bool, as_csv: bool, xlsx: str | None) -> None:
    """The city measures the districts act in (lead or partner) × the district plans: the planners' verdicts,
    else the suggestion (covered / partial / none), with the district tiltak.

    Example: rusqa coverage --json
    """
    from rich.console import Console
    from rich.table import Table

    from rusqa.answering.qa import Assistant
    from rusqa.planning.coverage import STATUS_LABEL, coverage_csv, coverage_xlsx, row_record

    if sum(map(bool, (as_json, as_csv, xlsx))) > 1:
        _err("choose one of --json, --csv and --xlsx")
        sys.exit(2)
    with _user_errors():
        rows = _coverage_rows(Assistant())
        if as_json:
            for row in rows:
                _print_json(row_record(row))
            return
        if as_csv:
            click.echo(coverage_csv(rows), nl=False)
            return
        if xlsx:
            coverage_xlsx(rows, xlsx)
            click.echo(f"Skrev {xlsx} ({sum(len(r.cells) for r in rows)} celler).", err=True)
            return
        table = Table(show_lines=True, title="Byens tiltak der bydelene deltar × bydelsplanene")
        table.add_column("tiltak", overflow="fold")
        for cell in rows[0].cells if rows else []:
            table.add_column(cell.plan.bydel, overflow="fold")
        for row in rows:
            cells = [
                f"{STATUS_LABEL[c.status]}{' ✔' if c.source == 'planner' else ''} ({c.score:.2f})\n"
                + ", ".join(x.tiltak.id for x in c.candidates)
                for c in row.cells
            ]
            table.add_row(f"{row.measure.id} ({row.role.value})\n{row.measure.text[:160]}", *cells)
        Console().print(table)
        click.echo("✔ = planleggerens vurdering. Merk: bydelsplanene er eldre enn byplanen (2026–2029).", err=True)


@main.command("verdict")
@click.argument("measure_id")
@click.argument("plan_id")
@click.option("--covers", "covers", metavar="TILTAK", help="This district tiltak covers the measure.")
@click.option("--partly", "partly", metavar="TILTAK", help="This district tiltak covers part of it.")
@click.option("--reject", "reject", metavar="TILTAK", help="This candidate does not cover it.")
@click.option("--none", "none_", is_flag=True, help="The district plan does not cover the measure («ikke dekket»).")
@click.option("--comment", default="", help="Why.")
@click.option("--who", required=True, help="Who decides (name or user id).")
def verdict_cmd(
    measure_id: str, plan_id: str, covers: str | None, partly: str | None, reject: str | None, none_: bool,
    comment: str, who: str,
) -> None:  # fmt: skip
    """Record a planner's coverage verdict for one city measure × one district plan; it survives rebuilds.

    Example: rusqa verdict oslo-2026-14F ullern --covers ullern-t4 --who kari --comment "skoleprogrammet"
    """
    from rusqa.answering.qa import Assistant
    from rusqa.planning.verdicts import Verdict, VerdictStore

    chosen: list[tuple[Verdict, str | None]] = [
        (v, t) for v, t in ((Verdict.COVERS, covers), (Verdict.PARTLY, partly), (Verdict.REJECTED, reject)) if t
    ]
    if none_:
        chosen.append((Verdict.NOT_COVERED, None))
    with _user_errors():
        if len(chosen) != 1:
            raise InputError("give exactly one of --covers, --partly, --reject and --none")
        assistant = Assistant()
        live = assistant.live
        from rusqa.planning.coverage import city_measures

        if measure_id not in {m.id for m in city_measures(live)}:
            raise InputError(f"`{measure_id}` is not a city measure the districts act in — see `rusqa coverage`")
        if plan_id not in live.plan_by_id or live.plan_by_id[plan_id].is_city_plan:
            raise InputError(f"`{plan_id}` is not a district plan — see `rusqa plans`")
        verdict, tiltak_id = chosen[0]
        tiltak = live.tiltak_by_id.get(tiltak_id) if tiltak_id else None
        if tiltak_id and (tiltak is None or tiltak.plan_id != plan_id):
            raise InputError(f"`{tiltak_id}` is not a tiltak of {plan_id} — see `rusqa tiltak --plan {plan_id}`")
        store = VerdictStore.in_dir(assistant.settings.data_dir)
        decision = store.record(measure_id, plan_id, verdict, who=who, tiltak=tiltak, comment=comment)
        from rusqa.service.logs import audit

        audit(
            assistant.settings.data_dir, "verdict", who,
            measure_id=measure_id, plan_id=plan_id, tiltak_id=tiltak_id, verdict=verdict.value, via="cli",
        )  # fmt: skip
        click.echo(
            f"Lagret: {measure_id} × {plan_id}: {decision.verdict.value} {decision.tiltak_id} ({decision.who}, {decision.at})"
        )


@main.command("feedback")
@click.option("--csv", "as_csv", is_flag=True, help="CSV instead of a table.")
def feedback_cmd(as_csv: bool) -> None:
    """List the feedback users gave on answers (👍 / 👎, comments; questions only where they shared them).

    Example: rusqa feedback --csv > feedback.csv
    """
    from rich.console import Console
    from rich.table import Table

    from rusqa.service.feedback import FeedbackStore, feedback_csv

    with _user_errors():
        items = FeedbackStore.in_dir(get_settings().data_dir).all()
        if as_csv:
            click.echo(feedback_csv(items), nl=False)
            return
        table = Table(title=f"Tilbakemeldinger ({len(items)})", show_lines=True)
        for column in ("id", "når", "", "kommentar", "spørsmål (delt)", "svar", "kilder", "indeks"):
            table.add_column(column, overflow="fold")
        for f in items:
            table.add_row(
                str(f.id), f.at, "👍" if f.rating > 0 else "👎", f.comment, f.question or "–",
                f.answer.splitlines()[0][:120] if f.answer else "", " ".join(f.cited), f.build_id,
            )  # fmt: skip
        Console().print(table)


@main.group("users")
def users_group() -> None:
    """Users and roles for `RUSQA_AUTH=basic` (and roles for `proxy`): reader or planner."""


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["reader", "planner"]), default="reader", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin instead of a prompt.")
def users_add(name: str, role: str, password_stdin: bool) -> None:
    """Add a user or change their password and role (bcrypt hash in the users file).

    Example: rusqa users add kari --role planner
    """
    from rusqa.service.auth import UserRole, UsersFile

    with _user_errors():
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = click.prompt("Passord", hide_input=True, confirmation_prompt=True)
        UsersFile(get_settings().users_path).add(name, password, UserRole(role))
        click.echo(f"{name} ({role}) lagret i {get_settings().users_path}")


@users_group.command("remove")
@click.argument("name")
def users_remove(name: str) -> None:
    """Remove a user. Example: rusqa users remove kari"""
    from rusqa.service.auth import UsersFile

    with _user_errors():
        if not UsersFile(get_settings().users_path).remove(name):
            raise InputError(f"no user `{name}` — see `rusqa users list`")
        click.echo(f"{name} fjernet")


@users_group.command("list")
def users_list() -> None:
    """List the users and their roles. Example: rusqa users list"""
    from rusqa.service.auth import UsersFile

    with _user_errors():
        for name, role in UsersFile(get_settings().users_path).names():
            click.echo(f"{name}\t{role}")


@main.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (beyond loopback: set RUSQA_AUTH)."
)
@click.option("--port", default=7860, show_default=True, type=int, help="Port to listen on.")
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int) -> None:
    """Start the Gradio app (Spør, Tiltak, Dekning, Om); builds the index first if there is none.

    Example: rusqa serve --port 7860
    """
    from rusqa.search.build import current_build_id

    with _user_errors():
        from rusqa.service.auth import AuthMode, check_bind

        try:
            mode = AuthMode(get_settings().auth)
        except ValueError:
            raise InputError("RUSQA_AUTH must be none, proxy or basic") from None
        check_bind(host, mode)
        if current_build_id(get_settings().index_dir) is None:
            click.echo("Fant ingen indeks; bygger den først …", err=True)
            ctx.invoke(index_cmd, force=False)
        from ui.app import launch

        click.echo(f"Starter rusqa på http://{host}:{port} …", err=True)
        launch(host=host, port=port)


@main.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the diagnosis as one JSON object.")
def doctor_cmd(as_json: bool) -> None:
    """Check versions, settings, the live index, the embedder and the offline state; say what to fix.

    Exits 0 when healthy, 1 when something is wrong. Example: rusqa doctor
    """
    from rusqa.service.doctor import diagnose, render

    try:
        settings = get_settings()
    except InputError as exc:  # a bad RUSQA_* value: that is the diagnosis
        click.echo(f"Checks:\n  FAIL  settings: {exc}")
        sys.exit(1)
    with _user_errors():
        diagnosis = diagnose(settings)
        click.echo(json.dumps(diagnosis.to_json(), ensure_ascii=False) if as_json else render(diagnosis))
        sys.exit(0 if diagnosis.healthy else 1)


if __name__ == "__main__":
    main()
