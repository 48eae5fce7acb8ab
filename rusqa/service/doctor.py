"""`rusqa doctor`: versions, settings, the live index, the embedder, the offline state — and what to fix.

Every check is guarded: the doctor reports a broken installation, it never crashes on one.
"""

from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlparse

from rusqa.settings import OFFLINE_ENV, Settings

Status = Literal["ok", "warn", "fail"]
SMOKE_QUESTION = "Hvem har ansvar for HAP i Grorud?"


@dataclass
class Check:
    name: str
    status: Status
    detail: str
    fix: str | None = None


@dataclass
class Diagnosis:
    versions: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] | None = None
    offline: dict[str, str | None] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "versions": self.versions,
            "settings": self.settings,
            "manifest": self.manifest,
            "offline": self.offline,
            "checks": [c.__dict__ for c in self.checks],
        }


def is_loopback(url: str) -> bool:
    host = urlparse(url if "://" in url else f"http://{url}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def diagnose(settings: Settings) -> Diagnosis:
    """Run every check; a check that raises becomes a failed check naming the exception."""
    from rusqa.search.build import library_versions

    diagnosis = Diagnosis()
    diagnosis.versions = {"python": platform.python_version(), **library_versions()}
    diagnosis.settings = {k: (str(v) if v is not None else None) for k, v in settings.model_dump().items()}
    diagnosis.settings["embedding_cache_dir"] = str(settings.embedding_cache_dir)
    diagnosis.offline = {key: os.environ.get(key) for key in OFFLINE_ENV}

    state: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[Settings, Diagnosis, dict[str, Any]], Check | list[Check] | None]]] = [
        ("offline", _offline),
        ("corpus", _corpus),
        ("index", _index),
        ("freshness", _freshness),
        ("builds", _builds),
        ("embedder", _embedder),
        ("dense store", _dense_store),
        ("question", _question),
    ]
    for name, step in steps:
        try:
            result = step(settings, diagnosis, state)
        except Exception as exc:
            first = str(exc).splitlines()[0] if str(exc) else ""
            result = Check(name, "fail", f"{type(exc).__name__}: {first}", _fix_from(str(exc)) or "report it")
        if result is None:
            continue
        diagnosis.checks.extend(result if isinstance(result, list) else [result])
    return diagnosis


def _fix_from(message: str) -> str | None:
    """rusqa's messages end in « — what to do»; pull that part out."""
    return message.rsplit(" — ", 1)[1] if " — " in message else None


def _offline(settings: Settings, diagnosis: Diagnosis, state: dict[str, Any]) -> list[Check]:
    checks = []
    for key, wanted in OFFLINE_ENV.items():
        have = os.environ.get(key)
        if have != wanted:
            checks.append(
                Check(
                    "offline",
                    "warn",
                    f"{key}={have!r} (rusqa sets {wanted!r}): this process may try the network",
                    f"unset {key} unless you mean it",
                )
            )
    for label, url in (("RUSQA_CHROMA_URL", settings.chroma_url), ("RUSQA_LLM_URL", settings.llm_url)):
        if url and not is_loopback(url):
            checks.append(
                Check(
                    "offline",
                    "warn",
                    f"{label}={url} is not on this machine: question data is sent there",
                    "use a loopback address, or make sure the host is yours and reached over TLS with a token",
                )
            )
    if not checks:
        checks.append(Check("offline", "ok", "offline variables set; no remote endpoint configured"))
    return checks


def _corpus(settings: Settings, diagnosis: Diagnosis, state: dict[str, Any]) -> list[Check]:
    from rusqa.ingest import ingest

    corpus = ingest(settings.corpus_dir)
    state["corpus"] = corpus
    checks = [
        Check("corpus", "fail", problem, _fix_from(problem) or "fix the catalog entry") for problem in corpus.problems
    ]
    checks += [Check("corpus", "warn", warning, _fix_from(warning) or "check the plan") for warning in corpus.warnings]
    if corpus.plans:
        checks.append(Check("corpus", "ok", f"{len(corpus.plans)} plans read from {settings.corpus_dir}"))
    return checks


def _index(settings: Settings, diagnosis: Diagnosis, state: dict[str, Any]) -> Check:
    from rusqa.search.build import current_build_id
    from rusqa.search.live import LiveIndex

    build_id = current_build_id(settings.index_dir)
    if build_id is None:
        return Check("index", "fail", f"no live index in {settings.index_dir}", "run `rusqa index`")
    from rusqa.search.build import read_manifest

    with contextlib.suppress(Exception):
        diagnosis.manifest = read_manifest(settings.index_dir, build_id)
    live = LiveIndex.open(settings)  # raises with the fix when the index is foreign or damaged
    state["live"] = live
    counts = live.manifest.get("counts", {})
    return Check(
        "index",
        "ok",
        f"live build {build_id} (built {live.manifest.get('created', '?')}): {counts.get('records', '?')} records, "
        f"{counts.get('tiltak', '?')} tiltak, store {live.manifest.get('compat', {}).get('store', '?')}",
    )


