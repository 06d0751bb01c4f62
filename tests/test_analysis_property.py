"""Property: on random small U tables, every reported overlap's example matches both rows, and where no overlap
is reported, no input matches two rows (checked with the evaluator the engine uses)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.analysis import FactDomains, analyse_table, needs_of, row_matches
from engine.errors import Location
from engine.expressions import parse_input_entry, parse_literal_value
from engine.model import DecisionTable, Fact, HitPolicy, InputEntry, OutputEntry, Rule, RuleBase
from engine.typecheck import check_expression, check_input_entry
from engine.types import GETAL, FactType, Kind, Value

KEUZE = FactType(Kind.KEUZE, ("a", "b", "c"))
OUTPUT = FactType(Kind.KEUZE, ("x", "y"))
GLOSSARY = {
    "k": Fact("k", "gezinslid", KEUZE, "", True, Location()),
    "n": Fact("n", "gezinslid", GETAL, "", True, Location()),
    "o": Fact("o", "gezinslid", OUTPUT, "", False, Location()),
}
TYPES = {name: fact.type for name, fact in GLOSSARY.items()}
K_ENTRIES = ["-", "a", "c", "b, c", "not(a)", "not(a, b)"]
N_ENTRIES = ["-", "< 2", "<= 2", "> 1", ">= 3", "[1..3]", "(1..3)", "[2..2]", "!= 2", "2", "1.5", "]1..2]"]
K_VALUES: list[str | None] = ["a", "b", "c", None]
N_VALUES = [None, *(Decimal(v) for v in ("0", "1", "1.5", "2", "2.5", "3", "4", "-7", "2.0001", "0.9999"))]


def table_rule(index: int, entries: dict[str, str], output: str, glossary: dict[str, Fact]) -> Rule:
    """Rule `index` (sheet row index + 8) of a small table: one input entry per fact, output `o` set to `output`."""
    types = {name: fact.type for name, fact in glossary.items()}
    inputs = []
    for column, (fact, text) in zip("BCDEFG", entries.items(), strict=False):
        typed = check_input_entry(parse_input_entry(text), types[fact], types, subject_name=fact)
        location = Location("T.xlsx", "T", f"{column}{index + 8}")
        inputs.append(InputEntry(fact, text, typed.node, typed.facts - {fact}, location))  # type: ignore[arg-type]
    expression = check_expression(parse_input_entry(output).operand, types, OUTPUT).node  # type: ignore[union-attr]
    outputs = (
        OutputEntry(
            "o", output, expression, frozenset(), Location("T.xlsx", "T", f"{'BCDEFG'[len(entries)]}{index + 8}")
        ),
    )  # type: ignore[arg-type]
    return Rule(
        f"R-{index}",
        index + 8,
        tuple(inputs),
        outputs,
        "§2.2",
        "",
        Location(),
        "",
        Location("T.xlsx", "T", f"A{index + 8}"),
    )


def small_table(
    inputs: tuple[str, ...], rows: list[tuple[str, ...]], policy: HitPolicy, glossary: dict[str, Fact]
) -> tuple[DecisionTable, RuleBase]:
    """A table named T testing `inputs` (each row: one entry per input, then the output), in a rule base of its own."""
    rules = tuple(
        table_rule(i, dict(zip(inputs, row[:-1], strict=True)), row[-1], glossary) for i, row in enumerate(rows)
    )
    table = DecisionTable("T", "gezinslid", policy, "§2.2", "", inputs, ("o",), rules, "T.xlsx", "T", Location())
    return table, RuleBase(glossary, (table,), (), {}, (), (), "", ("T.xlsx",))


def _table(rows: list[tuple[str, str, str]]) -> tuple[DecisionTable, RuleBase]:
    return small_table(("k", "n"), list(rows), HitPolicy.UNIQUE, GLOSSARY)


ROWS = st.lists(
    st.tuples(st.sampled_from(K_ENTRIES), st.sampled_from(N_ENTRIES), st.sampled_from(["x", "y"])),
    min_size=2,
    max_size=4,
)


def _facts(k: str | None, n: Decimal | None) -> dict[str, Value]:
    facts: dict[str, Value] = {}
    if k is not None:
        facts["k"] = k
    if n is not None:
        facts["n"] = n
    return facts


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_overlaps_are_real_and_complete(rows: list[tuple[str, str, str]]) -> None:
    table, rule_base = _table(rows)
    domains = FactDomains(rule_base)
    report = analyse_table(table, domains, needs_of(rule_base, domains, frozenset()))
    overlaps = [f for f in report.findings if f.kind == "overlap"]
    by_id = {rule.rule_id: rule for rule in table.rules}
    reported = set()
    for finding in overlaps:
        first, second = (by_id[rule_id] for rule_id in finding.rules)
        facts: dict[str, Value] = {fact: parse_literal_value(value, TYPES[fact]) for fact, value in finding.example}
        assert row_matches(first, facts) is True, (finding.example, first.rule_id)
        assert row_matches(second, facts) is True, (finding.example, second.rule_id)
        reported.add(frozenset(finding.rules))
    for k in K_VALUES:
        for n in N_VALUES:
            facts = _facts(k, n)
            matching = [rule.rule_id for rule in table.rules if row_matches(rule, facts) is True]
            for i, a in enumerate(matching):
                for b in matching[i + 1 :]:
                    assert frozenset({a, b}) in reported, (facts, a, b, rows)
