"""nareis dump: each rule one line keyed by its rule id with column names; complete and deterministic."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import TABLES, base_spec
from factory import TableSpec, write_workbook

from engine.cli import main
from engine.dump import dump_lines
from engine.workbook import read_workbook

# The header words whose meaning the dump shows by its labels (no arrow: Invoer; →: Uitvoer or Verwacht).
KIND_WORDS = {"Regel", "Invoer", "Uitvoer", "Verwacht", "Toon bij"}


def dump(path: Path) -> list[str]:
    result = CliRunner().invoke(main, ["dump", str(path)])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_a_table_is_one_line_per_rule_keyed_by_rule_id(tables_dir: Path) -> None:
    lines = dump(tables_dir / "H2_test.xlsx")
    start = lines.index("== Uitkomst")
    assert lines[start : start + 10] == [
        "== Uitkomst",
        "Tabel: Uitkomst",
        "Entiteit: gezinslid",
        "Hitbeleid: P",
        "Bron: §2.2",
        "kolommen: termijn | identiteit_aannemelijk | → uitkomst | Bron",
        "E-01 | termijn: te_laat | identiteit_aannemelijk: - | → uitkomst: afwijzen | Bron: §2.2",
        "E-02 | termijn: - | identiteit_aannemelijk: nee | → uitkomst: afwijzen | Bron: §2.5",
        "E-03 | termijn: - | identiteit_aannemelijk: onbekend | → uitkomst: herstel_verzuim | Bron: §1.3",
        "E-04 | termijn: op_tijd | identiteit_aannemelijk: ja | → uitkomst: inwilligen | Bron: §2",
    ]
    assert lines[:3] == [
        "== Begrippen",
        "kolommen: Begrip | Entiteit | Type | Waarden | Omschrijving | Soort",
        "zaaknummer | Entiteit: aanvraag | Type: tekst | Omschrijving: Zaaknummer | Soort: invoer",
    ]
    assert "nareistermijn_einde | Formule: einde_termijn(datum_verlening, 3 maanden) | Bron: §2.2" in lines


def test_inserting_one_row_is_one_added_line(tmp_path: Path) -> None:
    old, new = tmp_path / "oud", tmp_path / "nieuw"
    old.mkdir()
    new.mkdir()
    write_workbook(old, base_spec())
    tables = list(TABLES)
    rows = list(tables[1].rows)
    rows.insert(1, ("E-05", "-", "onbekend", "afwijzen", "§2.5"))
    tables[1] = replace(tables[1], rows=rows)
    write_workbook(new, base_spec(tables=tables))
    changed = [
        line
        for line in difflib.unified_diff(dump(old / "H2_test.xlsx"), dump(new / "H2_test.xlsx"), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ["+E-05 | termijn: - | identiteit_aannemelijk: onbekend | → uitkomst: afwijzen | Bron: §2.5"]


def test_every_cell_appears_and_the_dump_is_deterministic(tmp_path: Path) -> None:
    table = TableSpec(
        "Toets",
        kinds=("Invoer", "Uitvoer", "Bron", "Toon bij", "Motivering", "Annotatie"),
        facts=("relatie", "termijn", "", "uitkomst", "", ""),
        rows=[
            ("T-01", "kind", "op_tijd", "§2.2", "inwilligen", "Regel één\nregel twee", "Let op | dit"),
            ("T-02", "", "te_laat", "§2.2", "", "", "", "buiten de kop"),
            ("", "ouder", "te_laat", "§2.2"),
        ],
    )
    path = write_workbook(tmp_path, base_spec(tables=[*TABLES, table], extra_sheets={"Uitleg": [("Lees", "mij")]}))
    book = openpyxl.load_workbook(path)
    book["Toets"]["K7"] = "los onder de kop"
    book.save(path)
    lines = dump(path)
    assert dump(path) == lines
    start = lines.index("== Toets")
    assert lines[start + 5 :] == [
        "losse cellen onder de kop: K: los onder de kop",
        "kolommen: relatie | → termijn | Bron | Toon bij uitkomst | Motivering | Annotatie",
        "T-01 | relatie: kind | → termijn: op_tijd | Bron: §2.2 | Toon bij uitkomst: inwilligen | "
        "Motivering: Regel één\\nregel twee | Annotatie: Let op | dit",
        "T-02 | → termijn: te_laat | Bron: §2.2 | H: buiten de kop",
        "(rij 10) | relatie: ouder | → termijn: te_laat | Bron: §2.2",
        "== Uitleg",
        "Lees | mij",
    ]
    text = "\n".join(lines)
    for sheet in read_workbook(path).sheets:
        for cells in sheet.rows.values():
            for cell in cells.values():
                if cell.text not in KIND_WORDS:
                    assert cell.text.replace("\n", "\\n") in text, (sheet.name, cell.location)
    assert dump_lines(read_workbook(path)) == lines


def test_a_workbook_that_does_not_load_still_dumps(tmp_path: Path) -> None:
    tables = list(TABLES)
    tables[0] = replace(tables[0], rows=[("2.2-01", "vluchteling", "> onbekend_feit", "te_laat", "")])
    path = write_workbook(tmp_path, base_spec(tables=tables))
    assert "2.2-01 | status_referent: vluchteling | datum_indiening: > onbekend_feit | → termijn: te_laat" in dump(path)


def test_a_file_that_is_not_a_workbook_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "kapot.xlsx"
    path.write_text("geen werkmap", encoding="utf-8")
    result = CliRunner().invoke(main, ["dump", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: kapot.xlsx: cannot read this file as an Excel workbook (.xlsx)")
