"""A table marked `Volledig: ja` must cover every input: its gaps are errors ('onvolledig'), needed downstream or
not; `Volledig: nee` says its gaps are intended; any other value is a located error."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from factory import TableSpec, WorkbookSpec, write_workbook

from engine.check import check_directory
from engine.findings import location_text, message

GLOSSARY = [
    ("leeftijd", "gezinslid", "getal", "", "Leeftijd", "invoer"),
    ("relatie", "gezinslid", "keuze", "kind, ouder, partner", "Relatie", "invoer"),
    ("leeftijdsoordeel", "gezinslid", "keuze", "jong, oud", "Oordeel (leest niemand)", "afgeleid"),
    ("uitkomst", "gezinslid", "keuze", "jong, oud", "Uitkomst (de brieven lezen het)", "afgeleid"),
]


def tables(
    directory: Path,
    complete: str | None,
    rows: list[tuple[object, ...]] | None = None,
    output: str = "leeftijdsoordeel",
) -> Path:
    table = TableSpec(
        "Leeftijd",
        kinds=("Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("leeftijd", "relatie", output, ""),
        rows=rows or [("L-1", "< 18", "kind, ouder", "jong", "§2.2"), ("L-2", "> 18", "kind, ouder", "oud", "§2.2")],
    )
    directory.mkdir(exist_ok=True)
    glossary = [row for row in GLOSSARY if row[0] in ("leeftijd", "relatie", output)]
    path = write_workbook(directory, WorkbookSpec("H2_test.xlsx", glossary=glossary, tables=[table]))
    if complete is not None:
        book = openpyxl.load_workbook(path)
        sheet = book["Leeftijd"]
        sheet["A5"], sheet["B5"] = "Volledig", complete  # the empty row above the Regel row
        book.save(path)
    return directory


def gap_lines(directory: Path, lang: str = "nl") -> list[str]:
    kinds = ("gap", "untested_value", "incomplete", "incomplete_value", "bad_complete")
    return [
        f"{f.severity}: {location_text(f.location, lang)}: {message(f, lang)}"
        for f in check_directory(directory, documents=False).findings
        if f.kind in kinds
    ]


def test_without_the_key_a_gap_nothing_needs_is_not_reported(tmp_path: Path) -> None:
    assert gap_lines(tables(tmp_path, None)) == []


def test_a_complete_table_with_gaps_is_an_error_per_gap(tmp_path: Path) -> None:
    assert gap_lines(tables(tmp_path, "ja")) == [
        'error: werkmap H2_test.xlsx, blad "Leeftijd", cel C8: de tabel is volledig verklaard (Volledig: ja), maar '
        "geen regel test de waarde partner van relatie (wel: kind, ouder): onvolledig bij relatie = partner",
        'error: werkmap H2_test.xlsx, blad "Leeftijd", cel B1: de tabel is volledig verklaard (Volledig: ja), maar '
        "geen regel past bij leeftijd = 18: onvolledig; dan blijft leeftijdsoordeel onbekend",
    ]
    assert gap_lines(tmp_path, "en") == [
        'error: H2_test.xlsx, sheet "Leeftijd", cell C8: the table is marked complete (Volledig: ja), but no rule '
        "tests the value partner of relatie (tested: kind, ouder): incomplete at relatie = partner",
        'error: H2_test.xlsx, sheet "Leeftijd", cell B1: the table is marked complete (Volledig: ja), but no rule '
        "matches at leeftijd = 18: incomplete; leeftijdsoordeel then stays unknown",
    ]
    assert not check_directory(tmp_path, documents=False).sound


def test_a_complete_table_without_gaps_gives_no_finding(tmp_path: Path) -> None:
    rows: list[tuple[object, ...]] = [("L-1", "< 18", "-", "jong", "§2.2"), ("L-2", ">= 18", "-", "oud", "§2.2")]
    assert gap_lines(tables(tmp_path, "ja", rows)) == []


def test_volledig_nee_leaves_the_gaps_unreported(tmp_path: Path) -> None:
    rows: list[tuple[object, ...]] = [("L-1", "< 18", "kind", "jong", "§2.2")]
    assert gap_lines(tables(tmp_path / "zonder", None, rows, output="uitkomst")) == [
        'warning: werkmap H2_test.xlsx, blad "Leeftijd", cel C8: geen regel test de waarde ouder van relatie (wel: '
        "kind); bij relatie = ouder blijft uitkomst onbekend, terwijl de brieven of motiveringen het gebruiken",
        'warning: werkmap H2_test.xlsx, blad "Leeftijd", cel C8: geen regel test de waarde partner van relatie (wel: '
        "kind); bij relatie = partner blijft uitkomst onbekend, terwijl de brieven of motiveringen het gebruiken",
        'warning: werkmap H2_test.xlsx, blad "Leeftijd", cel B1: geen regel past bij leeftijd = 18; dan blijft '
        "uitkomst onbekend, terwijl de brieven of motiveringen het gebruiken",
    ]
    assert gap_lines(tables(tmp_path / "nee", "nee", rows, output="uitkomst")) == []


def test_another_value_is_a_located_error(tmp_path: Path) -> None:
    assert gap_lines(tables(tmp_path, "misschien")) == [
        'error: werkmap H2_test.xlsx, blad "Leeftijd", cel B5: Volledig is "ja" (de tabel dekt elke invoer) of '
        '"nee" (ontbrekende gevallen zijn bedoeld), niet "misschien"'
    ]
