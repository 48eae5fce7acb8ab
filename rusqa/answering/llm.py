"""Optional generated answers from an OpenAI-compatible endpoint (RUSQA_LLM_URL), verified against the sources.

The extractive answer is always built first. The generated one replaces it only if it cites at
least one source, every [n] it cites is one of the numbered sources, and every «quoted» span in
it occurs in a cited source's text; otherwise the extractive answer stands. Questions are sent
only to the configured endpoint (keep it on this machine); nothing is logged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rusqa.models import Answer, Citation
from rusqa.text import normalise

TIMEOUT_S = 20.0
_CITE = re.compile(r"\[(\d+)\]")
_QUOTE = re.compile(r"«([^«»]+)»")

SYSTEM_PROMPT = (
    "Du svarer saksbehandlere i Oslo kommune på spørsmål om rusplanene. Svar kort på norsk bokmål, "
    "bare ut fra de nummererte kildene. Sitér planens ord i «» når du oppgir ansvarlig, frist, status "
    "eller risiko, og merk hver påstand med kildenummeret i hakeparentes, f.eks. [1]. Finner du ikke "
    "svaret i kildene, svar nøyaktig: «Jeg finner ikke dette i rusplanene.»"
)


def prompt(question: str, citations: Sequence[Citation]) -> list[dict[str, str]]:
    sources = "\n\n".join(f"[{c.n}] {c.bydel} — {c.title} — {c.section}\n{c.text}" for c in citations)
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Kilder:\n{sources}\n\nSpørsmål: {question}"},
    ]


def verified(text: str, citations: Sequence[Citation]) -> list[Citation] | None:
    """The citations a generated answer uses, or None if it cites nothing, cites an unknown source or
    quotes words that are not in the sources it cites."""
    by_n = {c.n: c for c in citations}
    cited = sorted({int(n) for n in _CITE.findall(text)})
    if not cited or any(n not in by_n for n in cited):
        return None
    texts = [normalise(by_n[n].text) for n in cited]
    for quote in _QUOTE.findall(text):
        if not any(normalise(quote) in t for t in texts):
            return None
    return [by_n[n] for n in cited]


def generate(url: str, model: str, question: str, citations: Sequence[Citation]) -> str | None:
    """The endpoint's answer, or None if it cannot be had (the caller keeps the extractive answer)."""
    import httpx

    endpoint = url.rstrip("/")
    if not endpoint.endswith("/chat/completions"):
        endpoint += "/chat/completions" if endpoint.endswith("/v1") else "/v1/chat/completions"
    try:
        response = httpx.post(
            endpoint,
            json={"model": model, "messages": prompt(question, citations), "temperature": 0},
            timeout=TIMEOUT_S,
        )
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"]).strip()
    except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError):
        return None


def with_generated_answer(answer: Answer, url: str, model: str) -> Answer:
    """Replace an extractive answer by a verified generated one; abstentions are never sent."""
    if answer.abstained or not answer.citations:
        return answer
    text = generate(url, model, answer.question, answer.citations)
    if not text:
        return answer
    kept = verified(text, answer.citations)
    if kept is None:
        return answer
    renumber = {c.n: i for i, c in enumerate(kept, start=1)}
    text = _CITE.sub(lambda m: f"[{renumber[int(m.group(1))]}]", text)
    citations = [c.model_copy(update={"n": renumber[c.n]}) for c in kept]
    return answer.model_copy(update={"answer": text, "citations": citations})
