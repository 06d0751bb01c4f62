"""Tests sheets a member per column: read like the classic layout, errors at the cell on screen; tidy converts."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import base_spec
from factory import write_workbook

from engine.dump import dump_lines
from engine.errors import WorkbookProblems
from engine.loader import load_directory
from engine.tidy import content_lines, tidy_directory
from engine.workbook import read_workbook

KINDS = ("Invoer", "Invoer", "Invoer", "Invoer", "Verwacht")
FACTS = ("datum_indiening", "datum_verlening", "status_referent", "relatie", "termijn")
SCENARIOS = [
    ("S-01", "zoon", "Te laat", "§2.2", "2026-09-01", "2026-05-01", "vluchteling", "kind", "te_laat"),
    ("S-01", "vrouw", None, None, None, None, None, "echtgenoot", "te_laat"),
    ("S-02", "kind", "Op tijd", "§2.2", "2026-06-01", "2026-05-01", "vluchteling", "kind", "op_tijd"),
]


def _classic(tmp_path: Path) -> Path:
    spec = base_spec(scenarios=SCENARIOS, scenario_kinds=KINDS, scenario_facts=FACTS)
    write_workbook(tmp_path, spec)
    return tmp_path / "H2_test.xlsx"


def _per_column(tmp_path: Path, change: tuple[int, int, str] | None = None) -> Path:
    """The same workbook with its Tests sheet written a member per column, as a person would type it."""
    path = _classic(tmp_path)
    book = openpyxl.load_workbook(path)
    del book["Tests"]
    ws = book.create_sheet("Tests")
    labels = [
        ("Scenario", None),
        ("Lid", None),
        ("Omschrijving", None),
        ("Bron", None),
        *zip(KINDS, FACTS, strict=True),
    ]
    for row, (kind, fact) in enumerate(labels, start=1):
        ws.cell(row, 1, kind)
        if fact:
            ws.cell(row, 2, fact)
    for column, scenario in enumerate(SCENARIOS, start=3):
        for row, value in enumerate(scenario, start=1):
            if value is not None:
                ws.cell(row, column, value)
    if change:
        ws.cell(change[0], change[1], change[2])
    book.save(path)
    return path


def _scenarios(directory: Path) -> list[tuple[object, ...]]:
    rule_base = load_directory(directory)
    return [
        (
            s.scenario_id,
            s.description,
            dict(s.aanvraag),
            dict(s.referent),
            s.members,
            [(e.member, e.fact, e.value) for e in s.expectations],
        )
        for s in rule_base.scenarios
    ]


def test_a_member_per_column_reads_as_the_classic_layout(tmp_path: Path) -> None:
    (tmp_path / "classic").mkdir()
    (tmp_path / "per_column").mkdir()
    classic = _scenarios(_classic(tmp_path / "classic").parent)
    per_column = _scenarios(_per_column(tmp_path / "per_column").parent)
    assert per_column == classic
    assert len(classic) == 2


def test_an_error_in_a_member_column_names_the_cell_on_screen(tmp_path: Path) -> None:
    path = _per_column(tmp_path, change=(7, 4, "vluchtelng"))  # status_referent of S-01's second member
    with pytest.raises(WorkbookProblems) as raised:
        load_directory(path.parent)
    assert [str(p) for p in raised.value.problems] == [
        'H2_test.xlsx, sheet "Tests", cell D7: expected one of vluchteling, subsidiair, got "vluchtelng"'
    ]


def test_a_scenario_failure_names_the_cell_on_screen(tmp_path: Path) -> None:
    from engine.check import check_directory

    path = _per_column(tmp_path, change=(9, 5, "te_laat"))  # S-02 expects te_laat, the rules say op_tijd
    failures = [f for f in check_directory(path.parent, documents=False).findings if f.kind == "scenario"]
    assert [str(f.location) for f in failures] == ['H2_test.xlsx, sheet "Tests", cell E9']


def test_tidy_converts_both_ways_without_changing_a_scenario(tmp_path: Path) -> None:
    path = _classic(tmp_path)
    original = dump_lines(read_workbook(path))
    scenarios = _scenarios(tmp_path)

    results = tidy_directory(tmp_path, tests_layout="per-kolom")

    assert "indeling Tests 1" in results[0].summary()
    ws = openpyxl.load_workbook(path)["Tests"]
    assert [ws.cell(r, 1).value for r in range(1, 10)] == ["Scenario", "Lid", "Omschrijving", "Bron", *KINDS]
    assert [ws.cell(1, c).value for c in range(3, 6)] == ["S-01", "S-01", "S-02"]
    assert ws.freeze_panes == "C5"
    assert _scenarios(tmp_path) == scenarios
    assert content_lines(read_workbook(path)) == original
    assert [r.line() for r in tidy_directory(tmp_path, tests_layout="per-kolom")] == ["H2_test.xlsx: niets te doen"]
    assert [r.line() for r in tidy_directory(tmp_path)] == ["H2_test.xlsx: niets te doen"]

    tidy_directory(tmp_path, tests_layout="per-rij")

    assert dump_lines(read_workbook(path)) == original
    assert openpyxl.load_workbook(path)["Tests"].freeze_panes == "E3"
