"""Offline guarantee: ingest, index, ask (and building the app) try no connection off this machine.

The commands run in subprocesses whose `sitecustomize` refuses every non-loopback connection and
DNS lookup at socket level and records each attempt; the offline variables are removed from their
environment first, so rusqa has to set them itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rusqa.settings import OFFLINE_ENV, apply_offline_env, get_settings
from tests.conftest import EMBEDDING_CACHE, ROOT, RUSQA

GUARD = r'''
"""Test guard: refuse and record every connection or DNS lookup that would leave the machine."""
import atexit, ipaddress, json, os, socket

_LOG = os.environ["RUSQA_TEST_NET_LOG"]
_attempts = []


def _loopback(host):
    if host in (None, "", "localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(kind, where):
    _attempts.append({"kind": kind, "to": repr(where)})
    _flush()


def _flush():
    with open(_LOG, "w", encoding="utf-8") as f:
        json.dump({"attempts": _attempts, "env": {k: os.environ.get(k) for k in json.loads(os.environ["RUSQA_TEST_OFFLINE_KEYS"])}}, f)


_connect, _connect_ex, _getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
        _refuse("connect", address)
        raise ConnectionRefusedError(111, "offline test: connection refused")
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
        _refuse("connect_ex", address)
        return 111
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    if not _loopback(host):
        _refuse("getaddrinfo", host)
        raise socket.gaierror(socket.EAI_NONAME, "offline test: no DNS")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
atexit.register(_flush)
'''


@pytest.fixture
def guarded_env(tmp_path: Path, built_index_dir: Path) -> dict[str, str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_ENV and not k.startswith("RUSQA_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]),
        RUSQA_INDEX_DIR=str(tmp_path / "index"),
        RUSQA_CACHE_DIR=str(EMBEDDING_CACHE),
        RUSQA_TEST_OFFLINE_KEYS=json.dumps(sorted(OFFLINE_ENV)),
    )
    return env


def _run(
    args: list[str], env: dict[str, str], log: Path, cwd: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    env = dict(env, RUSQA_TEST_NET_LOG=str(log))
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=180, check=False)
    assert log.exists(), f"the guard did not run: {result.stderr[-2000:]}"
    return result, json.loads(log.read_text(encoding="utf-8"))


def test_the_guard_catches_an_attempt_to_leave_the_machine(guarded_env: dict[str, str], tmp_path: Path) -> None:
    """The harness itself can fail: a lookup and a raw connect off the machine are both recorded."""
    code = (
        "import socket, urllib.request\n"
        "for call in (lambda: urllib.request.urlopen('http://example.com', timeout=2),\n"
        "             lambda: socket.socket().connect(('93.184.216.34', 80))):\n"
        "    try: call()\n"
        "    except OSError: pass\n"
    )
    result, log = _run([sys.executable, "-c", code], guarded_env, tmp_path / "net.json", tmp_path)
    assert result.returncode == 0, result.stderr
    kinds = {a["kind"] for a in log["attempts"]}
    assert kinds == {"getaddrinfo", "connect"}, log


@pytest.mark.slow
def test_ingest_index_and_ask_try_no_connection_off_the_machine(guarded_env: dict[str, str], tmp_path: Path) -> None:
    steps = {
        "ingest": [str(RUSQA), "ingest"],
        "index": [str(RUSQA), "index", "--force"],
        "ask": [str(RUSQA), "ask", "--json", "Hvem har ansvar for naloxonopplæring i Grorud?"],
        "ask english": [str(RUSQA), "ask", "--json", "who owns naloxone training in Grorud?"],
    }
    for name, args in steps.items():
        result, log = _run(args, guarded_env, tmp_path / f"net-{name}.json", tmp_path)
        assert result.returncode == 0, (name, result.stderr[-2000:])
        assert log["attempts"] == [], (name, log["attempts"])
        # rusqa set the offline variables itself (they were removed from its environment).
        assert log["env"] == OFFLINE_ENV, (name, log["env"])
        if name.startswith("ask"):
            answer = json.loads(result.stdout)
            assert not answer["abstained"] and answer["citations"], answer


@pytest.mark.slow
def test_building_the_app_tries_no_connection_off_the_machine(
    guarded_env: dict[str, str], tmp_path: Path, built_index_dir: Path
) -> None:
    app = ROOT / "ui" / "app.py"
    if not app.exists() or "def build_app" not in app.read_text(encoding="utf-8"):
        pytest.skip("ui/app.py has no build_app() yet: the app's offline check waits for it")
    env = dict(guarded_env, RUSQA_INDEX_DIR=str(built_index_dir))
    code = "from ui.app import build_app\nblocks = build_app()\nprint(type(blocks).__name__)\n"
    result, log = _run([sys.executable, "-c", code], env, tmp_path / "net-app.json", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert log["attempts"] == [], log["attempts"]
    assert log["env"] == OFFLINE_ENV, log["env"]


def test_settings_set_the_offline_variables_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in OFFLINE_ENV:
        monkeypatch.delenv(key, raising=False)
    get_settings.cache_clear()
    get_settings()
    assert {k: os.environ.get(k) for k in OFFLINE_ENV} == OFFLINE_ENV
    assert OFFLINE_ENV["HF_HUB_OFFLINE"] == "1" and OFFLINE_ENV["ANONYMIZED_TELEMETRY"] == "False"
    assert OFFLINE_ENV["GRADIO_ANALYTICS_ENABLED"] == "False"


def test_an_explicit_choice_in_the_environment_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with hub access may opt in (RUSQA_EMBEDDER=<hub id>); `rusqa doctor` reports it."""
    for key in OFFLINE_ENV:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    apply_offline_env()
    assert os.environ["HF_HUB_OFFLINE"] == "0"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
