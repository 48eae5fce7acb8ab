"""Golden tests for «Ruspolitisk handlingsplan bydel Grorud 2023–2028» (layout `grorud`)."""

from __future__ import annotations

import hashlib
from itertools import pairwise
from pathlib import Path

import pytest

from rusqa.ingest.grorud import parse, split_frist, split_tail
from rusqa.ingest.source import Source
from rusqa.models import Plan
from tests.ingest.helpers import assert_lines_hold_text, assert_unique_texts, parsed, tiltak

PLAN = "grorud-2023"
S1 = "Forebyggingsoffensiv for å hindre at rusproblemer oppstår"
S2 = "Tidligere innsats når rusproblemer oppstår"
S3 = "Økt livskvalitet ved rusproblemer"


def test_number_of_tiltak_is_what_the_plan_prints() -> None:
    # 21 rows, counted by the risk cells that close them (Lav/Middels/Høy after a status):
    # 7 under strategy 1 (lines 25–253), 4 under strategy 2 (254–320), 10 under strategy 3 (321–end).
    rows = parsed(PLAN).tiltak
    assert len(rows) == 21
    assert [t.id for t in rows] == [f"{PLAN}-t{n}" for n in range(1, 22)]
    assert [t.section for t in rows] == [S1] * 7 + [S2] * 4 + [S3] * 10
    assert all(t.owner and t.deadline and t.status and t.risk and t.goal for t in rows)


def test_no_warnings_and_lines_hold_text() -> None:
    assert parsed(PLAN).warnings == []
    assert_lines_hold_text(PLAN)
    assert_unique_texts(PLAN)


def test_row_line_ranges_do_not_overlap() -> None:
    ranges = [t.lines for t in parsed(PLAN).tiltak]
    assert all(a[1] < b[0] for a, b in pairwise(ranges))


