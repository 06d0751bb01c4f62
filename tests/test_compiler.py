"""The compiled durable-rules network fires exactly the rows the cell language says match (every construct)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from factory import TableSpec, WorkbookSpec, write_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.api import engine_for, load_rule_base
from engine.case import Case, Member
from engine.compiler import compile_network
from engine.evaluate import Scope, matches
from engine.model import RuleBase

GLOSSARY = [
    ("n", "gezinslid", "getal", "", "", "invoer"),
    ("grens", "gezinslid", "getal", "", "", "invoer"),
    ("d", "gezinslid", "datum", "", "", "invoer"),
    ("peildatum", "aanvraag", "datum", "", "", "invoer"),
    ("k", "gezinslid", "keuze", "rood, groen, blauw", "", "invoer"),
    ("t", "gezinslid", "duur", "", "", "invoer"),
    ("geraakt", "gezinslid", "lijst van tekst", "", "", "afgeleid"),
    ("s", "gezinslid", "tekst", "", "", "invoer"),
    ("s2", "gezinslid", "tekst", "", "", "invoer"),
]

LONG = "x" * 3000  # longer than the engine's own limit for a text it compares directly (compiler.LONG_TEXT)

ENTRIES = {
    "n": [
        "5",
        "!= 5",
        "< 5",
        "<= 5",
        "> 5.5",
        ">= -1",
        "[1..5]",
        "(1..5)",
        "]1..5[",
        "[1..5)",
        "1, 3, > 8",
        "not(1, 3)",
        "not([1..5])",
        "< grens",
        "> grens * 2 - 1",
        "grens",
        "-",
        "0",
        "!= 0",
        "> 0.000000001",
        "<= -0.000000004",
        "0.1234567890123456789",
        "123456789012345678901234567890",
        "> 99999999999.99999999",
        "[-0.00000000000000000001..0.00000000000000000001]",
        ">= grens + 0.00000000001",
    ],
    "d": [
        "2026-06-12",
        "< peildatum",
        "> peildatum + 3 maanden",
        "[peildatum..peildatum + 2 weken]",
        "not(< peildatum - 1 jaar)",
        ">= 2026-01-31 + 1 maand",
    ],
    "k": ["rood", '"groen"', "rood, blauw", "not(rood)", "!= blauw"],
    "t": ["3 maanden", "P3M, P2W", "not(90 dagen)"],
    "s": ['"a"', f'"{LONG}"', f'"{LONG}y"', '"a", "b"', 'not("a")', "s2", "!= s2", "-"],
}


@pytest.fixture(scope="module")
def rule_base(tmp_path_factory: pytest.TempPathFactory) -> RuleBase:
    directory = tmp_path_factory.mktemp("compiler")
    tables = [
        TableSpec(
            f"T_{fact}",
            hit_policy="C",
            kinds=("Invoer", "Uitvoer", "Bron"),
            facts=(fact, "geraakt", ""),
            rows=[(f"{fact}-{i}", entry, f'"{fact}-{i}"', "§0") for i, entry in enumerate(entries)],
        )
        for fact, entries in ENTRIES.items()
    ]
    # One C table may set geraakt; the others set their own list facts.
    glossary = list(GLOSSARY)
    for table in tables[1:]:
        fact = table.name.lower().replace("t_", "geraakt_")
        glossary.append((fact, "gezinslid", "lijst van tekst", "", "", "afgeleid"))
        table.facts = (table.facts[0], fact, "")
    write_workbook(directory, WorkbookSpec("C.xlsx", glossary=glossary, tables=tables))
    return load_rule_base(directory)


def fired_and_expected(rule_base: RuleBase, facts: dict[str, object]) -> tuple[list[str], list[str]]:
    peildatum = dt.date(2026, 6, 1)
    decision = engine_for(rule_base).decide(
        Case(
            peildatum,
            {"beslisdatum": peildatum, "peildatum": peildatum},
            {},
            (Member("lid", {k: v for k, v in facts.items() if v is not None}),),  # type: ignore[misc]
        )
    )
    fired = sorted(r.rule_id for r in decision.gezinsleden[0].fired)
    visible = {k: v for k, v in facts.items() if v is not None} | {"peildatum": peildatum}
    expected = sorted(
        rule.rule_id
        for table in rule_base.tables
        for rule in table.rules
        if all(matches(e.test, visible.get(e.fact), Scope(visible)) is True for e in rule.inputs)  # type: ignore[arg-type]
    )
    return fired, expected


def _scaled(digits: int, places: int) -> st.SearchStrategy[Decimal]:
    bound = 10**digits
    return st.builds(lambda n, p: Decimal(n).scaleb(-p), st.integers(-bound, bound), st.integers(0, places))


# Small numbers near the table's bounds, many decimals (past the 10^-8 that once travelled as scaled integers), and
# numbers far beyond 64 bits.
numbers = st.one_of(
    st.none(),
    st.decimals(min_value=-3, max_value=12, places=1),
    _scaled(3, 25),
    _scaled(40, 12),
    st.sampled_from([Decimal("0.000000004"), Decimal("-0.000000004"), Decimal("1E-20"), Decimal("-1E-21")]),
    st.sampled_from([Decimal("123456789012345678901234567890"), Decimal("123456789012345678901234567891")]),
    st.sampled_from([Decimal("99999999999.99999999"), Decimal("99999999999.999999991"), Decimal("0E-30")]),
)
dates = st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)), st.dates())
choices = st.one_of(st.none(), st.sampled_from(["rood", "groen", "blauw"]))
durations = st.one_of(
    st.none(),
    st.sampled_from(["P3M", "P14D", "P90D", "P1Y"]),
    st.builds(lambda y, m, d: f"P{y}Y{m}M{d}D", st.integers(0, 30), st.integers(0, 30), st.integers(0, 400)),
)
texts = st.one_of(
    st.none(),
    st.sampled_from(["a", "b", "A", " a", "a ", '"a"', "", LONG, LONG + "y", LONG + "z", LONG[:-1]]),
    st.text(max_size=40),
    st.builds(lambda tail: LONG + tail, st.text(max_size=5)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=numbers, grens=numbers, d=dates, k=choices, t=durations, s=texts, s2=texts)
def test_durable_rules_fires_exactly_the_matching_rows(
    rule_base: RuleBase,
    n: Decimal | None,
    grens: Decimal | None,
    d: dt.date | None,
    k: str | None,
    t: str | None,
    s: str | None,
    s2: str | None,
) -> None:
    from engine.expressions import parse_duration

    facts = {"n": n, "grens": grens, "d": d, "k": k, "t": parse_duration(t) if t else None, "s": s, "s2": s2}
    fired, expected = fired_and_expected(rule_base, facts)
    assert fired == expected


@pytest.mark.parametrize(
    ("n", "rows"),
    [
        (Decimal("0.000000004"), ["n-1", "n-11", "n-12", "n-16", "n-18", "n-19", "n-2", "n-3", "n-5"]),
        (Decimal(0), ["n-1", "n-11", "n-12", "n-16", "n-17", "n-2", "n-24", "n-3", "n-5"]),
        (
            Decimal("123456789012345678901234567891"),
            ["n-1", "n-10", "n-11", "n-12", "n-16", "n-18", "n-19", "n-23", "n-4", "n-5"],
        ),
    ],
)
def test_exact_numbers_reach_the_network(rule_base: RuleBase, n: Decimal, rows: list[str]) -> None:
    """0.000000004 is not 0, and 30-digit numbers that differ in their last digit differ in the network too."""
    fired, expected = fired_and_expected(rule_base, {"n": n, "grens": None})
    assert [f for f in fired if f.startswith("n-")] == rows
    assert fired == expected


def test_long_texts_are_compared_whole(rule_base: RuleBase) -> None:
    fired, expected = fired_and_expected(rule_base, {"s": LONG + "y", "s2": LONG + "z"})
    assert [f for f in fired if f.startswith("s-")] == ["s-2", "s-4", "s-6", "s-7"]
    assert fired == expected


def test_known_examples(rule_base: RuleBase) -> None:
    fired, _ = fired_and_expected(
        rule_base, {"n": Decimal(5), "grens": Decimal(3), "d": dt.date(2026, 2, 28), "k": "groen", "t": None}
    )
    numbers = ["n-0", "n-11", "n-16", "n-18", "n-19", "n-25", "n-3", "n-5", "n-6"]
    assert [f for f in fired if f.startswith("n-")] == numbers
    # 2026-01-31 + 1 maand is 2026-02-28: the calendar month ends early, it does not overflow into March.
    assert "d-5" in fired
    assert [f for f in fired if f.startswith("k-")] == ["k-1", "k-3", "k-4"]


def test_an_unknown_fact_fires_only_any_value_rows(rule_base: RuleBase) -> None:
    fired, _ = fired_and_expected(rule_base, {"n": None, "grens": Decimal(1), "d": None, "k": None, "t": None})
    assert fired == ["n-16", "s-7"]


def test_the_ruleset_is_plain_json_with_one_rule_per_row(rule_base: RuleBase) -> None:
    network = compile_network(rule_base)
    rows = sum(len(t.rules) for t in rule_base.tables)
    assert len(network.ruleset) == rows + 1  # plus the rule that opens a session
    by_entry = {
        row.rule.inputs[0].text: network.ruleset[f"r{row.index}"]["all"][0]["m"]["$and"][1:] for row in network.rows
    }
    assert by_entry["[1..5)"] == [{"$and": [{"$gte": {"n": "2na01"}}, {"$lt": {"n": "2na05"}}]}]
    assert by_entry["not(1, 3)"] == [{"$and": [{"$neq": {"n": "2na01"}}, {"$neq": {"n": "2na03"}}]}]
    assert by_entry["< grens"] == [{"$and": [{"$ex": {"grens": 1}}, {"$lt": {"n": {"$m": "grens"}}}]}]
    assert by_entry["rood, blauw"] == [{"$or": [{"k": "rood"}, {"k": "blauw"}]}]
    assert by_entry["2026-06-12"] == [{"d": dt.date(2026, 6, 12).toordinal()}]


def test_text_with_accents_and_quotes_matches(tmp_path: Path) -> None:
    glossary = [
        ("plaats", "gezinslid", "tekst", "", "", "invoer"),
        ("gevonden", "gezinslid", "ja/nee", "", "", "afgeleid"),
    ]
    table = TableSpec(
        "P",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("plaats", "gevonden", ""),
        rows=[("P-1", '"Café De Zwaan, Curaçao"', "ja", "§0"), ("P-2", "-", "nee", "§0")],
    )
    table.hit_policy = "F"
    write_workbook(tmp_path, WorkbookSpec("P.xlsx", glossary=glossary, tables=[table]))
    rule_base = load_rule_base(tmp_path)
    today = dt.date(2026, 6, 1)

    def found(plaats: str) -> object:
        case = Case(today, {"beslisdatum": today}, {}, (Member("lid", {"plaats": plaats}),))
        return engine_for(rule_base).decide(case).gezinsleden[0].facts["gevonden"]

    assert found("Café De Zwaan, Curaçao") is True
    assert found("Cafe De Zwaan, Curacao") is False


def test_tables_that_test_more_facts_than_fit_in_one_durable_fact_are_spread_over_several(tmp_path: Path) -> None:
    facts = [f"f{i}" for i in range(300)]
    glossary = [(f, "gezinslid", "ja/nee", "", "", "invoer") for f in facts]
    glossary += [(f"uit{t}", "gezinslid", "ja/nee", "", "", "afgeleid") for t in range(30)]
    tables = [
        TableSpec(
            f"T{t}",
            kinds=(*("Invoer",) * 10, "Uitvoer", "Bron"),
            facts=(*facts[t * 10 : t * 10 + 10], f"uit{t}", ""),
            rows=[(f"T{t}-1", *("ja",) * 10, "ja", "§0")],
        )
        for t in range(30)
    ]
    write_workbook(tmp_path, WorkbookSpec("W.xlsx", glossary=glossary, tables=tables))
    rule_base = load_rule_base(tmp_path)
    network = compile_network(rule_base)
    assert [len(s.tables) for _, _, strata in network.levels for s in strata] == [24, 6]
    today = dt.date(2026, 6, 1)
    case = Case(today, {"beslisdatum": today}, {}, (Member("lid", dict.fromkeys(facts, True)),))
    decision = engine_for(rule_base).decide(case)
    assert all(decision.gezinsleden[0].facts[f"uit{t}"] is True for t in range(30))
