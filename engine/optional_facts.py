"""Motivations that print a fact which may be unknown when their row fires: a valid case could not get its letter.

A fact the case schema requires (engine.case.required_by_letters) is always known; so are a row's tested facts
(a test of an unknown fact is undecided, so the row does not fire) and its outputs. Every other fact a motivation
prints may be unknown: an input a case may leave out, or a derived fact whose inputs a case left out. Each motivation
is rendered with sample values for every fact, and again with each such fact left out; a rendering that fails only
without the fact is a problem of that row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.case import required_by_letters
from engine.errors import Location, NareisError, WorkbookError
from engine.model import Fact, RuleBase
from engine.types import FactType, Kind

_SAMPLES = {
    Kind.JA_NEE: "ja",
    Kind.GETAL: "1",
    Kind.BEDRAG: "1000.00",
    Kind.TEKST: "tekst",
    Kind.DATUM: "2026-01-01",
    Kind.DUUR: "P3M",
}

Renderer = Callable[[str, Mapping[str, Any]], str]
Printed = Callable[[str], set[str]]


def _sample(fact_type: FactType) -> Any:
    value = fact_type.values[0] if fact_type.kind is Kind.KEUZE and fact_type.values else _SAMPLES[fact_type.kind]
    return [value] if fact_type.is_list else value


@dataclass(frozen=True)
class MotivationGap:
    """A row whose motivation cannot be rendered when `fact` is unknown, though the row can fire then."""

    rule_id: str
    fact: str
    is_input: bool  # an input a case may leave out; otherwise derived, and unknown when its inputs are
    location: Location  # the Motivering cell


def find_motivation_gaps(rule_base: RuleBase, render: Renderer, printed: Printed) -> list[MotivationGap]:
    """One gap per (row, fact) whose motivation cannot be rendered when that fact is unknown.

    `render(text, facts)` renders a motivation with JSON-level facts (raising a NareisError when it cannot);
    `printed(text)` names the variables a motivation reads (renderers.environment provides both).
    """
    glossary: Mapping[str, Fact] = rule_base.glossary
    required = required_by_letters(rule_base)  # the case schema requires these: always known
    gaps: list[MotivationGap] = []
    for table in rule_base.tables:
        visible = {
            name: _sample(fact.type)
            for name, fact in glossary.items()
            if table.entity == "gezinslid" or fact.entity != "gezinslid"
        }
        for rule in table.rules:
            if not rule.motivation.strip():
                continue
            certain = set(rule.tested) | {output.fact for output in rule.outputs} | required
            uncertain = sorted((printed(rule.motivation) & set(visible)) - certain)
            if not uncertain:
                continue
            try:
                render(rule.motivation, visible)
            except NareisError:
                continue  # fails with every fact known: the loader's own checks report such a motivation
            for fact in uncertain:
                try:
                    render(rule.motivation, {k: v for k, v in visible.items() if k != fact})
                except NareisError:
                    gaps.append(MotivationGap(rule.rule_id, fact, glossary[fact].is_input, rule.motivation_location))
    return gaps


def motivation_gaps(rule_base: RuleBase, render: Renderer, printed: Printed) -> list[WorkbookError]:
    """The gaps of `find_motivation_gaps` as located problems (English)."""
    problems = []
    for gap in find_motivation_gaps(rule_base, render, printed):
        fact = gap.fact
        kind = "an input a case may leave out" if gap.is_input else "derived, and may be unknown"
        problems.append(
            WorkbookError(
                f"rule {gap.rule_id}: the motivation prints {fact} ({kind}), and the row does not test "
                f"it: a letter for a case without it cannot be made; test {fact} in the row, or write "
                f"{{% if {fact} is defined %}}...{{% endif %}} around it",
                gap.location,
            )
        )
    return problems
