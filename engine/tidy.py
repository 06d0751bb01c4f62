"""`nareis tidy`: the presentation of the workbooks (pickers, help, widths, freezes, styles) made from their content.

Only presentation is written: data validation lists, comments on the fact-name cells, column widths, row heights,
wrapping, fills, bold headers, frozen panes and page setup. Every value stays as it is, which is proven for each file
before it replaces the old one: the new file is read back and its `nareis dump` must equal the old one's.
Running tidy again finds nothing to do and leaves the file alone; a workbook open in Excel or LibreOffice (its lock
file is present) is left alone too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from engine.dump import dump_lines
from engine.errors import Location, WorkbookError
from engine.findings import WARNING, Finding
from engine.loader import content_hash, workbook_paths
from engine.tidy_scenarios import PER_COLUMN, classic_tests, is_per_column, transpose_worksheet, transposed_grid
from engine.workbook import Sheet, Workbook, read_workbook

AUTHOR = "nareis tidy"
TIDY_FORMAT = "tidy 1"  # raise whenever the layout tidy makes changes, so that old marks no longer count
GLOSSARY_SHEET = "Begrippen"
CALCULATIONS_SHEET = "Berekeningen"
SCENARIOS_SHEET = "Tests"
EXPLANATION_SHEET = "Uitleg"
NO_RULES_SHEET = "Geen regels"
PARAMETERS_SHEET = "Parameters"

ENTITIES = ("aanvraag", "referent", "gezinslid")
TABLE_ENTITIES = ("gezinslid", "aanvraag")
HIT_POLICIES = ("U", "A", "P", "F", "R", "O", "C", "C+", "C<", "C>", "C#")
KINDS = ("ja/nee", "getal", "bedrag", "tekst", "keuze", "datum", "duur")
TYPES = KINDS + tuple(f"lijst van {kind}" for kind in KINDS)
SOORTEN = ("invoer", "afgeleid", "eindoordeel")
PARAMETER_TYPES = ("getal", "bedrag", "tekst", "datum", "duur", "ja/nee")

# Colours of the sheets (as the workbooks had them before tidy existed): keys above a table, inputs, outputs, the rest.
KEY_FILL = "FFF2CC"
INPUT_FILL = "DDEBF7"
OUTPUT_FILL = "E2EFDA"
OTHER_FILL = "F2F2F2"

SPARE_ROWS = 100  # validation lists reach this many rows below the last one, for rows still to be added
LINE_HEIGHT = 15.0  # points per line of 11-point text
MAX_ROW_HEIGHT = 409.0  # Excel's largest row height
LIST_LIMIT = 255  # Excel's limit on a validation list written in the rule itself
PROMPT_LIMIT = 255
PROMPT_TITLE_LIMIT = 32


class TidyError(WorkbookError):
    """A workbook tidy cannot or may not rewrite."""


@dataclass(frozen=True)
class FactInfo:
    """What tidy needs to know of a fact to help its reader: from a Begrippen (or Parameters) sheet."""

    name: str
    entity: str
    type: str
    values: tuple[str, ...]
    description: str
    where: str  # "H2_algemene_voorwaarden.xlsx, Begrippen"

    @property
    def is_keuze(self) -> bool:
        return self.type.removeprefix("lijst van ").strip() == "keuze"

    @property
    def is_ja_nee(self) -> bool:
        return self.type.removeprefix("lijst van ").strip() == "ja/nee"


Glossary = Mapping[str, FactInfo]


@dataclass(frozen=True)
class Picker:
    """One data validation: a list to choose from (or none) and the message shown when a cell is selected."""

    cells: str  # "C9:C119"
    choices: tuple[str, ...]  # empty: any value, only the message
    strict: bool  # refuse other values (else they are allowed without a warning)
    title: str
    prompt: str

    def key(self) -> tuple[object, ...]:
        formula = '"' + ",".join(self.choices) + '"' if self.choices else None
        return (self.cells, "list" if self.choices else None, formula, self.strict, self.title, self.prompt)


@dataclass
class Layout:
    """The presentation of one sheet, as tidy wants it."""

    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float | None] = field(default_factory=dict)  # None: the default height
    freeze: str | None = None
    # (row, column) -> (bold, fill colour or "", wrap)
    styles: dict[tuple[int, int], tuple[bool, str, bool]] = field(default_factory=dict)
    pickers: list[Picker] = field(default_factory=list)
    comments: dict[str, str] = field(default_factory=dict)  # cell -> text
    landscape: bool = False
    fit_width: bool = False


@dataclass(frozen=True)
class TidyResult:
    """What tidy did (or would do) to one workbook."""

    workbook: str
    changes: tuple[tuple[str, int], ...]  # (Dutch name of the kind of change, how many)
    written: bool = False
    refused: str = ""  # why the workbook was left alone

    def summary(self) -> str:
        return ", ".join(f"{what} {count}" for what, count in self.changes)

    def line(self) -> str:
        if self.refused:
            return f"{self.workbook}: niet bijgewerkt: {self.refused}"
        if not self.changes:
            return f"{self.workbook}: niets te doen"
        verb = "opgemaakt" if self.written else "niet opgemaakt"
        return f"{self.workbook}: {verb} ({self.summary()})"


# ---- reading the content ---------------------------------------------------------------------------------------


def read_glossary(books: Sequence[Workbook]) -> dict[str, FactInfo]:
    """Every fact defined in a Begrippen or Parameters sheet, read from the grids (tolerant: tidy also helps with a
    workbook that does not load yet)."""
    facts: dict[str, FactInfo] = {
        "beslisdatum": FactInfo("beslisdatum", "aanvraag", "datum", (), "De datum van het besluit", "ingebouwd")
    }
    for book in books:
        for sheet in book.sheets:
            if sheet.name == GLOSSARY_SHEET:
                columns = _header_columns(sheet, 1)
                for row in sorted(r for r in sheet.rows if r > 1):
                    name = sheet.text(row, columns.get("begrip", 1))
                    if not name or name in facts:
                        continue
                    type_text = sheet.text(row, columns.get("type", 3)).lower()
                    values = tuple(
                        v.strip() for v in sheet.text(row, columns.get("waarden", 4)).split(",") if v.strip()
                    )
                    facts[name] = FactInfo(
                        name,
                        sheet.text(row, columns.get("entiteit", 2)),
                        type_text,
                        values if type_text.removeprefix("lijst van ").strip() == "keuze" else (),
                        sheet.text(row, columns.get("omschrijving", 5)),
                        f"{book.name}, {GLOSSARY_SHEET}",
                    )
    for book in books:
        for sheet in book.sheets:
            if sheet.name == PARAMETERS_SHEET:
                columns = _header_columns(sheet, 1)
                for row in sorted(r for r in sheet.rows if r > 1):
                    name = sheet.text(row, columns.get("naam", 1))
                    if not name or name in facts:
                        continue
                    reference = facts.get(sheet.text(row, columns.get("peildatum", 6)))
                    facts[name] = FactInfo(
                        name,
                        reference.entity if reference else "aanvraag",
                        sheet.text(row, columns.get("type", 2)).lower(),
                        (),
                        sheet.text(row, columns["omschrijving"]) if "omschrijving" in columns else "",
                        f"{book.name}, {PARAMETERS_SHEET}",
                    )
    return facts


def _header_columns(sheet: Sheet, row: int) -> dict[str, int]:
    return {sheet.text(row, c).lower(): c for c in sorted(sheet.rows.get(row, {}), reverse=True)}


# ---- what each sheet should look like --------------------------------------------------------------------------


def _text_width(text: str) -> int:
    """The width (in characters) of the longest line of a cell's text."""
    return max((len(line) for line in text.split("\n")), default=0)


