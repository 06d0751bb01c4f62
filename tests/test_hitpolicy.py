"""Every DMN hit policy, end to end: workbook -> durable-rules network -> decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from factory import TableSpec, WorkbookSpec, write_workbook

from engine.api import decide, load_rule_base
from engine.case import Case, Member
from engine.trace import Decision
from engine.types import Value

ROWS = [
    ("R-1", "> 0", "laag", "10", "§1"),
    ("R-2", "> 5", "hoog", "20", "§1"),
    ("R-3", "> 5", "midden", "5", "§1"),
    ("R-4", "< 0", "laag", "1", "§1"),
]


def rule_base(
    tmp_path: Path,
    policy: str,
    outputs: tuple[str, ...],
    list_outputs: bool,
    rows: list[tuple[str, ...]] = ROWS,
):
    suffix = "lijst van " if list_outputs else ""
    glossary = [
        ("n", "gezinslid", "getal", "", "Invoer", "invoer"),
        ("niveau", "gezinslid", suffix + "keuze", "hoog, midden, laag", "Uitvoer 1", "afgeleid"),
        ("punten", "gezinslid", suffix + "getal", "", "Uitvoer 2", "afgeleid"),
    ]
    glossary = [g for g in glossary if g[0] == "n" or g[0] in outputs]
    columns = {"niveau": 2, "punten": 3}
    table_rows = [(r[0], r[1], *(r[columns[o]] for o in outputs), r[4]) for r in rows]
    table = TableSpec(
        "T",
        hit_policy=policy,
        kinds=("Invoer", *("Uitvoer",) * len(outputs), "Bron"),
        facts=("n", *outputs, ""),
        rows=table_rows,
    )
    write_workbook(tmp_path, WorkbookSpec("H.xlsx", glossary=glossary, tables=[table]))
    return load_rule_base(tmp_path)


def decision_of(
    tmp_path: Path,
    policy: str,
    outputs: tuple[str, ...],
    n: int,
    list_outputs: bool = False,
    rows: list[tuple[str, ...]] = ROWS,
) -> Decision:
    base = rule_base(tmp_path, policy, outputs, list_outputs, rows)
    case = Case(
        dt.date(2026, 11, 1),
        {"beslisdatum": dt.date(2026, 11, 1)},
        {},
        (Member("lid", {"n": Decimal(n)}),),
        label="zaak-1",
    )
    return decide(case, base)


def run(
    tmp_path: Path,
    policy: str,
    outputs: tuple[str, ...],
    n: int,
    list_outputs: bool = False,
    rows: list[tuple[str, ...]] = ROWS,
) -> dict[str, Value]:
    member = decision_of(tmp_path, policy, outputs, n, list_outputs, rows).gezinsleden[0]
    return {f: member.facts[f] for f in outputs if f in member.facts}


def test_unique_single_match(tmp_path: Path) -> None:
    assert run(tmp_path, "U", ("niveau",), 3) == {"niveau": "laag"}


def test_unique_no_match_leaves_the_output_unknown(tmp_path: Path) -> None:
    assert run(tmp_path, "U", ("niveau",), 0) == {}


def test_unique_violation_names_table_rules_and_case(tmp_path: Path) -> None:
    decision = decision_of(tmp_path, "U", ("niveau",), 7)
    assert "niveau" not in decision.gezinsleden[0].facts
    assert decision.gezinsleden[0].fired == ()
    assert [c.message("en") for c in decision.conflicts] == [
        'table "T" (H.xlsx, sheet "T"): hit policy U allows at most one matching rule, but rules R-1 (row 8), '
        'R-2 (row 9) and R-3 (row 10) match, for gezinslid "lid" in case zaak-1; left unknown: lid.niveau'
    ]


def test_any_with_equal_outputs(tmp_path: Path) -> None:
    rows = [("A-1", "> 0", "laag", "1", "§1"), ("A-2", "> 5", "laag", "1", "§1")]
    assert run(tmp_path, "A", ("niveau", "punten"), 7, rows=rows) == {"niveau": "laag", "punten": 1}


def test_any_with_different_outputs_is_a_violation(tmp_path: Path) -> None:
    decision = decision_of(tmp_path, "A", ("niveau",), 7)
    assert "niveau" not in decision.gezinsleden[0].facts
    assert [c.message("nl") for c in decision.conflicts] == [
        'tabel "T" (H.xlsx, blad "T"): hitbeleid A staat meer passende regels alleen toe als ze dezelfde uitvoer '
        'geven, maar de regels R-1 (rij 8), R-2 (rij 9) en R-3 (rij 10) passen, voor gezinslid "lid" in zaak '
        "zaak-1; onbekend gebleven: lid.niveau"
    ]


def test_priority_ranks_by_the_order_of_the_allowed_values(tmp_path: Path) -> None:
    assert run(tmp_path, "P", ("niveau", "punten"), 7) == {"niveau": "hoog", "punten": 20}


def test_first_takes_the_first_match_in_table_order(tmp_path: Path) -> None:
    assert run(tmp_path, "F", ("niveau", "punten"), 7) == {"niveau": "laag", "punten": 10}


def test_rule_order_lists_every_match_in_table_order(tmp_path: Path) -> None:
    assert run(tmp_path, "R", ("niveau", "punten"), 7, list_outputs=True) == {
        "niveau": ("laag", "hoog", "midden"),
        "punten": (10, 20, 5),
    }


def test_output_order_lists_every_match_by_priority(tmp_path: Path) -> None:
    assert run(tmp_path, "O", ("niveau", "punten"), 7, list_outputs=True) == {
        "niveau": ("hoog", "midden", "laag"),
        "punten": (20, 5, 10),
    }


def test_collect_without_matches_is_the_empty_list(tmp_path: Path) -> None:
    assert run(tmp_path, "C", ("niveau",), 0, list_outputs=True) == {"niveau": ()}


@pytest.mark.parametrize(
    ("policy", "n", "expected"),
    [
        ("C+", 7, {"punten": 35}),
        ("C<", 7, {"punten": 5}),
        ("C>", 7, {"punten": 20}),
        ("C#", 7, {"punten": 3}),
        ("C#", 0, {"punten": 0}),
        ("C+", 0, {}),
        ("C<", 0, {}),
    ],
)
def test_collect_aggregations(tmp_path: Path, policy: str, n: int, expected: dict[str, Value]) -> None:
    assert run(tmp_path, policy, ("punten",), n) == expected


def test_collect_count_counts_every_output_not_distinct_ones(tmp_path: Path) -> None:
    rows = [("K-1", "> 0", "laag", "1", "§1"), ("K-2", "> 0", "laag", "1", "§1")]
    assert run(tmp_path, "C#", ("punten",), 3, rows=rows) == {"punten": 2}


def test_collect_sum_is_exact_for_amounts(tmp_path: Path) -> None:
    rows = [("S-1", "> 0", "laag", "0.1", "§1"), ("S-2", "> 0", "laag", "0.2", "§1")]
    assert run(tmp_path, "C+", ("punten",), 3, rows=rows) == {"punten": Decimal("0.3")}
