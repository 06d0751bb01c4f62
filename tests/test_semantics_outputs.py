"""Multi-output list tables keep their rows aligned; a table's Standaard row gives its default outputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from factory import TableSpec, WorkbookSpec, write_workbook

from engine.api import decide, load_rule_base
from engine.case import Case, Member
from engine.errors import WorkbookProblems
from engine.trace import Decision, EntityResult

TODAY = dt.date(2026, 11, 1)


def glossary(list_outputs: bool) -> list[tuple[str, ...]]:
    lijst = "lijst van " if list_outputs else ""
    return [
        ("k", "gezinslid", "getal", "", "", "invoer"),
        ("x", "gezinslid", "getal", "", "", "invoer"),
        ("n", "gezinslid", lijst + "getal", "", "", "afgeleid"),
        ("s", "gezinslid", lijst + "keuze", "hoog, midden, laag", "", "afgeleid"),
    ]


def member_of(tmp_path: Path, policy: str, rows: list[tuple[object, ...]], facts: dict[str, object]) -> EntityResult:
    return decision_of(tmp_path, policy, rows, facts).gezinsleden[0]


def decision_of(tmp_path: Path, policy: str, rows: list[tuple[object, ...]], facts: dict[str, object]) -> Decision:
    table = TableSpec(
        "T",
        hit_policy=policy,
        kinds=("Invoer", "Uitvoer", "Uitvoer", "Bron", "Motivering"),
        facts=("k", "n", "s", "", ""),
        rows=rows,
    )
    spec = WorkbookSpec("T.xlsx", glossary=glossary(policy in ("R", "O", "C")), tables=[table])
    write_workbook(tmp_path, spec)
    case = Case(TODAY, {"beslisdatum": TODAY}, {}, (Member("lid", facts),), label="zaak")  # type: ignore[arg-type]
    return decide(case, load_rule_base(tmp_path))


ALIGNED = [
    ("A-1", "> 0", "x", "laag", "§1", ""),
    ("A-2", "> 1", "5", "hoog", "§1", ""),
    ("A-3", "> 9", "7", "midden", "§1", ""),
]


@pytest.mark.parametrize("policy", ["C", "R"])
def test_an_unknown_output_keeps_its_place_so_the_columns_line_up(tmp_path: Path, policy: str) -> None:
    """x is unknown, so row A-1's n is unknown: n is [null, 5], not [5], next to s = [laag, hoog]."""
    member = member_of(tmp_path, policy, ALIGNED, {"k": Decimal(3)})
    assert member.facts["n"] == (None, Decimal(5))
    assert member.facts["s"] == ("laag", "hoog")
    assert [(r.rule_id, dict(r.set)) for r in member.fired] == [
        ("A-1", {"s": "laag"}),
        ("A-2", {"n": Decimal(5), "s": "hoog"}),
    ]


def test_output_order_sorts_whole_rows(tmp_path: Path) -> None:
    member = member_of(tmp_path, "O", ALIGNED, {"k": Decimal(10)})
    assert member.facts["s"] == ("hoog", "midden", "laag")
    assert member.facts["n"] == (Decimal(5), Decimal(7), None)
    assert [r.rule_id for r in member.fired] == ["A-2", "A-3", "A-1"]


def test_aligned_lists_in_json_have_explicit_nulls(tmp_path: Path) -> None:
    decision = decision_of(tmp_path, "C", ALIGNED, {"k": Decimal(3)})
    feiten = decision.to_json()["gezinsleden"][0]["feiten"]
    assert (feiten["n"], feiten["s"]) == ([None, "5"], ["laag", "hoog"])


def test_known_outputs_are_lists_of_values(tmp_path: Path) -> None:
    member = member_of(tmp_path, "C", ALIGNED, {"k": Decimal(3), "x": Decimal(2)})
    assert (member.facts["n"], member.facts["s"]) == ((Decimal(2), Decimal(5)), ("laag", "hoog"))


DEFAULTED = [
    ("D-1", "> 5", "5", "hoog", "§1", "Hoog."),
    ("Standaard", "-", "0", "laag", "§1.2", "Geen regel past: laag."),
]


def test_a_standaard_row_gives_the_outputs_when_no_rule_matches(tmp_path: Path) -> None:
    decision = decision_of(tmp_path, "U", DEFAULTED, {"k": Decimal(3)})
    member = decision.gezinsleden[0]
    assert (member.facts["n"], member.facts["s"]) == (Decimal(0), "laag")
    (fired,) = member.fired
    assert (fired.rule_id, fired.row, fired.is_default, fired.source, fired.motivation) == (
        "Standaard (T)",
        9,
        True,
        "§1.2",
        "Geen regel past: laag.",
    )
    assert (dict(fired.matched), dict(fired.set)) == ({}, {"n": Decimal(0), "s": "laag"})
    (traced,) = decision.to_json()["gezinsleden"][0]["gevuurde_regels"]
    assert (traced["regel"], traced["standaard"], traced["gezet"]) == ("Standaard (T)", True, {"n": "0", "s": "laag"})