def _lines(text: str, width: float) -> int:
    """How many lines a wrapped text takes in a column `width` characters wide (words are not split, except a word
    longer than a line)."""
    usable = max(1, int(width) - 1)
    total = 0
    for paragraph in text.split("\n"):
        count, line = 1, 0
        for word in paragraph.split(" "):
            size = len(word)
            if line and line + 1 + size > usable:
                count, line = count + 1, 0
            if line == 0:
                extra = (size - 1) // usable if size else 0
                count, line = count + extra, size - extra * usable
            else:
                line += 1 + size
        total += count
    return total


def _height(lines: int) -> float | None:
    return None if lines <= 1 else min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT)


def _clamp(value: float, low: float, high: float) -> float:
    return float(max(low, min(high, value)))


def _column_width(sheet: Sheet, column: int, rows: Iterable[int], low: float, high: float) -> float:
    widest = max((_text_width(sheet.text(r, column)) for r in rows), default=0)
    return _clamp(widest + 2, low, high)


def _row_heights(sheet: Sheet, layout: Layout, rows: Iterable[int]) -> None:
    for row in rows:
        cells = sheet.rows.get(row, {})
        lines = max(
            (_lines(cell.text, layout.widths.get(column, 8.43)) for column, cell in cells.items()),
            default=1,
        )
        layout.heights[row] = _height(lines)