EXPECTED = {
    # the first row: frist, status and risk each a block of their own
    "grorud-2023-t1": dict(
        section=S1,
        goal="Arbeid og utdanning som forebyggende tiltak.",
        text="Sommerjobb som en sosial arena. • Helseavklaring • Snarlig tilbud om aktivitet, tilpasset ungdommen. "
        "• Jobbe med å få unge i riktig spor mot arbeid eller utdanning. • Få ungdom tilbake i jobb eller utdanning "
        "• deltidsjobber • jobber tett ut mot bydelens grunnskoler inn mot barn og unge med mål om at unge skal "
        "fullføre og mestre egen hverdag",
        owner="NAV Ung, forebyggende, IPS (Individuell jobbstøtte) Ung, Arbeidsleder Aktivitets- og kulturenheten, "
        "Forebyggende enhet",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Lav",
        lines=(28, 60),
    ),
    # crosses a page break: after its risk come the rest of its Mål, of its last bullet («der» +
    # «ungdommen er.») and of its owner, before the next row's Mål
    "grorud-2023-t2": dict(
        section=S1,
        goal="Oppsøkende arbeid på de unges arenaer. Tidligere intervensjon, forebygging, skaper trygge relasjoner "
        "og tillit. Sikrer kontinuitet i oppfølgingsarbeidet.",
        text="Kjenne til de ulike organisasjonene og deres målgruppe. • Ufarliggjøre NAV, og oppmøte ved NAV. • "
        "Tilstedeværelse med sosialfaglig kompetanse på fritidsklubber, der ungdommen er. • Skal være lett å "
        "kontakte oppsøkende team, får deres direktenummer • Følge til samarbeidende tjenester i bydelen, fastlege, "
        "visninger osv. • Lose videre og benytte seg av pårørendemedvirkning",
        owner="NAV Ung v/oppsøkende team Forebyggende Enhet v/ oppsøkende Team",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Middels",
        lines=(62, 99),
    ),
    # the row after the page break starts cleanly with its own Mål and owner
    "grorud-2023-t3": dict(
        section=S1,
        goal="Alle ungdommer skal føle tilhørighet til bydelen og det skal være lav terskel for å ta kontakt",
        text="Karrieresenter med frokoster på NAV Ung, for å ufarliggjøre NAV. • Oppsøkende arbeid, på ungdommenes "
        "arena. • Ungdommer blir stort sett møtt av en ansatt, til tross for at de ikke har avtale (gleder både på "
        "Karrieresenteret og i Publikumsmottaket) • Ungdommene skal som regel ha en kontaktperson som de har "
        "direktenummeret til, skal slippe å ringe NAV kontaktsenter",
        owner="Alle",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Lav",
        lines=(101, 131),
    ),
    # owner split over two blocks («NAV/Bydel/» and «Forebyggende Enhet»)
    "grorud-2023-t5": dict(
        section=S1,
        goal="Alle som jobber med unge, har tilstrekkelig kompetanse og kunnskap til å håndtere bekymring i "
        "forhold til rus",
        text="Undervisning til veiledere i NAV • Økt fokus på kompetanseheving • Flere ansatte med kompetanse på rus. "
        "• Fokus på holdninger knyttet til rus blant barn og unge • Kompetansehevende undervisning for ansatte ved "
        "skoler, samt foreldre",
        owner="NAV/Bydel/ Forebyggende Enhet",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Middels",
        lines=(164, 196),
    ),
    # owner and frist share a line («Alle Kontinuerlig»)
    "grorud-2023-t6": dict(
        section=S1,
        goal="Nye brukere av tjenester i bydelen, blir raskt kartlagt, også i forhold til ressurser og "
        "risikofaktorer knyttet til rus",
        text="Koble på Helseavklaring på tidlig tidspunkt. • Utvide Helseavklaring-tilbudet ved NAV Ung til "
        "mennesker med rusutfordringer og sårbarhet for rus. • Enhet for russaker • Ved henvendelser til psykisk "
        "helse skal rus være et av punktene ved kartlegging",
        owner="Alle",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Lav",
        lines=(200, 226),
    ),
    # status and risk on one line, the risk printed in capitals («Oppstart LAV»)
    "grorud-2023-t7": dict(
        section=S1,
        goal="Unge forebygger rusbruk blant unge",
        text="Unge rusforebyggende ambassadører • Ung til ung metodikk i rusforebyggende arbeid i bydelens "
        "ungdomsskoler • Ruskonsulent vil i samarbeid med ungdomsskole kurse opp unge i å holde "
        "kompetansehevende undervisning for medelever.",
        owner="Ruskonsulent for ungdommer v/NAV og Forebyggende Enhet",
        deadline="Kontinuerlig",
        status="Oppstart",
        risk="LAV",
        lines=(228, 248),
    ),
    # «Forebyggen» / «de enhet/» broken in the narrow owner column
    "grorud-2023-t8": dict(
        section=S2,
        goal="Alle som henvender seg til bydelen for hjelp vedrørende rusutfordringer, får tilbud om bistand",
        text="Tilby samtale etter kartleggingsmetodikk med den som mottar henvendelsen • Rask psykisk helsehjelp",
        owner="NAV/Bydel Forebyggende enhet/ Seksjon psykisk helse",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Lav",
        lines=(257, 274),
    ),
    # Mål and tiltak on one line, two spaces apart
    "grorud-2023-t9": dict(
        section=S2,
        goal="Bedre samhandling med eksterne tjenester",
        text="Alle ansatte skal etterspørre samtykkeerklæring for å kunne samarbeide eksterne samarbeidspartnere "
        "(evt. pårørende)",
        owner="Alle",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Middels",
        lines=(276, 284),
    ),
    # «fast kontaktperson»: the tiltak's last sentence sits alone after the page break
    "grorud-2023-t10": dict(
        section=S2,
        goal="Alle som mottar tjenester for sitt rusproblem, har en fast kontaktperson i bydelen",
        text="Hovedveileder har ansvar for å formidle henvendelse videre til rett tjeneste/veileder. Innbygger skal "
        "slippe å måtte ringe NAV Kontaktsenteret",
        owner="Alle",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Høy",
        lines=(286, 297),
    ),
    # HAP: owner broken as «Rus-»/«konsulent», «Forebyggen»/«de enhet,», «Helsestasjo»/«n for»
    "grorud-2023-t11": dict(
        section=S2,
        goal="Alle med behov får tilbud om Hasjavvenningsprogram (HAP) i bydelen",
        text="Kurse ansatte, og informere ungdommer om tilbudet",
        owner="Ruskonsulent Ung, Forebyggende enhet, Helsestasjon for Ungdom (HFU)",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Høy",
        lines=(300, 317),
    ),
    # owner, frist, status and risk on one line («Ruskonsulentene Kontinuerlig Påbegynt Lav»)
    "grorud-2023-t12": dict(
        section=S3,
        goal="Råd og veiledning - følge prosessen i Velferdsetaten (VEL)",
        text="Bruke rutinen for institusjon til bolig. Koble på andre aktører tidlig",
        owner="Ruskonsulentene",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Lav",
        lines=(325, 333),
    ),
    # Regnbuen: its last two bullets come after the page break
    "grorud-2023-t14": dict(
        section=S3,
        goal="Øke tilbudet ved Regnbuen",
        text="Fokus på ernæring, fysisk aktivitet og økt åpningstid fra 3 til 4 dager i uken • Etablere Gatelag i "
        "samarbeid med Grorud Idrettslag for innbyggere med rusutfordringer • Oppsøkende virksomhet mot kjente "
        "rusmiljø og etablere samarbeid med frivillighetssentralen • 113 kort, kameratredning med Naloxon "
        "nesespray 2 ganger i året • Utdeling av brukerutstyr og kondomer • Opplæring og utdeling av "
        "Naloxon-nesespray",
        owner="Ansatte ved Regnbuen, ruskonsulent, brukerrepresentant og booppfølgere",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Lav",
        lines=(349, 373),
    ),
    # the row after Regnbuen's continuation; «-Økt» is a bullet without a space
    "grorud-2023-t15": dict(
        section=S3,
        goal="Redusere bruk av Velferdsetatens institusjonsplasser (VEL)",
        text="Ukentlige møter med boligkontoret for å forhindre utkastelser. • Økt samarbeid med boligkontoret, "
        "booppfølgerne og tilbudet ved Regnbuen med innbyggere som skal bosettes i egen bydel • Kun "
        "ruskonsulentene som gjør inntak i VEL • Samarbeid med bydelens tjenester",
        owner="Ruskonsulenter, booppfølgere/ Seksjon psykisk helse Forvaltning",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Høy",
        lines=(375, 394),
    ),
    # Erfaringskonsulent: the Mål's end («bruk i endring- og mestringsarbeid») comes after the page break
    "grorud-2023-t17": dict(
        section=S3,
        goal="Erfaringskonsulent og erfaringskompetanse skal i større grad tas i bruk i endring- og mestringsarbeid",
        text="Fra prosjekt til drift Tas i bruk i flere tjenester slik at erfaringskonsulenten tas i bruk i "
        "forebygging",
        owner="Alle",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Middels",
        lines=(428, 441),
    ),
    "grorud-2023-t18": dict(
        section=S3,
        goal="Flere innbyggere med rusutfordringer i arbeid eller aktivitet",
        text="Prosjekt “deltakelse i arbeidslivet” videreutvikles • Brukerinvolvering i henting og utlevering av "
        "mat fra Matsentralen • Soppdyrking i tilknytning til Regnbuen Ressurssenter • Utvider tilbudet ved "
        "Gjennbrukskjelleren for innbyggerne i bydel Grorud. • Treplanting som en del av prosjekt Oslo Trær. • "
        "Igangsetting av Gaterydding i samarbeid med KirkensBymisjon",
        owner="Andreas og ansatte ved Regnbuen",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Middels",
        lines=(443, 460),
    ),
    # «Helhetlig kartlegging»: tiltak, owner, frist, status and risk on one line
    # («Brukerplan, som er verktøy for bydelen.  Alle Avventer Korus Avventer Høy»)
    "grorud-2023-t19": dict(
        section=S3,
        goal="Helhetlig kartlegging av omfanget og karakter av rus og psykiske helseproblemer hos personer som "
        "mottar tjenester",
        text="Brukerplan, som er verktøy for bydelen.",
        owner="Alle",
        deadline="Avventer Korus",
        status="Avventer",
        risk="Høy",
        lines=(462, 469),
    ),
    # Mål «Pårørende arbeid» shares its line with the first bullet; the lines below it are as wide as
    # the tiltak column, far wider than the Mål column, so they belong to the tiltak
    "grorud-2023-t21": dict(
        section=S3,
        goal="Pårørende arbeid",
        text="Den som har først kommet i kontakt med pårørende, har sikret at personen har blitt fult opp og "
        "behovet blir vurdert. • Etterlatte etter overdosedødsfall skal ha oppfølging på linje med andre "
        "innbyggere som mister noen i brå død",
        owner="Alle/Kriseteam",
        deadline="Kontinuerlig",
        status="Påbegynt",
        risk="Middels",
        lines=(483, 491),
    ),
}


