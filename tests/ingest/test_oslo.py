"""Golden tests for the city plan «Tryggere liv 2026–2029» (layout `oslo`), checked against the printed plan."""

from __future__ import annotations

import pytest

from rusqa.ingest.oslo import _assign_owners, for_bydelene
from rusqa.models import Passage
from tests.ingest.helpers import assert_lines_hold_text, assert_unique_texts, parsed, tiltak

PLAN = "oslo-2026"
F = "7 Innsatsområder, resultatmål og tiltak forebygging (F)"
S = "8 Innsatsområder, resultatmål og tiltak skadeforebygging (S)"

# Counted by reading the plan: the forebygging table numbers its measures 1F–24F (24) and the
# skadereduksjon table 1S–19S (19): 43 measures. Their «- » sub-items belong to the measure above.
CODES = [f"{n}F" for n in range(1, 25)] + [f"{n}S" for n in range(1, 20)]

# The measures whose own text starts with «Bydelene» (13F, 14F «Bydelene og skolene», 17F and 21F
# «Bydelene i samarbeid med», 18F, 19F, 4S, 16S, 19S). Not: 2S «Velferdsetaten sørger for at
# bydelene», 5F/3S/20F/18S (Velferdsetaten … med bydelene), 10F (only a «- Bydelene» sub-item).
FOR_BYDELENE = {"13F", "14F", "17F", "18F", "19F", "21F", "4S", "16S", "19S"}


def test_every_printed_measure_comes_out_once_with_its_code() -> None:
    ids = [t.id for t in parsed(PLAN).tiltak]
    assert len(ids) == 43
    assert ids == [f"{PLAN}-{code}" for code in CODES]


def test_plan_reads_without_warnings() -> None:
    assert parsed(PLAN).warnings == []


def test_lines_hold_text_and_texts_are_unique() -> None:
    assert_lines_hold_text(PLAN)
    assert_unique_texts(PLAN)


@pytest.mark.parametrize(
    ("code", "owner"),
    [
        ("1F", "SET"),  # first of four SET cells after 1F–4F
        ("4F", "SET"),
        ("5F", "SET"),  # the lone SET after 5F on the next page
        ("7F", "UTD"),  # SET, UTD, SET for 6F–8F
        ("13F", "SET/HLS"),  # fourth cell after 10F–13F
        ("14F", "HLS/UTD"),
        ("15F", "UTD"),
        ("16F", "SET/HLS"),
        ("18F", "HLS"),
        ("20F", "SET/HLS"),  # cell printed before the page break that splits 20F
        ("21F", "HLS"),
        ("3S", "SET/HLS"),
        ("4S", "HLS"),
        ("5S", "SET"),
        ("6S", "HLS"),
        ("7S", "SET"),
        ("10S", "SET"),  # the SET glued to the page header
        ("19S", "SET"),
    ],
)
def test_owner_is_the_byradsavdeling_code_of_the_measures_cell(code: str, owner: str) -> None:
    assert tiltak(PLAN, f"{PLAN}-{code}").owner == owner


def test_measures_addressed_to_the_districts() -> None:
    marked = {t.id.removeprefix(f"{PLAN}-") for t in parsed(PLAN).tiltak if t.for_bydelene}
    assert marked == FOR_BYDELENE


def test_for_bydelene_rule() -> None:
    assert for_bydelene("Bydelene og skolene skal etablere et godt samarbeid")
    assert not for_bydelene("Velferdsetaten sørger for at bydelene og relevante etater har oppdatert")


def test_plan_has_no_abbreviation_list_deadline_status_or_risk() -> None:
    plan = parsed(PLAN)
    assert plan.abbreviations == {}
    for t in plan.tiltak:
        assert (t.owner_expanded, t.deadline, t.status, t.risk) == (None, None, None, None), t.id
        assert t.owner and t.goal