def _fact_help(info: FactInfo | None, name: str) -> tuple[str, str]:
    """The comment on a fact-name cell and the shorter message shown in the cells below it."""
    if info is None:
        return f"{name}: onbekend begrip; definieer het in een blad Begrippen", "onbekend begrip"
    lines = [f"{info.name} ({info.entity}, {info.type})"]
    if info.description:
        lines.append(info.description)
    if info.values:
        lines.append("Waarden: " + ", ".join(info.values))
    elif info.is_ja_nee:
        lines.append("Waarden: ja, nee")
    lines.append(f"Gedefinieerd in {info.where}")
    prompt = info.description
    if info.values:
        prompt = "Waarden: " + ", ".join(info.values) + (". " + prompt if prompt else "")
    return "\n".join(lines), _shorten(prompt, PROMPT_LIMIT)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _choices(values: tuple[str, ...]) -> tuple[str, ...]:
    """A list Excel can hold in the validation itself, or none when it is too long (the comment still names it)."""
    return values if len('"' + ",".join(values) + '"') <= LIST_LIMIT else ()


def _column_picker(
    info: FactInfo | None, name: str, cells: str, extra: tuple[str, ...] = (), input_test: bool = False
) -> Picker:
    _, prompt = _fact_help(info, name)
    choices: tuple[str, ...] = ()
    if info is not None and info.is_keuze:
        choices = _choices(((*info.values, "-") if input_test else info.values) + extra)
    elif info is not None and info.is_ja_nee:
        choices = (("ja", "nee", "-") if input_test else ("ja", "nee")) + extra
    return Picker(cells, choices, False, _shorten(name, PROMPT_TITLE_LIMIT), prompt)


def _range(column: int, first: int, last: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}{first}:{letter}{max(last, first) + SPARE_ROWS}"


def table_layout(sheet: Sheet, glossary: Glossary) -> Layout:
    layout = Layout(landscape=True, fit_width=True)
    header = next((r for r in sorted(sheet.rows) if sheet.text(r, 1) == "Regel"), None)
    if header is None:
        return layout
    rule_rows = sorted(r for r in sheet.rows if r > header + 1)
    last = max(sheet.rows)
    columns = sorted(c for c in sheet.rows[header] if c > 1)
    kinds = {c: sheet.text(header, c).capitalize() for c in columns}
    meta_rows = [r for r in sorted(sheet.rows) if r < header]
    # Column A: the keys above the table and the rule ids.
    layout.widths[1] = _column_width(sheet, 1, [*meta_rows, header, *rule_rows], 12, 20)
    for column in columns:
        kind = kinds[column]
        if kind == "Motivering":
            layout.widths[column] = 60.0
        elif kind == "Annotatie":
            layout.widths[column] = 50.0
        elif kind == "Bron":
            layout.widths[column] = _column_width(sheet, column, rule_rows, 12, 30)
        else:
            layout.widths[column] = _column_width(sheet, column, [header, header + 1, *rule_rows], 10, 36)
    description_row = next((r for r in meta_rows if sheet.text(r, 1) == "Omschrijving"), None)
    if description_row is not None and 2 not in layout.widths:
        layout.widths[2] = 40.0
    if description_row is not None:
        layout.widths[2] = max(layout.widths.get(2, 8.43), 40.0)
    for row in meta_rows:
        layout.styles[(row, 1)] = (True, KEY_FILL, True)
        for column in sheet.rows[row]:
            if column > 1:
                layout.styles[(row, column)] = (row == meta_rows[0] and column == 2, "", column == 2)
    layout.styles[(header, 1)] = (True, OTHER_FILL, True)
    for column in columns:
        kind = kinds[column]
        fill = INPUT_FILL if kind == "Invoer" else OUTPUT_FILL if kind == "Uitvoer" else OTHER_FILL
        layout.styles[(header, column)] = (True, fill, True)
        if kind in ("Invoer", "Uitvoer", "Toon bij"):
            layout.styles[(header + 1, column)] = (True, fill, True)
        data_fill = fill if kind in ("Invoer", "Uitvoer") else ""
        for row in rule_rows:
            layout.styles[(row, column)] = (False, data_fill, True)
    for row in rule_rows:
        layout.styles[(row, 1)] = (True, "", True)
    layout.freeze = f"B{header + 2}"
    # Pickers: the table's entity and hit policy, and a list (or at least the fact's help) under every fact column.
    for row in meta_rows:
        key = sheet.text(row, 1)
        where = f"B{row}"
        if key == "Entiteit":
            layout.pickers.append(Picker(where, TABLE_ENTITIES, True, "Entiteit", "gezinslid of aanvraag"))
        elif key == "Hitbeleid":
            prompt = "DMN-hitbeleid: U, A, P, F, R, O, C, C+, C<, C> of C#"
            layout.pickers.append(Picker(where, HIT_POLICIES, False, "Hitbeleid", prompt))
    for column in columns:
        kind = kinds[column]
        if kind not in ("Invoer", "Uitvoer", "Toon bij"):
            continue
        name = sheet.text(header + 1, column)
        if not name:
            continue
        info = glossary.get(name)
        comment, _ = _fact_help(info, name)
        layout.comments[f"{get_column_letter(column)}{header + 1}"] = comment
        cells = _range(column, header + 2, last)
        layout.pickers.append(_column_picker(info, name, cells, input_test=kind != "Uitvoer"))
    _row_heights(sheet, layout, sorted(sheet.rows))
    return layout


