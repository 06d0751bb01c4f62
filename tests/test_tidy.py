"""nareis tidy: pickers, help and layout from the content, never a change of content; idempotent; lock files."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import base_spec
from factory import write_workbook

from engine.cli import main
from engine.dump import dump_lines
from engine.tidy import TidyError, tidy_directory, tidy_findings
from engine.workbook import read_workbook

UITLEG = [
    ("Uitleg bij deze werkmap",),
    ("Dit is een lange alinea die in een smalle kolom nooit op één regel past. " * 4,),
]


def _dir(tmp_path: Path) -> Path:
    spec = base_spec(
        scenarios=[("S-01", "kind", "Tijdig ingediend", "§2.2", "2026-05-01", "vluchteling", "op_tijd")],
        scenario_kinds=("Invoer", "Invoer", "Verwacht"),
        scenario_facts=("datum_indiening", "status_referent", "termijn"),
        extra_sheets={"Uitleg": UITLEG},
    )
    write_workbook(tmp_path, spec)
    return tmp_path


def _dump(path: Path) -> list[str]:
    return dump_lines(read_workbook(path))


def _validations(path: Path, sheet: str) -> dict[str, tuple[str | None, str | None, bool]]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {
        str(v.sqref): (v.formula1, v.promptTitle, bool(v.showErrorMessage)) for v in ws.data_validations.dataValidation
    }


def test_tidy_adds_pickers_comments_freezes_and_widths_without_changing_the_dump(tmp_path: Path) -> None:
    directory = _dir(tmp_path)
    path = directory / "H2_test.xlsx"
    before = _dump(path)

    results = tidy_directory(directory)

    assert [r.written for r in results] == [True]
    assert _dump(path) == before
    table = _validations(path, "Nareistermijn")
    # Row 6 is the header (Regel), row 7 the fact names; rules from row 8. Inputs also take "-".
    assert table["B8:B110"] == ('"vluchteling,subsidiair,-"', "status_referent", False)
    assert table["C8:C110"] == (None, "datum_indiening", False)
    assert table["D8:D110"] == ('"te_laat,op_tijd"', "termijn", False)
    assert table["B2"] == ('"gezinslid,aanvraag"', "Entiteit", True)
    assert table["B3"] == ('"U,A,P,F,R,O,C,C+,C<,C>,C#"', "Hitbeleid", False)
    glossary = _validations(path, "Begrippen")
    assert glossary["B2:B112"] == ('"aanvraag,referent,gezinslid"', "Entiteit", True)
    assert glossary["F2:F112"] == ('"invoer,afgeleid,eindoordeel"', "Soort", False)
    tests = _validations(path, "Tests")
    assert tests["G3:G103"] == ('"te_laat,op_tijd,null"', "termijn", False)
    book = openpyxl.load_workbook(path)
    ws = book["Nareistermijn"]
    assert ws.freeze_panes == "B8"
    assert ws["B7"].comment.text == (
        "status_referent (referent, keuze)\nStatus\nWaarden: vluchteling, subsidiair\n"
        "Gedefinieerd in H2_test.xlsx, Begrippen"
    )
    assert ws["B7"].comment.author == "nareis tidy"
    assert ws.column_dimensions["F"].width == 60.0  # Motivering
    assert ws["F8"].alignment.wrap_text is True
    assert book["Tests"].freeze_panes == "E3"
    assert book["Begrippen"].freeze_panes == "B2"
    uitleg = book["Uitleg"]
    assert uitleg.column_dimensions["A"].width == 100.0
    assert uitleg.row_dimensions[2].height == 45.0  # 300 characters in a 100-wide column: three lines


def test_tidy_twice_changes_no_byte(tmp_path: Path) -> None:
    directory = _dir(tmp_path)
    tidy_directory(directory)
    path = directory / "H2_test.xlsx"
    first = path.read_bytes()

    results = tidy_directory(directory)

    assert [r.line() for r in results] == ["H2_test.xlsx: niets te doen"]
    assert path.read_bytes() == first
    assert tidy_findings(directory) == []


def test_check_is_warned_of_an_untidy_workbook(tmp_path: Path) -> None:
    directory = _dir(tmp_path)
    findings = tidy_findings(directory)
    assert [(f.kind, f.severity, str(f.location)) for f in findings] == [("untidy", "warning", "H2_test.xlsx")]
    assert findings[0].params["nl"].startswith("de opmaak volgt de inhoud niet meer (kolombreedtes ")
    assert findings[0].params["nl"].endswith("); draai nareis tidy")


def test_a_later_edit_makes_the_workbook_untidy_again(tmp_path: Path) -> None:
    directory = _dir(tmp_path)
    tidy_directory(directory)
    path = directory / "H2_test.xlsx"
    book = openpyxl.load_workbook(path)
    book["Begrippen"]["D3"] = "vluchteling, subsidiair, geen"  # a new value for status_referent
    book.save(path)

    assert [f.kind for f in tidy_findings(directory)] == ["untidy"]
    tidy_directory(directory)
    assert _validations(path, "Nareistermijn")["B8:B110"][0] == '"vluchteling,subsidiair,geen,-"'


@pytest.mark.parametrize("lock", ["~$H2_test.xlsx", "~$_test.xlsx", ".~lock.H2_test.xlsx#"])
def test_a_workbook_open_in_excel_or_libreoffice_is_left_alone(tmp_path: Path, lock: str) -> None:
    directory = _dir(tmp_path)
    (directory / lock).write_bytes(b"")
    before = (directory / "H2_test.xlsx").read_bytes()

    result = CliRunner().invoke(main, ["tidy", str(directory)])

    assert result.exit_code == 1
    assert result.output == (
        "H2_test.xlsx: niet bijgewerkt: de werkmap is geopend in Excel of LibreOffice (vergrendelingsbestand "
        f"{lock}); sla haar op, sluit haar en draai nareis tidy opnieuw\n"
    )
    assert (directory / "H2_test.xlsx").read_bytes() == before


def test_a_failed_write_leaves_the_workbook_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = _dir(tmp_path)
    path = directory / "H2_test.xlsx"
    before = path.read_bytes()

    def full_disk(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", full_disk)
    with pytest.raises(OSError, match="No space left"):
        tidy_directory(directory)
    assert path.read_bytes() == before
    assert sorted(p.name for p in directory.iterdir()) == ["H2_test.xlsx"]


def test_a_changed_content_is_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-back guard: were openpyxl to lose a value on saving, the workbook is left as it was."""
    directory = _dir(tmp_path)
    path = directory / "H2_test.xlsx"
    before = path.read_bytes()
    original_save = openpyxl.Workbook.save

    def lossy(self: openpyxl.Workbook, filename: str) -> None:
        self["Nareistermijn"]["E9"] = "§9.9"
        original_save(self, filename)

    monkeypatch.setattr(openpyxl.Workbook, "save", lossy)
    with pytest.raises(TidyError, match="na het opmaken zou de inhoud veranderen"):
        tidy_directory(directory)
    assert path.read_bytes() == before
    assert sorted(p.name for p in directory.iterdir()) == ["H2_test.xlsx"]