@pytest.mark.parametrize("tiltak_id", sorted(EXPECTED))
def test_row_fields_are_printed_words(tiltak_id: str) -> None:
    record = tiltak(PLAN, tiltak_id)
    expected = {"owner_expanded": None, "for_bydelene": False, **EXPECTED[tiltak_id]}
    got = {key: getattr(record, key) for key in expected}
    assert got == expected
    assert record.plan_id == PLAN and record.bydel == "Grorud"


def test_sections_are_the_three_strategies() -> None:
    sections = parsed(PLAN).sections
    assert [(s.title, s.path, s.lines) for s in sections] == [
        (S1, [S1], (25, 25)),
        (S2, [S2], (254, 254)),
        (S3, [S3], (321, 321)),
    ]


def test_intro_prose_is_one_passage_under_the_plan_title() -> None:
    passages = parsed(PLAN).passages
    assert len(passages) == 1
    intro = passages[0]
    assert intro.section == "Ruspolitisk handlingsplan bydel Grorud 2023–2028"
    assert intro.lines == (6, 21)
    assert intro.text.startswith("Strategisk plan for rusfeltet i Oslo kommune har to hovedmål for ruspolitikken:")
    assert "Samhandling rundt disse innbyggerne mellom helsetjenester og NAV er der for svært viktig." in intro.text
    assert intro.text.endswith("med tanke på rusproblematikk og psykisk helseproblematikk.")
    # no table text leaks into prose
    assert "Kontinuerlig" not in intro.text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Kontinuerlig Påbegynt Lav ", ("Kontinuerlig", "Påbegynt", "Lav")),
        ("Alle Kontinuerlig  Påbegynt Høy ", ("Alle Kontinuerlig", "Påbegynt", "Høy")),
        ("Oppstart LAV ", ("", "Oppstart", "LAV")),
        ("Middels ", ("", None, "Middels")),
        (
            "Brukerplan, som er verktøy for bydelen.  Alle Avventer Korus Avventer Høy",
            ("Brukerplan, som er verktøy for bydelen.  Alle Avventer Korus", "Avventer", "Høy"),
        ),
        ("Kurse ansatte, og informere ungdommer om", None),
    ],
)
def test_split_tail(line: str, expected: tuple[str, str | None, str] | None) -> None:
    assert split_tail(line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kontinuerlig", ("", "Kontinuerlig")),
        ("Ruskonsulentene Kontinuerlig", ("Ruskonsulentene", "Kontinuerlig")),
        (
            "Brukerplan, som er verktøy for bydelen.  Alle Avventer Korus",
            ("Brukerplan, som er verktøy for bydelen.  Alle", "Avventer Korus"),
        ),
        ("Alle/Kriseteam Innen 2025", ("Alle/Kriseteam", "Innen 2025")),
    ],
)
def test_split_frist(text: str, expected: tuple[str, str]) -> None:
    assert split_frist(text) == expected