def per_column_layout(sheet: Sheet, glossary: Glossary) -> Layout:
    """A Tests sheet with a member per column: labels in A and B, a column per member, a row per fact."""
    layout = Layout()
    last_column = max((c for cells in sheet.rows.values() for c in cells), default=2)
    kinds = {r: sheet.text(r, 1).capitalize() for r in sheet.rows}
    layout.widths[1] = 12.0
    layout.widths[2] = _column_width(sheet, 2, sheet.rows, 12, 40)
    for column in range(3, last_column + 1):
        values = max(
            (_text_width(sheet.text(r, column)) for r in sheet.rows if kinds.get(r) != "Omschrijving"), default=0
        )
        # A long description widens its column rather than making its row taller than a screen.
        description = max(
            (len(sheet.text(r, column)) // 12 for r in sheet.rows if kinds.get(r) == "Omschrijving"), default=0
        )
        layout.widths[column] = _clamp(max(values, description) + 2, 16, 40)
    for row, cells in sheet.rows.items():
        kind = kinds.get(row, "")
        fill = INPUT_FILL if kind == "Invoer" else OUTPUT_FILL if kind == "Verwacht" else OTHER_FILL
        layout.styles[(row, 1)] = (True, fill, True)
        if 2 in cells or kind in ("Invoer", "Verwacht"):
            layout.styles[(row, 2)] = (True, fill, True)
        for column in cells:
            if column > 2:
                layout.styles[(row, column)] = (kind == "Scenario", "", True)
        name = sheet.text(row, 2)
        if kind in ("Invoer", "Verwacht") and name:
            info = glossary.get(name)
            comment, _ = _fact_help(info, name)
            layout.comments[f"B{row}"] = comment
            extra = ("null",) if kind == "Verwacht" else ()
            cells_range = f"C{row}:{get_column_letter(last_column + SPARE_ROWS // 10)}{row}"
            layout.pickers.append(_column_picker(info, name, cells_range, extra))
    fixed = [r for r, k in kinds.items() if k in ("Scenario", "Lid", "Omschrijving", "Bron")]
    layout.freeze = f"C{max(fixed, default=0) + 1}"
    _row_heights(sheet, layout, sorted(sheet.rows))
    return layout


def scenarios_layout(sheet: Sheet, glossary: Glossary) -> Layout:
    if is_per_column(sheet):
        return per_column_layout(sheet, glossary)
    layout = Layout()
    if not sheet.rows:
        return layout
    last = max(sheet.rows)
    kinds = {c: sheet.text(1, c).capitalize() for c in sheet.rows.get(1, {})}
    data_rows = sorted(r for r in sheet.rows if r > 2)
    for column in sorted(set(kinds) | set(sheet.rows.get(2, {}))):
        kind = kinds.get(column, "")
        if kind == "Omschrijving":
            layout.widths[column] = 50.0
        elif kind in ("Scenario", "Lid", "Bron"):
            layout.widths[column] = _column_width(sheet, column, [1, *data_rows], 8, 24)
        else:
            layout.widths[column] = _column_width(sheet, column, [1, 2, *data_rows], 8, 24)
        fill = INPUT_FILL if kind == "Invoer" else OUTPUT_FILL if kind == "Verwacht" else OTHER_FILL
        layout.styles[(1, column)] = (True, fill, True)
        layout.styles[(2, column)] = (True, fill, True)
        for row in data_rows:
            if sheet.cell(row, column) is not None:
                layout.styles[(row, column)] = (kind == "Scenario", "", True)
        name = sheet.text(2, column)
        if kind in ("Invoer", "Verwacht") and name:
            info = glossary.get(name)
            comment, _ = _fact_help(info, name)
            layout.comments[f"{get_column_letter(column)}2"] = comment
            extra = ("null",) if kind == "Verwacht" else ()
            layout.pickers.append(_column_picker(info, name, _range(column, 3, last), extra))
    fixed = [c for c, k in kinds.items() if k in ("Scenario", "Lid", "Omschrijving", "Bron")]
    layout.freeze = f"{get_column_letter(max(fixed, default=0) + 1)}3"
    _row_heights(sheet, layout, sorted(sheet.rows))
    return layout


def keyed_layout(sheet: Sheet, widths: Mapping[str, tuple[float, float]], wrap_all: bool = True) -> Layout:
    """Begrippen, Berekeningen, Geen regels, Parameters: a header row and a row per entry."""
    layout = Layout()
    if not sheet.rows:
        return layout
    data_rows = sorted(r for r in sheet.rows if r > 1)
    for column, cell in sorted(sheet.rows.get(1, {}).items()):
        low, high = widths.get(cell.text.lower(), (10, 40))
        layout.widths[column] = _column_width(sheet, column, [1, *data_rows], low, high)
        layout.styles[(1, column)] = (True, OTHER_FILL, True)
        for row in data_rows:
            if sheet.cell(row, column) is not None:
                layout.styles[(row, column)] = (column == 1, "", wrap_all)
    layout.freeze = "B2"
    _row_heights(sheet, layout, sorted(sheet.rows))
    return layout


def glossary_layout(sheet: Sheet) -> Layout:
    widths = {
        "begrip": (12, 40),
        "entiteit": (10, 12),
        "type": (8, 18),
        "waarden": (10, 40),
        "omschrijving": (20, 80),
        "soort": (10, 12),
    }
    layout = keyed_layout(sheet, widths)
    if not sheet.rows:
        return layout
    columns = _header_columns(sheet, 1)
    last = max(sheet.rows)
    lists: tuple[tuple[str, tuple[str, ...], bool, str], ...] = (
        ("entiteit", ENTITIES, True, "aanvraag (één per zaak), referent (één per zaak) of gezinslid (per gezinslid)"),
        ("type", TYPES, False, "ja/nee, getal, bedrag, tekst, keuze, datum, duur, of lijst van een van deze"),
        ("soort", SOORTEN, False, "invoer (komt met de zaak), afgeleid (gezet door één tabel) of eindoordeel"),
    )
    for header, choices, strict, prompt in lists:
        if header in columns:
            layout.pickers.append(
                Picker(_range(columns[header], 2, last), choices, strict, header.capitalize(), prompt)
            )
    if "waarden" in columns:
        prompt = "Alleen bij een keuze: de waarden gescheiden door komma's, de belangrijkste eerst (hitbeleid P en O)"
        layout.pickers.append(Picker(_range(columns["waarden"], 2, last), (), False, "Waarden", prompt))
    return layout


def parameters_layout(sheet: Sheet) -> Layout:
    widths = {"naam": (12, 36), "omschrijving": (20, 60), "bron": (10, 30), "waarde": (8, 24)}
    layout = keyed_layout(sheet, widths)
    if not sheet.rows:
        return layout
    columns = _header_columns(sheet, 1)
    last = max(sheet.rows)
    if "type" in columns:
        prompt = "getal, bedrag, tekst, datum, duur of ja/nee"
        layout.pickers.append(Picker(_range(columns["type"], 2, last), PARAMETER_TYPES, False, "Type", prompt))
    return layout


def text_layout(sheet: Sheet) -> Layout:
    """Uitleg and other text: one wide wrapped column, each paragraph readable in full."""
    layout = Layout()
    if not sheet.rows:
        return layout
    columns = sorted({c for cells in sheet.rows.values() for c in cells})
    for column in columns:
        layout.widths[column] = 100.0 if column == 1 else _column_width(sheet, column, sheet.rows, 10, 60)
    first = min(sheet.rows)
    for row, cells in sheet.rows.items():
        for column in cells:
            layout.styles[(row, column)] = (row == first, "", True)
    _row_heights(sheet, layout, sorted(sheet.rows))
    return layout


def sheet_layout(sheet: Sheet, glossary: Glossary) -> Layout | None:
    """What tidy makes of a sheet; None for a sheet it leaves alone (empty)."""
    if not sheet.rows:
        return None
    if sheet.name == GLOSSARY_SHEET:
        return glossary_layout(sheet)
    if sheet.name == SCENARIOS_SHEET:
        return scenarios_layout(sheet, glossary)
    if sheet.name == PARAMETERS_SHEET:
        return parameters_layout(sheet)
    if sheet.name == CALCULATIONS_SHEET:
        return keyed_layout(sheet, {"begrip": (12, 40), "formule": (20, 70), "bron": (10, 30), "annotatie": (20, 60)})
    if sheet.name == NO_RULES_SHEET:
        return keyed_layout(sheet, {"paragraaf": (10, 14), "reden": (30, 100)})
    if sheet.text(1, 1) == "Tabel":
        return table_layout(sheet, glossary)
    return text_layout(sheet)


# ---- comparing with the workbook and applying --------------------------------------------------------------------


class _Changes:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, what: str, count: int = 1) -> None:
        if count:
            self.counts[what] = self.counts.get(what, 0) + count

    def items(self) -> tuple[tuple[str, int], ...]:
        order = (
            "kolombreedtes",
            "rijhoogtes",
            "celopmaak",
            "keuzelijsten en hulpteksten",
            "opmerkingen",
            "vastgezette rijen en kolommen",
            "pagina-instelling",
            "indeling Tests",
        )
        return tuple((what, self.counts[what]) for what in order if what in self.counts)


