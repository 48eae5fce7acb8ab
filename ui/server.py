"""The server face: the Gradio app mounted in FastAPI, with /healthz and structured JSON logs.

`rusqa serve` runs this under uvicorn. /healthz says which build is live, which plans it holds and how
long the server has run — 503 while no index is live — so that a load balancer or a monitor can tell.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import gradio as gr
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from rusqa.answering.qa import Assistant
from rusqa.errors import RusqaError
from rusqa.service.auth import (
    LOCAL_USER,
    AuthMode,
    User,
    UsersFile,
    basic_credentials,
    check_bind,
    trusted,
)
from rusqa.service.logs import configure, log_event
from rusqa.settings import Settings
from ui.app import CSS, QUEUE_CONCURRENCY, QUEUE_MAX, SET_LANG_HEAD, SET_LANG_JS, RusqaApp, build_app


def health(assistant: Assistant, started: float) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) of /healthz: 200 with the live build, or 503 when no index is live."""
    uptime = round(time.monotonic() - started, 1)
    try:
        live = assistant.live
    except RusqaError as exc:
        return 503, {"status": "unavailable", "reason": str(exc), "uptime_s": uptime}
    plans = [p.id for p in live.plan_by_id.values()]
    return 200, {"status": "ok", "build_id": live.build_id, "plans": plans, "uptime_s": uptime}


class Gate:
    """Who is asking: the auth mode's answer for one request (None = unknown, 401)."""

    def __init__(self, settings: Settings) -> None:
        self.mode = AuthMode(settings.auth)
        self.proxies = settings.trusted_proxies.split(",")
        self.header = settings.user_header
        self.users = UsersFile(settings.users_path)
        self._verified: dict[tuple[str, str], tuple[float, User]] = {}  # bcrypt is slow: 5 minutes' memory

    def identify(self, request: Request) -> User | None:
        if self.mode == AuthMode.NONE:
            return LOCAL_USER
        if self.mode == AuthMode.PROXY:
            peer = request.client.host if request.client else None
            name = request.headers.get(self.header, "").strip()
            if not trusted(peer, self.proxies) or not name:
                return None
            return User(name, self.users.role_of(name))
        credentials = basic_credentials(request.headers.get("authorization"))
        if credentials is None:
            return None
        key = (credentials[0], hashlib.sha256(credentials[1].encode()).hexdigest())
        cached = self._verified.get(key)
        if cached and time.monotonic() - cached[0] < 300:
            return cached[1]
        user = self.users.check(*credentials)
        if user is not None:
            self._verified[key] = (time.monotonic(), user)
        return user

    def role_of(self, name: str | None) -> User:
        if self.mode == AuthMode.NONE or not name:
            return LOCAL_USER if self.mode == AuthMode.NONE else User(name or "", self.users.role_of(name or ""))
        return User(name, self.users.role_of(name))


def create_app(app: RusqaApp | None = None) -> FastAPI:
    """FastAPI with /healthz, access control, and the Gradio app mounted at /."""
    configure()
    app = app or RusqaApp()
    gate = Gate(app.assistant.settings)
    app.gate = gate
    started = time.monotonic()
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @server.middleware("http")
    async def access(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path == "/healthz":
            return await call_next(request)
        user = gate.identify(request)
        if user is None:
            peer = request.client.host if request.client else None
            log_event("refused", status=401, mode=gate.mode.value, peer=peer, path=request.url.path)
            headers = (
                {"WWW-Authenticate": 'Basic realm="rusqa", charset="UTF-8"'} if gate.mode == AuthMode.BASIC else {}
            )
            return JSONResponse({"detail": "Logg inn for å bruke rusqa."}, status_code=401, headers=headers)
        request.state.user = user
        return await call_next(request)

    @server.get("/healthz")
    def healthz() -> JSONResponse:
        status, body = health(app.assistant, started)
        return JSONResponse(body, status_code=status)

    demo = build_app(app)
    # Retrieval is CPU-bound and the embedder is serialised: two workers for two cores; a bounded queue so an
    # overload gets a clear «queue full» instead of unbounded waiting.
    demo.queue(default_concurrency_limit=QUEUE_CONCURRENCY, max_size=QUEUE_MAX)
    threading.Thread(target=lambda: app.snapshot().live.warm(), daemon=True).start()  # open and warm the index
    return gr.mount_gradio_app(
        server,
        demo,
        path="/",
        css=CSS,
        js=SET_LANG_JS,
        head=SET_LANG_HEAD,
        theme=gr.themes.Default(),
        show_error=False,
        enable_monitoring=False,
        mcp_server=False,
        pwa=False,
        run_history=False,
        footer_links=[],
        auth_dependency=lambda request: getattr(request.state, "user", LOCAL_USER).name,
    )


def serve(host: str = "127.0.0.1", port: int = 7860) -> None:
    """Run the server (blocking) and say where."""
    import uvicorn

    from rusqa.settings import get_settings

    check_bind(host, AuthMode(get_settings().auth))
    server = create_app()
    log_event("serve", host=host, port=port)
    print(f"rusqa kjører på http://{host}:{port}/  (Ctrl+C for å stoppe)", flush=True)
    uvicorn.run(server, host=host, port=port, log_level="warning", access_log=False)
