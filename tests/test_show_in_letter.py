"""The `Toon bij` column: a motivation belongs in a letter only for the outcomes its row names."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TABLES, base_spec
from factory import TableSpec, write_workbook

from engine.api import decide, load_rule_base
from engine.case import Case, Member
from engine.errors import WorkbookProblems
from engine.loader import load_directory

BESLISDATUM = dt.date(2026, 11, 1)


def _tables_with_show(cells: tuple[str, str, str], fact: str = "eindoordeel", entity: str = "gezinslid") -> list:
    nareistermijn = TABLES[0]
    rows = [(*row, cell) for row, cell in zip(nareistermijn.rows, cells, strict=True)]
    return [
        replace(
            nareistermijn,
            entity=entity,
            kinds=(*nareistermijn.kinds, "Toon bij"),
            facts=(*nareistermijn.facts, fact),
            rows=rows,
        ),
        *TABLES[1:],
    ]


def _case(indiening: dt.date) -> Case:
    return Case(
        BESLISDATUM,
        {"beslisdatum": BESLISDATUM, "zaaknummer": "Z-1", "datum_indiening": indiening},
        {"status_referent": "vluchteling", "datum_verlening": dt.date(2026, 5, 1)},
        (Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "ja"}),),
        label="Z-1",
    )


def test_a_motivation_is_in_the_letter_only_when_its_toon_bij_test_holds_for_the_final_outcome(
    tmp_path: Path,
) -> None:
    write_workbook(tmp_path, base_spec(tables=_tables_with_show(("afwijzen", "inwilligen", ""))))
    rule_base = load_rule_base(tmp_path)
    late = decide(_case(dt.date(2026, 8, 20)), rule_base).gezinsleden[0]
    assert late.facts["eindoordeel"] == "afwijzen"
    assert [(r.rule_id, r.in_letter) for r in late.fired] == [("2.2-01", True), ("E-01", True), ("4.1-02", True)]
    in_time = decide(_case(dt.date(2026, 8, 1)), rule_base)
    member = in_time.gezinsleden[0]
    assert member.facts["eindoordeel"] == "inwilligen"
    assert [(r.rule_id, r.in_letter) for r in member.fired] == [("2.2-02", True), ("E-04", True), ("4.1-02", True)]
    rows = in_time.to_json()["gezinsleden"][0]["gevuurde_regels"]
    assert [(r["regel"], r["in_brief"], r["tabelvolgorde"]) for r in rows] == [
        ("2.2-02", True, 1),
        ("E-04", True, 2),
        ("4.1-02", True, 3),
    ]


def test_a_motivation_whose_test_fails_or_whose_fact_is_unknown_stays_out_of_the_letter(tmp_path: Path) -> None:
    write_workbook(tmp_path, base_spec(tables=_tables_with_show(("inwilligen", "not(inwilligen)", ""))))
    rule_base = load_rule_base(tmp_path)
    late = decide(_case(dt.date(2026, 8, 20)), rule_base).gezinsleden[0]
    assert next((r.rule_id, r.in_letter) for r in late.fired) == ("2.2-01", False)
    in_time = decide(_case(dt.date(2026, 8, 1)), rule_base).gezinsleden[0]
    assert next((r.rule_id, r.in_letter) for r in in_time.fired) == ("2.2-02", False)
    unknown = replace(_case(dt.date(2026, 8, 1)), members=(Member("vrouw", {"relatie": "echtgenoot"}),))
    member = decide(unknown, rule_base).gezinsleden[0]
    assert "eindoordeel" not in member.facts
    assert [(r.rule_id, r.in_letter) for r in member.fired] == [("2.2-02", False), ("4.1-02", True)]


def test_a_bad_toon_bij_cell_and_an_unknown_fact_are_located(tmp_path: Path) -> None:
    write_workbook(tmp_path, base_spec(tables=_tables_with_show(("afwijzn", "", ""))))
    with pytest.raises(WorkbookProblems) as caught:
        load_directory(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        'H2_test.xlsx, sheet "Nareistermijn", cell G8: unknown fact or value "afwijzn"; known values of keuze: '
        'afwijzen, herstel_verzuim, inwilligen; did you mean "afwijzen"?'
    ]
    write_workbook(tmp_path, base_spec(tables=_tables_with_show(("", "", ""), fact="eindoordel")))
    with pytest.raises(WorkbookProblems) as caught:
        load_directory(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        'H2_test.xlsx, sheet "Nareistermijn", cell G7: onbekend begrip "eindoordel"; bedoelt u eindoordeel?'
    ]


def test_an_aanvraag_table_cannot_show_its_motivations_by_a_members_fact(tmp_path: Path) -> None:
    spec = base_spec()
    spec.glossary = [*spec.glossary, ("termijn_bekend", "aanvraag", "ja/nee", "", "Termijn bekend", "afgeleid")]
    spec.tables = [
        *TABLES,
        TableSpec(
            "Termijn bekend",
            entity="aanvraag",
            kinds=("Invoer", "Uitvoer", "Bron", "Motivering", "Toon bij"),
            facts=("datum_indiening", "termijn_bekend", "", "", "eindoordeel"),
            rows=[("1.1-01", "-", "ja", "§1.1", "Tekst.", "inwilligen")],
        ),
    ]
    write_workbook(tmp_path, spec)
    with pytest.raises(WorkbookProblems) as caught:
        load_directory(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        'H2_test.xlsx, sheet "Termijn bekend", cell B1: Toon bij: eindoordeel belongs to a gezinslid; a table with '
        "Entiteit aanvraag can only show its motivations by a fact of the aanvraag or the referent"
    ]
