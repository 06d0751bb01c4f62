"""Run the scenarios of the Tests sheets and report every difference with its cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from engine.case import Case, Member
from engine.errors import NareisError, RuleConflictError
from engine.expressions import literal_text
from engine.model import HitPolicy, RuleBase, Scenario
from engine.runtime import Engine
from engine.trace import Decision
from engine.types import Kind, Value


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    failures: tuple[str, ...]
    fired: tuple[str, ...] = ()  # the rule ids the scenario fired, for coverage

    @property
    def passed(self) -> bool:
        return not self.failures


def scenario_case(scenario: Scenario) -> Case:
    beslisdatum = scenario.aanvraag["beslisdatum"]
    if not isinstance(beslisdatum, dt.date):
        raise TypeError(f"scenario {scenario.scenario_id}: beslisdatum is not a date")
    return Case(
        beslisdatum=beslisdatum,
        aanvraag=scenario.aanvraag,
        referent=scenario.referent,
        members=tuple(Member(m.key, m.facts) for m in scenario.members),
        label=f"scenario {scenario.scenario_id}",
    )


def run_scenario(
    scenario: Scenario, engine: Engine, check_documents: Callable[[Decision], object] | None = None
) -> ScenarioResult:
    """Decide the scenario and compare; with `check_documents`, also render what its letters would say, so a
    motivation that cannot be rendered with the scenario's facts fails here rather than in a caseworker's letter."""
    try:
        decision = engine.decide(scenario_case(scenario))
    except RuleConflictError as error:
        return ScenarioResult(scenario, (f"{scenario.location}: scenario {scenario.scenario_id}: {error.message}",))
    unordered = _unordered_facts(engine.network.rule_base)
    failures = []
    for expectation in scenario.expectations:
        actual = _actual(decision, expectation.member, expectation.fact)
        expected = expectation.value
        if expectation.fact in unordered and isinstance(actual, tuple) and isinstance(expected, tuple):
            same = sorted(map(str, actual)) == sorted(map(str, expected))
        else:
            same = actual == expected
        if not same:
            kind = engine.network.rule_base.glossary[expectation.fact].type.kind
            failures.append(
                f"{expectation.location}: scenario {scenario.scenario_id}, {expectation.member}: expected "
                f"{expectation.fact} = {_show(expected, kind)}, got {_show(actual, kind)}"
            )
    if check_documents is not None:
        try:
            check_documents(decision)
        except NareisError as error:
            failures.append(f"{scenario.location}: scenario {scenario.scenario_id}: {error}")
    fired = tuple(rule.rule_id for entity in (decision.aanvraag, *decision.gezinsleden) for rule in entity.fired)
    return ScenarioResult(scenario, tuple(failures), fired)


def _actual(decision: Decision, member: str, fact: str) -> Value | None:
    if member in ("aanvraag", "referent"):
        result = decision.aanvraag if member == "aanvraag" else decision.referent
    else:
        found = [m for m in decision.gezinsleden if m.key == member]
        if not found:
            return None
        result = found[0]
    return result.facts.get(fact)


def _unordered_facts(rule_base: RuleBase) -> set[str]:
    """Outputs of C tables: DMN leaves their order open, so scenarios compare them as collections."""
    return {f for t in rule_base.tables if t.hit_policy is HitPolicy.COLLECT for f in t.output_facts}


def _show(value: Value | None, kind: Kind) -> str:
    if value is None:
        return "null (unknown)"
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v, kind) for v in value) + "]"
    return literal_text(value, kind)
