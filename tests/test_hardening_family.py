"""Hardening (issue 12), family size: aggregates over the family cost linear time and give the same answers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import evaluate as evaluation
from engine.api import decide, load_rule_base
from engine.case import CaseLimits, read_case, set_case_limits
from engine.evaluate import Family, Scope
from engine.expressions import Call, Compare, FactRef, Literal
from engine.types import Kind, Value

CASE_FACTS = {
    "beslisdatum": "2026-11-01",
    "aanvraag": {"zaaknummer": "Z-9", "datum_indiening": "2026-08-20"},
    "referent": {"status_referent": "vluchteling", "datum_verlening": "2026-05-01"},
}
RELATIONS = ("ouder", "kind", "echtgenoot")


def family_case(size: int) -> dict[str, object]:
    members = [
        {"id": f"m{i}", "relatie": RELATIONS[i % 3], "identiteit_aannemelijk": ("ja", "nee")[i % 2]}
        for i in range(size)
    ]
    return {**CASE_FACTS, "gezinsleden": members}


def evaluations(tables_dir: Path, size: int, monkeypatch: pytest.MonkeyPatch) -> int:
    rule_base = load_rule_base(tables_dir)
    set_case_limits(CaseLimits(members=size))
    case = read_case(family_case(size), rule_base)
    count = 0
    original = evaluation.evaluate

    def counting(node: object, scope: Scope) -> Value | None:
        nonlocal count
        count += 1
        return original(node, scope)  # type: ignore[arg-type]

    monkeypatch.setattr(evaluation, "evaluate", counting)
    try:
        decide(case, rule_base)
    finally:
        monkeypatch.setattr(evaluation, "evaluate", original)
        set_case_limits(CaseLimits())
    return count


def test_deciding_twice_the_family_costs_about_twice_the_work(
    tables_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small, large = evaluations(tables_dir, 200, monkeypatch), evaluations(tables_dir, 400, monkeypatch)
    assert 1.8 < large / small < 2.2, (small, large)  # quadratic would be about 4


def test_a_family_of_200_members_is_decided_member_by_member(tables_dir: Path) -> None:
    rule_base = load_rule_base(tables_dir)
    set_case_limits(CaseLimits(members=200))
    try:
        decision = decide(read_case(family_case(200), rule_base), rule_base)
    finally:
        set_case_limits(CaseLimits())
    outcomes = {m.key: m.facts.get("uitkomst") for m in decision.gezinsleden}
    assert len(outcomes) == 200


CONDITION = Compare("=", FactRef("relatie"), Literal("ouder", Kind.KEUZE))
MEMBER = st.fixed_dictionaries({}, optional={"relatie": st.sampled_from(RELATIONS)})


@settings(max_examples=200, deadline=None)
@given(st.lists(MEMBER, max_size=8), st.sampled_from(["enig_gezinslid", "elk_gezinslid", "aantal_gezinsleden"]))
def test_family_aggregates_equal_the_member_by_member_answer(members: list[dict[str, Value]], function: str) -> None:
    family = Family(members)
    call = Call(function, (CONDITION,))
    for position, member in enumerate(members):
        others = [m for index, m in enumerate(members) if index != position]
        expected = evaluation.evaluate(call, Scope(member, others))
        assert evaluation.evaluate(call, Scope(member, family=family, member=position)) == expected
    # The aanvraag counts every member.
    assert evaluation.evaluate(call, Scope({}, family=family)) == evaluation.evaluate(call, Scope({}, members))


def test_a_set_fact_refreshes_the_family_aggregate() -> None:
    members: list[dict[str, Value]] = [{"relatie": "kind"}, {"relatie": "kind"}]
    family = Family(members)
    call = Call("aantal_gezinsleden", (CONDITION,))
    assert evaluation.evaluate(call, Scope({}, family=family)) == Decimal(0)
    members[1]["relatie"] = "ouder"
    family.changed("relatie")
    assert evaluation.evaluate(call, Scope({}, family=family)) == Decimal(1)