REVISED = """\
Ruspolitisk handlingsplan bydel Grorud 2029-2034

Innledning med en setning om planen.

Strategi A
Mål Tiltak Ansvarlig Frist Status Risiko

Første mål for
ungdom

- Første tiltak
- Andre tiltak som
fortsetter

Seksjon
rus

2030

Påbegynt

Middels

Andre mål som
går over siden

- Tredje tiltak
- Fjerde tiltak

Alle 2031 Venter Høy

\f
videre på neste side

- Femte tiltak etter sideskift

Tredje mål

Sjette tiltak  Seksjon psykisk helse Innen 2032 Ikke påbegynt lav
"""


def test_a_revised_edition_in_the_same_layout_parses(tmp_path: Path) -> None:
    # The parser follows the layout, not this file's lines or sentences: a made-up later edition.
    path = tmp_path / "revised.txt"
    path.write_text(REVISED, encoding="utf-8")
    src = Source.read(path)
    plan = Plan(
        id="grorud-2029",
        bydel="Grorud",
        title="Ruspolitisk handlingsplan bydel Grorud 2029–2034",
        period="2029–2034",
        layout="grorud",
        file=path.name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    result = parse(src, plan)
    assert result.warnings == []
    assert [s.title for s in result.sections] == ["Strategi A"]
    assert [p.text for p in result.passages] == ["Innledning med en setning om planen."]
    got = [(t.goal, t.text, t.owner, t.deadline, t.status, t.risk) for t in result.tiltak]
    assert got == [
        (
            "Første mål for ungdom",
            "Første tiltak • Andre tiltak som fortsetter",
            "Seksjon rus",
            "2030",
            "Påbegynt",
            "Middels",
        ),
        (
            "Andre mål som går over siden videre på neste side",
            "Tredje tiltak • Fjerde tiltak • Femte tiltak etter sideskift",
            "Alle",
            "2031",
            "Venter",
            "Høy",
        ),
        ("Tredje mål", "Sjette tiltak", "Seksjon psykisk helse", "Innen 2032", "Ikke påbegynt", "lav"),
    ]
    assert [t.lines for t in result.tiltak] == [(8, 22), (24, 36), (38, 40)]
