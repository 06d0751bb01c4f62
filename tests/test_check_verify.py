"""Every problem verify.py reports while loading, each on a workbook with exactly that mistake, with its message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import CALCULATIONS, GLOSSARY, TABLES, base_spec
from factory import TableSpec, write_workbook

from engine.api import load_rule_base
from engine.errors import WorkbookProblems
from engine.findings import location_text

NARE, UITKOMST, BROERS = TABLES


def problems(tmp_path: Path, **changes: object) -> list[str]:
    write_workbook(tmp_path, base_spec(**changes))
    with pytest.raises(WorkbookProblems) as raised:
        load_rule_base(tmp_path)
    return [str(p) for p in raised.value.problems]


def dutch(tmp_path: Path) -> list[str]:
    """The same problems as `nareis check` shows them to policy staff (the workbooks already written)."""
    with pytest.raises(WorkbookProblems) as raised:
        load_rule_base(tmp_path)
    return [f"{location_text(p.location, 'nl')}: {p.text('nl')}" for p in raised.value.problems]


def glossary_with(*rows: Sequence[object]) -> list[Sequence[object]]:
    return [*GLOSSARY, *rows]


def test_two_tables_with_one_name(tmp_path: Path) -> None:
    copy = replace(UITKOMST, sheet="Uitkomst 2", rows=[("E-11", "te_laat", "-", "afwijzen", "§2.2")])
    copy = replace(copy, facts=("termijn", "identiteit_aannemelijk", "eindoordeel", ""))
    broers = replace(BROERS, facts=("relatie", "ouders_afgewezen", "uitkomst", "uitkomst", ""))
    found = problems(tmp_path, tables=[NARE, UITKOMST, copy, broers])
    assert (
        'H2_test.xlsx, sheet "Uitkomst 2", cell B1: table name "Uitkomst" is also used at H2_test.xlsx, sheet '
        '"Uitkomst", cell B1' in found
    )
    assert (
        'werkmap H2_test.xlsx, blad "Uitkomst 2", cel B1: de tabelnaam "Uitkomst" wordt ook gebruikt in werkmap '
        'H2_test.xlsx, blad "Uitkomst", cel B1' in dutch(tmp_path)
    )


def test_one_rule_id_in_two_tables(tmp_path: Path) -> None:
    broers = replace(BROERS, rows=[("E-01", "kind", "ja", "-", "afwijzen", "§4.1"), BROERS.rows[1]])
    assert problems(tmp_path, tables=[NARE, UITKOMST, broers]) == [
        'H2_test.xlsx, sheet "Broers", cell A8: rule id "E-01" is also used in table "Uitkomst" (H2_test.xlsx, '
        'sheet "Uitkomst"); rule ids are unique across all workbooks'
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Broers", cel A8: regel-id "E-01" komt ook voor in tabel "Uitkomst" (werkmap '
        'H2_test.xlsx, blad "Uitkomst"); een regel-id is uniek over alle werkmappen'
    ]


def test_a_table_that_sets_an_input_fact(tmp_path: Path) -> None:
    extra = TableSpec(
        "Relatie",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("identiteit_aannemelijk", "relatie", ""),
        rows=[("R-1", "ja", "kind", "§2.5")],
    )
    assert problems(tmp_path, tables=[*TABLES, extra]) == [
        'H2_test.xlsx, sheet "Relatie", cell B1: relatie is an input fact (Soort invoer) and cannot be set by '
        '"Relatie"; make it afgeleid in Begrippen'
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Relatie", cel B1: relatie is invoer (Soort invoer) en kan niet gezet worden door '
        '"Relatie"; maak het afgeleid in Begrippen'
    ]


def test_a_derived_fact_set_by_two_tables(tmp_path: Path) -> None:
    extra = TableSpec(
        "Termijn twee",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("status_referent", "termijn", ""),
        rows=[("T-1", "subsidiair", "op_tijd", "§2.3")],
    )
    assert problems(tmp_path, tables=[*TABLES, extra]) == [
        'H2_test.xlsx, sheet "Termijn twee", cell B1: termijn is already set by "Nareistermijn" at H2_test.xlsx, '
        'sheet "Nareistermijn", cell B1; every derived fact is set by one table or calculation'
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Termijn twee", cel B1: termijn wordt al gezet door "Nareistermijn" in werkmap '
        'H2_test.xlsx, blad "Nareistermijn", cel B1; elk afgeleid begrip wordt door één tabel of berekening gezet'
    ]


def test_a_derived_fact_nothing_sets(tmp_path: Path) -> None:
    assert problems(tmp_path, glossary=glossary_with(("wees", "gezinslid", "ja/nee", "", "", "afgeleid"))) == [
        'H2_test.xlsx, sheet "Begrippen", cell A13: wees is afgeleid but no table or calculation sets it; set it, or '
        "make it invoer"
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Begrippen", cel A13: wees is afgeleid, maar geen tabel of berekening zet het; '
        "zet het, of maak het invoer"
    ]


def test_a_gezinslid_table_that_sets_a_fact_of_the_aanvraag(tmp_path: Path) -> None:
    extra = TableSpec(
        "Zaak",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("relatie", "zaakoordeel", ""),
        rows=[("Z-1", "kind", "ja", "§2.5")],
    )
    found = problems(
        tmp_path,
        glossary=glossary_with(("zaakoordeel", "aanvraag", "ja/nee", "", "", "afgeleid")),
        tables=[*TABLES, extra],
    )
    assert found == [
        'H2_test.xlsx, sheet "Zaak", cell B1: zaakoordeel belongs to the aanvraag; a table with Entiteit gezinslid '
        "cannot set it"
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Zaak", cel B1: zaakoordeel hoort bij de aanvraag; een tabel met Entiteit '
        "gezinslid kan het niet zetten"
    ]


@pytest.mark.parametrize(
    ("policy", "fact_type", "expected", "expected_nl"),
    [
        (
            "C",
            "keuze",
            "hit policy C gives a list for every output, but extra is a keuze (a, b); make it a lijst van keuze",
            "hitbeleid C geeft een lijst voor elke uitvoer, maar extra is van het type keuze (a, b); maak het een "
            "lijst van keuze",
        ),
        (
            "U",
            "lijst van keuze",
            "hit policy U gives one value, but extra is a lijst van keuze (a, b)",
            "hitbeleid U geeft één waarde, maar extra is van het type lijst van keuze (a, b)",
        ),
        (
            "C+",
            "keuze",
            "hit policy C+ gives a number, but extra is a keuze (a, b)",
            "hitbeleid C+ geeft een getal, maar extra is van het type keuze (a, b)",
        ),
        (
            "C<",
            "keuze",
            "hit policy C< needs numbers or dates, but extra is a keuze (a, b)",
            "hitbeleid C< werkt alleen met getallen of datums, maar extra is van het type keuze (a, b)",
        ),
    ],
)
def test_a_hit_policy_that_does_not_fit_its_output(
    tmp_path: Path, policy: str, fact_type: str, expected: str, expected_nl: str
) -> None:
    extra = TableSpec(
        "Extra",
        hit_policy=policy,
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("relatie", "extra", ""),
        rows=[("X-1", "kind", "a", "§2.5")],
    )
    found = problems(
        tmp_path,
        glossary=glossary_with(("extra", "gezinslid", fact_type, "a, b", "", "afgeleid")),
        tables=[*TABLES, extra],
    )
    assert found == [f'H2_test.xlsx, sheet "Extra", cell B1: {expected}']
    assert dutch(tmp_path) == [f'werkmap H2_test.xlsx, blad "Extra", cel B1: {expected_nl}']


def test_an_aggregate_with_two_outputs(tmp_path: Path) -> None:
    extra = TableSpec(
        "Telling",
        hit_policy="C#",
        kinds=("Invoer", "Uitvoer", "Uitvoer", "Bron"),
        facts=("relatie", "telling_a", "telling_b", ""),
        rows=[("X-1", "kind", "1", "1", "§2.5")],
    )
    glossary = glossary_with(
        ("telling_a", "gezinslid", "getal", "", "", "afgeleid"), ("telling_b", "gezinslid", "getal", "", "", "afgeleid")
    )
    assert problems(tmp_path, glossary=glossary, tables=[*TABLES, extra]) == [
        'H2_test.xlsx, sheet "Telling", cell B1: hit policy C# aggregates a single output; this table has 2'
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Telling", cel B1: hitbeleid C# voegt één uitvoer samen; deze tabel heeft er 2'
    ]


def test_priority_needs_a_keuze_output(tmp_path: Path) -> None:
    extra = TableSpec(
        "Voorrang",
        hit_policy="P",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("relatie", "voorrang", ""),
        rows=[("X-1", "kind", "ja", "§2.5")],
    )
    found = problems(
        tmp_path,
        glossary=glossary_with(("voorrang", "gezinslid", "ja/nee", "", "", "afgeleid")),
        tables=[*TABLES, extra],
    )
    assert found == [
        'H2_test.xlsx, sheet "Voorrang", cell B1: hit policy P ranks by the order of an output\'s allowed values: at '
        "least one output must be a keuze"
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Voorrang", cel B1: hitbeleid P rangschikt op de volgorde van de toegestane '
        "waarden van een uitvoer: minstens één uitvoer moet een keuze zijn"
    ]


def test_an_aanvraag_table_that_reads_a_member_fact(tmp_path: Path) -> None:
    extra = TableSpec(
        "Zaak",
        entity="aanvraag",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("relatie", "zaakoordeel", ""),
        rows=[("Z-1", "kind", "ja", "§2.5")],
    )
    found = problems(
        tmp_path,
        glossary=glossary_with(("zaakoordeel", "aanvraag", "ja/nee", "", "", "afgeleid")),
        tables=[*TABLES, extra],
    )
    assert found == [
        'H2_test.xlsx, sheet "Zaak", cell B1: relatie belongs to a gezinslid; a table with Entiteit aanvraag cannot '
        "read it (use enig_gezinslid, elk_gezinslid or aantal_gezinsleden in a Berekening)"
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Zaak", cel B1: relatie hoort bij een gezinslid; een tabel met Entiteit aanvraag '
        "kan het niet lezen (gebruik enig_gezinslid, elk_gezinslid of aantal_gezinsleden in een Berekening)"
    ]


def test_a_calculation_of_the_aanvraag_that_reads_a_member_fact(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        glossary=glossary_with(("is_kind", "aanvraag", "ja/nee", "", "", "afgeleid")),
        calculations=[*CALCULATIONS, ("is_kind", "relatie = kind", "§2.5")],
    )
    assert found == [
        'H2_test.xlsx, sheet "Berekeningen", cell A4: relatie belongs to a gezinslid; is_kind belongs to the aanvraag '
        "and can read it only through enig_gezinslid, elk_gezinslid or aantal_gezinsleden"
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Berekeningen", cel A4: relatie hoort bij een gezinslid; is_kind hoort bij de '
        "aanvraag en kan het alleen lezen via enig_gezinslid, elk_gezinslid of aantal_gezinsleden"
    ]


def test_a_cycle(tmp_path: Path) -> None:
    glossary = glossary_with(
        ("ring_a", "gezinslid", "ja/nee", "", "", "afgeleid"), ("ring_b", "gezinslid", "ja/nee", "", "", "afgeleid")
    )
    found = problems(
        tmp_path,
        glossary=glossary,
        calculations=[*CALCULATIONS, ("ring_a", "niet(ring_b)", "§2.5"), ("ring_b", "niet(ring_a)", "§2.5")],
    )
    assert found == [
        'H2_test.xlsx, sheet "Berekeningen", cell A4: these tables and calculations depend on each other in a circle: '
        "ring_a -> ring_b -> ring_a; split one of them so that a fact is never needed to derive itself"
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Berekeningen", cel A4: deze tabellen en berekeningen hangen in een kring van '
        "elkaar af: ring_a -> ring_b -> ring_a; splits er één, zodat een begrip nooit nodig is om zichzelf af te "
        "leiden"
    ]


def test_a_two_rule_any_table_that_disagrees_fails_at_run_time(tmp_path: Path) -> None:
    """Hit policy A: two matching rules with different outputs are a conflict, never the first rule's value."""
    import datetime as dt

    from engine.api import decide
    from engine.case import Case, Member
    any_table = replace(
        NARE,
        hit_policy="A",
        rows=[
            ("2.2-01", "vluchteling", "-", "te_laat", "§2.2", ""),
            ("2.2-02", "vluchteling", "-", "op_tijd", "§2.2", ""),
        ],
    )
    write_workbook(tmp_path, base_spec(tables=[any_table, UITKOMST, BROERS]))
    rule_base = load_rule_base(tmp_path)
    case = Case(
        dt.date(2026, 11, 1),
        {"beslisdatum": dt.date(2026, 11, 1)},
        {"status_referent": "vluchteling"},
        (Member("kind", {}),),
        label="zaak",
    )
    decision = decide(case, rule_base)  # the conflict stays in its table: the decision comes back with it
    assert [conflict.message("en") for conflict in decision.conflicts] == [
        'table "Nareistermijn" (H2_test.xlsx, sheet "Nareistermijn"): hit policy A allows several matching rules only '
        'when they set the same outputs, but rules 2.2-01 (row 8) and 2.2-02 (row 9) match, for gezinslid "kind" in '
        "case zaak; left unknown: kind.termijn, kind.uitkomst, kind.eindoordeel"
    ]
    assert [conflict.message("nl") for conflict in decision.conflicts] == [
        'tabel "Nareistermijn" (H2_test.xlsx, blad "Nareistermijn"): hitbeleid A staat meer passende regels alleen '
        'toe als ze dezelfde uitvoer geven, maar de regels 2.2-01 (rij 8) en 2.2-02 (rij 9) passen, voor gezinslid '
        '"kind" in zaak zaak; onbekend gebleven: kind.termijn, kind.uitkomst, kind.eindoordeel'
    ]
    assert "termijn" not in decision.to_json()["gezinsleden"][0]["feiten"]  # neither rule's value: unknown