GOLDEN = {
    "11S": dict(  # printed «11 S.»; two sub-items before it belong to 10S
        section=S,
        goal="Antall overdoser og overdosedødsfall er redusert",
        text="Velferdsetaten samarbeider med relevante aktører for å legge til rette for "
        "rusmiddelanalysetjenester, slik at dødelige urenheter blir oppdaget, og koordinerer Oslos "
        "deltakelse i den nasjonale piloten og det nasjonale overvåkings- og varslingsprogrammet. "
        "Tiltaket inneholder også kontakt med de statlige sykehusene om testing av rusmidler ved bruk "
        "av deres avanserte analyseverktøy",
        owner="SET",
        for_bydelene=False,
        lines=(827, 837),
    ),
    "17S": dict(  # printed «17S.Velferdsetaten»; its sub-item continues after the page break
        section=S,
        goal="Flere personer med rusproblemer og de som har oppnådd mindre problematisk rusbruk har en "
        "meningsfull hverdag med utdanning, arbeid og/eller aktivitet",
        text="Velferdsetaten gjennomfører et pilotprosjekt for å utvikle metodikk for hvordan man kan legge "
        "til rette for at personer i lavterskel arbeidstilbud etter hvert kan gå over i ordinært arbeid, "
        "gjerne i samarbeid med næringslivet. • Det utarbeides henvendelse til regjeringen om at "
        "egenbetalingen for behandling i forbindelse med IPS/SE (individuell jobbstøtte) bør bortfalle.",
        owner="SET",
        for_bydelene=False,
        lines=(959, 992),
    ),
    "14F": dict(  # goal and measure on one line
        section=F,
        goal="Skolen er en rusfri arena",
        text="Bydelene og skolene skal etablere et godt samarbeid med tiltak rundt elever som er i risiko "
        "for eller har utviklet rusproblemer. Bydelene etablerer et kontaktpunkt hvor skolene kan "
        "henvende seg til ved bekymring.",
        owner="HLS/UTD",
        for_bydelene=True,
        lines=(375, 380),
    ),
    "4F": dict(  # its sub-item is on the next page
        section=F,
        goal="Forebyggende tiltak på rusfeltet er arenafleksible og kunnskapsbaserte og i tråd med "
        "FN-standarder. Tiltak som ikke er kunnskapsbasert er avviklet.",
        text="Velferdsetaten og Utdanningsetaten gjennomfører særskilte innsatser for "
        "rusmiddelforebyggende arbeid i Osloskolen. • I samarbeid med Helseetaten undersøkes det "
        "hvordan Helsestasjon for ungdom og ideelle aktører kan engasjeres i forebygging av "
        "utfordringer knyttet til sex og rus.",
        owner="SET",
        for_bydelene=False,
        lines=(190, 225),
    ),
    "9F": dict(  # split mid-sentence by a page break
        section=F,
        goal="Ruskonsulent ung i bydelene har et tydelig mandat for arbeidet og innsatsen er kunnskapsbasert",
        text="Velferdsetaten støtter opp under arbeidet med ruskonsulenter i bydelene for å informere om og "
        "forebygge rusbruk/forebygge utvikling av rusavhengighet blant ungdom, herunder utarbeider i "
        "samarbeid med bydelene mandat for funksjonen og styrker det faglige samarbeidet med "
        "Uteseksjonen.",
        owner="SET",
        for_bydelene=False,
        lines=(296, 308),
    ),
    "18F": dict(  # «e-» / «læringsverktøyet» keeps its hyphen
        section=F,
        goal="Kompetansen om rus i kommunehelsetjenesten og andre offentlige virksomheter er økt, herunder "
        "blant eldre om bruk av alkohol og legemidler",
        text="Bydelene sørger for at ansatte i relevante tjenester gjennomfører e-læringsverktøyet "
        "«Aldring, alkohol og legemidler», og Seniorsentrene tilbyr informasjon om tema.",
        owner="HLS",
        for_bydelene=True,
        lines=(431, 435),
    ),
    "20F": dict(  # split by a page break, owner printed before the break
        section=F,
        goal="Tilbudet til personer med alkoholproblemer er styrket",
        text="Velferdsetaten og Helseetaten samarbeider med bydelene om å bedre tjenestetilbudet for "
        "personer med alkoholavhengighet med hensyn til medikamentfrie tiltak. • Samarbeidet skal bidra "
        "til økt bruk av koordinator, og hindre at personer med rusproblemer blir “kasteballer” i systemet.",
        owner="SET/HLS",
        for_bydelene=False,
        lines=(474, 494),
    ),
    "7S": dict(  # page break, two sub-items, «alkohol-» / «, benzodiazepin-»
        section=S,
        goal="Personer med rusproblemer lever lenger og med økt livskvalitet",
        text="Velferdsetaten i samarbeid med Oslo Universitetssykehus HF, utreder og foreslår hvordan "
        "lavterskel substitusjonsbehandling (LASSO) kan gis ved flere lokasjoner og/eller utvides med "
        "ambulant tjeneste. • Samarbeidet skal bidra til at personer med opioidavhengighet som har falt "
        "ut av LAR får nødvendig oppfølging og behandling. • Velferdsetaten følger med på utviklingen "
        "mht forskningen om nye substitusjonslegemidler, og formidler til nasjonale myndigheter behov i "
        "tråd med kunnskapsgrunnlaget slik at nye former for substitusjonsbehandling, deriblant "
        "alkohol-, benzodiazepin- og amfetaminsubstitusjon kan benyttes.",
        owner="SET",
        for_bydelene=False,
        lines=(690, 720),
    ),
    "10S": dict(  # its owner is glued to the page header; its sub-items follow 17 blank lines
        section=S,
        goal="Antall overdoser og overdosedødsfall er redusert",
        text="Det tas sikte på å etablere Brukerrom 2 i Oslo i samarbeid med ideell aktør. Velferdsetaten "
        "utarbeider forslag til søknad til Helsedirektoratet i tråd med endringer i lov- og forskrift. • "
        "Nytt brukerrom skal kunne benyttes av personer som er folkeregistrert utenfor Oslo. • "
        "Velferdsetaten utreder hvordan et prøveprosjekt med en brukerromsfunksjon på en eller flere av "
        "Oslo kommunes rusinstitusjoner kan gjennomføres, der dette egner seg",
        owner="SET",
        for_bydelene=False,
        lines=(773, 825),
    ),
}


