"""Compile a verified RuleBase into durable-rules ruleset definitions (JSON) and a plan of strata."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.errors import WorkbookError
from engine.expressions import (
    AnyValue,
    Comparison,
    Disjunction,
    Expr,
    FactRef,
    Interval,
    Literal,
    Negation,
    UnaryTest,
)
from engine.model import Calculated, DecisionTable, Rule, RuleBase
from engine.types import FactType, Kind

# Numbers travel to durable-rules as integers scaled by 10^8, so comparisons stay exact for amounts (no floats).
NUMBER_SCALE = 10**8
MAX_PROPERTIES = 240  # durable-rules allows 255 properties per fact; keep room for sid, id and the stratum keys

Json = dict[str, Any]
SESSION_RULE = "sessie"


def encode(value: object) -> object:
    """A fact value as durable-rules sees it: ja/nee as text, numbers as scaled integers, dates as day numbers."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal):
        return int((value * NUMBER_SCALE).to_integral_value())
    if isinstance(value, dt.date):
        return value.toordinal()
    return value


@dataclass(frozen=True)
class CompiledRow:
    """One rule row as a durable-rules rule named `r<index>`."""

    index: int
    table: DecisionTable
    rule: Rule


@dataclass(frozen=True)
class LiftedExpression:
    """A right-hand side too rich for durable-rules (arithmetic, functions): computed in Python into `prop`."""

    prop: str
    expression: Expr


@dataclass(frozen=True)
class LiftedTest:
    """A whole input entry durable-rules cannot express (durations, lists): its outcome goes into `prop`."""

    prop: str
    subject: str
    test: UnaryTest


@dataclass(frozen=True)
class Stratum:
    """Tables of one entity kind at one level: one fact is asserted per entity to match all their rows.

    `key` tells the strata apart in the network; a level has more than one stratum per entity kind only when its
    tables test more facts than fit in one durable-rules fact."""

    key: int
    level: int
    entity: str
    tables: tuple[DecisionTable, ...]
    properties: tuple[str, ...]
    lifted: tuple[LiftedExpression | LiftedTest, ...]


@dataclass(frozen=True)
class Network:
    name: str
    ruleset: dict[str, Json]
    rows: tuple[CompiledRow, ...]
    levels: tuple[tuple[int, tuple[Calculated, ...], tuple[Stratum, ...]], ...]
    rule_base: RuleBase
    calculation_reads: Mapping[str, frozenset[str]]  # calculated fact -> the facts its formula reads
    outcomes: Mapping[str, tuple[str, ...]]  # entity kind -> its derived facts that nothing else reads
    upstream: Mapping[str, frozenset[str]]  # derived fact -> every table it (transitively) depends on


def compile_network(rule_base: RuleBase) -> Network:
    rows: list[CompiledRow] = []
    # Every session starts with a fact this rule matches: durable-rules can only delete a session that has
    # handled a fact (deleting one that has not crashes the process).
    ruleset: dict[str, Json] = {SESSION_RULE: {"all": [{"m": {"stap": 0}}]}}
    strata: list[Stratum] = []
    groups: dict[tuple[int, str], list[DecisionTable]] = {}
    for table in rule_base.tables:
        groups.setdefault((rule_base.levels[table.name], table.entity), []).append(table)
    types = {n: f.type for n, f in rule_base.glossary.items()}
    for (level, entity), tables in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1])):
        for pack in _packs(tables, entity, types):
            builder = _StratumBuilder(len(strata) + 1, level, entity, types)
            for table in pack:
                for rule in table.rules:
                    index = len(rows)
                    rows.append(CompiledRow(index, table, rule))
                    ruleset[f"r{index}"] = {"all": [{"m": builder.condition(rule)}]}
            strata.append(builder.build(tuple(pack)))
    levels = sorted({rule_base.levels[n] for n in rule_base.levels})
    plan = tuple(
        (
            level,
            tuple(c for c in rule_base.calculations if rule_base.levels[c.fact] == level),
            tuple(s for s in strata if s.level == level),
        )
        for level in levels
    )
    calculation_reads = {c.fact: c.reads for c in rule_base.calculations}
    outcomes, upstream = _outcomes_and_upstream(rule_base)
    return Network(
        f"nareis_{rule_base.content_hash[:16]}",
        ruleset,
        tuple(rows),
        plan,
        rule_base,
        calculation_reads,
        outcomes,
        upstream,
    )


def _outcomes_and_upstream(rule_base: RuleBase) -> tuple[dict[str, tuple[str, ...]], dict[str, frozenset[str]]]:
    """The outcomes of the network (derived facts no table or calculation reads) and, for every derived fact, the
    tables upstream of it: where to look for the unknown facts that keep an outcome unknown."""
    reads: dict[str, frozenset[str]] = {c.fact: c.reads | c.reads_of_others for c in rule_base.calculations}
    producer: dict[str, str | None] = dict.fromkeys(reads)
    for table in rule_base.tables:
        for fact in table.output_facts:
            reads[fact] = table.reads()
            producer[fact] = table.name
    read_somewhere = set().union(*reads.values()) if reads else set()
    outcomes: dict[str, tuple[str, ...]] = {}
    for name, entry in rule_base.glossary.items():
        if name in reads and name not in read_somewhere:
            outcomes[entry.entity] = (*outcomes.get(entry.entity, ()), name)
    upstream: dict[str, frozenset[str]] = {}

    def tables_behind(fact: str) -> frozenset[str]:
        if fact not in upstream:
            upstream[fact] = frozenset()  # the rule base has no cycles; this only guards the recursion
            found = {producer[fact]} if producer.get(fact) else set()
            for source in reads.get(fact, ()):
                found |= tables_behind(source)
            upstream[fact] = frozenset(t for t in found if t)
        return upstream[fact]

    for fact in reads:
        tables_behind(fact)
    return outcomes, upstream


