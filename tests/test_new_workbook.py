"""nareis new: a tidy workbook with Uitleg, Begrippen, Parameters, an example table and Tests that checks green."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from engine.check import check_directory
from engine.cli import main
from engine.tidy import tidy_directory

DECISION_TABLES = Path(__file__).resolve().parent.parent / "decision_tables"


def test_a_new_workbook_alone_loads_passes_its_scenarios_and_is_tidy(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", str(tmp_path), "H6_nieuw"])

    assert (result.exit_code, result.output) == (
        0,
        f"{tmp_path / 'H6_nieuw.xlsx'} geschreven; vervang het voorbeeld en draai nareis check {tmp_path}\n",
    )
    book = openpyxl.load_workbook(tmp_path / "H6_nieuw.xlsx")
    assert book.sheetnames == ["Uitleg", "Begrippen", "Parameters", "H6_nieuw voorbeeld", "Tests"]
    assert [r.line() for r in tidy_directory(tmp_path)] == ["H6_nieuw.xlsx: niets te doen"]
    checked = check_directory(tmp_path, documents=False)
    assert [(s.scenario.scenario_id, s.passed) for s in checked.scenarios] == [
        ("S-H6_nieuw-01", True),
        ("S-H6_nieuw-02", True),
    ]
    # Alone, it covers one paragraph of the WI: coverage of the others is the only error.
    assert [f.kind for f in checked.findings if f.severity == "error"] == ["uncovered_paragraph"]


def test_a_new_workbook_in_the_rule_base_keeps_check_green(tmp_path: Path) -> None:
    directory = tmp_path / "tables"
    shutil.copytree(DECISION_TABLES, directory)
    assert CliRunner().invoke(main, ["new", str(directory), "H6_nieuw"]).exit_code == 0

    checked = check_directory(directory)

    assert [f.kind for f in checked.findings if f.severity == "error"] == []
    assert checked.sound
    # Each example scenario states what the whole rule base decides for its member (Soort eindoordeel).
    tests = openpyxl.load_workbook(directory / "H6_nieuw.xlsx")["Tests"]
    assert [tests.cell(2, c).value for c in range(5, 8)] == [
        "h6_nieuw_aantal_documenten",
        "h6_nieuw_documenten_oordeel",
        "uitkomst",
    ]


def test_an_existing_workbook_or_a_bad_name_is_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["new", str(tmp_path), "H6"]).exit_code == 0
    again = runner.invoke(main, ["new", str(tmp_path), "H6"])
    assert (again.exit_code, again.output) == (
        2,
        f"Fout: H6.xlsx: {tmp_path / 'H6.xlsx'} bestaat al; kies een andere naam\n",
    )
    bad = runner.invoke(main, ["new", str(tmp_path), "../H7"])
    assert (bad.exit_code, bad.output) == (
        2,
        'Fout: "../H7" is geen geschikte naam voor een werkmap: gebruik letters, cijfers, spaties, _ en -\n',
    )