def _freshness(settings: Settings, diagnosis: Diagnosis, state: dict[str, Any]) -> Check | None:
    from rusqa.search.build import fingerprint

    live, corpus = state.get("live"), state.get("corpus")
    if live is None or corpus is None or not corpus.plans:
        return None
    if live.manifest.get("fingerprint") != fingerprint(settings, corpus):
        built = set(live.manifest.get("sources", {}))
        now = {p.plan.id for p in corpus.plans}
        changed = sorted(
            p.plan.id
            for p in corpus.plans
            if live.manifest.get("sources", {}).get(p.plan.id, {}).get("sha256") != p.plan.sha256
        )
        what = ", ".join(
            part
            for part in (
                f"changed or new plans: {', '.join(changed)}" if changed else "",
                f"removed plans: {', '.join(sorted(built - now))}" if built - now else "",
            )
            if part
        )
        return Check(
            "freshness",
            "fail",
            f"the live index is out of date ({what or 'settings or library versions changed'})",
            "run `rusqa index`",
        )
    return Check("freshness", "ok", "the live index matches the plans, settings and code")


def _builds(settings: Settings, diagnosis: Diagnosis, state: dict[str, Any]) -> Check | None:
    lock = settings.index_dir / ".lock"
    if lock.exists():
        with open(lock) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(handle, fcntl.LOCK_UN)
            except BlockingIOError:
                return Check("builds", "ok", "a `rusqa index` is building right now; the live index serves meanwhile")
    builds = settings.index_dir / "builds"
    incomplete = sorted(b.name for b in builds.iterdir() if (b / ".incomplete").exists()) if builds.is_dir() else []
    if incomplete:
        return Check(
            "builds",
            "warn",
            f"left by an interrupted build (never live): {', '.join(incomplete)}",
            "run `rusqa index`; it removes them",
        )
    return None


def _embedder(settings: Settings, diagnosis: Diagnosis, state: dict[str, Any]) -> Check:
    if not settings.dense:
        return Check("embedder", "ok", "dense leg switched off (RUSQA_DENSE=false): lexical retrieval only")
    live = state.get("live")
    started = time.perf_counter()
    if live is not None:
        embedder = live.embedder  # also checks the dimension against the manifest
    else:
        from rusqa.search.embed import load_embedder

        embedder = load_embedder(settings.embedder)
    vector = embedder.embed([SMOKE_QUESTION], query=True)[0]
    ms = (time.perf_counter() - started) * 1000
    if vector.shape[0] != embedder.dim:
        return Check("embedder", "fail", f"{embedder.name} returned {vector.shape[0]} numbers, not {embedder.dim}")
    return Check("embedder", "ok", f"{embedder.name}, {embedder.dim} dimensions, loaded and ran in {ms:.0f} ms")


def _dense_store(settings: Settings, diagnosis: Diagnosis, state: dict[str, Any]) -> Check | None:
    live = state.get("live")
    if live is None or not settings.dense:
        return None
    count = live.dense.count()
    expected = live.manifest.get("counts", {}).get("records")
    where = f"server {settings.chroma_url}" if settings.chroma_url else "embedded Chroma"
    if count != expected:
        return Check(
            "dense store",
            "fail",
            f"{where} holds {count} records, the manifest {expected}",
            "run `rusqa index --force`",
        )
    return Check("dense store", "ok", f"{where}: collection {live.manifest['chroma']['collection']}, {count} records")


def _question(settings: Settings, diagnosis: Diagnosis, state: dict[str, Any]) -> Check | None:
    live = state.get("live")
    if live is None:
        return None
    from rusqa.answering.qa import Assistant

    started = time.perf_counter()
    answer = Assistant(settings).ask(SMOKE_QUESTION)
    ms = (time.perf_counter() - started) * 1000
    outcome = "abstained" if answer.abstained else f"answered with {len(answer.citations)} citation(s)"
    return Check("question", "ok", f"«{SMOKE_QUESTION}» {outcome} in {ms:.0f} ms")


MARK = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}


def render(diagnosis: Diagnosis) -> str:
    lines = ["Versions: " + " · ".join(f"{k} {v}" for k, v in diagnosis.versions.items()), "", "Settings:"]
    lines += [f"  {k} = {v}" for k, v in diagnosis.settings.items()]
    lines += ["", "Offline: " + " · ".join(f"{k}={v}" for k, v in diagnosis.offline.items())]
    manifest = diagnosis.manifest
    if manifest:
        lines += [
            "",
            f"Live index: {manifest.get('build_id')} built {manifest.get('created')}",
            f"  compat: {manifest.get('compat')}",
            f"  embedder: {manifest.get('embedder')}",
            f"  counts: {manifest.get('counts')}",
        ]
    lines += ["", "Checks:"]
    for check in diagnosis.checks:
        lines.append(f"  {MARK[check.status]}  {check.name}: {check.detail}")
        if check.fix and check.status != "ok":
            lines.append(f"        fix: {check.fix}")
    failed = sum(c.status == "fail" for c in diagnosis.checks)
    warned = sum(c.status == "warn" for c in diagnosis.checks)
    lines += ["", "Healthy." if not failed else f"{failed} problem(s) to fix."]
    if warned:
        lines[-1] += f" {warned} warning(s)."
    return "\n".join(lines)
