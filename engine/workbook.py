"""Read .xlsx files with openpyxl into grids of trimmed cell values with their locations; no meaning attached yet."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from engine.errors import Location, WorkbookError

CellValue = str | dt.date | int | float | bool
_EXCEL_ERRORS = frozenset({"#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!"})


@dataclass(frozen=True)
class Cell:
    """One non-empty cell: its value (text trimmed; dates as dates) and where it is."""

    value: CellValue
    location: Location
    row: int
    column: int

    @property
    def text(self) -> str:
        """The value as text, as a policy maker would read it."""
        value = self.value
        if isinstance(value, bool):
            return "ja" if value else "nee"
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


@dataclass(frozen=True)
class Sheet:
    """A sheet as rows of cells; `rows[r]` maps a 1-based column to its cell. Empty rows are left out."""

    workbook: str
    name: str
    rows: dict[int, dict[int, Cell]]

    def location(self, row: int, column: int) -> Location:
        return Location(self.workbook, self.name, f"{get_column_letter(column)}{row}")

    def cell(self, row: int, column: int) -> Cell | None:
        return self.rows.get(row, {}).get(column)

    def text(self, row: int, column: int) -> str:
        cell = self.cell(row, column)
        return cell.text if cell else ""


@dataclass(frozen=True)
class Workbook:
    name: str
    sheets: tuple[Sheet, ...]


def read_workbook(path: Path) -> Workbook:
    """Read every sheet of a workbook, with cached values for formulas. Raises WorkbookError naming the file."""
    where = Location(path.name)
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        # Reading the formulas costs a second pass; only a workbook that has formulas needs it.
        formulas = openpyxl.load_workbook(path, data_only=False) if _has_formulas(path) else None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise WorkbookError(f"cannot read this file as an Excel workbook (.xlsx): {error}", where) from error
    sheets = []
    for sheet in values.worksheets:
        merged = _merged_values(sheet)
        formula_sheet = formulas[sheet.title] if formulas is not None else None
        rows: dict[int, dict[int, Cell]] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.row is None or cell.column is None:
                    continue
                position = (cell.row, cell.column)
                value = merged.get(position, cell.value)
                location = Location(path.name, sheet.title, f"{get_column_letter(cell.column)}{cell.row}")
                formula = formula_sheet.cell(cell.row, cell.column).value if formula_sheet is not None else None
                is_formula = isinstance(formula, str) and formula.startswith("=")
                if value is None:
                    if is_formula:
                        raise WorkbookError(
                            f"the formula {formula} has no saved value; open the workbook in Excel and save it, "
                            "or type the value instead of a formula",
                            location,
                        )
                    continue
                if isinstance(formula, str) and is_formula and isinstance(value, str) and value in _EXCEL_ERRORS:
                    raise WorkbookError(
                        f"Excel shows {value} for the formula {formula}: a cell that starts with = is a formula in "
                        f"Excel; to write a test, leave out the = (write {formula[1:].strip()}) or start the cell "
                        f"with an apostrophe ('{formula})",
                        location,
                    )
                normalised = _normalise(value)
                if normalised is None:
                    continue
                rows.setdefault(cell.row, {})[cell.column] = Cell(normalised, location, cell.row, cell.column)
        sheets.append(Sheet(path.name, sheet.title, rows))
    return Workbook(path.name, tuple(sheets))


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of the workbook holds a formula (an <f> element in its XML)."""
    with zipfile.ZipFile(path) as archive:
        return any(
            b"<f>" in archive.read(name) or b"<f " in archive.read(name)
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        )


def _merged_values(sheet: Any) -> dict[tuple[int, int], object]:
    """Every cell of a merged range gets the value of its top-left cell."""
    spread: dict[tuple[int, int], object] = {}
    for merged_range in sheet.merged_cells.ranges:
        top_left = sheet.cell(merged_range.min_row, merged_range.min_col).value
        for row in range(merged_range.min_row, merged_range.max_row + 1):
            for column in range(merged_range.min_col, merged_range.max_col + 1):
                spread[(row, column)] = top_left
    return spread


def _normalise(value: object) -> CellValue | None:
    if isinstance(value, str):
        text = " ".join(value.replace("\u00a0", " ").split()) if "\n" not in value else value.strip()
        return text or None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, bool | int | float | dt.date):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)
