"""A real `rusqa serve` on loopback for the API and browser tests; always stopped at the end."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from rusqa.settings import Settings
from tests.conftest import EMBEDDING_CACHE, ROOT

RUSQA = Path(sys.executable).parent / "rusqa"
SCREENSHOTS = ROOT / "screenshots"
PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=1>"
STARTUP_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(
    index_dir: Path, corpus_dir: Path | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """Start `rusqa serve` on a free loopback port, wait until it answers, and kill it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "RUSQA_INDEX_DIR": str(index_dir),
        "RUSQA_CACHE_DIR": str(EMBEDDING_CACHE),
        "RUSQA_DATA_DIR": str(index_dir.parent / "data"),
    }
    if corpus_dir is not None:
        env["RUSQA_CORPUS_DIR"] = str(corpus_dir)
    env.update(extra_env or {})
    log = open(index_dir.parent / f"serve-{port}.log", "w+b")  # noqa: SIM115 (closed below)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(RUSQA), "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"rusqa serve exited with {proc.returncode}:\n{log.read().decode(errors='replace')}")
            try:
                urllib.request.urlopen(f"{url}healthz", timeout=2).close()  # open even behind access control
                break
            except OSError:
                if time.perf_counter() - started > STARTUP_TIMEOUT:
                    raise
                time.sleep(0.2)
        print(f"\nrusqa serve answered after {time.perf_counter() - started:.1f} s on {url}")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def app_url(built_index_dir: Path) -> Iterator[str]:
    """The app over the real five-plan index."""
    with running_app(built_index_dir) as url:
        yield url


HOSTILE_PLAN = f"""Rusplan for Testby 2024–2027

1 Innledning
Dette er en plan med farlig tekst {PAYLOAD} i et avsnitt om naloxon.

2 Tiltak
Tiltak: Opplæring i naloxon-nesespray for ansatte {PAYLOAD}
Ansvarlig: Testetaten {PAYLOAD}
Frist: 2025
Status: Påbegynt
"""


@pytest.fixture(scope="session")
def hostile_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a one-plan corpus whose title and text try to run script."""
    from rusqa.ingest import ingest
    from rusqa.search.build import build_index

    corpus = tmp_path_factory.mktemp("hostile-corpus")
    (corpus / "plans").mkdir()
    data = HOSTILE_PLAN.encode("utf-8")
    (corpus / "plans" / "testby.txt").write_bytes(data)
    title = f"Testby plan {PAYLOAD}".replace('"', '\\"')
    (corpus / "catalog.yaml").write_text(
        "plans:\n"
        "  - id: testby-2024\n"
        "    bydel: Testby\n"
        f'    title: "{title}"\n'
        '    period: "2024–2027"\n'
        "    layout: generic\n"
        "    file: testby.txt\n"
        f"    sha256: {hashlib.sha256(data).hexdigest()}\n",
        encoding="utf-8",
    )
    index_dir = tmp_path_factory.mktemp("hostile-index")
    settings = Settings(corpus_dir=corpus, index_dir=index_dir, cache_dir=EMBEDDING_CACHE)
    parsed = ingest(corpus)
    assert parsed.ok, parsed.problems
    assert parsed.plans[0].tiltak, "the generic parser found no tiltak in the hostile plan"
    build_index(settings, parsed)
    with running_app(index_dir, corpus) as url:
        yield url


@pytest.fixture(scope="module")
def verdict_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """An app on an index of its own (so that a forced rebuild touches no other test), and the rebuild."""
    from rusqa.ingest import ingest
    from rusqa.search.build import build_index
    from rusqa.settings import Settings

    index_dir = tmp_path_factory.mktemp("verdict-app") / "index"
    settings = Settings(index_dir=index_dir, cache_dir=EMBEDDING_CACHE)
    build_index(settings, ingest(settings.corpus_dir))

    def rebuild() -> None:
        env = {**os.environ, "RUSQA_INDEX_DIR": str(index_dir), "RUSQA_CACHE_DIR": str(EMBEDDING_CACHE)}
        done = subprocess.run([str(RUSQA), "index", "--force"], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    with running_app(index_dir) as url:
        yield url, rebuild


@pytest.fixture(scope="module")
def basic_auth_app(built_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with RUSQA_AUTH=basic: kari is a planner, ola a reader."""
    from rusqa.service.auth import UserRole, UsersFile

    users = tmp_path_factory.mktemp("auth") / "users.json"
    UsersFile(users).add("kari", "korrekt-hest-batteri", UserRole.PLANNER)
    UsersFile(users).add("ola", "lesepassord-12345", UserRole.READER)
    with running_app(built_index_dir, extra_env={"RUSQA_AUTH": "basic", "RUSQA_USERS_FILE": str(users)}) as url:
        yield url


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip


LOCAL_HOSTS = {"127.0.0.1", "localhost", None}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is missing: run `make browser` (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; afterwards, nothing the page loaded may have come from off this machine
    (fonts, scripts, analytics: a caseworker's browser must not call third parties)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    pg = context.new_page()
    external: list[str] = []
    pg.on("request", lambda r: external.append(r.url) if urlparse(r.url).hostname not in LOCAL_HOSTS else None)
    yield pg
    context.close()
    assert not external, f"the page requested off-machine resources: {external[:5]}"