def _current_widths(ws: Worksheet) -> dict[int, float | None]:
    """Each column's width as Excel shows it, also where one <col> element covers several columns."""
    widths: dict[int, float | None] = {}
    for dimension in ws.column_dimensions.values():
        low, high = dimension.min or 0, dimension.max or 0
        for column in range(low, high + 1):
            widths[column] = dimension.width if dimension.customWidth else None
    return widths


def _split_column_groups(ws: Worksheet) -> None:
    """One <col> element per column, so that setting one column's width never leaves two elements covering it."""
    for key, dimension in list(ws.column_dimensions.items()):
        low, high = dimension.min or 0, dimension.max or 0
        if high <= low:
            continue
        del ws.column_dimensions[key]
        for column in range(low, high + 1):
            letter = get_column_letter(column)
            single = ColumnDimension(
                ws,
                index=letter,
                width=dimension.width,
                bestFit=dimension.bestFit,
                hidden=dimension.hidden,
                outlineLevel=dimension.outlineLevel,
                collapsed=dimension.collapsed,
                style=None,
                customWidth=dimension.customWidth,
            )
            single._style = copy(dimension._style)
            ws.column_dimensions[letter] = single


def _apply_widths(ws: Worksheet, layout: Layout, changes: _Changes) -> None:
    current = _current_widths(ws)
    wanted = {c: w for c, w in layout.widths.items() if current.get(c) != w}
    if not wanted:
        return
    _split_column_groups(ws)
    for column, width in sorted(wanted.items()):
        dimension = ws.column_dimensions[get_column_letter(column)]
        dimension.width = width
        changes.add("kolombreedtes")


