"""Read .xlsx files with openpyxl into grids of trimmed cell values with their locations; no meaning attached yet.

Every workbook is checked before openpyxl sees it: a regular file of bounded size, a zip archive whose parts unpack
to a bounded size, XML without a DTD or entities (parsed with defusedxml), sheets with a bounded number of cells. The
sheet's real extent (its cells) is read, never the dimension it declares.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

import defusedxml
import openpyxl
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils import column_index_from_string, coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

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
    """Read every sheet of a workbook, with cached values for formulas. Raises WorkbookError naming the file.

    The sheets are read straight from their XML (the form Excel and openpyxl write); a workbook that uses something
    that reader leaves to openpyxl (shared or array formulas, cells without a reference, Strict OOXML) is read with
    openpyxl. Both give the same grid (tests/test_check_workbook_reader.py)."""
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
    has_formulas, parts = _check_archive(path)
    try:
        sheets = _read_parts(path.name, parts)
        workbook = Workbook(path.name, tuple(_sheet(path.name, *sheet) for sheet in sheets))
    except _NotPlain:
        workbook = read_workbook_with_openpyxl(path, has_formulas)
    return workbook




def read_workbook_with_openpyxl(path: Path, has_formulas: bool = True) -> Workbook:
    """The same grid, read by openpyxl (after the same checks of the archive)."""
    where = Location(path.name)
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
        raise WorkbookError(f"cannot read this file as an Excel workbook (.xlsx): {_reason(error)}", where) from error
    sheets = []
    for sheet in values.worksheets:
        cells: dict[tuple[int, int], object] = {position: cell.value for position, cell in sheet._cells.items()}
        formula_sheet = formulas[sheet.title] if formulas is not None else None
        formula_texts: dict[tuple[int, int], str] = {}
        if formula_sheet is not None:
            for position, cell in formula_sheet._cells.items():
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    formula_texts[position] = cell.value
        merged = [(r.min_row, r.min_col, r.max_row, r.max_col, r.coord) for r in sheet.merged_cells.ranges]
        sheets.append(_sheet(path.name, sheet.title, cells, formula_texts, merged))
    return Workbook(path.name, tuple(sheets))


Merged = tuple[int, int, int, int, str]  # first row, first column, last row, last column, the range as written


def _sheet(
    workbook: str,
    title: str,
    cells: dict[tuple[int, int], object],
    formulas: dict[tuple[int, int], str],
    merged: list[Merged],
    extent: tuple[int, int] = (0, 0),
) -> Sheet:
    """A grid from cell values (None for a cell with only a style), formulas (`=...`) and merged ranges, whose
    cells other than the top-left hold None."""
    for _, _, last_row, last_column, coord in merged:
        if last_row > _limits.rows or last_column > _limits.columns:
            raise WorkbookError(
                f"the merged range {coord} reaches beyond row {_limits.rows:,} or column "
                f"{_limits.columns:,} (raise it with --limit rows=N or --limit columns=N)",
                Location(workbook, title),
            )
    _check_extent(workbook, title, cells, extent)
    spread: dict[tuple[int, int], object] = {}
    for first_row, first_column, last_row, last_column, _ in merged:
        top_left = cells.get((first_row, first_column))
        if top_left is None:
            continue
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                spread[(row, column)] = top_left
    rows: dict[int, dict[int, Cell]] = {}
    for position in sorted(set(cells) | set(spread)):
        value = spread.get(position, cells.get(position))
        formula = formulas.get(position)
        if value is None and formula is None:
            continue
        row, column = position
        location = Location(workbook, title, f"{get_column_letter(column)}{row}")
        if value is None:
            if formula is not None:
                raise WorkbookError(
                    f"the formula {formula} has no saved value; open the workbook in Excel and save it, "
                    "or type the value instead of a formula",
                    location,
                )
            continue
        if formula is not None and isinstance(value, str) and value in _EXCEL_ERRORS:
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
        rows.setdefault(row, {})[column] = Cell(normalised, location, row, column)
    return Sheet(workbook, title, rows)


# ---- reading the parts of a workbook ------------------------------------------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_VALUE_TAG, _FORMULA_TAG, _INLINE_TAG = f"{_MAIN}v", f"{_MAIN}f", f"{_MAIN}is"


_SheetParts = tuple[dict[tuple[int, int], object], dict[tuple[int, int], str], list[Merged], tuple[int, int]]


class _NotPlain(Exception):
    """The workbook uses something only openpyxl reads."""


def _read_parts(workbook: str, parts: dict[str, bytes]) -> list[tuple[str, *_SheetParts]]:
    """The sheets of a workbook from its (checked) XML parts: values as openpyxl gives them with data_only=True,
    formulas as it gives them otherwise, merged ranges."""
    try:
        package = _relations(parts, "_rels/.rels", "")
        book_part = next((t for kind, t in package.values() if kind == "officeDocument"), "xl/workbook.xml")
        book = _xml(parts, book_part)
        relations = _relations(parts, _rels_of(book_part), posixpath.dirname(book_part))
        properties = book.find(f"{_MAIN}workbookPr")
        date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
        epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        strings: list[str] = []
        styles: tuple[frozenset[int], frozenset[int]] = (frozenset(), frozenset())
        for kind, target in relations.values():
            if kind == "sharedStrings":
                strings = [_text(si).replace("x005F_", "") for si in _xml(parts, target).iter(f"{_MAIN}si")]
            elif kind == "styles":
                styles = _date_styles(_xml(parts, target))
        sheets = []
        listed = book.find(f"{_MAIN}sheets")
        for entry in listed if listed is not None else ():
            kind, target = relations[entry.get(_REL_ID, "")]
            if kind != "worksheet":
                continue
            title = entry.get("name", "")
            sheets.append((title, *_read_sheet(workbook, title, _xml(parts, target), strings, styles, epoch)))
        return sheets
    except WorkbookError:
        raise
    except Exception as error:  # anything unexpected in a part: openpyxl decides what it is
        raise _NotPlain from error


def _xml(parts: dict[str, bytes], name: str) -> ElementTree.Element:
    root = ElementTree.fromstring(parts[name])  # checked by _check_xml: no DTD, no entities
    if not root.tag.startswith("{http://schemas.openxmlformats.org/"):
        raise _NotPlain(root.tag)
    return root


def _rels_of(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def _relations(parts: dict[str, bytes], name: str, base: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (the last word of its type, the part it points to)."""
    result = {}
    for relation in _xml(parts, name).iter(f"{_RELS}Relationship"):
        if relation.get("TargetMode") == "External":
            continue
        target = relation.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        result[relation.get("Id", "")] = (relation.get("Type", "").rsplit("/", 1)[-1], path)
    return result


