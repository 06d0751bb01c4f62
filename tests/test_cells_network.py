"""The DMN constructs end to end: random facts give the same fired rows through the durable-rules network (decide)
as through the Python evaluator, and calculations with the new functions give exact values through decide()."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from factory import TableSpec, WorkbookSpec, write_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine.case
import engine.compiler
from engine.api import engine_for, load_rule_base
from engine.case import Case, Member, read_case
from engine.evaluate import Scope, matches
from engine.expressions import needs_python_evaluation
from engine.model import RuleBase
from engine.types import Duration, Value

GLOSSARY = [
    ("n", "gezinslid", "getal", "", "", "invoer"),
    ("grens", "gezinslid", "getal", "", "", "invoer"),
    ("t", "gezinslid", "tekst", "", "", "invoer"),
    ("k", "gezinslid", "keuze", "rood, groen, blauw", "", "invoer"),
    ("ks", "gezinslid", "lijst van keuze", "rood, groen, blauw", "", "invoer"),
    ("u", "gezinslid", "duur", "", "", "invoer"),
    ("klachten", "gezinslid", "lijst van tekst", "", "", "invoer"),
    ("d", "gezinslid", "datum", "", "", "invoer"),
]

# Tests the network can decide as it is, or that the compiler already hands to Python (durations, lists).
ENTRIES = {
    "n": ["> abs(grens)", "<= floor(grens)", "< ceiling(grens) + decimal(grens, 0)", "modulo(grens, 3)", "[0..10]"],
    "t": ['"a"', '" a "', '"a \\"b\\""', 'not("b")'],
    "k": ["rood", "not(rood)", "rood, groen"],
    "ks": ["rood", "groen, blauw", "not(rood)", "[rood]"],
    "u": ["> P1Y2M", "[P6M..P1Y]", "> P30D", "not(P1Y)", "< PT12H", "P12M", "null"],
    "klachten": ['"koorts", "hoest"', 'not("koorts")', '"jeuk"', "null", 'not("jeuk"), null'],
    "d": ['> @"2026-06-12"', '<= date("2026-01-01") + P6M', '[date(2026, 1, 1)..@"2026-12-31"]'],
}
# Tests the network cannot decide: null on a scalar fact, a list on the other side, ordering of text. They need the
# compiler to ask expressions.needs_python_evaluation (see the report of helper E).
PYTHON_ENTRIES = {
    "n": ["null", "not(null)", "1, null", "not(1, 3), null", "not(null), > 5"],
    "t": ['> "b"', '["a".."c")', '< "é"', "not(null)"],
    "k": ["not(rood), null", "ks", "!= ks", "null"],
}


def _rule_base(directory: Path, entries: dict[str, list[str]]) -> RuleBase:
    glossary = list(GLOSSARY)
    tables = []
    for fact, texts in entries.items():
        output = f"geraakt_{fact}"
        glossary.append((output, "gezinslid", "lijst van tekst", "", "", "afgeleid"))
        rows = [(f"{fact}-{i}", text, f'"{fact}-{i}"', "§0") for i, text in enumerate(texts)]
        tables.append(
            TableSpec(
                f"T_{fact}", hit_policy="C", kinds=("Invoer", "Uitvoer", "Bron"), facts=(fact, output, ""), rows=rows
            )
        )
    write_workbook(directory, WorkbookSpec("C.xlsx", glossary=glossary, tables=tables))
    return load_rule_base(directory)


@pytest.fixture(scope="module")
def rule_base(tmp_path_factory: pytest.TempPathFactory) -> RuleBase:
    return _rule_base(tmp_path_factory.mktemp("cells"), ENTRIES)


@pytest.fixture(scope="module")
def python_rule_base(tmp_path_factory: pytest.TempPathFactory) -> RuleBase:
    return _rule_base(tmp_path_factory.mktemp("cells_python"), PYTHON_ENTRIES)


TODAY = dt.date(2026, 6, 1)


def fired_and_expected(rule_base: RuleBase, facts: dict[str, Value | None]) -> tuple[list[str], list[str]]:
    known = {k: v for k, v in facts.items() if v is not None}
    decision = engine_for(rule_base).decide(Case(TODAY, {"beslisdatum": TODAY}, {}, (Member("lid", known),)))
    fired = sorted(r.rule_id for r in decision.gezinsleden[0].fired)
    visible = {**known, "beslisdatum": TODAY}
    expected = sorted(
        rule.rule_id
        for table in rule_base.tables
        for rule in table.rules
        if all(matches(e.test, visible.get(e.fact), Scope(visible)) is True for e in rule.inputs)
    )
    return fired, expected


numbers = st.one_of(st.none(), st.decimals(min_value=-3, max_value=12, places=1))
texts = st.one_of(st.none(), st.sampled_from(["a", " a ", 'a "b"', "b", "bb", "c", "é", "Z", ""]))
choices = st.one_of(st.none(), st.sampled_from(["rood", "groen", "blauw"]))
choice_lists = st.one_of(st.none(), st.lists(st.sampled_from(["rood", "groen", "blauw"]), max_size=3).map(tuple))
DURATIONS = [Duration(years=1), Duration(months=12), Duration(months=14), Duration(months=6), Duration(months=7)]
durations = st.one_of(
    st.none(), st.sampled_from([*DURATIONS, Duration(days=30), Duration(days=1), Duration(seconds=3600)])
)
complaints = st.one_of(st.none(), st.lists(st.sampled_from(["koorts", "hoest", "jeuk"]), max_size=3).map(tuple))
dates = st.one_of(st.none(), st.dates(dt.date(2025, 6, 1), dt.date(2027, 6, 1)))
facts = st.fixed_dictionaries(
    {"n": numbers, "grens": numbers, "t": texts, "k": choices, "ks": choice_lists, "u": durations}
    | {"klachten": complaints, "d": dates}
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(facts=facts)
def test_the_network_fires_what_the_evaluator_says(rule_base: RuleBase, facts: dict[str, Value | None]) -> None:
    fired, expected = fired_and_expected(rule_base, facts)
    assert fired == expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(facts=facts)
def test_the_network_fires_what_the_evaluator_says_for_null_lists_and_text_order(
    python_rule_base: RuleBase, facts: dict[str, Value | None]
) -> None:
    fired, expected = fired_and_expected(python_rule_base, facts)
    assert fired == expected


def test_known_examples(rule_base: RuleBase) -> None:
    example: dict[str, Value | None] = {
        "n": Decimal(5), "grens": Decimal("2.5"), "t": 'a "b"', "k": None, "ks": ("groen",),
        "u": Duration(months=13), "klachten": ("hoest",), "d": dt.date(2026, 6, 13),
    }  # fmt: skip
    fired, expected = fired_and_expected(rule_base, example)
    assert fired == expected
    assert fired == [
        "d-0", "d-1", "d-2", "klachten-0", "klachten-1", "klachten-4", "ks-1", "ks-2",
        "n-0", "n-4", "t-2", "t-3", "u-3",
    ]  # fmt: skip


def test_an_unknown_fact_fires_null_rows_but_never_not(rule_base: RuleBase) -> None:
    nothing: dict[str, Value | None] = dict.fromkeys(("n", "grens", "t", "k", "ks", "u", "klachten", "d"))
    fired, _ = fired_and_expected(rule_base, nothing)
    assert fired == ["klachten-3", "klachten-4", "u-6"]


def test_the_predicate_names_what_the_network_cannot_decide(python_rule_base: RuleBase) -> None:
    types = {name: fact.type for name, fact in python_rule_base.glossary.items()}
    decided_in_python = {
        rule.inputs[0].text: needs_python_evaluation(rule.inputs[0].test, types[rule.inputs[0].fact], types)
        for table in python_rule_base.tables
        for rule in table.rules
    }
    assert all(decided_in_python.values())
    rule_base_types = dict(types)
    from engine.expressions import parse_input_entry
    from engine.typecheck import check_input_entry

    def asks(text: str, fact: str) -> bool:
        test = check_input_entry(parse_input_entry(text), rule_base_types[fact], rule_base_types).node
        return needs_python_evaluation(test, rule_base_types[fact], rule_base_types)  # type: ignore[arg-type]

    assert asks("> abs(grens)", "n") is False
    assert asks('"a"', "t") is False
    assert asks("rood, groen", "k") is False
    assert asks('> "b"', "t") is True
    assert asks("null", "n") is True
    assert asks("ks", "k") is True


def test_calculations_with_the_new_functions_through_decide(tmp_path: Path) -> None:
    glossary = [
        ("naam", "gezinslid", "tekst", "", "", "invoer"),
        ("klachten", "gezinslid", "lijst van tekst", "", "", "invoer"),
        ("bedragen", "gezinslid", "lijst van bedrag", "", "", "invoer"),
        ("termijn", "gezinslid", "duur", "", "", "invoer"),
        ("begroeting", "gezinslid", "tekst", "", "", "afgeleid"),
        ("lengte", "gezinslid", "getal", "", "", "afgeleid"),
        ("totaal", "gezinslid", "bedrag", "", "", "afgeleid"),
        ("koorts", "gezinslid", "ja/nee", "", "", "afgeleid"),
        ("rest", "gezinslid", "getal", "", "", "afgeleid"),
        ("lang", "gezinslid", "ja/nee", "", "", "afgeleid"),
    ]
    calculations = [
        ("begroeting", 'if naam = null then "onbekend" else "Dag " + upper case(substring(naam, 2, 2))', "§0"),
        ("lengte", "string length(naam)", "§0"),
        ("totaal", "decimal(sum(bedragen), 1)", "§0"),
        ("koorts", 'list contains(klachten, "koorts") and count(klachten) >= 2', "§0"),
        ("rest", "modulo(-12, 5) + floor(-0.5) + ceiling(0.5) + abs(-1)", "§0"),
        ("lang", "termijn in [P6M..P1Y]", "§0"),
    ]
    write_workbook(tmp_path, WorkbookSpec("B.xlsx", glossary=glossary, calculations=calculations))
    rule_base = load_rule_base(tmp_path)
    member = Member(
        "lid",
        {
            "naam": " Hi ",
            "klachten": ("hoest", "koorts"),
            "bedragen": (Decimal("10.25"), Decimal("0.10")),
            "termijn": Duration(months=13),
        },
    )
    result = engine_for(rule_base).decide(Case(TODAY, {"beslisdatum": TODAY}, {}, (member,))).gezinsleden[0].facts
    assert result["begroeting"] == "Dag HI"
    assert result["lengte"] == Decimal(4)
    assert result["totaal"] == Decimal("10.4")
    assert result["koorts"] is True
    assert result["rest"] == Decimal(4)
    assert result["lang"] is False
    empty = engine_for(rule_base).decide(Case(TODAY, {"beslisdatum": TODAY}, {}, (Member("lid", {}),)))
    assert empty.gezinsleden[0].facts["begroeting"] == "onbekend"
    assert "lengte" not in empty.gezinsleden[0].facts


@pytest.mark.skipif(
    not hasattr(engine.case, "case_value"),
    reason="engine/case.py does not yet read values with expressions.case_value (one-line change at merge)",
)
def test_a_case_text_keeps_its_spaces_and_quotes(tmp_path: Path) -> None:
    glossary = [("naam", "gezinslid", "tekst", "", "", "invoer"), ("lengte", "gezinslid", "getal", "", "", "afgeleid")]
    write_workbook(
        tmp_path, WorkbookSpec("B.xlsx", glossary=glossary, calculations=[("lengte", "string length(naam)", "§0")])
    )
    rule_base = load_rule_base(tmp_path)
    for text, length in [(" Hi ", 4), ('"Hi"', 4), ("Hi", 2)]:
        data = {
            "beslisdatum": "2026-06-01",
            "aanvraag": {},
            "referent": {},
            "gezinsleden": [{"id": "lid", "naam": text}],
        }
        case = read_case(data, rule_base)
        assert case.members[0].facts["naam"] == text
        assert engine_for(rule_base).decide(case).gezinsleden[0].facts["lengte"] == Decimal(length)
