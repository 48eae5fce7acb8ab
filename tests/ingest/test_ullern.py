"""Golden tests for «Ruspolitisk handlingsplan bydel Ullern» (layout `ullern`)."""

from __future__ import annotations

import pytest

from rusqa.ingest.ullern import ends_table, goal_start, split_owner_frist, split_status
from tests.ingest.helpers import assert_lines_hold_text, assert_unique_texts, parsed, tiltak

PLAN = "ullern"
GOAL_1 = "Færre innbyggere utvikler rusproblemer"
# The table prints «meningsfylt liv»; the «Mål:» list above it says «meningsfullt liv».
GOAL_2 = "Innbyggere med rusproblemer får bistand ut fra sine behov til å leve et meningsfylt liv"
NAV_RUS = "Avdelingsleder NAV med ansvar for rus"


def test_number_of_tiltak_is_what_the_plan_prints() -> None:
    # 17 rows: the table prints 17 Mål cells, each starting a row — 3 with «Færre innbyggere
    # utvikler rusproblemer», 3 with «Innbyggere med rusproblemer …», 2 «Færre …», then 9 «Innbyggere …».
    rows = parsed(PLAN).tiltak
    assert len(rows) == 17
    assert [t.id for t in rows] == [f"ullern-t{n}" for n in range(1, 18)]
    assert [t.goal for t in rows].count(GOAL_1) == 5
    assert [t.goal for t in rows].count(GOAL_2) == 12


def test_no_warnings_and_lines_hold_text() -> None:
    assert parsed(PLAN).warnings == []
    assert_lines_hold_text(PLAN)
    assert_unique_texts(PLAN)


EXPECTED = {
    # the first row: a four-line Frist/Status cell, and «bo-» hyphenated at a line end
    "ullern-t1": dict(
        goal=GOAL_1,
        text="Benytte tilbakemeldingsverktøy for å sikre brukermedvirkning og avklare om rus- og "
        "booppfølging gir ønsket effekt",
        owner="Avdelingsleder NAV med ansvar for rus og seksjonsleder psykisk helse",
        deadline="Evalueres 1.kvartal 2.tertial Årsrapportering",
        lines=(52, 72),
    ),
    # the owner's typo «oppvekt» is printed so
    "ullern-t2": dict(
        goal=GOAL_1,
        text="Tilby alle ungdom som går på ruskontrakter bevisstgjøringssamtaler, motivasjonssamtaler og "
        "Hasjavvenningsprogram (HAP)",
        owner="Avdelings-direktør kultur og oppvekt",
        deadline="Fortløpende, evalueres to ganger pr år",
        lines=(74, 90),
    ),
    "ullern-t4": dict(
        goal=GOAL_2,
        text="Utvikle og tilby rusforebyggende program på skoler",
        owner="Avdelings-direktør kultur og oppvekst",
        deadline="Evalueres 1. halvår-22",
        lines=(106, 121),
    ),
    # owner and frist come out on one line: «Bydelsoverlege 1.Kvartal -22»
    "ullern-t7": dict(
        goal=GOAL_1,
        text="Etablere rutine for systematisk evaluering av alvorlige hendelser og dødsfall med tanke på "
        "læring og forebygging",
        owner="Bydelsoverlege",
        deadline="1.Kvartal -22",
        lines=(158, 168),
    ),
    # interleaved across a page break: Mål part, tiltak part, owner, frist, rest of Mål, rest of tiltak
    "ullern-t10": dict(
        goal=GOAL_2,
        text="Tilby selvhjelpsgrupper og pårørende arbeid på Kastanjen( aktivitetshuset)",
        owner=NAV_RUS,
        deadline="Evalueres to ganger pr år",
        lines=(208, 228),
    ),
    # the row after the interleaved one starts cleanly
    "ullern-t11": dict(
        goal=GOAL_2,
        text="Motivere til aktivitet ved bruk av tiltaket « den rette jobben for meg» og IPS tilknyttet NAV og bydel",
        owner=NAV_RUS,
        deadline="Evalueres to ganger pr år",
        lines=(230, 247),
    ),
    "ullern-t13": dict(
        goal=GOAL_2,
        text="Bosette personer med rusutfordringer som bor i velferdsetaten sine sentraliserte tilbud, ut i egen bolig",
        owner=NAV_RUS,
        deadline="Fortløpende etter innbyggerbehov og tilgang på bolig",
        lines=(267, 287),
    ),
    "ullern-t14": dict(
        goal=GOAL_2,
        text="Etablere tilrettelagte boliger for personer med rus og sammensatte utfordringer",
        owner="Avdelingsdirektør arbeid, bolig og psykisk helse, byrådsavdelingene og boligbygg",
        deadline="Fortløpende, månedlige møter",
        lines=(289, 309),
    ),
    # «vår-» + «22,» at a line end re-joined as the plan writes it elsewhere («Vår-22»)
    "ullern-t15": dict(
        goal=GOAL_2,
        text="Styrke bo oppfølgings tjenesten for å sikre at personer med rusutfordringer beholder sin bolig",
        owner="Avdelingsleder NAV med ansvar for rus og seksjonsleder psykisk helse",
        deadline="FOT teamet evalueres vår-22, og høst-22",
        lines=(311, 331),
    ),
    # «Høst- 22» is printed with a space mid-line and stays so
    "ullern-t16": dict(
        goal=GOAL_2,
        text="Motivere til behandling og oppfølging av bydelens RusFACT",
        owner="Avdelingsleder NAV med ansvar for rus i samarbeid med Velferdsetaten",
        deadline="Evalueres Vår-22 Høst- 22",
        lines=(333, 351),
    ),
    # the last row of the table, at the end of the file
    "ullern-t17": dict(
        goal=GOAL_2,
        text="Bruke erfaringskompetanse og erfaringskonsulenter i rusarbeidet",
        owner=NAV_RUS,
        deadline="Evalueres årlig",
        lines=(353, 368),
    ),
}