def test_an_aanvraag_table_that_sets_a_member_fact(tmp_path: Path) -> None:
    extra = TableSpec(
        "Zaak",
        entity="aanvraag",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("status_referent", "lidoordeel", ""),
        rows=[("Z-1", "vluchteling", "ja", "§2.5")],
    )
    found = problems(
        tmp_path,
        glossary=glossary_with(("lidoordeel", "gezinslid", "ja/nee", "", "", "afgeleid")),
        tables=[*TABLES, extra],
    )
    assert found == [
        'H2_test.xlsx, sheet "Zaak", cell B1: lidoordeel belongs to the gezinslid; a table with Entiteit aanvraag '
        "cannot set it"
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Zaak", cel B1: lidoordeel hoort bij een gezinslid; een tabel met Entiteit '
        "aanvraag kan het niet zetten"
    ]


def test_an_aanvraag_table_that_shows_its_motivations_by_a_member_fact(tmp_path: Path) -> None:
    extra = TableSpec(
        "Termijn bekend",
        entity="aanvraag",
        kinds=("Invoer", "Uitvoer", "Bron", "Motivering", "Toon bij"),
        facts=("datum_indiening", "termijn_bekend", "", "", "eindoordeel"),
        rows=[("1.1-01", "-", "ja", "§1.1", "Tekst.", "inwilligen")],
    )
    found = problems(
        tmp_path,
        glossary=glossary_with(("termijn_bekend", "aanvraag", "ja/nee", "", "", "afgeleid")),
        tables=[*TABLES, extra],
    )
    assert found == [
        'H2_test.xlsx, sheet "Termijn bekend", cell B1: Toon bij: eindoordeel belongs to a gezinslid; a table with '
        "Entiteit aanvraag can only show its motivations by a fact of the aanvraag or the referent"
    ]
    assert dutch(tmp_path) == [
        'werkmap H2_test.xlsx, blad "Termijn bekend", cel B1: Toon bij: eindoordeel hoort bij een gezinslid; een '
        "tabel met Entiteit aanvraag kan haar motiveringen alleen tonen op grond van een begrip van de aanvraag of de "
        "referent"
    ]


