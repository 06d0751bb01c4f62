"""Property, on random small tables over a date and a ja/nee fact, under hit policies U and A: every reported
overlap or conflict has an example input that matches both rows, and no input drawn at random (or on the
boundaries) matches two rows that the analysis did not report (for A: two rows with different outputs)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from test_analysis_property import small_table

from engine.analysis import FactDomains, analyse_table, needs_of, row_matches
from engine.errors import Location
from engine.expressions import parse_literal_value
from engine.model import DecisionTable, Fact, HitPolicy, RuleBase
from engine.types import DATUM, JA_NEE, FactType, Kind, Value

OUTPUT = FactType(Kind.KEUZE, ("x", "y"))
GLOSSARY = {
    "d": Fact("d", "gezinslid", DATUM, "", True, Location()),
    "b": Fact("b", "gezinslid", JA_NEE, "", True, Location()),
    "o": Fact("o", "gezinslid", OUTPUT, "", False, Location()),
}
TYPES = {name: fact.type for name, fact in GLOSSARY.items()}
D_ENTRIES = [
    "-",
    "< 2026-03-01",
    "<= 2026-03-01",
    "> 2026-03-01",
    ">= 2026-03-02",
    "[2026-02-01..2026-03-31]",
    "(2026-02-01..2026-03-31)",
    "]2026-02-28..2026-03-02[",
    "2026-03-01",
    "!= 2026-03-01",
    "2026-02-01, 2026-04-01",
    "not(2026-03-01, 2026-03-31)",
]
B_ENTRIES = ["-", "ja", "nee", "ja, nee"]
BOUNDARIES = [
    dt.date(2026, 1, 31),
    dt.date(2026, 2, 1),
    dt.date(2026, 2, 2),
    dt.date(2026, 2, 28),
    dt.date(2026, 3, 1),
    dt.date(2026, 3, 2),
    dt.date(2026, 3, 3),
    dt.date(2026, 3, 31),
    dt.date(2026, 4, 1),
    dt.date(2026, 4, 2),
]


def _table(rows: list[tuple[str, str, str]], policy: HitPolicy) -> tuple[DecisionTable, RuleBase]:
    return small_table(("d", "b"), list(rows), policy, GLOSSARY)


ROWS = st.lists(
    st.tuples(st.sampled_from(D_ENTRIES), st.sampled_from(B_ENTRIES), st.sampled_from(["x", "y"])),
    min_size=2,
    max_size=4,
)
DATES = st.one_of(st.none(), st.dates(dt.date(2026, 1, 20), dt.date(2026, 4, 10)))
INPUTS = st.lists(st.tuples(DATES, st.sampled_from([True, False, None])), max_size=30)


def _facts(d: dt.date | None, b: bool | None) -> dict[str, Value]:
    facts: dict[str, Value] = {}
    if d is not None:
        facts["d"] = d
    if b is not None:
        facts["b"] = b
    return facts


def _check(
    rows: list[tuple[str, str, str]], policy: HitPolicy, drawn: list[tuple[dt.date | None, bool | None]]
) -> None:
    table, rule_base = _table(rows, policy)
    domains = FactDomains(rule_base)
    report = analyse_table(table, domains, needs_of(rule_base, domains, frozenset()))
    kind = "overlap" if policy is HitPolicy.UNIQUE else "conflict"
    by_id = {rule.rule_id: rule for rule in table.rules}
    reported = set()
    for finding in (f for f in report.findings if f.kind == kind):
        first, second = (by_id[rule_id] for rule_id in finding.rules)
        facts: dict[str, Value] = {fact: parse_literal_value(value, TYPES[fact]) for fact, value in finding.example}
        assert row_matches(first, facts) is True, (finding.example, first.rule_id, rows)
        assert row_matches(second, facts) is True, (finding.example, second.rule_id, rows)
        reported.add(frozenset(finding.rules))
    grid = [(d, b) for d in [None, *BOUNDARIES] for b in (True, False, None)]
    for d, b in [*grid, *drawn]:
        facts = _facts(d, b)
        matching = [rule for rule in table.rules if row_matches(rule, facts) is True]
        for i, first in enumerate(matching):
            for second in matching[i + 1 :]:
                if policy is HitPolicy.ANY and first.outputs[0].text == second.outputs[0].text:
                    continue  # A allows several matching rows that set the same output
                assert frozenset({first.rule_id, second.rule_id}) in reported, (facts, first.rule_id, second.rule_id)


@settings(max_examples=200, deadline=None)
@given(ROWS, INPUTS)
def test_unique_overlaps_over_dates_and_ja_nee(
    rows: list[tuple[str, str, str]], drawn: list[tuple[dt.date | None, bool | None]]
) -> None:
    _check(rows, HitPolicy.UNIQUE, drawn)


@settings(max_examples=200, deadline=None)
@given(ROWS, INPUTS)
def test_any_conflicts_over_dates_and_ja_nee(
    rows: list[tuple[str, str, str]], drawn: list[tuple[dt.date | None, bool | None]]
) -> None:
    _check(rows, HitPolicy.ANY, drawn)


def test_the_property_can_fail() -> None:
    """A check that cannot fail proves nothing: with the overlap findings removed, the property must fail."""
    import pytest

    from engine import analysis

    rows = [("< 2026-03-01", "-", "x"), ("[2026-02-01..2026-03-31]", "ja", "y")]
    original = analysis.analyse_table

    def silent(table: DecisionTable, domains: FactDomains, needs: object) -> analysis.TableReport:
        report = original(table, domains, needs)  # type: ignore[arg-type]
        report.findings[:] = [f for f in report.findings if f.kind not in ("overlap", "conflict")]
        return report

    globals()["analyse_table"] = silent
    try:
        with pytest.raises(AssertionError):
            _check(rows, HitPolicy.UNIQUE, [])
    finally:
        globals()["analyse_table"] = original


def test_an_overlap_on_every_known_value_names_one() -> None:
    """`ja, nee` matches every known value but not an unknown one: the example must give a value (found by the
    property above: the example was "elke invoer", which an unknown b does not fit)."""
    from engine.findings import message

    table, rule_base = _table([("-", "ja, nee", "x"), ("-", "-", "y")], HitPolicy.UNIQUE)
    domains = FactDomains(rule_base)
    report = analyse_table(table, domains, needs_of(rule_base, domains, frozenset()))
    assert [message(f) for f in report.findings if f.kind == "overlap"] == [
        "regels R-0 en R-1 overlappen bij b = ja; hitbeleid U staat maar één passende regel toe"
    ]
