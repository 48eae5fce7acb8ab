"""The app is also an API: ask through gradio_client against a running `rusqa serve`."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.server

NALOXONE = "Hvem har ansvar for opplæring og utdeling av Naloxon-nesespray i bydel Grorud?"


def test_naloxone_question_for_grorud_names_the_owner_with_a_source(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    started = time.perf_counter()
    answer = client.predict(NALOXONE, "", api_name="/svar")
    print(f"\nanswer over the API in {(time.perf_counter() - started) * 1000:.0f} ms")
    assert not answer["abstained"]
    assert answer["answer"].startswith("Ansvarlig:")
    assert answer["citations"] and answer["citations"][0]["doc_id"] == "grorud-2023"
    assert any("naloxon" in c["text"].casefold() for c in answer["citations"])
    assert any("regnbuen" in c["text"].casefold() for c in answer["citations"])


def test_the_api_refuses_an_overlong_question_on_the_server(app_url: str) -> None:
    from gradio_client import Client

    answer = Client(app_url, verbose=False).predict("hva " * 5000, "", api_name="/svar")
    assert answer["error"].startswith("Spørsmålet er for langt")
