"""DMN hit policies: from the matching rules of one table (in table order) to the table's outputs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from engine.errors import RuleConflictError
from engine.model import DecisionTable, Fact, HitPolicy, Rule
from engine.types import Value


@dataclass(frozen=True)
class Hit:
    """A matching rule and the values of its output entries (None: the entry's value is unknown)."""

    rule: Rule
    outputs: Mapping[str, Value | None]


@dataclass(frozen=True)
class Outcome:
    values: dict[str, Value | None]  # what the table sets; None leaves the fact unknown
    fired: tuple[Hit, ...]  # the rules that count as fired, for the trace


def apply_hit_policy(table: DecisionTable, hits: Sequence[Hit], glossary: Mapping[str, Fact]) -> Outcome:
    policy = table.hit_policy
    outputs = table.output_facts
    if policy is HitPolicy.UNIQUE and len(hits) > 1:
        raise _conflict(table, hits, "U allows at most one matching rule")
    if policy is HitPolicy.ANY and any(hit.outputs != hits[0].outputs for hit in hits[1:]):
        raise _conflict(table, hits, "A allows several matching rules only when they set the same outputs")
    if policy in (HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER):
        hits = sorted(hits, key=lambda hit: _priority(hit, outputs, glossary))  # stable: ties keep table order
    if policy.is_single_hit:
        chosen = hits[:1]
        return Outcome({f: chosen[0].outputs[f] if chosen else None for f in outputs}, tuple(chosen))
    if policy.gives_list:
        values: dict[str, Value | None] = {
            f: tuple(v for hit in hits if (v := hit.outputs[f]) is not None) for f in outputs
        }
        return Outcome(values, tuple(hits))
    (fact,) = outputs
    collected = [hit.outputs[fact] for hit in hits]
    return Outcome({fact: _aggregate(policy, collected)}, tuple(hits))


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


def _conflict(table: DecisionTable, hits: Sequence[Hit], rule: str) -> RuleConflictError:
    names = [f"{hit.rule.rule_id} (row {hit.rule.row})" for hit in hits]
    rows = ", ".join(names[:-1]) + " and " + names[-1]
    return RuleConflictError(
        f'table "{table.name}" ({table.workbook}, sheet "{table.sheet}"): hit policy {rule}, but rules {rows} match'
    )
