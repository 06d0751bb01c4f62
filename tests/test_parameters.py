"""Named, dated parameters: a Parameters sheet, chosen by a date of the case, usable in cells and motivations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import TABLES, base_spec
from factory import TableSpec, write_workbook

from engine.api import decide
from engine.case import Case, Member
from engine.errors import WorkbookProblems
from engine.loader import load_directory
from engine.parameters import formula_text, read_parameters
from engine.trace import Decision
from renderers.context import with_paragraphs
from renderers.environment import check_motivation

HEADER = ("Naam", "Type", "Waarde", "Geldig vanaf", "Geldig tot", "Peildatum", "Bron", "Omschrijving")
# The margin after the end of the nareistermijn: two weeks for applications filed up to 2026-08-19, three weeks for
# those filed from 2026-08-20. datum_verlening 2026-05-01 puts the end of the nareistermijn on 2026-08-01.
MARGE = [
    HEADER,
    ("marge_nareistermijn", "duur", "14 dagen", "", "2026-08-19", "datum_indiening", "§2.2", "Marge na de termijn"),
    ("marge_nareistermijn", "duur", "3 weken", "2026-08-20", "", "datum_indiening", "§2.2", "Marge na de termijn"),
]
NARES = TableSpec(
    "Nareistermijn",
    sheet="Nareistermijn",
    kinds=("Invoer", "Invoer", "Uitvoer", "Bron", "Motivering"),
    facts=("status_referent", "datum_indiening", "termijn", "", ""),
    rows=[
        (
            "2.2-01",
            "vluchteling",
            "> nareistermijn_einde + marge_nareistermijn",
            "te_laat",
            "§2.2",
            "U diende de aanvraag meer dan {{ marge_nareistermijn|duur }} na het einde van de nareistermijn in.",
        ),
        ("2.2-02", "vluchteling", "<= nareistermijn_einde + marge_nareistermijn", "op_tijd", "§2.2", ""),
        ("2.2-03", "subsidiair", "-", "op_tijd", "§2.3", ""),
    ],
)


def _write(
    tmp_path: Path, parameters: Sequence[Sequence[object]], tables: Sequence[TableSpec] = (NARES, *TABLES[1:])
) -> Path:
    spec = base_spec(tables=list(tables), extra_sheets={"Parameters": parameters})
    write_workbook(tmp_path, spec)
    return tmp_path


def _case(filed: dt.date) -> Case:
    return Case(
        dt.date(2026, 11, 1),
        {"beslisdatum": dt.date(2026, 11, 1), "datum_indiening": filed},
        {"status_referent": "vluchteling", "datum_verlening": dt.date(2026, 5, 1)},
        (Member("kind", {"relatie": "kind", "identiteit_aannemelijk": "ja"}),),
    )


def _member_facts(decision: Decision) -> dict[str, object]:
    return dict(decision.gezinsleden[0].facts)


def _problems(tmp_path: Path, parameters: Sequence[Sequence[object]]) -> list[str]:
    with pytest.raises(WorkbookProblems) as raised:
        load_directory(_write(tmp_path, parameters, TABLES))  # tables that use no parameter
    return [str(p) for p in raised.value.problems]


def test_the_value_is_chosen_by_the_case_date_on_both_sides_of_the_boundary(tmp_path: Path) -> None:
    rule_base = load_directory(_write(tmp_path, MARGE), check_motivation)
    # Filed 18 days after the end of the nareistermijn, the day before the change: the 14-day margin applies.
    before = decide(_case(dt.date(2026, 8, 19)), rule_base)
    # Filed 19 days after it, on the day of the change: the 21-day margin applies.
    after = decide(_case(dt.date(2026, 8, 20)), rule_base)

    assert str(before.aanvraag.facts["marge_nareistermijn"].iso()) == "P14D"  # type: ignore[union-attr]
    assert str(after.aanvraag.facts["marge_nareistermijn"].iso()) == "P21D"  # type: ignore[union-attr]
    assert _member_facts(before)["termijn"] == "te_laat"
    assert _member_facts(after)["termijn"] == "op_tijd"
    letter = with_paragraphs(before.to_json())["gezinsleden"][0]["motiveringen"]
    assert letter[0]["tekst"] == "U diende de aanvraag meer dan twee weken na het einde van de nareistermijn in."


def test_before_the_first_period_the_parameter_is_unknown(tmp_path: Path) -> None:
    rows = [HEADER, ("marge_nareistermijn", "duur", "14 dagen", "2026-01-01", "", "datum_indiening", "§2.2", "")]
    rule_base = load_directory(_write(tmp_path, rows))
    early = decide(_case(dt.date(2025, 12, 31)), rule_base)
    assert "marge_nareistermijn" not in early.aanvraag.facts
    assert "termijn" not in _member_facts(early)
    on_time = decide(_case(dt.date(2026, 8, 15)), rule_base)
    assert _member_facts(on_time)["termijn"] == "op_tijd"


def test_a_parameter_reads_as_one_sentence(tmp_path: Path) -> None:
    rule_base = load_directory(_write(tmp_path, MARGE))
    calculation = next(c for c in rule_base.calculations if c.fact == "marge_nareistermijn")
    assert calculation.text == "14 dagen tot en met 2026-08-19, 21 dagen vanaf 2026-08-20 (naar datum_indiening)"
    assert str(calculation.location) == 'H2_test.xlsx, sheet "Parameters", cell A2'
    assert rule_base.glossary["marge_nareistermijn"].entity == "aanvraag"
    assert rule_base.glossary["marge_nareistermijn"].description == "Marge na de termijn"


def test_dates_typed_as_excel_dates_are_read_too(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("marge_nareistermijn", "duur", "14 dagen", None, dt.datetime(2026, 8, 19), "datum_indiening", "§2.2", ""),
        ("marge_nareistermijn", "duur", "21 dagen", dt.datetime(2026, 8, 20), None, "datum_indiening", "§2.2", ""),
    ]
    rule_base = load_directory(_write(tmp_path, rows))
    after = decide(_case(dt.date(2026, 8, 20)), rule_base)
    assert _member_facts(after)["termijn"] == "op_tijd"


def test_overlapping_periods_are_an_error_at_the_later_row(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("marge_nareistermijn", "duur", "14 dagen", "", "2026-08-20", "datum_indiening", "§2.2", ""),
        ("marge_nareistermijn", "duur", "21 dagen", "2026-08-20", "", "datum_indiening", "§2.2", ""),
    ]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell A3: parameter marge_nareistermijn: de periode van deze rij '
        "(2026-08-20 tot en met (open)) overlapt met die van rij 2 ((open) tot en met 2026-08-20); laat de vorige "
        "periode eindigen op de dag vóór Geldig vanaf"
    ]


def test_two_open_ended_periods_overlap(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("marge_nareistermijn", "duur", "14 dagen", "2026-01-01", "", "datum_indiening", "§2.2", ""),
        ("marge_nareistermijn", "duur", "21 dagen", "2026-08-20", "", "datum_indiening", "§2.2", ""),
    ]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell A3: parameter marge_nareistermijn: de periode van deze rij '
        "(2026-08-20 tot en met (open)) overlapt met die van rij 2 (2026-01-01 tot en met (open)); laat de vorige "
        "periode eindigen op de dag vóór Geldig vanaf"
    ]


def test_a_gap_between_periods_is_an_error(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("marge_nareistermijn", "duur", "14 dagen", "", "2026-08-18", "datum_indiening", "§2.2", ""),
        ("marge_nareistermijn", "duur", "21 dagen", "2026-08-20", "", "datum_indiening", "§2.2", ""),
    ]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell A3: parameter marge_nareistermijn: tussen 2026-08-18 (rij 2) en '
        "2026-08-20 (deze rij) geldt geen waarde; laat de periodes op elkaar aansluiten"
    ]


def test_a_value_of_the_wrong_type_is_an_error_at_its_cell(tmp_path: Path) -> None:
    rows = [HEADER, ("marge_nareistermijn", "duur", "14", "", "", "datum_indiening", "§2.2", "")]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell C2: parameter marge_nareistermijn is een duur: verwacht een duur '
        'zoals "14 dagen", "2 weken", "3 maanden" of P3M, niet "14"'
    ]


def test_an_unknown_type_and_a_bad_date_are_errors_at_their_cells(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("marge", "dagen", "14", "", "", "datum_indiening", "§2.2", ""),
        ("drempel", "getal", "14", "12-06-2026", "", "datum_indiening", "§2.2", ""),
    ]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell B2: onbekend type "dagen" voor parameter marge; kies uit getal, '
        "bedrag, tekst, datum, duur, ja/nee",
        'H2_test.xlsx, sheet "Parameters", cell D3: Geldig vanaf: verwacht een datum zoals 2026-06-12, niet '
        '"12-06-2026"',
    ]


def test_the_peildatum_must_be_a_date_fact(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("marge", "duur", "14 dagen", "", "", "datum_indiendng", "§2.2", ""),
        ("drempel", "getal", "14", "", "", "status_referent", "§2.2", ""),
    ]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell F2: Peildatum "datum_indiendng" is geen begrip; bedoelt u '
        "datum_indiening of datum_verlening? Noem het datumbegrip van de zaak dat de waarde kiest, zoals "
        "datum_indiening of beslisdatum",
        'H2_test.xlsx, sheet "Parameters", cell F3: Peildatum status_referent is een keuze (vluchteling, '
        "subsidiair), geen datum",
    ]


def test_rows_of_one_parameter_agree_on_type_and_peildatum(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("marge_nareistermijn", "duur", "14 dagen", "", "2026-08-19", "datum_indiening", "§2.2", ""),
        ("marge_nareistermijn", "duur", "21 dagen", "2026-08-20", "", "beslisdatum", "§2.2", ""),
    ]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell F3: parameter marge_nareistermijn heeft hier Peildatum '
        "beslisdatum, maar in rij 2 datum_indiening; elke rij van een parameter heeft dezelfde Peildatum"
    ]


def test_a_parameter_may_not_take_the_name_of_a_fact(tmp_path: Path) -> None:
    rows = [HEADER, ("termijn", "duur", "14 dagen", "", "", "datum_indiening", "§2.2", "")]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell A2: "termijn" is al een begrip (H2_test.xlsx, sheet "Begrippen", '
        "cell A9); geef de parameter een eigen naam"
    ]


def test_an_end_before_the_start_and_a_missing_bron_are_errors(tmp_path: Path) -> None:
    rows = [HEADER, ("marge", "duur", "14 dagen", "2026-08-20", "2026-08-01", "datum_indiening", "", "")]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell E2: Geldig tot (2026-08-01) ligt vóór Geldig vanaf (2026-08-20)',
        'H2_test.xlsx, sheet "Parameters", cell G2: Bron ontbreekt: noem de paragraaf van de WI (en de wettelijke '
        "grondslag) van deze waarde",
    ]


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    rows = [("Naam", "Type", "Waarde"), ("marge", "duur", "14 dagen")]
    assert _problems(tmp_path, rows) == [
        'H2_test.xlsx, sheet "Parameters", cell A1: kolom Peildatum, Bron ontbreekt; rij 1 van het blad Parameters '
        "heeft de kolommen Naam, Type, Waarde, Geldig vanaf, Geldig tot, Peildatum, Bron, Omschrijving"
    ]


def test_value_on_and_formula_text_without_a_workbook(tmp_path: Path) -> None:
    rule_base = load_directory(_write(tmp_path, MARGE))
    parameters = read_parameters([], rule_base.glossary)
    assert parameters.parameters == ()
    from engine.workbook import read_workbook

    book = read_workbook(tmp_path / "H2_test.xlsx")
    sheet = next(s for s in book.sheets if s.name == "Parameters")
    glossary = {k: v for k, v in rule_base.glossary.items() if k != "marge_nareistermijn"}
    (parameter,) = read_parameters([sheet], glossary).parameters
    assert parameter.value_on(dt.date(2026, 8, 19)) != parameter.value_on(dt.date(2026, 8, 20))
    assert formula_text(parameter).startswith("14 dagen tot en met 2026-08-19")


def test_check_runs_scenarios_on_both_sides_of_the_boundary(tmp_path: Path) -> None:
    from engine.check import check_directory

    rows = [
        HEADER,
        ("marge_nareistermijn", "duur", "14 dagen", "2026-01-01", "2026-08-19", "datum_indiening", "§2.2", ""),
        ("marge_nareistermijn", "duur", "3 weken", "2026-08-20", "", "datum_indiening", "§2.2", ""),
    ]
    spec = base_spec(
        tables=[NARES, *TABLES[1:]],
        extra_sheets={"Parameters": rows},
        scenarios=[
            ("S-01", "kind", "Dag voor de wijziging", "§2.2", "2026-08-19", "2026-05-01", "vluchteling", "te_laat"),
            ("S-02", "kind", "Dag van de wijziging", "§2.2", "2026-08-20", "2026-05-01", "vluchteling", "op_tijd"),
            ("S-03", "kind", "Vóór de eerste periode", "§2.2", "2025-12-31", "2026-05-01", "vluchteling", "null"),
        ],
        scenario_kinds=("Invoer", "Invoer", "Invoer", "Verwacht"),
        scenario_facts=("datum_indiening", "datum_verlening", "status_referent", "termijn"),
    )
    write_workbook(tmp_path, spec)

    result = check_directory(tmp_path, documents=False)

    assert [f.kind for f in result.findings if f.kind in ("load", "scenario")] == []
    assert [(s.scenario.scenario_id, s.passed) for s in result.scenarios] == [
        ("S-01", True),
        ("S-02", True),
        ("S-03", True),
    ]
