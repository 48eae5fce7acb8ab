"""Golden tests for Nordre Aker's «Lokal rusplan 2020–2024» (layout nordre_aker)."""

from __future__ import annotations

from rusqa.models import Tiltak
from tests.ingest.helpers import assert_lines_hold_text, assert_unique_texts, parsed, tiltak

PLAN = "nordre-aker-2020"
S1 = "7.1. STRATEGI 1 – FOREBYGGINGSOFFENSIV FOR Å HINDRE AT RUSPROBLEMER OPPSTÅR"
S2 = "7.2. STRATEGI 2 – TIDLIGERE INNSATS NÅR RUSPROBLEMER OPPSTÅR"
S3 = "7.3. STRATEGI 3 – ØKT LIVSKVALITET VED RUSPROBLEMER"
OF = "Oppvekst- og familieavdelingen"
HM = "Helse- og mestringsavdelingen"
FMS = "Avdeling folkehelse, miljø og samfunn"


def expect(n: int, section: str, text: str, owner: str, owner_expanded: str, lines: tuple[int, int]) -> Tiltak:
    """The whole record as the plan prints it: no goal, deadline, status or risk columns."""
    return Tiltak(
        id=f"{PLAN}-t{n}",
        plan_id=PLAN,
        bydel="Nordre Aker",
        section=section,
        goal=None,
        text=text,
        owner=owner,
        owner_expanded=owner_expanded,
        deadline=None,
        status=None,
        risk=None,
        for_bydelene=False,
        lines=lines,
    )


def test_every_numbered_tiltak_is_read() -> None:
    # Counted by reading the plan's tables (numbers restart per level):
    # strategy 1: 8 strukturelt + 3 gruppe + 6 individ = 17;
    # strategy 2: 6 + 3 + 2 = 11;
    # strategy 3: 15 strukturelt (in five themed lists, numbered 1–15 throughout) + 3 + 3 = 21. Total 49.
    records = parsed(PLAN).tiltak
    assert len(records) == 49
    per_level = [
        sum(t.section.startswith(f"{s} / {s[:4]}{lvl}") for t in records) for s in (S1, S2, S3) for lvl in "123"
    ]
    assert per_level == [8, 3, 6, 6, 3, 2, 15, 3, 3]
    assert all(t.owner for t in records)
    assert parsed(PLAN).warnings == []


def test_row_after_a_page_break_keeps_its_owner() -> None:
    assert tiltak(PLAN, f"{PLAN}-t6") == expect(
        6,
        f"{S1} / 7.1.1 Strukturelt nivå",
        "Bydelen skal motivere skolene til gjennomføring av Ung i Oslo/Ungdata for å øke datagrunnlaget for rus "
        "og rusrelaterte utfordringer",
        "OF",
        OF,
        (799, 805),
    )


def test_two_owner_codes_are_expanded_in_order() -> None:
    assert tiltak(PLAN, f"{PLAN}-t1") == expect(
        1,
        f"{S1} / 7.1.1 Strukturelt nivå",
        "Utvikle nettsidene til bydelen slik at informasjon om rus, doping og om helsefremmende og forebyggende "
        "tiltak på rusfeltet er lett tilgjengelig",
        "ØK/FMS",
        f"Økonomiavdelingen / {FMS}",
        (758, 764),
    )
    assert tiltak(PLAN, f"{PLAN}-t5").text == (
        "Bydelen skal vurdere å inngå samarbeid med Antidoping Norge om å forebygge doping som samfunnsproblem"
    )


def test_owner_printed_on_the_text_line() -> None:
    # «3. Bydelen skal videreutvikle Rustelefonen HM» — one line, the owner at its end.
    assert tiltak(PLAN, f"{PLAN}-t14") == expect(
        14, f"{S1} / 7.1.3 Individnivå", "Bydelen skal videreutvikle Rustelefonen", "HM", HM, (870, 870)
    )


