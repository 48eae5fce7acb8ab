"""Fusion and coverage on literal lists: keyed by record id, weighted, never by text."""

from __future__ import annotations

import pytest

from rusqa.search.retrieve import coverage, fuse


def test_weighted_fusion_keeps_the_lexical_first_hit_first() -> None:
    fused = fuse({"bm25": ["a", "b", "c"], "dense": ["c", "b", "a"]}, {"bm25": 1.0, "dense": 0.5}, k=60)
    assert [rid for rid, _ in fused] == ["a", "b", "c"]


def test_equal_weights_are_plain_reciprocal_rank_fusion() -> None:
    fused = dict(fuse({"bm25": ["a", "b"], "dense": ["b"]}, {"bm25": 1.0, "dense": 1.0}, k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)


def test_identical_texts_in_two_plans_stay_two_hits() -> None:
    fused = fuse({"bm25": ["grorud-2023-t1", "stovner-2021-t1"]}, {"bm25": 1.0})
    assert len(fused) == 2


def test_a_record_found_by_one_leg_only_is_kept() -> None:
    assert {rid for rid, _ in fuse({"bm25": ["a"], "dense": ["z"]}, {"bm25": 1.0, "dense": 0.5})} == {"a", "z"}


def test_coverage_weights_the_telling_words() -> None:
    concepts = [["fact"], ["team"]]
    assert coverage(concepts, {"fact", "x"}, [3.0, 1.0]) == pytest.approx(0.75)
    assert coverage(concepts, {"team"}, [3.0, 1.0]) == pytest.approx(0.25)
    assert coverage([["nalokson", "naloxon"]], {"naloxon"}, [2.0]) == 1.0
    assert coverage([], {"a"}, []) == 0.0


def test_every_filterable_field_is_chroma_metadata_and_filters_run_in_the_store(assistant) -> None:  # type: ignore[no-untyped-def]
    live = assistant.live
    stored = live.dense.collection.get(ids=["grorud-2023-t11"], include=["metadatas"])["metadatas"][0]
    assert stored["goal"] and stored["risk_facet"] == "høy" and stored["status_facet"] == "pågår"
    assert stored["for_bydelene"] is False and stored["owner"].startswith("Ruskonsulent Ung")
    vector = live.embed_query("opplæring")
    hits = live.dense.query(vector, 50, ["grorud-2023"], where={"risk_facet": "middels"})
    assert len(hits) == 8 and all(live.tiltak_by_id[rid].risk == "Middels" for rid, _ in hits)
    city = live.dense.query(vector, 50, ["oslo-2026"], where={"for_bydelene": True})
    assert sorted(rid.removeprefix("oslo-2026-") for rid, _ in city) == sorted(
        ["13F", "14F", "17F", "18F", "19F", "21F", "4S", "16S", "19S"]
    )
    partners = live.dense.query(vector, 50, ["oslo-2026"], where={"districts_role": "partner"})
    assert sorted(rid.removeprefix("oslo-2026-") for rid, _ in partners) == sorted(
        ["2F", "5F", "9F", "20F", "3S", "5S", "18S"]
    )


def test_the_dense_leg_finds_the_exact_nearest_records_not_an_approximation(assistant) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from rusqa.search.store import DenseStore

    live = assistant.live
    stored = live.dense.collection.get(include=["embeddings"])
    matrix = np.asarray(stored["embeddings"], dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    chroma = DenseStore(live.dense.collection)
    chroma._exact_read = True  # Chroma's own HNSW search, never the in-memory one
    for question in ["Hvem har ansvar for naloxonopplæring i Grorud?", "who owns the IPS work", "frist kontaktpunkt"]:
        vector = live.embed_query(question)
        exact = np.argsort(-(matrix @ (vector / np.linalg.norm(vector))))[:20]
        assert [rid for rid, _ in live.dense_search(vector, 20, None)] == [stored["ids"][i] for i in exact]
        for plans in (None, ["grorud-2023"], ["ullern-2024", "oslo-2026"]):
            mine, theirs = live.dense.query(vector, 20, plans), chroma.query(vector, 20, plans)
            assert [r for r, _ in mine] == [r for r, _ in theirs]
            assert np.allclose([c for _, c in mine], [c for _, c in theirs], atol=1e-5)
        ids = [r for r, _ in mine[:5]]
        assert live.cosines(vector, ids) == pytest.approx(chroma.cosines(vector, ids), abs=1e-5)


def test_a_small_collection_is_searched_in_memory_a_large_one_by_chroma(assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rusqa.search import store

    live = assistant.live
    vector = live.embed_query("naloksonopplæring")
    live.dense.exact()  # the vectors are read from Chroma once
    monkeypatch.setattr(live.dense.collection, "query", lambda **_: pytest.fail("Chroma searched a small collection"))
    assert live.dense_search(vector, 5, ["grorud-2023"])[0][0].startswith("grorud-2023-")
    monkeypatch.setattr(store, "EXACT_MAX", live.dense.count() - 1)
    large = store.DenseStore(live.dense.collection)
    assert large.exact() is None
    with pytest.raises(pytest.fail.Exception, match="Chroma searched"):
        large.query(vector, 5, ["grorud-2023"])


def test_a_question_its_words_decide_is_answered_without_embedding_it(assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    live = assistant.live
    embedded: list[str] = []
    original = live.embed_queries
    monkeypatch.setattr(live, "embed_queries", lambda qs: embedded.extend(qs) or original(qs))
    answer = assistant.ask("Hva er fristen for kontaktpunkt i Ullern?")
    assert answer.citations and answer.citations[0].record_id.startswith("ullern-")
    assert embedded == []
    english = "Who is responsible for the contact point in Ullern?"  # an English question always embeds
    assistant.ask(english)
    assert embedded == [english]
    fact = "Hva står det om kontaktpunkt i Ullern?"  # a fact question quotes sentences: it always embeds
    assistant.ask(fact)
    assert embedded == [english, fact]


def test_a_cold_ask_decided_on_the_words_never_imports_chromadb(live_settings) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    script = (
        "import sys; from rusqa.answering.qa import Assistant; "
        "a = Assistant(); a.ask('Hva er fristen for kontaktpunkt i Ullern?'); print('chromadb' in sys.modules); "
        "a.ask('who runs the course on the overdose-reversal spray in Grorud?'); print('chromadb' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_a_batch_embeds_together_only_the_questions_whose_words_do_not_decide(assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    live = assistant.live
    live.forget_queries()
    embedder = live.embedder
    batches: list[list[str]] = []
    original = embedder.embed
    monkeypatch.setattr(
        embedder, "embed", lambda texts, query: batches.append(list(texts)) or original(texts, query=query)
    )
    decided, english = (
        "Hva er fristen for kontaktpunkt i Ullern?",
        "who runs the course on the overdose-reversal spray in Grorud?",
    )
    assistant.prepare([decided, english, "Hvor mange tiltak har Grorud?"])
    assert batches == [[english]]
    assistant.ask_many([decided, english])
    assert batches == [[english]]  # the English answer found its vector in the in-memory cache


def test_a_warmed_index_has_made_every_records_token_maps(assistant) -> None:  # type: ignore[no-untyped-def]
    live = assistant.live
    live.warm()
    assert set(live.own_tokens) == set(live.by_id)
    assert set(live.grouping_parts) == set(live.owner_tokens) == set(live.tiltak_by_id)


def test_keyness_is_the_share_of_records_over_what_general_frequency_would_give() -> None:
    from rusqa.search.lexical import LexicalIndex

    texts = ["ungdom ruskontrakt", "ungdom bolig", "bolig oppfølging", "få ungdom til skolen"]
    index = LexicalIndex.build([f"r{i}" for i in range(len(texts))], texts)
    assert index.mean_length == pytest.approx(9 / 4)  # «til» is a stopword
    assert index.keyness("ungdom", 0.1) == pytest.approx((3 / 4) / (0.1 * 9 / 4))
    assert index.keyness("vold", 0.1) == 0.0


def test_general_words_weigh_less_than_the_plans_own(assistant) -> None:  # type: ignore[no-untyped-def]
    from rusqa.search.retrieve import is_general

    live = assistant.live
    assert is_general(live, "få") and is_general(live, "folk")
    assert not is_general(live, "ungdom") and not is_general(live, "bolig") and not is_general(live, "ruskontrakt")


def test_the_saved_score_matrix_gives_bm25s_own_scores_without_importing_bm25s(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    import bm25s
    import numpy as np

    from rusqa.search.lexical import LexicalIndex

    texts = ["ungdom ruskontrakt ungdom", "bolig oppfølging", "nalokson opplæring ungdom", "bolig bolig ruskontrakt"]
    built = LexicalIndex.build([f"r{i}" for i in range(len(texts))], texts)
    built.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    reference = bm25s.BM25.load(str(tmp_path))
    for query in [["ungdom"], ["bolig", "ruskontrakt"], ["ungdom", "ungdom"], ["ukjent"], ["ukjent", "bolig"]]:
        known = [t for t in query if t in reference.vocab_dict]
        expected = reference.get_scores(known) if known else np.zeros(len(texts))
        assert np.allclose(loaded.scores(query), expected) and np.allclose(built.scores(query), expected)
    script = f"import sys; from rusqa.search.lexical import LexicalIndex; LexicalIndex.load(__import__('pathlib').Path({str(tmp_path)!r})).scores(['bolig']); print('bm25s' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
