"""Read .xlsx files with openpyxl into grids of trimmed cell values with their locations; no meaning attached yet.

Every workbook is checked before openpyxl sees it: a regular file of bounded size, a zip archive whose parts unpack
to a bounded size, XML without a DTD or entities (parsed with defusedxml), sheets with a bounded number of cells. The
sheet's real extent (its cells) is read, never the dimension it declares.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

import defusedxml
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


@dataclass(frozen=True)
class WorkbookLimits:
    """Bounds on what one workbook may cost to read, checked before the work starts (`nareis --limit` raises them)."""

    workbooks: int = 100  # workbooks in one directory
    file_bytes: int = 20_000_000  # one .xlsx file as stored
    unpacked_bytes: int = 100_000_000  # all parts of one .xlsx unpacked
    cells: int = 200_000  # cells (values or only a style) in one sheet
    rows: int = 10_000  # the last used row of a sheet
    columns: int = 1_000  # the last used column of a sheet


DEFAULT_LIMITS = WorkbookLimits()
_limits = DEFAULT_LIMITS

# What Excel also saves, and nareis does not read: say so rather than skip it.
_OTHER_FORMATS = {
    ".xlsm": "a workbook with macros (.xlsm) is not read: save it as an Excel workbook (.xlsx)",
    ".xls": "an Excel 97-2003 workbook (.xls) is not read: save it as an Excel workbook (.xlsx)",
    ".xlsb": "a binary Excel workbook (.xlsb) is not read: save it as an Excel workbook (.xlsx)",
    ".xltx": "an Excel template (.xltx) is not read: save it as an Excel workbook (.xlsx)",
    ".xltm": "an Excel template (.xltm) is not read: save it as an Excel workbook (.xlsx)",
    ".ods": "an OpenDocument spreadsheet (.ods) is not read: save it as an Excel workbook (.xlsx)",
}
_FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")


def set_limits(limits: WorkbookLimits) -> None:
    """Use these limits for every workbook read from now on in this process."""
    global _limits
    _limits = limits


def current_limits() -> WorkbookLimits:
    return _limits


def scan_directory(directory: Path) -> list[WorkbookError]:
    """Problems with the files of a tables directory, found before any is opened.

    A workbook saved in another format (.xlsm, .XLSX, .xls, ...) is named rather than skipped; a .xlsx that is not a
    regular file (a FIFO, a device, a directory) or a link to a file outside the directory is refused, since reading
    it could hang or read what the user did not mean to give; too many workbooks are refused.
    """
    problems: list[WorkbookError] = []
    workbooks = 0
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as error:
        return [WorkbookError(f"cannot list the directory {directory}: {error.strerror}")]
    root = directory.resolve()
    for entry in entries:
        name = entry.name
        if name.startswith("~$"):  # Excel's lock file of an open workbook
            continue
        suffix = os.path.splitext(name)[1]
        where = Location(name)
        if suffix.lower() in _OTHER_FORMATS:
            problems.append(WorkbookError(_OTHER_FORMATS[suffix.lower()], where))
            continue
        if suffix.lower() != ".xlsx":
            continue
        if suffix != ".xlsx":
            message = f"the extension {suffix} is not read: rename the file to end in .xlsx (lower case)"
            problems.append(WorkbookError(message, where))
            continue
        workbooks += 1
        path = Path(entry.path)
        if entry.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root):
                problems.append(WorkbookError(f"a link to {target}, outside {directory}, is not read", where))
                continue
        problem = _not_a_regular_file(path)
        if problem:
            problems.append(WorkbookError(problem, where))
    if workbooks > _limits.workbooks:
        problems.append(
            WorkbookError(
                f"{workbooks} workbooks in {directory}; at most {_limits.workbooks} are read "
                f"(raise it with --limit workbooks=N)"
            )
        )
    return problems


def _not_a_regular_file(path: Path) -> str:
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return f"cannot read the file: {error.strerror}"
    if stat.S_ISREG(mode):
        return ""
    kind = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
    return f"this is {kind}, not a workbook file: only regular files are read"


def read_workbook(path: Path) -> Workbook:
    """Read every sheet of a workbook, with cached values for formulas. Raises WorkbookError naming the file."""
    where = Location(path.name)
    problem = _not_a_regular_file(path)
    if problem:
        raise WorkbookError(problem, where)
    size = path.stat().st_size
    if size > _limits.file_bytes:
        raise WorkbookError(
            f"the file is {size:,} bytes; at most {_limits.file_bytes:,} are read (raise it with --limit file_bytes=N)",
            where,
        )
    has_formulas = _check_archive(path)
    try:
        # Opened here, not by openpyxl, so that a workbook it fails on is closed all the same.
        with path.open("rb") as stream:
            values = openpyxl.load_workbook(stream, data_only=True)
        # Reading the formulas costs a second pass; only a workbook that has formulas needs it.
        formulas = None
        if has_formulas:
            with path.open("rb") as stream:
                formulas = openpyxl.load_workbook(stream, data_only=False)
    except Exception as error:  # any failure to parse a user's file is a problem of that file, not of nareis
        raise WorkbookError(
            f"cannot read this file as an Excel workbook (.xlsx): {_reason(error)}", where
        ) from error
    sheets = []
    for sheet in values.worksheets:
        cells_by_position: dict[tuple[int, int], Any] = sheet._cells
        _check_extent(path.name, sheet.title, cells_by_position)
        merged = _merged_values(path.name, sheet)
        formula_sheet = formulas[sheet.title] if formulas is not None else None
        rows: dict[int, dict[int, Cell]] = {}
        positions = sorted(set(cells_by_position) | set(merged))
        for position in positions:
            cell = cells_by_position.get(position)
            if cell is None:
                cell = sheet.cell(*position)
            if cell.row is None or cell.column is None:
                continue
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
            if isinstance(normalised, str):
                bad = _FORBIDDEN_TEXT.search(normalised)
                if bad:
                    raise WorkbookError(
                        f"the cell holds the character U+{ord(bad.group()):04X} (a control character or a "
                        "bidirectional override), which a letter cannot show or which makes it read other than it "
                        "is stored; remove it",
                        location,
                    )
            rows.setdefault(cell.row, {})[cell.column] = Cell(normalised, location, cell.row, cell.column)
        sheets.append(Sheet(path.name, sheet.title, rows))
    return Workbook(path.name, tuple(sheets))


def _check_archive(path: Path) -> bool:
    """Check the zip archive before openpyxl reads it; return whether any sheet holds a formula (an <f> element).

    The unpacked size is bounded by the sizes the archive declares (zipfile never unpacks more than that), so a zip
    bomb is refused before it is unpacked; every XML part is parsed with defusedxml, which refuses a DTD, entity
    declarations and external references, so no entity is expanded and nothing is fetched or read.
    """
    where = Location(path.name)
    has_formulas = False
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > _limits.unpacked_bytes:
                raise WorkbookError(
                    f"the workbook unpacks to {unpacked:,} bytes; at most {_limits.unpacked_bytes:,} are read "
                    "(raise it with --limit unpacked_bytes=N)",
                    where,
                )
            for info in infos:
                if info.is_dir() or info.filename.lower().startswith(("xl/media/", "xl/embeddings/")):
                    continue
                data = archive.read(info)
                if not _looks_like_xml(info.filename, data):
                    continue
                _check_xml(path.name, info.filename, data)
                if info.filename.startswith("xl/worksheets/"):
                    cells = len(_CELL_TAG.findall(data))
                    if cells > _limits.cells:
                        raise WorkbookError(
                            f"the sheet part {info.filename} has {cells:,} cells; at most {_limits.cells:,} are "
                            "read per sheet (raise it with --limit cells=N)",
                            where,
                        )
                    has_formulas = has_formulas or b"<f>" in data or b"<f " in data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise WorkbookError(
            f"cannot read this file as an Excel workbook (.xlsx): {_reason(error)}", where
        ) from error
    return has_formulas


def _looks_like_xml(name: str, data: bytes) -> bool:
    start = data.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t")[:1]
    return name.lower().endswith((".xml", ".rels", ".vml")) or start == b"<"


def _check_xml(workbook: str, part: str, data: bytes) -> None:
    """Refuse a DTD, an entity declaration or an external reference; only expat's scanner runs (no tree is built).

    openpyxl itself parses through defusedxml (installed, so `openpyxl.DEFUSEDXML` is true) and, for the parts it
    reads with lxml, without resolving entities; this check refuses such a workbook first, with its part named.
    """
    where = Location(workbook)

    def refuse(*_: object) -> None:
        raise defusedxml.DTDForbidden("", "", "")

    scanner = expat.ParserCreate()
    scanner.StartDoctypeDeclHandler = refuse
    scanner.EntityDeclHandler = refuse
    scanner.UnparsedEntityDeclHandler = refuse
    scanner.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        scanner.Parse(data, True)
    except defusedxml.DTDForbidden as error:
        raise WorkbookError(
            f"the part {part} declares a DTD or an entity; Excel never writes one, and nareis refuses it "
            "(nothing was expanded, fetched or read)",
            where,
        ) from error
    except (expat.ExpatError, ValueError, RecursionError) as error:
        raise WorkbookError(f"the part {part} is not well-formed XML: {error}", where) from error


def _check_extent(workbook: str, sheet: str, cells: dict[tuple[int, int], Any]) -> None:
    """The sheet's real extent (its last row and column with a cell), whatever dimension it declares."""
    if not cells:
        return
    last_row = max(row for row, _ in cells)
    last_column = max(column for _, column in cells)
    for used, limit, what in ((last_row, _limits.rows, "rows"), (last_column, _limits.columns, "columns")):
        if used > limit:
            where = Location(workbook, sheet)
            raise WorkbookError(
                f"the sheet uses {used:,} {what} (up to cell {get_column_letter(last_column)}{last_row}); at most "
                f"{limit:,} are read (raise it with --limit {what}=N)",
                where,
            )


def _merged_values(workbook: str, sheet: Any) -> dict[tuple[int, int], object]:
    """Every cell of a merged range gets the value of its top-left cell, within the rows and columns in use."""
    spread: dict[tuple[int, int], object] = {}
    for merged_range in sheet.merged_cells.ranges:
        if merged_range.max_row > _limits.rows or merged_range.max_col > _limits.columns:
            raise WorkbookError(
                f"the merged range {merged_range.coord} reaches beyond row {_limits.rows:,} or column "
                f"{_limits.columns:,} (raise it with --limit rows=N or --limit columns=N)",
                Location(workbook, sheet.title),
            )
        top_left = sheet.cell(merged_range.min_row, merged_range.min_col).value
        if top_left is None:
            continue
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


def _reason(error: BaseException) -> str:
    text = str(error).strip().strip("'\"")
    return text or type(error).__name__
