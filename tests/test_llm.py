"""The optional generated answer: shown only when its citations and quotes check out against the sources."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from rusqa.answering.llm import verified
from rusqa.answering.qa import Assistant
from rusqa.models import Citation
from rusqa.settings import Settings

QUESTION = "Hvem har ansvar for naloxonopplæring i Grorud?"
SOURCES = [
    Citation(
        n=1,
        doc_id="grorud-2023",
        bydel="Grorud",
        title="Grorud",
        section="S",
        tiltak_id="grorud-2023-t14",
        text="Ansvarlig: Ansatte ved Regnbuen, ruskonsulent",
        lines=(1, 2),
        record_id="grorud-2023-t14",
    ),
    Citation(
        n=2,
        doc_id="grorud-2023",
        bydel="Grorud",
        title="Grorud",
        section="S",
        tiltak_id="grorud-2023-t20",
        text="Ansvarlig: Alle",
        lines=(3, 4),
        record_id="grorud-2023-t20",
    ),
]


def test_a_faithful_answer_keeps_only_the_sources_it_cites() -> None:
    assert verified("«Ansatte ved Regnbuen» har ansvaret [2]? Nei: [1].", SOURCES) == SOURCES
    assert verified("Det er «Alle» [2].", SOURCES) == [SOURCES[1]]


@pytest.mark.parametrize(
    "text",
    [
        "Bydelsoverlegen har ansvaret.",  # cites nothing
        "Det er «Ansatte ved Regnbuen» [3].",  # a source that was not given
        "Det er «Bydelsoverlegen» [1].",  # a quote that is not in the source
    ],
)
def test_an_unfaithful_answer_is_rejected(text: str) -> None:
    assert verified(text, SOURCES) is None


class FakeLLM(BaseHTTPRequestHandler):
    reply = ""
    requests: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLLM.requests.append(body)
        if FakeLLM.reply == "500":
            self.send_response(500)
            self.end_headers()
            return
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": FakeLLM.reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def llm_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), FakeLLM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeLLM.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def ask_with(reply: str, url: str, live_settings: Settings):  # type: ignore[no-untyped-def]
    FakeLLM.reply = reply
    return Assistant(live_settings.model_copy(update={"llm_url": url})).ask(QUESTION)


def test_a_verified_generated_answer_is_shown(llm_url: str, live_settings: Settings) -> None:
    extractive = Assistant(live_settings).ask(QUESTION)
    regnbuen = next(c for c in extractive.citations if "Ansatte ved Regnbuen" in c.text)
    answer = ask_with(f"Ansvaret har «Ansatte ved Regnbuen» [{regnbuen.n}].", llm_url, live_settings)
    assert answer.answer == "Ansvaret har «Ansatte ved Regnbuen» [1]."
    assert [c.record_id for c in answer.citations] == [regnbuen.record_id]
    sent = FakeLLM.requests[0]["messages"][1]["content"]
    assert QUESTION in sent and "[1]" in sent


@pytest.mark.parametrize("reply", ["Det er «Bydelsoverlegen» [1].", "Ingen kilder her.", "500"])
def test_an_unverified_or_failed_generation_falls_back_to_the_extractive_answer(
    reply: str, llm_url: str, live_settings: Settings
) -> None:
    extractive = Assistant(live_settings).ask(QUESTION)
    answer = ask_with(reply, llm_url, live_settings)
    assert answer.answer == extractive.answer and answer.citations == extractive.citations


def test_abstentions_are_never_sent(llm_url: str, live_settings: Settings) -> None:
    FakeLLM.reply = "Bydel Frogner: «Alle» [1]"
    answer = Assistant(live_settings.model_copy(update={"llm_url": llm_url})).ask("Hvem har ansvar for HAP i Frogner?")
    assert answer.abstained and not answer.citations and FakeLLM.requests == []
