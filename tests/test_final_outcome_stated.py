"""Every scenario states the final outcome per member, so chapters are never tested alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CALCULATIONS, GLOSSARY, TABLES
from factory import WorkbookSpec, write_workbook

from engine.errors import WorkbookProblems
from engine.loader import load_directory

# The base rule base without the sibling table, with `uitkomst` declared the final outcome (Soort eindoordeel).
LATE = ("vluchteling", "2026-05-01", "2026-08-20")
FINAL_GLOSSARY = [
    (*g[:5], "eindoordeel") if g[0] == "uitkomst" else g
    for g in GLOSSARY
    if g[0] not in ("ouders_afgewezen", "eindoordeel")
]


def spec(rows: list[tuple[object, ...]]) -> WorkbookSpec:
    return WorkbookSpec(
        "H2_test.xlsx",
        glossary=FINAL_GLOSSARY,
        tables=TABLES[:2],
        calculations=CALCULATIONS[:1],
        scenario_kinds=("Invoer", "Invoer", "Invoer", "Invoer", "Verwacht", "Verwacht"),
        scenario_facts=("status_referent", "datum_verlening", "datum_indiening", "relatie", "termijn", "uitkomst"),
        scenarios=rows,
    )


def test_a_member_without_a_final_outcome_is_an_error_at_its_lid_cell(tmp_path: Path) -> None:
    rows = [
        ("S-01", "vrouw", "Te laat", "§2.2", *LATE, "echtgenoot", "te_laat", "afwijzen"),
        ("S-01", "kind", "", "", "", "", "", "kind", "te_laat", ""),
    ]
    write_workbook(tmp_path, spec(rows))
    with pytest.raises(WorkbookProblems) as caught:
        load_directory(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        'H2_test.xlsx, sheet "Tests", cell B4: scenario S-01, lid "kind": geef het eindoordeel in een kolom Verwacht '
        "uitkomst (een waarde, of null als onbekend het goede antwoord is); het scenario van een hoofdstuk zegt ook "
        "wat de hele regelbasis beslist"
    ]


def test_null_states_that_unknown_is_the_final_outcome(tmp_path: Path) -> None:
    rows = [
        ("S-01", "vrouw", "Te laat", "§2.2", *LATE, "echtgenoot", "te_laat", "afwijzen"),
        ("S-01", "kind", "", "", "", "", "", "kind", "te_laat", "null"),
    ]
    write_workbook(tmp_path, spec(rows))
    rule_base = load_directory(tmp_path)
    assert [(e.member, e.fact, e.value) for e in rule_base.scenarios[0].expectations if e.fact == "uitkomst"] == [
        ("vrouw", "uitkomst", "afwijzen"),
        ("kind", "uitkomst", None),
    ]


def test_no_final_outcome_is_required_without_a_fact_of_soort_eindoordeel(tmp_path: Path) -> None:
    plain = spec([("S-01", "vrouw", "Te laat", "§2.2", *LATE, "echtgenoot", "te_laat", "")])
    plain.glossary = [(*g[:5], "afgeleid") if g[0] == "uitkomst" else g for g in FINAL_GLOSSARY]
    write_workbook(tmp_path, plain)
    assert [s.scenario_id for s in load_directory(tmp_path).scenarios] == ["S-01"]


def test_only_a_family_members_fact_can_be_the_final_outcome(tmp_path: Path) -> None:
    bad = spec([("S-01", "vrouw", "Te laat", "§2.2", *LATE, "echtgenoot", "te_laat", "afwijzen")])
    bad.glossary = [(*g[:5], "eindoordeel") if g[0] == "nareistermijn_einde" else g for g in FINAL_GLOSSARY]
    write_workbook(tmp_path, bad)
    with pytest.raises(WorkbookProblems) as caught:
        load_directory(tmp_path)
    assert next(str(p) for p in caught.value.problems) == (
        'H2_test.xlsx, sheet "Begrippen", cell F6: nareistermijn_einde is een begrip van de aanvraag; Soort '
        "eindoordeel is het eindoordeel per gezinslid"
    )
