"""DMN hit policies: from the matching rules of one table (in table order) to the table's outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.errors import RuleConflictError
from engine.evaluate import Scope, evaluate
from engine.model import DecisionTable, Fact, HitPolicy, Rule
from engine.types import Value


@dataclass(frozen=True)
class Hit:
    """A matching rule and the values of its output entries (None: the entry's value is unknown)."""

    rule: Rule
    outputs: Mapping[str, Value | None]


@dataclass(frozen=True)
class Violation:
    """A U or A table with more than one matching rule (A: that disagree): the table has no outputs."""

    hits: tuple[Hit, ...]
    rule_nl: str  # what the hit policy allows, in Dutch and in English
    rule_en: str

    def message(self, table: DecisionTable, lang: str = "nl") -> str:
        names = [f"{hit.rule.rule_id} ({'rij' if lang == 'nl' else 'row'} {hit.rule.row})" for hit in self.hits]
        rows = ", ".join(names[:-1]) + (" en " if lang == "nl" else " and ") + names[-1]
        if lang == "nl":
            return (
                f'tabel "{table.name}" ({table.workbook}, blad "{table.sheet}"): hitbeleid {self.rule_nl}, '
                f"maar de regels {rows} passen"
            )
        return (
            f'table "{table.name}" ({table.workbook}, sheet "{table.sheet}"): hit policy {self.rule_en}, '
            f"but rules {rows} match"
        )


@dataclass(frozen=True)
class Outcome:
    values: dict[str, Value | None]  # what the table sets; None leaves the fact unknown
    fired: tuple[Hit, ...]  # the rules that count as fired, for the trace (the Standaard row when it was used)
    violation: Violation | None = None  # set: the table's outputs stay unknown and nothing counts as fired
    by_default: bool = False  # no rule matched and the outputs are the table's Standaard values


def outcome_of(table: DecisionTable, hits: Sequence[Hit], glossary: Mapping[str, Fact]) -> Outcome:
    """The table's outputs for these matching rules, a violation of U or A, or the table's default outputs.

    A list-giving table (R, O, C) keeps one entry per matched rule in every output, in the same order, so the
    outputs of several columns line up: an unknown output is None at its place (DMN gives one record per rule)."""
    policy = table.hit_policy
    outputs = table.output_facts
    if not hits and table.default is not None:
        return _default(table)
    if policy is HitPolicy.UNIQUE and len(hits) > 1:
        return _violated(table, hits, "U staat hoogstens één passende regel toe", "U allows at most one matching rule")
    if policy is HitPolicy.ANY and any(hit.outputs != hits[0].outputs for hit in hits[1:]):
        return _violated(
            table,
            hits,
            "A staat meer passende regels alleen toe als ze dezelfde uitvoer geven",
            "A allows several matching rules only when they set the same outputs",
        )
    if policy in (HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER):
        hits = sorted(hits, key=lambda hit: _priority(hit, outputs, glossary))  # stable: ties keep table order
    if policy.is_single_hit:
        chosen = hits[:1]
        return Outcome({f: chosen[0].outputs[f] if chosen else None for f in outputs}, tuple(chosen))
    if policy.gives_list:
        values: dict[str, Value | None] = {f: tuple(hit.outputs[f] for hit in hits) for f in outputs}  # type: ignore[misc]
        return Outcome(values, tuple(hits))
    (fact,) = outputs
    collected = [hit.outputs[fact] for hit in hits]
    return Outcome({fact: _aggregate(policy, collected)}, tuple(hits))


def apply_hit_policy(table: DecisionTable, hits: Sequence[Hit], glossary: Mapping[str, Fact]) -> Outcome:
    """`outcome_of`, raising RuleConflictError (in English) for a violation of U or A."""
    outcome = outcome_of(table, hits, glossary)
    if outcome.violation is not None:
        raise RuleConflictError(outcome.violation.message(table, "en"))
    return outcome


def _default(table: DecisionTable) -> Outcome:
    """No rule matched: each output with a Standaard value gets it (a list-giving table: a list of that value)."""
    default = table.default
    assert default is not None
    # The loader accepts only fixed values in a Standaard row, so an empty scope evaluates them.
    given: dict[str, Value | None] = {o.fact: evaluate(o.expression, Scope({})) for o in default.outputs}
    policy = table.hit_policy
    values: dict[str, Value | None] = {}
    for fact in table.output_facts:
        value = given.get(fact)
        values[fact] = (value,) if policy.gives_list and value is not None else value
    return Outcome(values, (Hit(default, given),), by_default=True)


def _violated(table: DecisionTable, hits: Sequence[Hit], rule_nl: str, rule_en: str) -> Outcome:
    return Outcome(dict.fromkeys(table.output_facts), (), Violation(tuple(hits), rule_nl, rule_en))


def _priority(hit: Hit, outputs: Sequence[str], glossary: Mapping[str, Fact]) -> tuple[int, ...]:
    """DMN: the order of an output's allowed values is its priority, first output first, ties by the next."""
    key = []
    for fact in outputs:
        values = glossary[fact].type.values
        if values:
            value = hit.outputs[fact]
            key.append(values.index(value) if isinstance(value, str) and value in values else len(values))
    return tuple(key)


def _aggregate(policy: HitPolicy, collected: list[Value | None]) -> Value | None:
    if policy is HitPolicy.COLLECT_COUNT:
        return Decimal(len(collected))
    if not collected or any(v is None for v in collected):
        return None
    if policy is HitPolicy.COLLECT_SUM:
        total = Decimal(0)
        for value in collected:
            assert isinstance(value, Decimal)
            total += value
        return total
    ordered = sorted(collected, key=_order_key)
    return ordered[0] if policy is HitPolicy.COLLECT_MIN else ordered[-1]


def _order_key(value: Value | None) -> tuple[int, object]:
    return (0, value) if value is not None else (1, 0)