def test_row_split_by_a_page_break_after_its_owner() -> None:
    # «5. Psykisk helse og rus må ses i sammenheng for å gi OF/HM» / page break / « gode og helhetlige tjenester».
    assert tiltak(PLAN, f"{PLAN}-t22") == expect(
        22,
        f"{S2} / 7.2.1 Strukturelt nivå",
        "Psykisk helse og rus må ses i sammenheng for å gi gode og helhetlige tjenester",
        "OF/HM",
        f"{OF} / {HM}",
        (928, 929),
    )


def test_code_missing_from_the_abbreviation_list_is_kept_as_printed() -> None:
    # «FHS» is not in the plan's list (probably FMS): kept, not guessed.
    assert tiltak(PLAN, f"{PLAN}-t18") == expect(
        18,
        f"{S2} / 7.2.1 Strukturelt nivå",
        "Utvikle lokale tjenester som sikrer at personer med rusproblemer klarer å bo i egen bolig",
        "HM/OF/FHS",
        f"{HM} / {OF} / FHS",
        (902, 906),
    )


def test_themed_lists_are_tiltak_under_their_theme() -> None:
    assert tiltak(PLAN, f"{PLAN}-t32") == expect(
        32,
        f"{S3} / 7.3.1 Strukturelt nivå / Tiltak for aktiviteter, sysselsetting og arbeid",
        "Legge til rette for at flere kan komme ut i arbeid og aktivitet og at flere arbeidsgivere inviteres til å "
        "bidra slik at personer med rusproblemer skal få delta i det ordinære arbeidslivet, for eksempel gjennom "
        "«individual placement and support»(IPS prosjekter)",
        "OF/HM",
        f"{OF} / {HM}",
        (1025, 1035),
    )
    # The theme heading «Tiltak for permanente boliger med oppfølging1:» loses its footnote mark.
    assert tiltak(PLAN, f"{PLAN}-t35") == expect(
        35,
        f"{S3} / 7.3.1 Strukturelt nivå / Tiltak for permanente boliger med oppfølging",
        "Tilby egnede botilbud til personer med rusmisbruk (ROP)",
        "OF/HM",
        f"{OF} / {HM}",
        (1056, 1060),
    )
    assert tiltak(PLAN, f"{PLAN}-t43") == expect(
        43,
        f"{S3} / 7.3.1 Strukturelt nivå / Tiltak for kompetanse og erfaringsdeling",
        "EQS skal benyttes for systematisk og kontinuerlig kvalitetsarbeid",
        "BNA",
        "Byde Nordre Aker",
        (1120, 1124),
    )


def test_row_with_a_paragraph_break_before_its_owner() -> None:
    assert tiltak(PLAN, f"{PLAN}-t46") == expect(
        46,
        f"{S3} / 7.3.2 Gruppenivå",
        "Videreutvikle etablert frisklivstilbud til personer med rusproblemer slik at de kan få hjelp til endring "
        "av levevaner med bedre kosthold, mer fysisk aktivitet og mindre røyking m.f.",
        "FMS/OF/HM",
        f"{FMS} / {OF} / {HM}",
        (1146, 1156),
    )


def test_row_after_the_footnote_and_page_break() -> None:
    assert tiltak(PLAN, f"{PLAN}-t48") == expect(
        48,
        f"{S3} / 7.3.3 Individnivå",
        "Bydelen skal ta i bruk Feedback Informerte Tjenester (FIT)",
        "HM",
        HM,
        (1172, 1176),
    )
    assert tiltak(PLAN, f"{PLAN}-t49") == expect(
        49,
        f"{S3} / 7.3.3 Individnivå",
        "Styrke samarbeidet med Uteteam Ung ved Oslo universitetssykehus for å medvirke til gode overganger i "
        "ulike livsfaser for unge med rusutfordringer",
        "OF",
        OF,
        (1183, 1189),
    )


def test_hyphenated_capitalised_words_are_rejoined() -> None:
    # «Vel-» / «ferdsetatens»: join_lines would keep the hyphen before a capitalised piece.
    assert tiltak(PLAN, f"{PLAN}-t45") == expect(
        45,
        f"{S3} / 7.3.2 Gruppenivå",
        "Personer med rusproblemer skal, på lik linje med andre, tilbys aktiviserings- og opplæringstiltak som "
        "fremmer overgang til arbeid, også når man er i Velferdsetatens tiltak",
        "OF/HM",
        f"{OF} / {HM}",
        (1136, 1144),
    )


