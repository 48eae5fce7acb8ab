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


def test_healthz_names_the_live_build_and_its_plans(app_url: str) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{app_url.rstrip('/')}/healthz", timeout=10) as response:
        body = json.loads(response.read())
    assert response.status == 200 and body["status"] == "ok" and body["build_id"]
    assert "grorud-2023" in body["plans"] and body["uptime_s"] >= 0


def test_no_log_line_holds_a_question(app_url: str, built_index_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    from gradio_client import Client

    name = "Zyxwvut Quaggmire"  # a made-up person a caseworker might mention
    Client(app_url, verbose=False).predict(
        f"Hvem har ansvar for HAP i Grorud? Det gjelder {name}", "", api_name="/svar"
    )
    logs = list(built_index_dir.parent.glob("serve-*.log"))
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)
    assert name not in text and "Zyxwvut" not in text
    events = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert any(e["event"] == "answer" and e["via"] == "api" for e in events)


def test_gradios_run_history_and_screen_recording_are_off(app_url: str) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{app_url.rstrip('/')}/config", timeout=10) as response:
        config = json.loads(response.read())
    assert config["run_history"] is False  # nothing of a run is saved in the browser
    # no footer: no settings page, so no «Start Recording» (Gradio's screen recorder) and no run-history page
    assert config["footer_links"] == []
    assert config["analytics_enabled"] is False