def test_tidy_cli_reports_each_workbook_and_check_mode_changes_nothing(tmp_path: Path) -> None:
    directory = _dir(tmp_path)
    before = (directory / "H2_test.xlsx").read_bytes()
    runner = CliRunner()

    checked = runner.invoke(main, ["tidy", "--check", str(directory)])
    assert checked.exit_code == 1
    assert checked.output.startswith("H2_test.xlsx: niet opgemaakt (kolombreedtes ")
    assert (directory / "H2_test.xlsx").read_bytes() == before

    done = runner.invoke(main, ["tidy", str(directory)])
    assert done.exit_code == 0
    assert done.output.startswith("H2_test.xlsx: opgemaakt (kolombreedtes ")
    again = runner.invoke(main, ["tidy", str(directory)])
    assert (again.exit_code, again.output) == (0, "H2_test.xlsx: niets te doen\n")


def test_tidy_cli_without_workbooks(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["tidy", str(tmp_path)])
    assert (result.exit_code, result.output) == (2, f"Fout: geen werkmappen (*.xlsx) in {tmp_path}\n")


DECISION_TABLES = Path(__file__).resolve().parent.parent / "decision_tables"


def test_every_workbook_of_the_rule_base_tidies_with_the_same_dump(tmp_path: Path) -> None:
    directory = tmp_path / "tables"
    shutil.copytree(DECISION_TABLES, directory)
    before = {p.name: _dump(p) for p in sorted(directory.glob("*.xlsx"))}

    tidy_directory(directory)

    assert {p.name: _dump(p) for p in sorted(directory.glob("*.xlsx"))} == before
    for path in sorted(directory.glob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        for ws in book.worksheets:
            if ws["A1"].value != "Tabel":
                continue
            header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Regel")
            facts = [c for c in range(2, ws.max_column + 1) if ws.cell(header + 1, c).value]
            assert ws.freeze_panes == f"B{header + 2}", (path.name, ws.title)
            for column in facts:
                cell = ws.cell(header + 1, column)
                assert cell.comment is not None and cell.comment.text.startswith(f"{cell.value} ("), cell.coordinate
            covered = {str(v.sqref).split(":")[0] for v in ws.data_validations.dataValidation}
            assert {f"{openpyxl.utils.get_column_letter(c)}{header + 2}" for c in facts} <= covered, ws.title
    assert [r.line() for r in tidy_directory(directory)] == [f"{name}: niets te doen" for name in sorted(before)]


def test_check_reuses_the_answer_for_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.tidy

    (tmp_path / "tables").mkdir()
    directory = _dir(tmp_path / "tables")
    cache = tmp_path / "cache"
    first = tidy_findings(directory, cache)
    assert [f.kind for f in first] == ["untidy"]

    def not_again(*_: object, **__: object) -> None:
        raise AssertionError("the workbooks were read again")

    monkeypatch.setattr(engine.tidy, "tidy_directory", not_again)
    assert tidy_findings(directory, cache) == first
    monkeypatch.undo()
    result = CliRunner().invoke(main, ["tidy", str(directory)], env={"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert result.exit_code == 0
    monkeypatch.setattr(engine.tidy, "tidy_directory", not_again)
    assert tidy_findings(directory, tmp_path / "xdg" / "nareis") == []


def _give_formulas_their_saved_value(path: Path, value: str) -> None:
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name.startswith("xl/worksheets/"):
                data = re.sub(rb"<f>([^<]*)</f>(<v\s*/>|<v></v>)?", rb"<f>\1</f><v>" + value.encode() + rb"</v>", data)
            archive.writestr(name, data)


def test_a_workbook_with_a_formula_is_left_alone(tmp_path: Path) -> None:
    directory = _dir(tmp_path)
    path = directory / "H2_test.xlsx"
    book = openpyxl.load_workbook(path)
    book["Uitleg"]["B1"] = "=1+1"
    book.save(path)
    _give_formulas_their_saved_value(path, "2")  # as Excel would have saved it
    before = path.read_bytes()

    (result,) = tidy_directory(directory)

    assert result.line() == (
        "H2_test.xlsx: niet bijgewerkt: de werkmap bevat een formule (blad Uitleg!B1); tidy zou de opgeslagen "
        "uitkomst ervan verliezen. Typ de waarde in plaats van de formule, of laat de opmaak zoals ze is"
    )
    assert path.read_bytes() == before
