"""The workbook reader: reading the sheets' XML directly gives the same grid as openpyxl, cell for cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from engine.errors import WorkbookError
from engine.workbook import read_workbook, read_workbook_with_openpyxl

TABLES = Path(__file__).resolve().parent.parent / "decision_tables"


def grid(workbook: object) -> list[tuple[str, list[tuple[str, object]]]]:
    return [
        (sheet.name, [(cell.location.cell, cell.value) for row in sheet.rows.values() for cell in row.values()])
        for sheet in workbook.sheets  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize("path", sorted(TABLES.glob("*.xlsx")), ids=lambda p: p.name)
def test_every_workbook_of_the_rule_base_reads_as_openpyxl_reads_it(path: Path) -> None:
    assert grid(read_workbook(path)) == grid(read_workbook_with_openpyxl(path))


def test_values_dates_merged_cells_and_formulas(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Blad"
    sheet["A1"] = "  tekst met  spaties "
    sheet["B1"] = 3
    sheet["C1"] = 2.5
    sheet["D1"] = True
    sheet["E1"] = dt.date(2026, 3, 1)
    sheet["F1"] = dt.datetime(2026, 3, 1, 12, 30)
    sheet["G1"] = dt.time(8, 15)
    sheet["A2"] = "samengevoegd"
    sheet.merge_cells("A2:C3")
    sheet["B5"].number_format = "0.00"  # a cell with only a style
    sheet["A6"] = "regel een\nregel twee"
    book.create_sheet("Tweede")["B2"] = "x"
    path = tmp_path / "waarden.xlsx"
    book.save(path)
    fast = grid(read_workbook(path))
    assert fast == grid(read_workbook_with_openpyxl(path))
    assert fast == [
        (
            "Blad",
            [
                ("A1", "tekst met spaties"),
                ("B1", 3),
                ("C1", 2.5),
                ("D1", True),
                ("E1", dt.date(2026, 3, 1)),
                ("F1", dt.datetime(2026, 3, 1, 12, 30)),
                ("G1", "08:15:00"),
                ("A2", "samengevoegd"),
                ("B2", "samengevoegd"),
                ("C2", "samengevoegd"),
                ("A3", "samengevoegd"),
                ("B3", "samengevoegd"),
                ("C3", "samengevoegd"),
                ("A6", "regel een\nregel twee"),
            ],
        ),
        ("Tweede", [("B2", "x")]),
    ]


def test_a_formula_without_a_saved_value_is_located(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Blad"
    sheet["B3"] = "=1+1"  # openpyxl saves no cached value
    path = tmp_path / "formule.xlsx"
    book.save(path)
    for reader in (read_workbook, read_workbook_with_openpyxl):
        with pytest.raises(WorkbookError) as raised:
            reader(path)
        assert str(raised.value) == (
            'formule.xlsx, sheet "Blad", cell B3: the formula =1+1 has no saved value; open the workbook in Excel and '
            "save it, or type the value instead of a formula"
        )


def test_rich_text_and_a_date_beyond_9999(tmp_path: Path) -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Blad"
    sheet["A1"] = CellRichText("gewoon ", TextBlock(InlineFont(b=True), "vet"), " en verder")
    path = tmp_path / "opmaak.xlsx"
    book.save(path)
    assert grid(read_workbook(path)) == grid(read_workbook_with_openpyxl(path)) == [
        ("Blad", [("A1", "gewoon vet en verder")])
    ]
    sheet["B2"] = 3000000  # a serial number beyond 9999-12-31, formatted as a date
    sheet["B2"].number_format = "yyyy-mm-dd"
    book.save(path)
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)
    assert str(raised.value) == (
        'opmaak.xlsx: cannot read this file as an Excel workbook (.xlsx): cell B2 of sheet "Blad" is formatted as a '
        "date, but its value 3000000 is no date Excel can show"
    )