def _apply_heights(ws: Worksheet, layout: Layout, changes: _Changes) -> None:
    for row, height in sorted(layout.heights.items()):
        dimension = ws.row_dimensions[row]
        if dimension.height != height:
            dimension.height = height
            changes.add("rijhoogtes")


def _fill_of(cell: Any) -> str:
    fill = cell.fill
    if fill is None or fill.fill_type != "solid" or fill.fgColor is None or fill.fgColor.type != "rgb":
        return ""
    return str(fill.fgColor.rgb)[-6:].upper()


def _apply_styles(ws: Worksheet, layout: Layout, changes: _Changes) -> None:
    for (row, column), (bold, fill, wrap) in sorted(layout.styles.items()):
        cell = ws.cell(row, column)
        changed = False
        if bool(cell.font.b) != bold:
            font: Font = copy(cell.font)
            font.b = bold
            cell.font = font
            changed = True
        if _fill_of(cell) != fill:
            cell.fill = PatternFill("solid", fgColor="FF" + fill) if fill else PatternFill(fill_type=None)
            changed = True
        alignment = cell.alignment
        if bool(alignment.wrap_text) != wrap or alignment.vertical != "top":
            new: Alignment = copy(alignment)
            new.wrap_text = wrap
            new.vertical = "top"
            cell.alignment = new
            changed = True
        if changed:
            changes.add("celopmaak")


def _validation_key(validation: DataValidation) -> tuple[object, ...]:
    strict = bool(validation.showErrorMessage) and validation.errorStyle in (None, "stop")
    return (
        str(validation.sqref),
        validation.type,
        validation.formula1,
        strict,
        validation.promptTitle or "",
        validation.prompt or "",
    )


def _validation(picker: Picker) -> DataValidation:
    formula = '"' + ",".join(picker.choices) + '"' if picker.choices else None
    validation = DataValidation(
        type="list" if picker.choices else None,
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # (sic) False shows the arrow
        showInputMessage=True,
        showErrorMessage=picker.strict,
        errorStyle="stop" if picker.strict else None,
        promptTitle=picker.title,
        prompt=picker.prompt,
        errorTitle="Niet toegestaan" if picker.strict else None,
        error=("Kies een van: " + ", ".join(picker.choices)) if picker.strict else None,
        sqref=picker.cells,
    )
    return validation


def _apply_pickers(ws: Worksheet, layout: Layout, changes: _Changes) -> None:
    current = sorted((_validation_key(v) for v in ws.data_validations.dataValidation), key=repr)
    wanted = sorted((p.key() for p in layout.pickers), key=repr)
    if current == wanted:
        return
    ws.data_validations.dataValidation = []
    for picker in layout.pickers:
        ws.data_validations.append(_validation(picker))
    changes.add("keuzelijsten en hulpteksten", len(set(map(repr, wanted)) ^ set(map(repr, current))))


def _comment_size(text: str) -> tuple[int, int]:
    width = 260
    lines = _lines(text, 42)
    return width, min(400, 20 + lines * 15)


