"""Several caseworkers at once: 8 API clients × 25 questions against one running app on loopback."""

from __future__ import annotations

import base64
import threading

import pytest

from bench.load import eval_questions

pytestmark = [pytest.mark.server, pytest.mark.slow]

CLIENTS, PER_CLIENT = 8, 25


def _ask(client, question: str) -> tuple[str, bool, list[str]]:  # type: ignore[no-untyped-def]
    answer = client.predict(question, "", api_name="/svar")
    return answer["answer"], answer["abstained"], [c["tiltak_id"] or c["section"] for c in answer["citations"]]


AUTH = {"Authorization": "Basic " + base64.b64encode(b"ola:lesepassord-12345").decode()}


def test_eight_clients_at_once_get_the_answers_one_client_gets_behind_basic_auth(basic_auth_app: str) -> None:
    from gradio_client import Client

    app_url = basic_auth_app
    questions = eval_questions()[: CLIENTS * PER_CLIENT]
    single = Client(app_url, verbose=False, headers=AUTH)
    expected = {q: _ask(single, q) for q in dict.fromkeys(questions)}

    results: dict[int, list[tuple[str, tuple[str, bool, list[str]]]]] = {}
    errors: list[BaseException] = []

    def client_run(n: int) -> None:
        try:
            client = Client(app_url, verbose=False, headers=AUTH)
            mine = [questions[(n * PER_CLIENT + i) % len(questions)] for i in range(PER_CLIENT)]
            results[n] = [(q, _ask(client, q)) for q in mine]
        except BaseException as exc:  # reported below, with the client's number
            errors.append(exc)

    threads = [threading.Thread(target=client_run, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert sum(len(r) for r in results.values()) == CLIENTS * PER_CLIENT
    for answers in results.values():
        for question, got in answers:
            assert got == expected[question], question
