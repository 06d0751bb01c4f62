"""Compile a verified RuleBase into durable-rules ruleset definitions (JSON) and a plan of strata."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
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
    needs_python_evaluation,
)
from engine.model import Calculated, DecisionTable, Rule, RuleBase
from engine.types import FactType, Kind

MAX_PROPERTIES = 240  # durable-rules allows 255 properties per fact; keep room for sid, id and the stratum keys
# durable-rules' C engine compares integers as 64-bit and reads longer numbers as doubles, and keeps rule literals of
# 65,535 bytes or more only in part: numbers therefore travel as text whose byte order is their numeric order
# (exact for every Decimal), and a text longer than this many characters travels as its SHA-256 digest.
LONG_TEXT = 2000

Json = dict[str, Any]
SESSION_RULE = "sessie"


def encode(value: object) -> object:
    """A fact value as durable-rules sees it: ja/nee as text, numbers as order-preserving text, dates as day numbers.

    Equal values encode to equal text and unequal values to unequal text; for numbers, `<` on the encoded text is
    `<` on the numbers, so durable-rules' comparisons give the cell language's answer for any Decimal."""
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        if len(text) > LONG_TEXT or text.startswith(_DIGEST):
            return _DIGEST + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return text
    if kind is bool:
        return "ja" if value else "nee"
    if kind is Decimal:
        known = _NUMBERS.get(value)  # type: ignore[call-overload]
        if known is None:
            known = encode_number(value)  # type: ignore[arg-type]
            if len(_NUMBERS) < 100_000:  # bounded: the numbers of the tables and of cases seen recently
                _NUMBERS[value] = known  # type: ignore[index]
        return known
    if kind is dt.date:
        return value.toordinal()  # type: ignore[attr-defined]
    if isinstance(value, Decimal):
        return encode_number(value)
    if isinstance(value, dt.date):
        return value.toordinal()
    return value


# Decimal("1.0") == Decimal("1") and they hash alike, and encode_number gives them the same text, so the cache may
# serve one for the other.
_NUMBERS: dict[Decimal, str] = {}
_DIGEST = "\x01sha256:"
_FLIP = str.maketrans("0123456789abcdefghijklmnopqrstuvwxyz", "9876543210zyxwvutsrqponmlkjihgfedcba")


def encode_number(number: Decimal) -> str:
    """A finite Decimal as text that sorts like the number: "0..." negative, "1" zero, "2..." positive.

    A positive number is its decimal exponent (the place of its first digit) followed by its digits without trailing
    zeros: 12.5 is exponent 1, digits 125. The exponent comes first as a letter-prefixed count, so that a larger
    exponent sorts later; a negative number is the positive form with every character flipped and a "~" that makes a
    longer run of digits sort first (-1.25 < -1.2)."""
    if not number.is_finite():
        raise ValueError(f"not a finite number: {number}")
    if not number:
        return "1"
    sign, digits, _ = number.as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    magnitude = _exponent(number.adjusted()) + text
    return "0" + magnitude.translate(_FLIP) + "~" if sign else "2" + magnitude


def _exponent(exponent: int) -> str:
    # "n" and a letter for the count of digits (a = 1 digit) for exponents >= 0; "m" and the flipped form below 0,
    # so that -1 sorts after -2 and every negative exponent before every positive one.
    count = str(abs(exponent))
    counted = chr(ord("a") + len(count) - 1) + count
    return "n" + counted if exponent >= 0 else "m" + counted.translate(_FLIP)


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
        if subject.is_list or not _expressible(test, subject) or needs_python_evaluation(test, subject, self.types):
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


def _expressible(test: UnaryTest, subject: FactType) -> bool:
    """durable-rules compares numbers, dates, ja/nee and texts (equality only for texts); every other test (durations,
    lists, ordering on text, constructs it has no operator for) is tested in Python instead."""
    if subject.kind not in _NETWORK_KINDS:
        return False
    if isinstance(test, Comparison):
        ordered = test.op not in ("=", "!=")
        return _scalar(test.operand) and not (ordered and subject.kind not in _ORDERED_KINDS)
    if isinstance(test, Interval):
        return subject.kind in _ORDERED_KINDS and _scalar(test.low) and _scalar(test.high)
    if isinstance(test, Disjunction | Negation):
        return all(_expressible(t, subject) for t in test.tests)
    return False


_NETWORK_KINDS = frozenset({Kind.JA_NEE, Kind.GETAL, Kind.BEDRAG, Kind.TEKST, Kind.KEUZE, Kind.DATUM})
_ORDERED_KINDS = frozenset({Kind.GETAL, Kind.BEDRAG, Kind.DATUM})


def _scalar(expr: Expr) -> bool:
    if isinstance(expr, Literal):
        return expr.kind in _NETWORK_KINDS and not isinstance(expr.value, tuple)
    return True
