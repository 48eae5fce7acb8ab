"""The server face: the Gradio app mounted in FastAPI, with /healthz and structured JSON logs.

`rusqa serve` runs this under uvicorn. /healthz says which build is live, which plans it holds and how
long the server has run — 503 while no index is live — so that a load balancer or a monitor can tell.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from rusqa.answering.qa import Assistant
from rusqa.errors import RusqaError
from rusqa.service.logs import configure, log_event
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


def create_app(app: RusqaApp | None = None) -> FastAPI:
    """FastAPI with /healthz, and the Gradio app mounted at /."""
    configure()
    app = app or RusqaApp()
    started = time.monotonic()
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @server.get("/healthz")
    def healthz() -> JSONResponse:
        status, body = health(app.assistant, started)
        return JSONResponse(body, status_code=status)

    demo = build_app(app)
    # Retrieval is CPU-bound and the embedder is serialised: two workers for two cores; a bounded queue so an
    # overload gets a clear «queue full» instead of unbounded waiting.
    demo.queue(default_concurrency_limit=QUEUE_CONCURRENCY, max_size=QUEUE_MAX)
    threading.Thread(target=lambda: app.snapshot().coverage, daemon=True).start()  # warm the Dekning tab
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
    )


def serve(host: str = "127.0.0.1", port: int = 7860) -> None:
    """Run the server (blocking) and say where."""
    import uvicorn

    server = create_app()
    log_event("serve", host=host, port=port)
    print(f"rusqa kjører på http://{host}:{port}/  (Ctrl+C for å stoppe)", flush=True)
    uvicorn.run(server, host=host, port=port, log_level="warning", access_log=False)
