"""Access control: no users beyond loopback is refused; wrong passwords, untrusted proxies and readers who
post verdicts are refused."""

from __future__ import annotations

import base64
from pathlib import Path
from types import SimpleNamespace

import pytest
from starlette.requests import Request

from rusqa.errors import InputError
from rusqa.service.auth import AuthMode, UserRole, UsersFile, basic_credentials, check_bind, trusted
from rusqa.settings import Settings


def request(peer: str = "127.0.0.1", headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw, "client": (peer, 5555)})


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def users(tmp_path: Path) -> UsersFile:
    file = UsersFile(tmp_path / "users.json")
    file.add("kari", "korrekt-hest-batteri", UserRole.PLANNER)
    file.add("ola", "lesepassord-12345", UserRole.READER)
    return file


def test_serving_beyond_loopback_without_access_control_is_refused() -> None:
    with pytest.raises(InputError, match="RUSQA_AUTH"):
        check_bind("0.0.0.0", AuthMode.NONE)
    check_bind("127.0.0.1", AuthMode.NONE)
    check_bind("0.0.0.0", AuthMode.BASIC)


def test_passwords_are_hashed_and_checked(users: UsersFile) -> None:
    assert "korrekt-hest-batteri" not in users.path.read_text()
    assert users.check("kari", "korrekt-hest-batteri").role == UserRole.PLANNER  # type: ignore[union-attr]
    assert users.check("kari", "feil") is None and users.check("nobody", "x" * 12) is None
    assert users.remove("ola") and users.role_of("ola") == UserRole.READER  # unknown users only read
    with pytest.raises(InputError):
        users.add("per", "kort", UserRole.READER)


def test_basic_credentials_and_trusted_proxies() -> None:
    assert basic_credentials(basic("kari", "a:b")["Authorization"]) == ("kari", "a:b")
    assert basic_credentials("Basic ###") is None and basic_credentials(None) is None
    assert trusted("10.0.0.5", ["10.0.0.0/24"]) and not trusted("10.0.1.5", ["10.0.0.0/24"])


def gate(tmp_path: Path, mode: str, proxies: str = "") -> object:
    from ui.server import Gate

    return Gate(Settings(auth=mode, trusted_proxies=proxies, data_dir=tmp_path))


def test_basic_mode_knows_the_user_only_with_the_right_password(users: UsersFile, tmp_path: Path) -> None:
    g = gate(tmp_path, "basic")
    assert g.identify(request(headers=basic("kari", "korrekt-hest-batteri"))).name == "kari"  # type: ignore[attr-defined]
    assert g.identify(request(headers=basic("kari", "feil"))) is None  # type: ignore[attr-defined]
    assert g.identify(request()) is None  # type: ignore[attr-defined]


def test_proxy_mode_believes_the_header_only_from_a_trusted_address(users: UsersFile, tmp_path: Path) -> None:
    g = gate(tmp_path, "proxy", proxies="10.0.0.2")
    assert g.identify(request("10.0.0.2", {"X-Remote-User": "kari"})).role == UserRole.PLANNER  # type: ignore[attr-defined]
    assert g.identify(request("10.0.0.9", {"X-Remote-User": "kari"})) is None  # type: ignore[attr-defined]
    assert g.identify(request("10.0.0.2")) is None  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_reader_cannot_post_a_verdict_and_a_planner_can(assistant, users: UsersFile, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from rusqa.planning.verdicts import VerdictStore
    from ui.app import RusqaApp

    app = RusqaApp(assistant)
    app.gate = gate(tmp_path, "basic")
    object.__setattr__(app.assistant.settings, "data_dir", tmp_path)
    args = ("oslo-2026-14F", "ullern", "Dekker", "ullern-t5", "", "")
    _, _, note, _, _ = app.save_verdict(*args, request=SimpleNamespace(username="ola"))  # type: ignore[arg-type]
    assert "lesetilgang" in note and VerdictStore.in_dir(tmp_path).decisions() == []
    _, _, note, _, _ = app.save_verdict(*args, request=SimpleNamespace(username="kari"))  # type: ignore[arg-type]
    (decision,) = VerdictStore.in_dir(tmp_path).decisions()
    assert "Lagret" in note and decision.who == "kari"


def test_serving_more_districts_than_the_warm_up_cap_leaves_the_matrix_for_the_first_click(
    assistant, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import time

    import ui.app
    from ui.app import RusqaApp
    from ui.server import create_app

    monkeypatch.setattr(ui.app, "WARM_MAX_DISTRICTS", 3)  # the four district plans are «many»
    app = RusqaApp(assistant)
    create_app(app)
    deadline = time.time() + 20
    while app._snapshot is None and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    assert app._snapshot is not None and app._snapshot._coverage is None
    monkeypatch.setattr(ui.app, "WARM_MAX_DISTRICTS", 20)
    warmed = RusqaApp(assistant)
    create_app(warmed)
    deadline = time.time() + 60
    while (warmed._snapshot is None or warmed._snapshot._coverage is None) and time.time() < deadline:
        time.sleep(0.1)
    assert warmed._snapshot is not None and warmed._snapshot._coverage is not None
