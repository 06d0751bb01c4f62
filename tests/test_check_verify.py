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

NARE, UITKOMST, BROERS = TABLES


def problems(tmp_path: Path, **changes: object) -> list[str]:
    write_workbook(tmp_path, base_spec(**changes))
    with pytest.raises(WorkbookProblems) as raised:
        load_rule_base(tmp_path)
    return [str(p) for p in raised.value.problems]


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


def test_one_rule_id_in_two_tables(tmp_path: Path) -> None:
    broers = replace(BROERS, rows=[("E-01", "kind", "ja", "-", "afwijzen", "§4.1"), BROERS.rows[1]])
    assert problems(tmp_path, tables=[NARE, UITKOMST, broers]) == [
        'H2_test.xlsx, sheet "Broers", cell A8: rule id "E-01" is also used in table "Uitkomst" (H2_test.xlsx, '
        'sheet "Uitkomst"); rule ids are unique across all workbooks'
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


def test_a_derived_fact_nothing_sets(tmp_path: Path) -> None:
    assert problems(tmp_path, glossary=glossary_with(("wees", "gezinslid", "ja/nee", "", "", "afgeleid"))) == [
        'H2_test.xlsx, sheet "Begrippen", cell A13: wees is afgeleid but no table or calculation sets it; set it, or '
        "make it invoer"
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


@pytest.mark.parametrize(
    ("policy", "fact_type", "expected"),
    [
        (
            "C",
            "keuze",
            "hit policy C gives a list for every output, but extra is a keuze (a, b); make it a lijst van keuze",
        ),
        ("U", "lijst van keuze", "hit policy U gives one value, but extra is a lijst van keuze (a, b)"),
        ("C+", "keuze", "hit policy C+ gives a number, but extra is a keuze (a, b)"),
        ("C<", "keuze", "hit policy C< needs numbers or dates, but extra is a keuze (a, b)"),
    ],
)
def test_a_hit_policy_that_does_not_fit_its_output(tmp_path: Path, policy: str, fact_type: str, expected: str) -> None:
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


def test_a_two_rule_any_table_that_disagrees_fails_at_run_time(tmp_path: Path) -> None:
    """Hit policy A: two matching rules with different outputs are a conflict, never the first rule's value."""
    import datetime as dt

    from engine.api import decide
    from engine.case import Case, Member
    from engine.errors import RuleConflictError

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
    with pytest.raises(RuleConflictError) as raised:
        decide(case, rule_base)
    assert raised.value.message == (
        'table "Nareistermijn" (H2_test.xlsx, sheet "Nareistermijn"): hit policy A allows several matching rules only '
        'when they set the same outputs, but rules 2.2-01 (row 8) and 2.2-02 (row 9) match, for gezinslid "kind" in '
        "case zaak"
    )


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