def test_a_standaard_row_is_not_used_when_a_rule_matches(tmp_path: Path) -> None:
    decision = decision_of(tmp_path, "U", DEFAULTED, {"k": Decimal(7)})
    member = decision.gezinsleden[0]
    assert (member.facts["n"], member.facts["s"]) == (Decimal(5), "hoog")
    assert [(r.rule_id, r.is_default) for r in member.fired] == [("D-1", False)]
    assert "standaard" not in decision.to_json()["gezinsleden"][0]["gevuurde_regels"][0]


def test_a_standaard_row_is_used_when_an_unknown_fact_keeps_every_rule_from_matching(tmp_path: Path) -> None:
    member = member_of(tmp_path, "F", DEFAULTED, {})
    assert (member.facts["n"], member.facts["s"]) == (Decimal(0), "laag")


def test_a_column_without_a_default_stays_unknown(tmp_path: Path) -> None:
    rows = [DEFAULTED[0], ("Standaard", "", "", "laag", "§1.2", "")]
    member = member_of(tmp_path, "U", rows, {"k": Decimal(3)})
    assert "n" not in member.facts
    assert member.facts["s"] == "laag"


def test_a_collect_table_with_a_default_gives_a_list_of_it(tmp_path: Path) -> None:
    member = member_of(tmp_path, "C", DEFAULTED, {"k": Decimal(3)})
    assert (member.facts["n"], member.facts["s"]) == ((Decimal(0),), ("laag",))


def test_a_collect_sum_with_a_default(tmp_path: Path) -> None:
    table = TableSpec(
        "Som",
        hit_policy="C+",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("k", "n", ""),
        rows=[("S-1", "> 5", "5", "§1"), ("S-2", "> 6", "2", "§1"), ("standaard", "", "-1", "§1")],
    )
    write_workbook(tmp_path, WorkbookSpec("S.xlsx", glossary=glossary(False)[:3], tables=[table]))
    rule_base = load_rule_base(tmp_path)

    def total(k: int) -> object:
        case = Case(TODAY, {"beslisdatum": TODAY}, {}, (Member("lid", {"k": Decimal(k)}),))
        return decide(case, rule_base).gezinsleden[0].facts["n"]

    assert (total(7), total(6), total(1)) == (Decimal(7), Decimal(5), Decimal(-1))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ("Standaard", "> 1", "0", "laag", "§1", ""),
            'T.xlsx, sheet "T", cell B9: een Standaard-rij test niets: laat haar invoercellen leeg of zet er - in; '
            "haar uitvoer geldt wanneer geen regel past",
        ),
        (
            ("Standaard", "-", "k + 1", "laag", "§1", ""),
            'T.xlsx, sheet "T", cell C9: een standaardwaarde is een vaste waarde (zoals 0, nee of een keuzewaarde), '
            "maar 'k + 1' leest k",
        ),
        (
            ("Standaard", "-", "", "", "§1", ""),
            'T.xlsx, sheet "T", cell A9: een Standaard-rij geeft ten minste één uitvoerkolom een waarde (de waarde '
            "wanneer geen regel past)",
        ),
        (
            ("Standaard", "-", "0", "laag", "", ""),
            'T.xlsx, sheet "T", cell E9: ontbrekende Bron: ook een standaardwaarde noemt de paragraaf van de WI '
            "waarop zij berust",
        ),
    ],
)
def test_a_bad_standaard_row_is_a_located_error(tmp_path: Path, row: tuple[object, ...], message: str) -> None:
    with pytest.raises(WorkbookProblems) as raised:
        decision_of(tmp_path, "U", [DEFAULTED[0], row], {})
    assert [str(p) for p in raised.value.problems] == [message]


def test_two_standaard_rows_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(WorkbookProblems) as raised:
        decision_of(tmp_path, "U", [*DEFAULTED, ("standaard", "-", "1", "hoog", "§1", "")], {})
    assert [str(p) for p in raised.value.problems] == [
        'T.xlsx, sheet "T", cell A10: deze tabel heeft al een Standaard-rij (rij 9); geef elke uitvoerkolom '
        "hoogstens één standaardwaarde"
    ]