def _apply_comments(ws: Worksheet, layout: Layout, changes: _Changes) -> None:
    """Tidy's own comments (author "nareis tidy") follow the glossary; comments a person wrote are kept."""
    current: dict[str, str] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.comment is not None and cell.comment.author == AUTHOR:
                current[cell.coordinate] = cell.comment.text
    if current == layout.comments:
        return
    for coordinate in current:
        if coordinate not in layout.comments:
            ws[coordinate].comment = None
            changes.add("opmerkingen")
    for coordinate, text in sorted(layout.comments.items()):
        cell = ws[coordinate]
        if cell.comment is not None and cell.comment.author != AUTHOR:
            continue  # a person's comment stays
        if current.get(coordinate) != text:
            changes.add("opmerkingen")
        width, height = _comment_size(text)
        cell.comment = Comment(text, AUTHOR, height=height, width=width)


def _refresh_comment_sizes(ws: Worksheet) -> None:
    """openpyxl does not read a comment's box size back: give every tidy comment its size again before saving."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.comment is not None and cell.comment.author == AUTHOR:
                width, height = _comment_size(cell.comment.text)
                cell.comment = Comment(cell.comment.text, AUTHOR, height=height, width=width)


def _apply_view(ws: Worksheet, layout: Layout, changes: _Changes) -> None:
    if layout.freeze is not None and ws.freeze_panes != layout.freeze:
        ws.freeze_panes = layout.freeze
        changes.add("vastgezette rijen en kolommen")
    setup = ws.page_setup
    wanted_orientation = "landscape" if layout.landscape else None
    fit = ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr is not None else None
    if setup.orientation != wanted_orientation or bool(fit) != layout.fit_width:
        setup.orientation = wanted_orientation
        if layout.fit_width:
            if ws.sheet_properties.pageSetUpPr is None:
                ws.sheet_properties.pageSetUpPr = PageSetupProperties()
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            setup.fitToWidth = 1
            setup.fitToHeight = 0
        elif ws.sheet_properties.pageSetUpPr is not None:
            ws.sheet_properties.pageSetUpPr.fitToPage = None
        changes.add("pagina-instelling")


def apply_layout(ws: Worksheet, layout: Layout, changes: _Changes) -> None:
    _apply_widths(ws, layout, changes)
    _apply_heights(ws, layout, changes)
    _apply_styles(ws, layout, changes)
    _apply_pickers(ws, layout, changes)
    _apply_comments(ws, layout, changes)
    _apply_view(ws, layout, changes)


# ---- whole workbooks and directories ---------------------------------------------------------------------------


def lock_file(path: Path) -> Path | None:
    """The lock file Excel (`~$name.xlsx`, for a long name `~$` and the name without its first two characters) or
    LibreOffice (`.~lock.name.xlsx#`) keeps next to a workbook it has open, if there is one."""
    name = path.name
    for candidate in (f"~${name}", f"~${name[2:]}", f".~lock.{name}#"):
        lock = path.with_name(candidate)
        if lock.exists():
            return lock
    return None


def tidy_workbook(
    path: Path,
    glossary: Glossary,
    *,
    write: bool = True,
    content: Workbook | None = None,
    tests_layout: str | None = None,
) -> TidyResult:
    """Tidy one workbook (or, with write=False, say what tidy would change). `content` is the workbook as
    `read_workbook` reads it, when the caller has it already. `tests_layout` (per-rij or per-kolom) lays the Tests
    sheet out a member per row or per column; None keeps its layout. Raises WorkbookError when the file cannot be
    read."""
    lock = lock_file(path)
    if lock is not None and write:
        return TidyResult(
            path.name,
            (),
            refused=f"de werkmap is geopend in Excel of LibreOffice (vergrendelingsbestand {lock.name}); "
            "sla haar op, sluit haar en draai nareis tidy opnieuw",
        )
    before = content if content is not None else read_workbook(path)
    with path.open("rb") as stream:
        book = openpyxl.load_workbook(stream)
    formula = next(
        (f"{ws.title}!{cell.coordinate}" for ws in book.worksheets for row in ws.iter_rows() for cell in row
         if cell.data_type == "f"),
        None,
    )  # fmt: skip
    if formula is not None:
        # openpyxl writes a formula without the value Excel saved with it, and the loader reads only that value.
        return TidyResult(
            path.name,
            (),
            refused=f"de werkmap bevat een formule (blad {formula}); tidy zou de opgeslagen uitkomst ervan "
            "verliezen. Typ de waarde in plaats van de formule, of laat de opmaak zoals ze is",
        )
    changes = _Changes()
    grids = {sheet.name: sheet for sheet in before.sheets}
    tests = grids.get(SCENARIOS_SHEET)
    wanted_per_column = tests_layout == PER_COLUMN
    if tests_layout is not None and tests is not None and tests.rows and is_per_column(tests) != wanted_per_column:
        transpose_worksheet(book[SCENARIOS_SHEET])
        grids[SCENARIOS_SHEET] = transposed_grid(tests)
        changes.add("indeling Tests")
    for ws in book.worksheets:
        layout = sheet_layout(grids[ws.title], glossary)
        if layout is not None:
            apply_layout(ws, layout, changes)
    found = changes.items()
    if not found or not write:
        return TidyResult(path.name, found)
    for ws in book.worksheets:
        _refresh_comment_sizes(ws)
    _save_checked(book, path, before)
    return TidyResult(path.name, found, written=True)


def _save_checked(book: openpyxl.Workbook, path: Path, before: Workbook) -> None:
    """Write next to the workbook, prove the content unchanged, then replace it in one step (no half-written file,
    even when the disk fills up or the process is killed)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tidy", dir=path.parent)
    os.close(handle)
    try:
        book.save(temporary)
        after = read_workbook(Path(temporary))
        old, new = content_lines(before), content_lines(after)
        if new != old:
            first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
            shown = old[first] if first < len(old) else "(einde)"
            raise TidyError(
                f"niet bijgewerkt: na het opmaken zou de inhoud veranderen (eerste verschil: {shown!r}); "
                "de werkmap is niet aangeraakt. Meld dit als fout in nareis",
                Location(path.name),
            )
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def content_lines(book: Workbook) -> list[str]:
    """The workbook's `nareis dump`, with a Tests sheet read in the classic layout, so that laying it out per column
    changes no line."""
    classic = Workbook(book.name, tuple(classic_tests(s) if s.name == SCENARIOS_SHEET else s for s in book.sheets))
    return dump_lines(classic)


