"""The README's measured tables are the reports' numbers (regenerate with `python -m tools.readme`)."""

from __future__ import annotations

from tools.readme import BLOCKS, README, render


def test_readme_tables_match_the_committed_reports() -> None:
    text = README.read_text(encoding="utf-8")
    for name in BLOCKS:
        assert f"<!-- {name}:start -->" in text, f"README lacks the {name} block"
    assert render(text) == text, "README tables differ from reports/*.json — run `python -m tools.readme`"