@pytest.mark.parametrize("tiltak_id", sorted(EXPECTED))
def test_row_fields_are_printed_words(tiltak_id: str) -> None:
    record = tiltak(PLAN, tiltak_id)
    expected = {
        "section": "Tiltak",
        "status": None,
        "risk": None,
        "owner_expanded": None,
        "for_bydelene": False,
        **EXPECTED[tiltak_id],
    }
    got = {key: getattr(record, key) for key in expected}
    assert got == expected
    assert record.plan_id == PLAN and record.bydel == "Ullern"


def test_sections_and_passages() -> None:
    plan = parsed(PLAN)
    assert [(s.title, s.lines) for s in plan.sections] == [
        ("Mål", (24, 24)),
        ("Strategier", (34, 34)),
        ("Tiltak", (51, 51)),
    ]
    title = "Ruspolitisk handlingsplan bydel Ullern"
    intro = [p for p in plan.passages if p.section == title]
    assert any("Bydel Ullern har i overkant av 34 000 innbyggere." in p.text for p in intro)
    assert any("mangel på kommunale boliger med og uten personbase" in p.text for p in intro)
    assert any(p.text.startswith("Denne handlingsplanen bygger på byrådets strategiske plan") for p in intro)
    goals = next(p for p in plan.passages if p.section == "Mål")
    assert goals.text == (
        "Færre innbyggere utvikler rusproblemer • Innbyggere med rusproblemer får bistand ut fra sine behov "
        "til å leve et meningsfullt liv • Flere av bydelens innbyggere flytter ut av institusjon og inn i egen bolig"
    )
    strategies = next(p for p in plan.passages if p.section == "Strategier")
    assert strategies.text.split(" • ") == [
        "Forebyggingsoffensiv for å hindre at rusproblemer oppstår",
        "Tidlig innsats når rusproblemer oppstår og hjelp til å komme ut av rusproblemene",
        "Økt livskvalitet ved rusproblemer",
        "Overgang til egen bolig",
    ]


def test_goal_cells_are_recognised_loosely_but_not_in_tiltak_text() -> None:
    goals = [
        "Færre innbyggere utvikler rusproblemer",
        "Innbyggere med rusproblemer får bistand til å leve et meningsfullt liv",
    ]
    assert goal_start("Innbyggere med rusproblemer får", goals) == goals[1]
    assert goal_start("Innbyggere med rusproblemer får bistand til å leve et meningsfylt liv", goals) == goals[1]
    assert goal_start("Motivere til bruk av tjenester rettet mot personer med rusproblemer", goals) is None
    assert goal_start("bistand til å leve et", goals) is None


def test_small_helpers() -> None:
    owner, frist = split_owner_frist(["Avdelingsleder NAV 1.kvartal", "med ansvar for rus"])
    assert (" ".join(owner).split(), " ".join(frist).split()) == (
        ["Avdelingsleder", "NAV", "med", "ansvar", "for", "rus"],
        ["1.kvartal"],
    )
    assert split_status("Fortløpende, evalueres to ganger pr år") == ("Fortløpende, evalueres to ganger pr år", None)
    assert split_status("Høst-22 Status: påbegynt") == ("Høst-22", "påbegynt")


def test_table_ends_at_a_numbered_heading_not_at_a_frist() -> None:
    assert ends_table("3 Oppfølging og evaluering")
    assert not ends_table("1. Kvartal 2023")
    assert not ends_table("Evalueres årlig")
    assert split_status("Status: påbegynt") == (None, "påbegynt")
