"""Build small workbooks for tests in a temporary directory, in the documented format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

Row = Sequence[object]


@dataclass
class TableSpec:
    """A decision table: metadata, column kinds and fact names, then rule rows."""

    name: str
    entity: str = "gezinslid"
    hit_policy: str = "U"
    source: str = "§2.2"
    kinds: Sequence[str] = ()  # e.g. ("Invoer", "Uitvoer", "Bron", "Motivering", "Annotatie")
    facts: Sequence[str] = ()  # fact names under Invoer/Uitvoer columns, "" for the others
    rows: Sequence[Row] = ()
    sheet: str | None = None


@dataclass
class WorkbookSpec:
    name: str
    glossary: Sequence[Row] = ()  # (Begrip, Entiteit, Type, Waarden, Omschrijving, Soort)
    tables: Sequence[TableSpec] = ()
    calculations: Sequence[Row] = ()  # (Begrip, Formule, Bron)
    scenarios: Sequence[Row] = ()  # rows after the two header rows
    scenario_kinds: Sequence[str] = ()
    scenario_facts: Sequence[str] = ()
    extra_sheets: dict[str, Sequence[Row]] = field(default_factory=dict)


GLOSSARY_HEADER = ("Begrip", "Entiteit", "Type", "Waarden", "Omschrijving", "Soort")


def write_workbook(directory: Path, spec: WorkbookSpec) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    if spec.glossary:
        sheet = book.create_sheet("Begrippen")
        sheet.append(GLOSSARY_HEADER)
        for row in spec.glossary:
            sheet.append(list(row))
    if spec.calculations:
        sheet = book.create_sheet("Berekeningen")
        sheet.append(("Begrip", "Formule", "Bron"))
        for row in spec.calculations:
            sheet.append(list(row))
    for table in spec.tables:
        sheet = book.create_sheet(table.sheet or table.name)
        sheet.append(("Tabel", table.name))
        sheet.append(("Entiteit", table.entity))
        sheet.append(("Hitbeleid", table.hit_policy))
        sheet.append(("Bron", table.source))
        sheet.append(())
        sheet.append(("Regel", *table.kinds))
        sheet.append(("", *table.facts))
        for row in table.rows:
            sheet.append(list(row))
    if spec.scenarios:
        sheet = book.create_sheet("Tests")
        sheet.append(("Scenario", "Lid", "Omschrijving", "Bron", *spec.scenario_kinds))
        sheet.append(("", "", "", "", *spec.scenario_facts))
        for row in spec.scenarios:
            sheet.append(list(row))
    for name, rows in spec.extra_sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    path = directory / spec.name
    book.save(path)
    return path
