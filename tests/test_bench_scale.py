"""The scale benchmark's corpus generator: N plans that the real commands read, no two texts alike."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.scale import generate, last_line
from rusqa.ingest import ingest


def test_the_generator_writes_n_plans_with_their_own_texts_and_the_real_fields(tmp_path: Path) -> None:
    generate(9, tmp_path / "corpus")
    corpus = ingest(tmp_path / "corpus")
    assert corpus.problems == [] and len(corpus.plans) == 9
    districts = [p for p in corpus.plans if not p.plan.is_city_plan]
    assert len({p.plan.bydel for p in districts}) == 8
    texts = Counter(text for p in districts for text in {t.text for t in p.tiltak})
    assert texts.most_common(1)[0][1] == 1  # rewritten per bydel: no text in two plans
    real = {p.plan.id: p for p in ingest(Path("corpus")).plans}
    grorud_like = districts[0]  # plan 0 is made from the first district plan, its tiltak shuffled
    template = next(p for p in real.values() if not p.plan.is_city_plan)
    assert sorted(t.owner or "" for t in grorud_like.tiltak) == sorted(t.owner or "" for t in template.tiltak)
    assert all(t.owner for t in grorud_like.tiltak)


def test_the_last_line_has_every_figure_the_issue_names() -> None:
    row = {"plans": 5, "records": 221, "build_s": 40.0, "cold_ask_s": 0.9, "field": {"p95_ms": 20.0},
           "set": {"p95_ms": 3.0}, "across": {"p95_ms": 30.0}, "coverage_one_district_s": 1.2, "serve_rss_mb": 270}  # fmt: skip
    line = last_line(row)
    assert line == ("scale plans=5 records=221 build_s=40.0 cold_ask_s=0.9 warm_p95_ms=20.0 across_ms=30.0 "
                    "coverage_s=1.2 rss_mb=270")  # fmt: skip