def tidy_directory(directory: Path, *, write: bool = True, tests_layout: str | None = None) -> list[TidyResult]:
    """Tidy every workbook of a directory. Raises WorkbookError when there is none or one cannot be read."""
    if not directory.is_dir():
        raise TidyError(f"{directory} is geen map met werkmappen")
    paths = workbook_paths(directory)
    if not paths:
        raise TidyError(f"geen werkmappen (*.xlsx) in {directory}")
    books = [read_workbook(path) for path in paths]
    glossary = read_glossary(books)
    return [
        tidy_workbook(path, glossary, write=write, content=book, tests_layout=tests_layout)
        for path, book in zip(paths, books, strict=True)
    ]


def _known_tidy_key(paths: list[Path]) -> str:
    digest = hashlib.sha256(TIDY_FORMAT.encode())
    digest.update(content_hash(paths).encode())
    return digest.hexdigest()


def _tidy_mark(cache_dir: Path, paths: list[Path]) -> Path:
    return cache_dir / f"tidy-{_known_tidy_key(paths)}"


def remember_tidy(directory: Path, cache_dir: Path | None, untidy: Mapping[str, str] | None = None) -> None:
    """Note (in the user's cache) which of these exact workbooks are out of tidy (none: all tidy), so that
    `nareis check` need not look again while the bytes stay the same."""
    if cache_dir is None:
        return
    with contextlib.suppress(OSError):
        cache_dir.mkdir(parents=True, exist_ok=True)
        mark = _tidy_mark(cache_dir, workbook_paths(directory))
        mark.write_text(json.dumps(dict(untidy or {}), sort_keys=True), encoding="utf-8")


def _remembered(cache_dir: Path | None, paths: list[Path]) -> dict[str, str] | None:
    if cache_dir is None or not paths:
        return None
    try:
        known = json.loads(_tidy_mark(cache_dir, paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {str(k): str(v) for k, v in known.items()} if isinstance(known, dict) else None


def tidy_findings(directory: Path, cache_dir: Path | None = None) -> list[Finding]:
    """A warning for every workbook whose presentation is out of step with its content (for `nareis check`).

    Looking costs about as much as reading the workbooks again; with `cache_dir`, the answer for the exact bytes of
    the workbooks is kept and reused.
    """
    paths = workbook_paths(directory) if directory.is_dir() else []
    untidy = _remembered(cache_dir, paths)
    if untidy is None:
        try:
            results = tidy_directory(directory, write=False)
        except WorkbookError:
            return []  # the loader reports unreadable workbooks itself
        untidy = {result.workbook: result.summary() for result in results if result.changes}
        remember_tidy(directory, cache_dir, untidy)
    findings = []
    for workbook, summary in sorted(untidy.items()):
        params = {
            "nl": f"de opmaak volgt de inhoud niet meer ({summary}); draai nareis tidy",
            "en": f"the presentation is out of step with the content ({summary}); run nareis tidy",
            "changes": summary,
        }
        findings.append(Finding("untidy", WARNING, Location(workbook), params))
    return findings


__all__ = [
    "TidyError",
    "TidyResult",
    "lock_file",
    "read_glossary",
    "remember_tidy",
    "sheet_layout",
    "tidy_directory",
    "tidy_findings",
    "tidy_workbook",
]
