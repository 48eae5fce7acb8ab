"""How rusqa's costs grow with the number of plans: synthetic corpora of N plans, measured end to end.

    python -m bench.scale                 # N = 5 and 50 (`make bench-scale`; under 15 minutes here)
    python -m bench.scale --large         # also N = 200 and 1,000 (a long run, made once and reported)
    python -m bench.scale --sizes 5 20    # any sizes

The generator keeps the city plan as it is and makes N−1 district plans from the four real ones: a new
bydel name and plan id for each, its tiltak shuffled and lightly rewritten («Bydelen» becomes the new
bydel's name, bullet items rotated) so that no two plans share a text, owners, frist, status and risiko
kept. Each is written as a text plan (`Tiltak:` / `Ansvarlig:` … blocks under numbered headings) with a
catalog entry, so the real commands read it. For each N, in fresh processes of the real CLI:
build time, records/s and peak RSS; an unchanged rebuild; a build killed half-way and resumed (what was
embedded is not embedded again); a cold `rusqa ask`; warm p50/p95 in process for field, set and
across-plan questions; the coverage matrix for one new district; and the peak RSS of `rusqa serve`
after it has answered. The last line per N is

    scale plans=N records=R build_s=B cold_ask_s=C warm_p95_ms=W across_ms=A coverage_s=V rss_mb=M

and the report goes to reports/scale.json (the README's table and reports/scale.png come from it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.chroma_server import ChromaServer, free_port

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "scale.json"
PLOT = ROOT / "reports" / "scale.png"
OSLO_BYDELER = [
    "Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka", "Nordre Aker", "Nordstrand",
    "Sagene", "St. Hanshaugen", "Stovner", "Søndre Nordstrand", "Ullern", "Vestre Aker", "Østensjø",
]  # fmt: skip
TOPICS = ["hasjavvenning", "nalokson", "IPS", "bolig", "pårørende", "ungdom", "frivillige", "overdose"]
WARM_QUESTIONS = 60


def bydel_name(k: int) -> str:
    base = OSLO_BYDELER[k % len(OSLO_BYDELER)]
    return base if k < len(OSLO_BYDELER) else f"{base} {k // len(OSLO_BYDELER) + 1}"


def rewrite(text: str, bydel: str, rng: random.Random) -> str:
    items = text.split(" • ")
    if len(items) > 1:
        shift = rng.randrange(len(items))
        items = items[shift:] + items[:shift]
    new = " • ".join(items).replace("Bydelen", f"Bydel {bydel}").replace("bydelen", f"bydel {bydel}")
    return new if bydel in new else f"{new} (bydel {bydel})"


def generate(n_plans: int, out: Path) -> int:
    """Write a corpus of n_plans (the city plan and n_plans − 1 district plans) under out; its record count."""
    from rusqa.ingest import ingest

    real = ingest(ROOT / "corpus").plans
    city = next(p for p in real if p.plan.is_city_plan)
    districts = [p for p in real if not p.plan.is_city_plan]
    plans_dir = out / "plans"
    plans_dir.mkdir(parents=True)
    shutil.copyfile(ROOT / "corpus" / "plans" / city.plan.file, plans_dir / city.plan.file)
    entries = [city.plan.model_dump(mode="json")]
    records = len(city.tiltak) + len(city.passages)
    for k in range(n_plans - 1):
        template = districts[k % len(districts)]
        bydel = bydel_name(k)
        rng = random.Random(k)
        tiltak = list(template.tiltak)
        rng.shuffle(tiltak)
        lines = [f"Rusplan for bydel {bydel} 2025–2028", "", "1 Innledning", ""]
        for passage in template.passages[:10]:
            lines += [rewrite(passage.text, bydel, rng), ""]
        lines += ["2 Tiltak", ""]
        for t in tiltak:
            lines += [f"Tiltak: {rewrite(t.text, bydel, rng)}"]
            for label, value in (("Mål", t.goal), ("Ansvarlig", t.owner), ("Frist", t.deadline),
                                 ("Status", t.status), ("Risiko", t.risk)):  # fmt: skip
                if value:
                    lines.append(f"{label}: {value}")
            lines += ["", ""]
        name = f"synthetic-{k:04d}.txt"
        data = "\n".join(lines).encode("utf-8")
        (plans_dir / name).write_bytes(data)

        entries.append({"id": f"syn-{k:04d}", "bydel": bydel, "title": f"Rusplan for bydel {bydel} 2025–2028",
                        "period": "2025–2028", "layout": "generic", "file": name,
                        "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip
        records += len(tiltak) + min(10, len(template.passages))
    import yaml

    (out / "catalog.yaml").write_text(yaml.safe_dump({"plans": entries}, allow_unicode=True), encoding="utf-8")
    return records


def env_for(corpus: Path, index: Path, cache: Path, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUSQA_")}
    env.update(RUSQA_CORPUS_DIR=str(corpus), RUSQA_INDEX_DIR=str(index), RUSQA_CACHE_DIR=str(cache),
               RUSQA_DATA_DIR=str(data), HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")  # fmt: skip
    return env


# Runs the real CLI and writes the process's peak RSS (KB) to $RSS_FILE when it ends.
MEASURED = (
    "import os, resource, runpy, sys\n"
    "sys.argv = ['rusqa', *sys.argv[2:]]\n"
    "try:\n"
    "    runpy.run_module('rusqa.cli', run_name='__main__')\n"
    "finally:\n"
    "    with open(os.environ['RSS_FILE'], 'w') as out:\n"
    "        out.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
)


def run_cli(args: list[str], env: dict[str, str], timeout: float = 7200) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one `rusqa …` in a fresh process."""
    rss_file = Path(tempfile.mktemp(prefix="rss-"))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED, "-", *args], env={**env, "RSS_FILE": str(rss_file)},
                          capture_output=True, text=True, timeout=timeout, check=False)  # fmt: skip
    seconds = time.perf_counter() - started
    rss = int(rss_file.read_text()) / 1024 if rss_file.exists() else float("nan")
    rss_file.unlink(missing_ok=True)
    if done.returncode not in (0, 2):
        raise RuntimeError(f"rusqa {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    return seconds, rss, done.stdout


def embedded_count(stdout: str) -> int:
    return int(stdout.split(" nye embeddinger")[0].rsplit(" ", 1)[1]) if " nye embeddinger" in stdout else 0


def killed_and_resumed(env: dict[str, str], expected: float, records: int) -> dict[str, Any]:
    """With an empty embedding cache, start a build, kill it half-way through, and build again: how much of
    what the killed build embedded the second one embeds again (nothing, if the resume works)."""
    env = {**env, "RUSQA_CACHE_DIR": env["RUSQA_CACHE_DIR"] + "-killed"}
    proc = subprocess.Popen([sys.executable, "-m", "rusqa.cli", "index", "--force"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    time.sleep(max(1.0, expected / 2))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    seconds, _, out = run_cli(["index", "--force"], env)
    again = embedded_count(out)
    return {"killed_after_s": round(max(1.0, expected / 2), 1), "resume_s": round(seconds, 1),
            "embedded_before_kill": records - again, "embedded_after": again, "records": records}  # fmt: skip


def warm(env: dict[str, str]) -> dict[str, Any]:
    """Warm latencies in process (one Assistant), per kind of question; and the coverage matrix for one district."""
    for key, value in env.items():
        os.environ[key] = value
    from rusqa.answering.qa import Assistant
    from rusqa.planning.coverage import CoverageMatrix
    from rusqa.settings import get_settings

    get_settings.cache_clear()
    assistant = Assistant(get_settings())
    live = assistant.live
    rng = random.Random(0)
    plans = [p for p in live.plans if not p.plan.is_city_plan]
    field, sets, across = [], [], []
    for n in range(WARM_QUESTIONS):
        plan = plans[n % len(plans)]
        t = rng.choice(plan.tiltak)
        subject = " ".join(t.text.split()[:5])
        field.append(f"Hvem har ansvar for {subject} i {plan.plan.bydel}?")
        sets.append(f"Hvilke tiltak i {plan.plan.bydel} har status påbegynt?" if n % 2 else
                    f"Hva har NAV ansvar for i {plan.plan.bydel}?")  # fmt: skip
        across.append(f"Hvilke bydeler har tiltak om {TOPICS[n % len(TOPICS)]}?")
    assistant.ask(field[0])  # load everything once
    out: dict[str, Any] = {}
    for kind, questions in (("field", field), ("set", sets), ("across", across)):
        times = []
        for q in questions:
            started = time.perf_counter()
            assistant.ask(q)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        out[kind] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        }
    newest = plans[-1].plan
    started = time.perf_counter()
    matrix = CoverageMatrix(live, plan_ids=[newest.id])  # a new district's column, its tiltak embedded afresh
    matrix.rows()
    out["coverage_one_district_s"] = round(time.perf_counter() - started, 2)
    return out


def serve_rss(env: dict[str, str]) -> float:
    """Peak RSS (MB) of `rusqa serve` after start-up and one answered question."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "rusqa.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        client.predict("Hvem har ansvar for nalokson i Grorud?", "", api_name="/svar")
        status = Path(f"/proc/{proc.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024
    except Exception as exc:
        print(f"serve RSS not measured: {type(exc).__name__}: {exc}", file=sys.stderr)
        return float("nan")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def commit() -> str:
    """The code measured: the short commit id, with «+» when the working tree has changes (outside reports/,
    which this benchmark writes itself)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)reports")
    return git("rev-parse", "--short", "HEAD") + ("+" if changed else "")


def measure(n_plans: int, work: Path, *, server: bool = False, resume: bool = True) -> dict[str, Any]:
    """Every figure for one corpus size; with `server`, the dense leg lives in a `chroma run` on loopback."""
    corpus, index, cache, data = work / "corpus", work / "index", work / "cache", work / "data"
    shutil.rmtree(work, ignore_errors=True)
    records = generate(n_plans, corpus)
    env = env_for(corpus, index, cache, data)
    cache.mkdir(parents=True)
    chroma = ChromaServer(work / "chroma", free_port(), work / "chroma.log") if server else None
    if chroma is not None:
        chroma.start()
        env["RUSQA_CHROMA_URL"] = chroma.url
    try:
        build_s, build_rss, out = run_cli(["index"], env)
        records = int(out.split(" poster")[0].rsplit(" ", 1)[1]) if " poster" in out else records
        row: dict[str, Any] = {"plans": n_plans, "records": records, "store": "server" if server else "embedded",
                               "commit": commit(), "date": time.strftime("%Y-%m-%d"),
                               "build_s": round(build_s, 1), "build_records_per_s": round(records / build_s, 1),
                               "build_rss_mb": round(build_rss), "embedded": embedded_count(out)}  # fmt: skip
        rebuild_s, _, _ = run_cli(["index"], env)
        row["unchanged_rebuild_s"] = round(rebuild_s, 1)
        if resume:
            row["killed_build"] = killed_and_resumed(env, build_s, records)
        cold_s, ask_rss, _ = run_cli(["ask", "Hvem har ansvar for hasjavvenning i Grorud?"], env)
        row["cold_ask_s"], row["ask_rss_mb"] = round(cold_s, 2), round(ask_rss)
        row.update(warm(env))
        row["serve_rss_mb"] = round(serve_rss(env))
        if chroma is not None:
            row["chroma_server_rss_mb"] = round(chroma.peak_rss_mb())
    finally:
        if chroma is not None:
            chroma.stop()
    return row


def last_line(row: dict[str, Any]) -> str:
    warm_p95 = max(row[k]["p95_ms"] for k in ("field", "set"))
    return (
        f"scale plans={row['plans']} records={row['records']} build_s={row['build_s']} cold_ask_s={row['cold_ask_s']} "
        f"warm_p95_ms={warm_p95} across_ms={row['across']['p95_ms']} coverage_s={row['coverage_one_district_s']} "
        f"rss_mb={row['serve_rss_mb']}"
    )


def plot(rows: list[dict[str, Any]]) -> None:
    """Cost against N for the embedded store (the server runs are in the README's table)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r.get("store", "embedded") == "embedded"]
    n = [r["plans"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
    axes[0].plot(n, [r["build_s"] for r in rows], "o-", label="bygging (s)")
    axes[0].plot(n, [r["cold_ask_s"] for r in rows], "s-", label="kald ask (s)")
    axes[1].plot(n, [r["field"]["p95_ms"] for r in rows], "o-", label="felt p95 (ms)")
    axes[1].plot(n, [r["set"]["p95_ms"] for r in rows], "s-", label="mengde p95 (ms)")
    axes[1].plot(n, [r["across"]["p95_ms"] for r in rows], "^-", label="på tvers p95 (ms)")
    axes[2].plot(n, [r["serve_rss_mb"] for r in rows], "o-", label="serve RSS (MB)")
    axes[2].plot(n, [r["build_rss_mb"] for r in rows], "s-", label="bygging RSS (MB)")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xticks(n, [str(v) for v in n])
        ax.minorticks_off()
        ax.set_xlabel("antall planer")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.suptitle("rusqa: kostnad mot antall planer (bench/scale.py)")
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="also N = 200 and 1,000")
    parser.add_argument("--sizes", type=int, nargs="*", help="plan counts to measure (default 5 50)")
    parser.add_argument("--server", action="store_true", help="the dense leg in a `chroma run` server on loopback")
    parser.add_argument("--no-resume", action="store_true", help="skip the killed-and-resumed build (it costs a build)")
    parser.add_argument("--plot-only", action="store_true", help="redraw reports/scale.png from reports/scale.json")
    args = parser.parse_args()
    if args.plot_only:
        plot(sorted(json.loads(REPORT.read_text(encoding="utf-8"))["runs"].values(), key=lambda r: r["plans"]))
        return
    sizes = args.sizes or [5, 50, *([200, 1000] if args.large else [])]
    previous = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else {"runs": {}}
    work_root = Path(tempfile.mkdtemp(prefix="rusqa-scale-"))
    try:
        for n in sizes:
            row = measure(n, work_root / f"n{n}", server=args.server, resume=not args.no_resume)
            previous["runs"][f"{n}-server" if args.server else str(n)] = row
            REPORT.parent.mkdir(exist_ok=True)
            REPORT.write_text(json.dumps(previous, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(last_line(row), flush=True)
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
    rows = sorted(previous["runs"].values(), key=lambda r: r["plans"])
    plot(rows)


if __name__ == "__main__":
    main()
