"""The command line's JSON contracts (DESIGN.md) — other tools parse these exact shapes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import rusqa_cli

CITATION_KEYS = {"n", "doc_id", "bydel", "title", "section", "tiltak_id", "text", "lines"}
TILTAK_KEYS = {
    "id",
    "plan_id",
    "bydel",
    "section",
    "goal",
    "text",
    "owner",
    "owner_expanded",
    "deadline",
    "status",
    "risk",
    "for_bydelene",
    "lines",
}


def run(args: list[str], index_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return rusqa_cli(args, index_dir, stdin=stdin)


def test_ask_json_prints_exactly_the_contract(built_index_dir: Path) -> None:
    result = run(["ask", "--json", "Hvem har ansvar for naloxonopplæring i Grorud?"], built_index_dir)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"question", "answer", "abstained", "latency_ms", "citations"}
    assert answer["abstained"] is False and isinstance(answer["latency_ms"], float)
    assert answer["citations"] and all(set(c) == CITATION_KEYS for c in answer["citations"])
    first = answer["citations"][0]
    assert first["doc_id"] == "grorud-2023" and first["tiltak_id"].startswith("grorud-2023-t")
    assert isinstance(first["lines"], list) and len(first["lines"]) == 2


def test_ask_json_from_stdin_answers_each_line_in_order(built_index_dir: Path) -> None:
    questions = [
        "Hvem har ansvar for HAP i Grorud?",
        "Hva er fristen for HAP i bydel Alna?",
        "who owns naloxone training in Grorud?",
    ]
    result = run(["ask", "--json", "-"], built_index_dir, stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    assert [a["abstained"] for a in answers] == [False, True, False]
    assert answers[1]["citations"] == []


def test_ask_without_an_index_says_run_rusqa_index_and_exits_3(tmp_path: Path) -> None:
    result = run(["ask", "Hvem har ansvar for HAP i Grorud?"], tmp_path)
    assert result.returncode == 3
    assert "rusqa index" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_tiltak_json_for_grorud_has_the_contract_and_the_printed_fields(tmp_path: Path) -> None:
    result = run(["tiltak", "--json", "--bydel", "Grorud"], tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 21 and all(set(r) == TILTAK_KEYS for r in rows)
    regnbuen = next(r for r in rows if r["goal"] == "Øke tilbudet ved Regnbuen")
    assert regnbuen["owner"] == "Ansatte ved Regnbuen, ruskonsulent, brukerrepresentant og booppfølgere"
    assert (regnbuen["deadline"], regnbuen["status"], regnbuen["risk"]) == ("Kontinuerlig", "Påbegynt", "Lav")


def test_tiltak_filters_by_plan_and_owner(tmp_path: Path) -> None:
    result = run(
        ["tiltak", "--json", "--plan", "nordre-aker-2020", "--owner", "Oppvekst- og familieavdelingen"], tmp_path
    )
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(r["plan_id"] == "nordre-aker-2020" and "OF" in r["owner"] for r in rows)


def test_tiltak_with_an_unknown_plan_is_a_usage_error(tmp_path: Path) -> None:
    result = run(["tiltak", "--plan", "frogner-2024"], tmp_path)
    assert result.returncode == 2 and "unknown plan" in result.stderr


def test_plans_json_lists_the_five_plans_with_counts(tmp_path: Path) -> None:
    result = run(["plans", "--json"], tmp_path)
    plans = [json.loads(line) for line in result.stdout.splitlines()]
    assert [p["id"] for p in plans] == ["oslo-2026", "grorud-2023", "ullern", "nordre-aker-2020", "stovner-2021"]
    assert all({"id", "bydel", "title", "period", "sections", "passages", "tiltak"} <= set(p) for p in plans)
    assert next(p for p in plans if p["id"] == "oslo-2026")["tiltak"] == 43


@pytest.mark.slow
def test_coverage_json_has_one_line_per_city_measure_for_the_districts(built_index_dir: Path) -> None:
    result = run(["coverage", "--json"], built_index_dir)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 17 and rows[0]["measure_id"].startswith("oslo-2026-")
    assert {r["role"] for r in rows} == {"lead", "partner"}
    assert {c["status"] for r in rows for c in r["cells"]} <= {"covered", "partial", "none"}


def test_questions_piped_in_together_come_in_one_batch_and_the_last_needs_no_newline() -> None:
    import os

    from rusqa.cli import stdin_batches

    read, write = os.pipe()
    os.write(write, b"Hvem har ansvar for HAP?\r\nog fristen?\nHva med Ullern?")
    os.close(write)
    assert list(stdin_batches(read)) == [["Hvem har ansvar for HAP?", "og fristen?"], ["Hva med Ullern?"]]
    os.close(read)