def _packs(tables: list[DecisionTable], entity: str, types: Mapping[str, FactType]) -> list[list[DecisionTable]]:
    """Tables of one level that fit together in one fact: durable-rules allows 255 properties per fact."""
    packs: list[list[DecisionTable]] = [[]]
    properties: set[str] = set()
    lifted = 0
    for table in tables:
        probe = _StratumBuilder(0, 0, entity, types)
        for rule in table.rules:
            probe.condition(rule)
        if len(probe.properties) + len(probe.lifted) > MAX_PROPERTIES:
            raise WorkbookError(
                f'table "{table.name}" tests {len(probe.properties) + len(probe.lifted)} facts and expressions; '
                f"at most {MAX_PROPERTIES} fit in one rule network fact: split the table",
                table.location,
            )
        if packs[-1] and len(properties | set(probe.properties)) + lifted + len(probe.lifted) > MAX_PROPERTIES:
            packs.append([])
            properties, lifted = set(), 0
        packs[-1].append(table)
        properties |= set(probe.properties)
        lifted += len(probe.lifted)
    return packs


class _StratumBuilder:
    def __init__(self, key: int, level: int, entity: str, types: Mapping[str, FactType]) -> None:
        self.types = types
        self.key = key
        self.level = level
        self.entity = entity
        self.properties: dict[str, None] = {}
        self.lifted: list[LiftedExpression | LiftedTest] = []

    def build(self, tables: tuple[DecisionTable, ...]) -> Stratum:
        return Stratum(self.key, self.level, self.entity, tables, tuple(self.properties), tuple(self.lifted))

    def condition(self, rule: Rule) -> Json:
        parts: list[Json] = [{"stap": self.key}]
        for entry in rule.inputs:
            if isinstance(entry.test, AnyValue):
                continue
            parts.append(self._entry(entry.fact, entry.test))
        return {"$and": parts}

    def _entry(self, fact: str, test: UnaryTest) -> Json:
        subject = self.types[fact]
        if subject.is_list or subject.kind is Kind.DUUR or not _expressible(test):
            prop = f"_t{self.key}_{len(self.lifted)}"
            self.lifted.append(LiftedTest(prop, fact, test))
            return {prop: "ja"}
        self.properties[fact] = None
        return _to_json(self._tree(fact, test))

    def _tree(self, fact: str, test: UnaryTest) -> _Node:
        if isinstance(test, Comparison):
            return ("cmp", test.op, fact, self._operand(test.operand))
        if isinstance(test, Interval):
            low_op = ">=" if test.low_closed else ">"
            high_op = "<=" if test.high_closed else "<"
            return (
                "and",
                [
                    ("cmp", low_op, fact, self._operand(test.low)),
                    ("cmp", high_op, fact, self._operand(test.high)),
                ],
            )
        if isinstance(test, Disjunction):
            return ("or", [self._tree(fact, t) for t in test.tests])
        if isinstance(test, Negation):
            return _negate(("or", [self._tree(fact, t) for t in test.tests]))
        raise AssertionError(f"not an expressible unary test: {test!r}")

    def _operand(self, operand: Expr) -> object:
        if isinstance(operand, Literal):
            return encode(operand.value)
        if isinstance(operand, FactRef):
            self.properties[operand.name] = None
            return {"$m": operand.name}
        prop = f"_x{self.key}_{len(self.lifted)}"
        self.lifted.append(LiftedExpression(prop, operand))
        return {"$m": prop}


_Node = tuple[Any, ...]
_INVERSE = {"=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}
_OPERATORS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


def _negate(node: _Node) -> _Node:
    """De Morgan down to the comparisons; an unknown value still matches neither a test nor its negation."""
    if node[0] == "cmp":
        return ("cmp", _INVERSE[node[1]], node[2], node[3])
    return ("or" if node[0] == "and" else "and", [_negate(child) for child in node[1]])


def _to_json(node: _Node) -> Json:
    if node[0] == "cmp":
        _, op, fact, operand = node
        if not isinstance(operand, dict):
            return {fact: operand} if op == "=" else {_OPERATORS[op]: {fact: operand}}
        # durable-rules lets a comparison with a missing referenced property match inside $and; an unknown
        # fact must never match, so the reference is guarded by an existence test.
        compared = {"$eq" if op == "=" else _OPERATORS[op]: {fact: operand}}
        return {"$and": [{"$ex": {operand["$m"]: 1}}, compared]}
    children = [_to_json(child) for child in node[1]]
    return children[0] if len(children) == 1 else {"$and" if node[0] == "and" else "$or": children}


def _expressible(test: UnaryTest) -> bool:
    """durable-rules compares scalars; durations, lists and text ordering are tested in Python instead."""
    return all(_scalar(e) for e in _operands(test))


def _operands(test: UnaryTest) -> Iterator[Expr]:
    if isinstance(test, Comparison):
        yield test.operand
    elif isinstance(test, Interval):
        yield test.low
        yield test.high
    elif isinstance(test, Disjunction | Negation):
        for t in test.tests:
            yield from _operands(t)


def _scalar(expr: Expr) -> bool:
    if isinstance(expr, Literal):
        return expr.kind not in (Kind.DUUR,) and not isinstance(expr.value, tuple)
    return True
