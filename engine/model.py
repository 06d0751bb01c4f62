"""The rule base as frozen dataclasses: glossary, decision tables, calculations and scenarios, each with locations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from engine.errors import Location
from engine.expressions import AnyValue, Expr, UnaryTest
from engine.types import FactType, Value

ENTITIES = ("aanvraag", "referent", "gezinslid")


@dataclass(frozen=True)
class Fact:
    """One glossary entry."""

    name: str
    entity: str
    type: FactType
    description: str
    is_input: bool
    location: Location
    is_final: bool = False  # Soort eindoordeel: the final outcome per member, which every scenario states


class HitPolicy(Enum):
    UNIQUE = "U"
    ANY = "A"
    PRIORITY = "P"
    FIRST = "F"
    RULE_ORDER = "R"
    OUTPUT_ORDER = "O"
    COLLECT = "C"
    COLLECT_SUM = "C+"
    COLLECT_MIN = "C<"
    COLLECT_MAX = "C>"
    COLLECT_COUNT = "C#"

    @property
    def is_single_hit(self) -> bool:
        return self in (HitPolicy.UNIQUE, HitPolicy.ANY, HitPolicy.PRIORITY, HitPolicy.FIRST)

    @property
    def gives_list(self) -> bool:
        return self in (HitPolicy.RULE_ORDER, HitPolicy.OUTPUT_ORDER, HitPolicy.COLLECT)

    @property
    def aggregates(self) -> bool:
        return self in (
            HitPolicy.COLLECT_SUM,
            HitPolicy.COLLECT_MIN,
            HitPolicy.COLLECT_MAX,
            HitPolicy.COLLECT_COUNT,
        )


@dataclass(frozen=True)
class InputEntry:
    fact: str
    text: str
    test: UnaryTest  # type-checked
    reads: frozenset[str]  # facts read by the test besides the column's own fact
    location: Location


@dataclass(frozen=True)
class OutputEntry:
    fact: str
    text: str
    expression: Expr  # type-checked
    reads: frozenset[str]
    location: Location


@dataclass(frozen=True)
class Rule:
    rule_id: str
    row: int
    inputs: tuple[InputEntry, ...]  # one per input column, "-" entries included
    outputs: tuple[OutputEntry, ...]
    source: str
    motivation: str
    motivation_location: Location
    annotation: str
    location: Location  # the rule id cell
    # The row's `Toon bij` test on the table's show fact: its motivation belongs in a letter only when the test holds
    # for the entity's final facts. None: no test (shown in every letter).
    show_when: InputEntry | None = None

    @cached_property
    def tested(self) -> tuple[str, ...]:
        """The facts this row tests (its non-'-' input columns and the facts they refer to), sorted."""
        facts: set[str] = set()
        for entry in self.inputs:
            if not isinstance(entry.test, AnyValue):
                facts.add(entry.fact)
            facts |= entry.reads
        return tuple(sorted(facts))


@dataclass(frozen=True)
class DecisionTable:
    name: str
    entity: str  # "gezinslid" or "aanvraag"
    hit_policy: HitPolicy
    source: str
    description: str
    input_facts: tuple[str, ...]
    output_facts: tuple[str, ...]
    rules: tuple[Rule, ...]
    workbook: str
    sheet: str
    location: Location
    show_fact: str | None = None  # the fact the `Toon bij` column tests (normally uitkomst), if the table has one
    position: int = 0  # place in the toetsingsvolgorde: workbooks in name order, then their sheets in order
    # The `Standaard` row: per output column a value used when no rule matches (DMN's defaultOutputEntry). A Rule
    # with no input entries whose outputs are the columns that have a default; None: the table has no such row.
    default: Rule | None = None

    def reads(self) -> frozenset[str]:
        """Every fact this table reads: its input columns and whatever its entries refer to."""
        facts = set(self.input_facts)
        for rule in self.rules:
            for entry in rule.inputs:
                facts |= entry.reads
            for output in rule.outputs:
                facts |= output.reads
        return frozenset(facts)


@dataclass(frozen=True)
class Calculated:
    """A calculated fact: a named expression from a Berekeningen sheet."""

    fact: str
    text: str
    expression: Expr  # type-checked
    reads: frozenset[str]
    reads_of_others: frozenset[str]  # facts read of other family members (enig_/elk_/aantal_gezinsleden)
    source: str
    annotation: str
    location: Location
    row: int


@dataclass(frozen=True)
class ScenarioMember:
    key: str
    facts: Mapping[str, Value]


@dataclass(frozen=True)
class Expectation:
    member: str  # the member's key, or "aanvraag"/"referent"
    fact: str
    value: Value | None  # None: expected unknown
    text: str
    location: Location


@dataclass(frozen=True)
class Scenario:
    scenario_id: str
    description: str
    source: str
    aanvraag: Mapping[str, Value]
    referent: Mapping[str, Value]
    members: tuple[ScenarioMember, ...]
    expectations: tuple[Expectation, ...]
    location: Location


@dataclass(frozen=True)
class NoRuleReason:
    paragraph: str
    reason: str
    location: Location


@dataclass(frozen=True)
class RuleBase:
    """Everything read from a directory of workbooks, verified: names resolve, types agree, no cycles."""

    glossary: Mapping[str, Fact]
    tables: tuple[DecisionTable, ...]  # in evaluation order
    calculations: tuple[Calculated, ...]  # in evaluation order
    levels: Mapping[str, int]  # table name or calculated fact -> its stratum: it runs after every lower stratum
    scenarios: tuple[Scenario, ...]
    no_rules: tuple[NoRuleReason, ...]
    content_hash: str
    workbooks: tuple[str, ...]