def test_check_shows_the_problems_in_dutch_and_with_lang_en_in_english(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from engine.cli import main

    write_workbook(tmp_path, base_spec(glossary=glossary_with(("wees", "gezinslid", "ja/nee", "", "", "afgeleid"))))
    dutch_run = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert dutch_run.exit_code == 1
    assert dutch_run.output.splitlines()[:3] == [
        "Fouten (1):",
        '  werkmap H2_test.xlsx, blad "Begrippen"',
        '    fout: werkmap H2_test.xlsx, blad "Begrippen", cel A13: wees is afgeleid, maar geen tabel of berekening '
        "zet het; zet het, of maak het invoer",
    ]
    english = CliRunner().invoke(main, ["check", str(tmp_path), "--lang", "en"]).output.splitlines()
    assert english[2] == (
        '    error: H2_test.xlsx, sheet "Begrippen", cell A13: wees is afgeleid but no table or calculation sets it; '
        "set it, or make it invoer"
    )


def test_a_conflict_of_three_rules_for_the_aanvraag_in_dutch() -> None:
    from engine.scenarios import conflict_in_dutch

    english = (
        'table "T" (H1.xlsx, sheet "T"): hit policy U allows at most one matching rule, but rules A (row 8), B (row 9) '
        "and C (row 10) match, for the aanvraag in case scenario S-4"
    )
    assert conflict_in_dutch(english) == (
        'tabel "T" (werkmap H1.xlsx, blad "T"): hitbeleid U staat hooguit één passende regel toe, maar de regels A '
        "(rij 8), B (rij 9) en C (rij 10) passen, voor de aanvraag in scenario S-4"
    )
    assert conflict_in_dutch("some other message") == "some other message"
