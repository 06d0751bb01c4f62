"""A workbook as structured text: every rule one line keyed by its rule id, every cell named by its column.

The same structure serves `nareis dump` (text for `git diff`, so inserting one row shows as one added line) and
`nareis diff` (rows matched by rule id, cells by column name). It is read from the cell grid alone, so a workbook
that does not load (a half-finished edit) still dumps completely: every non-empty cell appears in the output.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from engine.workbook import Sheet, Workbook

GLOSSARY_SHEET = "Begrippen"
CALCULATIONS_SHEET = "Berekeningen"
SCENARIOS_SHEET = "Tests"
NO_RULES_SHEET = "Geen regels"
KEYED_SHEETS = (GLOSSARY_SHEET, CALCULATIONS_SHEET, NO_RULES_SHEET)
_FACT_KINDS = ("invoer", "uitvoer", "toon bij", "verwacht")

Cells = tuple[tuple[str, str], ...]  # (column label, cell text) for the non-empty cells of a row, in column order


@dataclass(frozen=True)
class Entry:
    """One keyed row: a rule (keyed by rule id), a glossary fact, a calculation, a scenario member row, ..."""

    key: str
    row: int
    cells: Cells

    def cell(self, label: str) -> str:
        return dict(self.cells).get(label, "")


@dataclass(frozen=True)
class TableView:
    """A decision-table sheet: the key/value pairs above the Regel row, its column labels and its rule rows."""

    name: str
    workbook: str
    sheet: str
    meta: Cells  # Tabel, Entiteit, Hitbeleid, Bron, Omschrijving (and anything else above the header)
    columns: tuple[str, ...]  # labels: `status_referent`, `→ termijn_oordeel`, `Toon bij uitkomst`, `Bron`, ...
    rules: tuple[Entry, ...]  # in table order


@dataclass(frozen=True)
class KeyedView:
    """A sheet of keyed rows (Begrippen, Berekeningen, Geen regels, Tests): header labels and rows by key."""

    kind: str  # the sheet's fixed name
    workbook: str
    sheet: str
    columns: tuple[str, ...]
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class TextView:
    """Any other sheet (Uitleg, a sheet that is not a table): its rows' cells, in order."""

    workbook: str
    sheet: str
    lines: tuple[str, ...]


SheetView = TableView | KeyedView | TextView


def one_line(text: str) -> str:
    """Cell text on one line: a line break shows as \\n, so every rule stays one line of the dump."""
    return text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\n", "\\n")


def sheet_view(sheet: Sheet) -> SheetView:
    if sheet.name == SCENARIOS_SHEET:
        return _keyed(sheet, header_rows=2)
    if sheet.name in KEYED_SHEETS:
        return _keyed(sheet, header_rows=1)
    if sheet.text(1, 1) == "Tabel":
        header = next((r for r in sorted(sheet.rows) if sheet.text(r, 1) == "Regel"), None)
        if header is not None:
            return _table(sheet, header)
    return TextView(sheet.workbook, sheet.name, tuple(_plain_line(sheet, r) for r in sorted(sheet.rows)))


def workbook_views(book: Workbook) -> tuple[SheetView, ...]:
    return tuple(sheet_view(sheet) for sheet in book.sheets)


def _plain_line(sheet: Sheet, row: int) -> str:
    cells = sheet.rows[row]
    return " | ".join(one_line(cells[c].text) if c in cells else "" for c in range(1, max(cells) + 1))


def _labels(sheet: Sheet, header: int, fact_row: int | None, first: int) -> tuple[dict[int, str], Cells]:
    """Column labels from the header row (and the fact-name row below it), unique so that a cell is named once;
    and the cells of the fact-name row that name no column's fact (so that they too appear in the dump)."""
    labels: dict[int, str] = {}
    used: set[str] = set()
    consumed: set[int] = set()
    for column in sorted(sheet.rows.get(header, {})):
        if column < first:
            continue
        kind = sheet.text(header, column)
        fact = sheet.text(fact_row, column) if fact_row is not None else ""
        lowered = kind.lower()
        if fact and lowered in _FACT_KINDS:
            label = {"uitvoer": f"→ {fact}", "verwacht": f"→ {fact}", "toon bij": f"Toon bij {fact}"}.get(lowered, fact)
            consumed.add(column)
        else:
            label = kind or get_column_letter(column)
        if label in used:
            label = f"{label} ({get_column_letter(column)})"
        used.add(label)
        labels[column] = label
    strays: Cells = ()
    if fact_row is not None:
        row = sheet.rows.get(fact_row, {})
        strays = tuple((get_column_letter(c), one_line(row[c].text)) for c in sorted(row) if c not in consumed)
    return labels, strays


def _cells(sheet: Sheet, row: int, labels: dict[int, str], skip: int = 0) -> Cells:
    cells = sheet.rows.get(row, {})
    return tuple(
        (labels.get(column, get_column_letter(column)), one_line(cells[column].text))
        for column in sorted(cells)
        if column != skip
    )


def _table(sheet: Sheet, header: int) -> TableView:
    meta: list[tuple[str, str]] = []
    for row in sorted(r for r in sheet.rows if r < header):
        key = sheet.text(row, 1)
        rest = [(c, cell) for c, cell in sorted(sheet.rows[row].items()) if c > 1]
        value = " | ".join(one_line(cell.text) for _, cell in rest)
        meta.append((key or f"rij {row}", value))
    labels, strays = _labels(sheet, header, header + 1, first=2)
    rules = []
    for row in sorted(r for r in sheet.rows if r > header + 1):
        rule_id = sheet.text(row, 1)
        rules.append(Entry(one_line(rule_id) if rule_id else f"(rij {row})", row, _cells(sheet, row, labels, skip=1)))
    name = dict(meta).get("Tabel", "") or sheet.name
    columns = tuple(labels.values())
    if strays:
        meta.append(("losse cellen onder de kop", " | ".join(f"{c}: {t}" for c, t in strays)))
    return TableView(name, sheet.workbook, sheet.name, tuple(meta), columns, tuple(rules))


def _keyed(sheet: Sheet, header_rows: int) -> KeyedView:
    labels, strays = _labels(sheet, 1, 2 if header_rows == 2 else None, first=1)
    key_column = min(labels) if labels else 1
    entries = [Entry("(rij 2)", 2, strays)] if strays else []
    for row in sorted(r for r in sheet.rows if r > header_rows):
        key = sheet.text(row, key_column)
        entries.append(Entry(one_line(key) if key else f"(rij {row})", row, _cells(sheet, row, labels, key_column)))
    return KeyedView(sheet.name, sheet.workbook, sheet.name, tuple(labels.values()), tuple(entries))


def _entry_line(entry: Entry) -> str:
    return " | ".join([entry.key, *(f"{label}: {text}" for label, text in entry.cells)])


def dump_lines(book: Workbook) -> list[str]:
    """The whole workbook as text, deterministic and complete: every non-empty cell appears once."""
    lines: list[str] = []
    for view in workbook_views(book):
        lines.append(f"== {view.sheet}")
        if isinstance(view, TableView):
            lines.extend(f"{key}: {value}" for key, value in view.meta)
            lines.append("kolommen: " + " | ".join(view.columns))
            lines.extend(_entry_line(rule) for rule in view.rules)
        elif isinstance(view, KeyedView):
            lines.append("kolommen: " + " | ".join(view.columns))
            lines.extend(_entry_line(entry) for entry in view.entries)
        else:
            lines.extend(view.lines)
    return lines