def _text(element: ElementTree.Element) -> str:
    """A string item's text without its formatting or phonetic runs (what openpyxl's Text.content gives)."""
    snippets = []
    plain = element.find(f"{_MAIN}t")
    if plain is not None and plain.text is not None:
        snippets.append(plain.text)
    for run in element.findall(f"{_MAIN}r"):
        text = run.find(f"{_MAIN}t")
        if text is not None and text.text is not None:
            snippets.append(text.text)
    return "".join(snippets)


def _date_styles(styles: ElementTree.Element) -> tuple[frozenset[int], frozenset[int]]:
    """The cell style indexes whose number format shows a date (and those that show a duration)."""
    custom = {
        int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in styles.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")
    }
    dates, durations = set(), set()
    for index, xf in enumerate(styles.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf")):
        number_format = int(xf.get("numFmtId", "0"))
        code = custom[number_format] if number_format in custom else builtin_format_code(number_format)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return frozenset(dates), frozenset(durations)


def _read_sheet(
    workbook: str,
    title: str,
    root: ElementTree.Element,
    strings: list[str],
    styles: tuple[frozenset[int], frozenset[int]],
    epoch: dt.datetime,
) -> _SheetParts:
    """Values, formulas and merged ranges of a sheet, and its extent (a cell with only a style counts)."""
    dates, durations = styles
    cells: dict[tuple[int, int], object] = {}
    formulas: dict[tuple[int, int], str] = {}
    used_rows = used_columns = 0
    for row_element in root.iterfind(f"{_MAIN}sheetData/{_MAIN}row"):
        if not len(row_element):
            continue
        last = row_element[-1].get("r")
        if last is None:
            raise _NotPlain("a cell without a reference")
        row, column = _position(last)
        used_rows, used_columns = max(used_rows, row), max(used_columns, column)
        for element in row_element:
            if len(element):  # a cell without children has only a style: it counts for the extent alone
                _read_cell(element, cells, formulas, strings, dates, durations, epoch, workbook, title)
    merged: list[Merged] = []
    for merge in root.iterfind(f"{_MAIN}mergeCells/{_MAIN}mergeCell"):
        coord = merge.get("ref", "")
        first_column, first_row, last_column, last_row = range_boundaries(coord)
        if first_row is None or first_column is None or last_row is None or last_column is None:
            raise _NotPlain(f"merged range {coord}")
        merged.append((first_row, first_column, last_row, last_column, coord))
    for first_row, first_column, last_row, last_column, _ in merged:
        if last_row > _limits.rows or last_column > _limits.columns:
            break  # refused with its range by _sheet, before anything is spread
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                if (row, column) != (first_row, first_column):
                    cells[(row, column)] = None  # openpyxl's MergedCell
                    formulas.pop((row, column), None)
    return cells, formulas, merged, (used_rows, used_columns)


def _read_cell(
    element: ElementTree.Element,
    cells: dict[tuple[int, int], object],
    formulas: dict[tuple[int, int], str],
    strings: list[str],
    dates: frozenset[int],
    durations: frozenset[int],
    epoch: dt.datetime,
    workbook: str,
    title: str,
) -> None:
    value_tag, formula_tag, inline_tag = _VALUE_TAG, _FORMULA_TAG, _INLINE_TAG
    reference = element.get("r")
    if reference is None:
        raise _NotPlain("a cell without a reference")
    position = _position(reference)
    kind = element.get("t", "n")
    formula = element.find(formula_tag)
    if formula is not None:
        if formula.get("t") is not None:
            raise _NotPlain("a shared or array formula")
        formulas[position] = "=" + (formula.text or "")
    value: object = None
    if kind == "inlineStr":
        inline = element.find(inline_tag)
        value = _text(inline) if inline is not None else None
    else:
        text = element.findtext(value_tag) or None
        if text is not None:
            if kind == "n":
                value = float(text) if "." in text or "E" in text or "e" in text else int(text)
                style = int(element.get("s") or 0)
                if style in dates:
                    try:
                        value = from_excel(value, epoch, timedelta=style in durations)
                    except (OverflowError, ValueError) as error:
                        raise WorkbookError(
                            f"cannot read this file as an Excel workbook (.xlsx): cell {reference} of sheet "
                            f'"{title}" is formatted as a date, but its value {text} is no date Excel can show',
                            Location(workbook),
                        ) from error
            elif kind == "s":
                value = strings[int(text)]
            elif kind == "b":
                value = bool(int(text))
            elif kind in ("str", "e"):
                value = text
            elif kind == "d":
                value = from_ISO8601(text)
            else:
                raise _NotPlain(f"cell type {kind}")
    cells[position] = value


_COLUMNS: dict[str, int] = {}
_REFERENCE = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")


def _position(reference: str) -> tuple[int, int]:
    """`B12` -> (12, 2)."""
    match = _REFERENCE.fullmatch(reference)
    if match is None:
        row, column = coordinate_to_tuple(reference)  # raises on a reference that is not a cell
        return int(row), int(column)
    letters, digits = match.groups()
    column = _COLUMNS.get(letters)
    if column is None:
        column = _COLUMNS[letters] = column_index_from_string(letters)
    return int(digits), column


def _check_archive(path: Path) -> tuple[bool, dict[str, bytes]]:
    """Check the zip archive before anything reads it; return whether any sheet holds a formula (an <f> element),
    and the XML parts.

    The unpacked size is bounded by the sizes the archive declares (zipfile never unpacks more than that), so a zip
    bomb is refused before it is unpacked; every XML part is parsed with defusedxml, which refuses a DTD, entity
    declarations and external references, so no entity is expanded and nothing is fetched or read.
    """
    where = Location(path.name)
    has_formulas = False
    parts: dict[str, bytes] = {}
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
                parts[info.filename] = data
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
        raise WorkbookError(f"cannot read this file as an Excel workbook (.xlsx): {_reason(error)}", where) from error
    return has_formulas, parts


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


def _check_extent(workbook: str, sheet: str, cells: dict[tuple[int, int], Any], extent: tuple[int, int]) -> None:
    """The sheet's real extent (its last row and column with a cell), whatever dimension it declares."""
    last_row = max(max((row for row, _ in cells), default=0), extent[0])
    last_column = max(max((column for _, column in cells), default=0), extent[1])
    for used, limit, what in ((last_row, _limits.rows, "rows"), (last_column, _limits.columns, "columns")):
        if used > limit:
            where = Location(workbook, sheet)
            raise WorkbookError(
                f"the sheet uses {used:,} {what} (up to cell {get_column_letter(last_column)}{last_row}); at most "
                f"{limit:,} are read (raise it with --limit {what}=N)",
                where,
            )


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
