"""Tests sheets with one scenario per column: the transpose of the classic layout, read exactly as the classic one.

The classic Tests sheet has a row per family member and a column per fact (55 to 140 columns wide). Laid out per
column, a member is a column and a fact is a row, so one scenario reads top to bottom, with its inputs (Invoer)
first and the expected outcomes (Verwacht) in their own block below:

```
   A             B                 C              D
1  Scenario                        S2.2-01        S2.2-01
2  Lid                             echtgenote     kind
3  Omschrijving                    Tijdig ...
4  Bron                            §2.2
5  Invoer        datum_indiening   2026-07-15
6  Invoer        status_referent   vluchteling
7  Verwacht      uitkomst          inwilligen     inwilligen
```

The reader turns such a sheet back into the classic grid, every cell keeping its own location, so errors and
scenario failures name the cell as it is on screen. `nareis tidy --tests per-kolom` (or `per-rij`) converts a
workbook's Tests sheet from one layout into the other without changing any scenario.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.errors import Location
from engine.workbook import Cell, Sheet

PER_ROW = "per-rij"
PER_COLUMN = "per-kolom"
LAYOUTS = (PER_ROW, PER_COLUMN)


def is_per_column(sheet: Sheet) -> bool:
    """A Tests sheet laid out one member per column: column A names the rows, starting Scenario, Lid."""
    return sheet.text(1, 1).capitalize() == "Scenario" and sheet.text(2, 1).capitalize() == "Lid"


@dataclass(frozen=True)
class _Transposed(Sheet):
    """A per-column Tests sheet seen as the classic grid: row and column swapped, locations as on screen."""

    def location(self, row: int, column: int) -> Location:
        return Location(self.workbook, self.name, f"{get_column_letter(row)}{column}")


def classic_tests(sheet: Sheet) -> Sheet:
    """The sheet as the classic layout (a member per row); a classic sheet is returned as it is."""
    if not is_per_column(sheet):
        return sheet
    grid = transposed_grid(sheet)
    return _Transposed(grid.workbook, grid.name, grid.rows)


def transposed_grid(sheet: Sheet) -> Sheet:
    """The grid with rows and columns swapped (for laying out a sheet that is about to be transposed)."""
    rows: dict[int, dict[int, Cell]] = {}
    for row, cells in sheet.rows.items():
        for column, cell in cells.items():
            rows.setdefault(column, {})[row] = Cell(cell.value, cell.location, column, row)
    return Sheet(sheet.workbook, sheet.name, {r: dict(sorted(rows[r].items())) for r in sorted(rows)})


def transpose_worksheet(ws: Worksheet) -> None:
    """Swap the rows and columns of an openpyxl sheet in place: values and number formats move, the presentation
    is made again by tidy."""
    cells = [
        (cell.row, cell.column, cell.value, cell.number_format)
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    ws.freeze_panes = None
    for merged in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(merged))
    ws._cells.clear()  # every cell, with its style and comment: the old positions mean nothing any more
    ws.data_validations.dataValidation = []
    ws.column_dimensions.clear()
    ws.row_dimensions.clear()
    for row, column, value, number_format in cells:
        target = ws.cell(column, row)
        target.value = value
        target.number_format = number_format


__all__ = [
    "LAYOUTS",
    "PER_COLUMN",
    "PER_ROW",
    "classic_tests",
    "is_per_column",
    "transpose_worksheet",
    "transposed_grid",
]