def test_gruppeniva_row_of_strategy_one() -> None:
    assert tiltak(PLAN, f"{PLAN}-t9") == expect(
        9,
        f"{S1} / 7.1.2 Gruppenivå",
        "Legge til rette for større deltakelse i selvhjelpsgrupper og mulighet for å organisere seg i "
        "brukerorganisasjoner",
        "OF/HM/FMS",
        f"{OF} / {HM} / {FMS}",
        (826, 832),
    )


def test_abbreviation_list_is_read_from_the_plan() -> None:
    abbreviations = parsed(PLAN).abbreviations
    assert len(abbreviations) == 5
    assert abbreviations["OF"] == OF
    assert abbreviations["FMS"] == FMS
    assert abbreviations["ØK"] == "Økonomiavdelingen"
    assert abbreviations["BNA"] == "Byde Nordre Aker"  # sic: the plan's own spelling


def test_texts_are_unique() -> None:
    assert_unique_texts(PLAN)


def test_lines_hold_text() -> None:
    assert_lines_hold_text(PLAN)


def test_sections_follow_strategy_and_level() -> None:
    paths = [s.path for s in parsed(PLAN).sections]
    assert paths[0] == ["SAMMENDRAG"]
    assert [S1] in paths and [S2] in paths and [S3] in paths
    assert [S1, "7.1.1 Strukturelt nivå"] in paths
    assert [S3, "7.3.3 Individnivå"] in paths
    assert [S3, "7.3.1 Strukturelt nivå", "Tiltak for helse"] in paths
    ungdom = ["5. BESKRIVELSE AV DEMOGRAFISKE FORHOLD PÅ RUSFELTET", "5.2. DEMOGRAFISKE FORHOLD PÅ RUSFELTET"]
    assert [*ungdom, "1.1.1. UNGDOM", "Doping"] in paths
    assert paths[-1] == ["Forkortelser"]
    assert len(paths) == 45


def _passage_with(words: str) -> tuple[str, tuple[int, int]]:
    found = [p for p in parsed(PLAN).passages if words in p.text]
    assert len(found) == 1, words
    return found[0].section, found[0].lines


def test_prose_lands_under_its_heading() -> None:
    section, lines = _passage_with("Hensikten med lokal rusplan er å løfte frem de viktigste strategiske valgene")
    assert section == "SAMMENDRAG" and lines[0] == 5
    section, _ = _passage_with("Bydel Nordre Aker har 51.519 innbyggere per 01.01.2019.")
    assert section.endswith("/ 5.1. BEFOLKNINGSSAMMENSETNING")
    # The sentence around the statistics table reads whole; the table is a passage of its own.
    section, _ = _passage_with("tydelig beruset i løpet av første år på videregående")
    assert section.endswith("1.1.1. UNGDOM / Hasj, cannabis og alkohol")
    _passage_with("13-15 år 1879 1893 1927")
    section, _ = _passage_with("Planen skal evalueres årlig, og rulleres i 2024.")
    assert section == "4. FØRINGER FOR RUSARBEIDET / 4.1. STRATEGIENS MYNDIGHET"
    section, _ = _passage_with(
        "Økt kompetanse og bedre kvalitet • Hjelp til tungt avhengige – redusere overdosedødsfall"
    )
    assert section == "4. FØRINGER FOR RUSARBEIDET / 4.2. NASJONALE FØRINGER"
    section, _ = _passage_with("Det henvises til Bydels Nordre Aker sin Boligstrategi")
    assert section == f"{S3} / 7.3.3 Individnivå"
    section, _ = _passage_with("OF: Oppvekst- og familieavdelingen • HM: Helse- og mestringsavdelingen")
    assert section == "Forkortelser"
    assert len(parsed(PLAN).passages) == 34
