"""nareis diff: two versions of a workbook built in the test, rows matched by rule id, scenario impact."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from factory import write_workbook
from test_check_cli import sound_spec

from engine.cli import main


def test_diff_names_changed_cells_added_rows_and_changed_scenario_outcomes(tmp_path: Path) -> None:
    old, new = tmp_path / "oud", tmp_path / "nieuw"
    old.mkdir()
    new.mkdir()
    write_workbook(old, sound_spec())
    rows = [
        ("T-0", "subsidiair", "afwijzen", "§2.3"),  # a new row before the others: shown as one added row
        ("T-1", "vluchteling", "afwijzen", "§2.2"),
        ("T-2", "subsidiair", "afwijzen", "§2.3; art. 29d Vw"),
    ]
    write_workbook(new, sound_spec(rows, values="vluchteling, subsidiair, onbekend"))
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "begrip status_referent: type keuze (vluchteling, subsidiair) → keuze (vluchteling, subsidiair, onbekend)",
        'tabel "Termijn" (H2_test.xlsx, blad "Termijn"): regel T-0 toegevoegd (rij 8): status_referent subsidiair | '
        "uitkomst afwijzen",
        'tabel "Termijn" (H2_test.xlsx, blad "Termijn"): regel T-1, Uitvoer uitkomst: inwilligen → afwijzen',
        'tabel "Termijn" (H2_test.xlsx, blad "Termijn"): regel T-2, Bron: §2.3 → §2.3; art. 29d Vw',
        "Scenario's met een andere uitkomst:",
        "  scenario S-1, kind: inwilligen → afwijzen",
        "  scenario S-2, kind: afwijzen → conflict",
        "4 wijzigingen; 2 scenario-uitkomsten anders",
    ]


def test_diff_of_something_that_is_no_directory_or_revision(tmp_path: Path) -> None:
    write_workbook(tmp_path, sound_spec())
    result = CliRunner().invoke(main, ["diff", "geen-revisie-xyz", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith("Error: geen-revisie-xyz is no directory and no git revision with")