@pytest.mark.parametrize("code", GOLDEN)
def test_measure_fields_as_printed(code: str) -> None:
    record = tiltak(PLAN, f"{PLAN}-{code}")
    expected = GOLDEN[code]
    got = {key: getattr(record, key) for key in expected}
    assert got == expected
    assert (record.deadline, record.status, record.risk, record.owner_expanded) == (None, None, None, None)


def test_sections_are_the_numbered_chapters() -> None:
    titles = [s.title for s in parsed(PLAN).sections]
    assert titles == [
        "1 Innledning",
        "2 Forankring",
        "3 Prosess",
        "4 Rusfeltet i Oslo",
        "5 Utfordringsbildet",
        "6 Mandat for sentrumsarbeidet",
        F,
        S,  # printed over two lines, «(S)» on the second
    ]
    assert parsed(PLAN).sections[-1].lines == (550, 551)


def _passage_with(words: str) -> Passage:
    return next(p for p in parsed(PLAN).passages if words in p.text)


def test_prose_is_under_its_chapter() -> None:
    assert _passage_with("Dagens ordning startet i 2005.").section == "1 Innledning"
    assert _passage_with("Bystyret vedtok 26. november sak 220/18").section == "2 Forankring"
    assert _passage_with("Velferdsetaten er koordinator for sentrumsarbeidet").section == (
        "6 Mandat for sentrumsarbeidet"
    )
    innsats = _passage_with("• Nye digitale virkemidler")
    assert innsats.section == F
    assert innsats.lines[1] < 157  # the introduction, not the table
    assert _passage_with("• Ny innsats mot overdoser").section == S


def test_no_table_text_leaks_into_prose() -> None:
    for passage in parsed(PLAN).passages:
        assert "Resultatmål Tiltak" not in passage.text
        assert "Velferdsetaten reviderer Oslostandard" not in passage.text


def test_owner_cells_map_one_to_one_or_one_for_all() -> None:
    assert _assign_owners(3, ["SET", "UTD", "SET"]) == ["SET", "UTD", "SET"]
    assert _assign_owners(2, ["HLS"]) == ["HLS", "HLS"]
    assert _assign_owners(3, ["SET", "HLS"]) is None  # ambiguous: warned, not guessed
