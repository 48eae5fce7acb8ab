"""Operations: feedback a maintainer can act on, JSON logs that never hold a question, and /healthz."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from rusqa.service.feedback import FeedbackStore, feedback_csv
from rusqa.service.logs import configure, log_event


def test_feedback_keeps_the_question_only_when_the_user_shares_it(tmp_path: Path) -> None:
    store = FeedbackStore.in_dir(tmp_path)
    store.add(-1, "Ansvarlig: «Alle» [1]", ["grorud-2023-t20"], "b1", comment="feil tiltak", question="Hvem …?")
    store.add(1, "Frist: «Kontinuerlig» [1]", ["grorud-2023-t11"], "b1", question="og fristen?", share_question=True)
    first, second = store.all()
    assert (first.rating, first.comment, first.question, first.cited) == (-1, "feil tiltak", None, ["grorud-2023-t20"])
    assert (second.rating, second.question, second.build_id) == (1, "og fristen?", "b1")
    csv_text = feedback_csv(store.all())
    assert csv_text.splitlines()[0].startswith("id,at,rating,comment,answer,cited,build_id,question")
    assert "og fristen?" in csv_text and "Hvem …?" not in csv_text


def test_feedback_is_thumbs_up_or_down(tmp_path: Path) -> None:
    from rusqa.errors import InputError

    with pytest.raises(InputError):
        FeedbackStore.in_dir(tmp_path).add(0, "svar", [], "b1")


def test_log_lines_are_json_and_refuse_question_text() -> None:
    stream = io.StringIO()
    logger = configure(stream)
    try:
        log_event("answer", latency_ms=3.2, shape="value", abstained=False)
        with pytest.raises(ValueError):
            log_event("answer", question="Hvem er Ola Nordmannsen?")
    finally:
        for handler in list(logger.handlers):
            if getattr(handler, "stream", None) is stream:
                logger.removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["event"] == "answer" and record["shape"] == "value" and "ts" in record


def test_health_is_503_while_no_index_is_live(tmp_path: Path) -> None:
    from rusqa.answering.qa import Assistant
    from rusqa.settings import Settings
    from ui.server import health

    status, body = health(Assistant(Settings(index_dir=tmp_path / "empty")), time.monotonic())
    assert status == 503 and body["status"] == "unavailable" and "rusqa index" in body["reason"]
