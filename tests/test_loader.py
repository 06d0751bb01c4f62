"""Loading workbooks: every problem reported together, each with workbook, sheet and cell."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from conftest import GLOSSARY, TABLES, base_spec
from factory import TableSpec, write_workbook

from engine.errors import WorkbookProblems
from engine.loader import load_directory


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(WorkbookProblems) as caught:
        load_directory(directory)
    return [str(p) for p in caught.value.problems]


def with_table(index: int, **changes: object) -> list[TableSpec]:
    tables = list(TABLES)
    tables[index] = replace(tables[index], **changes)  # type: ignore[arg-type]
    return tables


def test_the_base_workbook_loads_in_dependency_order(tables_dir: Path) -> None:
    rule_base = load_directory(tables_dir)
    assert [t.name for t in rule_base.tables] == ["Nareistermijn", "Uitkomst", "Broers en zussen"]
    assert rule_base.levels == {
        "nareistermijn_einde": 1,
        "Nareistermijn": 2,
        "Uitkomst": 3,
        "ouders_afgewezen": 4,
        "Broers en zussen": 5,
    }
    assert len(rule_base.content_hash) == 64


def test_bad_hit_policy(tmp_path: Path) -> None:
    write_workbook(tmp_path, base_spec(tables=with_table(0, hit_policy="X")))
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Nareistermijn", cell B3: onbekend hitbeleid "X"; '
        "toegestaan: U, A, P, F, R, O, C, C+, C<, C>, C#"
    ]


def test_unknown_fact_in_a_column_header(tmp_path: Path) -> None:
    write_workbook(
        tmp_path,
        base_spec(tables=with_table(0, facts=("status_referentt", "datum_indiening", "termijn", "", ""))),
    )
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Nareistermijn", cell B7: onbekend begrip "status_referentt"; bedoelt u status_referent?'
    ]


def test_type_mismatch_unclosed_range_and_unknown_value_are_all_reported(tmp_path: Path) -> None:
    rows = [
        ("2.2-01", "vluchteling", "> 3", "te_laat", "§2.2", ""),
        ("2.2-02", "vluchteling", "[2026-01-01..2026-02-01", "op_tijd", "§2.2", ""),
        ("2.2-03", "vluchtelin", "-", "op_tijd", "§2.2", ""),
    ]
    write_workbook(tmp_path, base_spec(tables=with_table(0, rows=rows)))
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Nareistermijn", cell C8: cannot compare datum with getal: datum_indiening is a '
        "datum, 3 is a getal",
        "H2_test.xlsx, sheet \"Nareistermijn\", cell C9: range not closed: expected ']', '[' or ')'",
        'H2_test.xlsx, sheet "Nareistermijn", cell B10: unknown fact or value "vluchtelin"; known values of keuze: '
        'vluchteling, subsidiair; did you mean "vluchteling"?',
    ]


def test_missing_header(tmp_path: Path) -> None:
    write_workbook(
        tmp_path, base_spec(tables=with_table(0, kinds=("Invoer", "Invoer", "Uitvoer", "Bron", "Motivatie")))
    )
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Nareistermijn", cell F6: onbekende kolomsoort "Motivatie"; '
        "toegestaan: Invoer, Uitvoer, Bron, Motivering, Toon bij, Annotatie"
    ]


def test_missing_regel_row(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, base_spec())
    book = openpyxl.load_workbook(path)
    book["Uitkomst"]["A6"] = "Regels"
    book.save(path)
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Uitkomst", cell A1: kop ontbreekt: een beslistabel heeft een rij nodig die in kolom A '
        "met Regel begint"
    ]


def test_duplicate_rule_id_within_and_across_tables(tmp_path: Path) -> None:
    rows = [*TABLES[0].rows, ("2.2-01", "subsidiair", "-", "op_tijd", "§2.3", "")]
    tables = with_table(0, rows=rows)
    tables[1] = replace(tables[1], rows=[*tables[1].rows, ("2.2-02", "op_tijd", "nee", "afwijzen", "§2.5")])
    write_workbook(tmp_path, base_spec(tables=tables))
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Nareistermijn", cell A11: regelnummer "2.2-01" staat twee keer in deze tabel; '
        "elke regel heeft een eigen nummer",
        'H2_test.xlsx, sheet "Uitkomst", cell A12: rule id "2.2-02" is also used in table "Nareistermijn" '
        '(H2_test.xlsx, sheet "Nareistermijn"); rule ids are unique across all workbooks',
    ]


def test_duplicate_glossary_entry_names_both_cells(tmp_path: Path) -> None:
    write_workbook(tmp_path, base_spec())
    write_workbook(
        tmp_path,
        replace(
            base_spec(),
            name="H3_test.xlsx",
            tables=[],
            calculations=[],
            glossary=[("relatie", "gezinslid", "tekst", "", "Nogmaals", "invoer")],
        ),
    )
    assert problems_of(tmp_path) == [
        'H3_test.xlsx, sheet "Begrippen", cell A2: "relatie" is al gedefinieerd in H2_test.xlsx, '
        'sheet "Begrippen", cell A7; definieer elk begrip één keer'
    ]


def test_unknown_sheet_is_reported_and_hidden_sheets_are_read(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, base_spec(extra_sheets={"Notities": [("los", "blad")]}))
    book = openpyxl.load_workbook(path)
    book["Uitkomst"].sheet_state = "hidden"
    book.save(path)
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Notities", cell A1: dit blad is geen beslistabel (in cel A1 hoort Tabel te staan) en '
        "ook geen van de bladen Begrippen, Berekeningen, Tests, Uitleg, Geen regels"
    ]


def test_excel_dates_numbers_as_text_stray_spaces_merged_cells_and_empty_rows(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, base_spec())
    book = openpyxl.load_workbook(path)
    sheet = book["Nareistermijn"]
    sheet.insert_rows(9)  # an empty row between rules
    sheet["C11"] = dt.datetime(2026, 6, 12)  # an Excel date cell for rule 2.2-03's input
    sheet["B11"] = "  subsidiair  "
    sheet["A1"] = "  Tabel "
    sheet.merge_cells("D9:D9")
    book.save(path)
    rule_base = load_directory(tmp_path)
    table = rule_base.tables[0]
    assert [r.rule_id for r in table.rules] == ["2.2-01", "2.2-02", "2.2-03"]
    assert [(e.fact, e.text) for e in table.rules[2].inputs] == [
        ("status_referent", "subsidiair"),
        ("datum_indiening", "2026-06-12"),
    ]


def test_merged_cells_spread_their_value(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, base_spec())
    book = openpyxl.load_workbook(path)
    sheet = book["Nareistermijn"]
    sheet["E10"] = "§2.3"
    sheet.merge_cells("E10:E10")
    sheet["B8"] = "vluchteling"
    sheet.merge_cells("B8:B9")  # both rules test vluchteling
    book.save(path)
    rule_base = load_directory(tmp_path)
    assert [r.inputs[0].text for r in rule_base.tables[0].rules] == [
        "vluchteling",
        "vluchteling",
        "subsidiair",
    ]


def test_formula_without_cached_value_is_an_error(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, base_spec())
    book = openpyxl.load_workbook(path)
    book["Uitkomst"]["E8"] = '=CONCATENATE("§", "2.2")'
    book.save(path)
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Uitkomst", cell E8: the formula =CONCATENATE("§", "2.2") has no saved value; '
        "open the workbook in Excel and save it, or type the value instead of a formula"
    ]


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    (tmp_path / "kapot.xlsx").write_text("geen excel")
    assert problems_of(tmp_path) == [
        "kapot.xlsx: cannot read this file as an Excel workbook (.xlsx): File is not a zip file"
    ]


def test_an_empty_directory(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == [f"geen werkmappen (*.xlsx) in {tmp_path}"]


def test_loader_messages_keep_their_english_text(tmp_path: Path) -> None:
    """Dutch for the policy staff who keep the workbooks; the English text stays with the error for --lang en."""
    from engine.loader import LoadError

    write_workbook(tmp_path, base_spec(tables=with_table(0, hit_policy="X")))
    with pytest.raises(WorkbookProblems) as raised:
        load_directory(tmp_path)
    (problem,) = raised.value.problems
    assert isinstance(problem, LoadError)
    assert problem.message == 'onbekend hitbeleid "X"; toegestaan: U, A, P, F, R, O, C, C+, C<, C>, C#'
    assert problem.message_en == 'unknown hit policy "X"; allowed: U, A, P, F, R, O, C, C+, C<, C>, C#'
    assert pickle.loads(pickle.dumps(problem)).message_en == problem.message_en


def test_input_fact_set_by_a_table_and_cycles(tmp_path: Path) -> None:
    glossary = [
        g if g[0] != "termijn" else ("termijn", "gezinslid", "keuze", "te_laat, op_tijd", "", "invoer")
        for g in GLOSSARY
    ]
    write_workbook(tmp_path, base_spec(glossary=glossary))
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Nareistermijn", cell B1: termijn is an input fact (Soort invoer) and cannot be set '
        'by "Nareistermijn"; make it afgeleid in Begrippen'
    ]


def test_a_cycle_between_tables_is_named(tmp_path: Path) -> None:
    tables = with_table(
        0,
        kinds=("Invoer", "Invoer", "Invoer", "Uitvoer", "Bron", "Motivering"),
        facts=("status_referent", "datum_indiening", "uitkomst", "termijn", "", ""),
        rows=[("2.2-01", "vluchteling", "-", "-", "te_laat", "§2.2", "")],
    )
    write_workbook(tmp_path, base_spec(tables=tables))
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Nareistermijn", cell B1: these tables and calculations depend on each other in a '
        "circle: Nareistermijn -> Uitkomst -> Nareistermijn; split one of them so that a fact is never needed to "
        "derive itself"
    ]


def test_hit_policy_and_output_types_must_agree(tmp_path: Path) -> None:
    write_workbook(tmp_path, base_spec(tables=with_table(0, hit_policy="C")))
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Nareistermijn", cell B1: hit policy C gives a list for every output, but termijn is '
        "a keuze (te_laat, op_tijd); make it a lijst van keuze"
    ]


def test_numbers_typed_as_numbers_or_stored_as_text_mean_the_same(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, base_spec())
    book = openpyxl.load_workbook(path)
    sheet = book["Nareistermijn"]
    sheet["C10"] = "2026-06-12"  # a date typed as text
    book.save(path)
    as_text = load_directory(tmp_path).tables[0].rules[2].inputs[1].test
    sheet["C10"] = dt.datetime(2026, 6, 12)  # the same date as an Excel date cell
    book.save(path)
    assert load_directory(tmp_path).tables[0].rules[2].inputs[1].test == as_text


def test_a_formula_that_excel_shows_as_an_error_is_explained(tmp_path: Path) -> None:
    import re
    import zipfile

    path = write_workbook(tmp_path, base_spec())
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet4.xml"  # Uitkomst
    parts[sheet] = re.sub(rb'<c r="C8"[^>]*>.*?</c>', b'<c r="C8" t="e"><f>te_laat</f><v>#NAME?</v></c>', parts[sheet])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert problems_of(tmp_path) == [
        'H2_test.xlsx, sheet "Uitkomst", cell C8: Excel shows #NAME? for the formula =te_laat: a cell that starts with '
        "= is a formula in Excel; to write a test, leave out the = (write te_laat) or start the cell with an "
        "apostrophe ('=te_laat)"
    ]
