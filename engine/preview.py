"""`nareis preview`: one rule's motivation rendered with the facts of the scenarios (or the case) that fire it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import Location, NareisError, UsageError
from engine.model import DecisionTable, Rule, RuleBase, Scenario
from engine.trace import Decision


class PreviewError(NareisError):
    """The rule cannot be previewed: unknown id, no motivation, nothing fires it."""


@dataclass(frozen=True)
class Rendering:
    """One text the motivation gives, and who gets it (`S2.2-03, echtgenote`)."""

    text: str
    readers: tuple[str, ...]


@dataclass(frozen=True)
class Preview:
    rule: Rule
    table: DecisionTable
    renderings: tuple[Rendering, ...]

    def lines(self) -> list[str]:
        where = f'{self.table.workbook}, blad "{self.table.sheet}", rij {self.rule.row}'
        lines = [f"regel {self.rule.rule_id} ({where})"]
        for rendering in self.renderings:
            lines.append("")
            lines.append(f"{'; '.join(rendering.readers)}:")
            lines.extend(f"  {line}" if line else "" for line in rendering.text.split("\n"))
        return lines


def find_rule(rule_base: RuleBase, workbook: str, rule_id: str) -> tuple[DecisionTable, Rule]:
    """The rule with this id in this workbook; an unknown id is an error with the closest ids."""
    rules = {r.rule_id: (t, r) for t in rule_base.tables if t.workbook == workbook for r in t.rules}
    if rule_id in rules:
        return rules[rule_id]
    elsewhere = next((t for t in rule_base.tables for r in t.rules if r.rule_id == rule_id), None)
    if elsewhere is not None:
        raise UsageError(f"regel {rule_id} staat niet in {workbook} maar in {elsewhere.workbook}")
    close = sorted(difflib.get_close_matches(rule_id, list(rules), n=3))
    hint = f"; bedoelt u {' of '.join(close)}?" if close else ""
    raise UsageError(f"{workbook} heeft geen regel {rule_id}{hint}")


def _entities(decision: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    yield "aanvraag", decision["aanvraag"]
    yield "referent", decision["referent"]
    for member in decision["gezinsleden"]:
        yield str(member["id"]), member


def _render_fired(label: str, decision: Decision, rule_id: str) -> list[tuple[str, str]]:
    from renderers.context import motivation_facts
    from renderers.environment import render_motivation

    data = decision.to_json()
    found = []
    for key, entity in _entities(data):
        for fired in entity["gevuurde_regels"]:
            if fired["regel"] == rule_id:
                text = render_motivation(fired["motivering"], motivation_facts(data, entity))
                found.append((f"{label}, {key}", text))
    return found


def _group(found: Iterable[tuple[str, str]]) -> tuple[Rendering, ...]:
    readers: dict[str, list[str]] = {}
    for reader, text in found:
        readers.setdefault(text, []).append(reader)
    return tuple(Rendering(text, tuple(who)) for text, who in readers.items())


def preview_scenarios(rule_base: RuleBase, workbook: str, rule_id: str, scenario_ids: Iterable[str] = ()) -> Preview:
    """The motivation as every scenario that fires the rule would have it (the workbook's own scenarios first; when
    none of them fires it, every scenario). Each distinct text once, with the scenarios and members that get it."""
    from engine.api import engine_for
    from engine.scenarios import scenario_case

    table, rule = find_rule(rule_base, workbook, rule_id)
    if not rule.motivation:
        raise PreviewError(f"regel {rule_id} heeft geen motivering", rule.location)
    engine = engine_for(rule_base)
    wanted = set(scenario_ids)
    unknown = wanted - {s.scenario_id for s in rule_base.scenarios}
    if unknown:
        raise UsageError(f"geen scenario {', '.join(sorted(unknown))}")

    def run(scenarios: Iterable[Scenario]) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for scenario in scenarios:
            decision = engine.decide(scenario_case(scenario))
            found += _render_fired(scenario.scenario_id, decision, rule_id)
        return found

    if wanted:
        found = run(s for s in rule_base.scenarios if s.scenario_id in wanted)
    else:
        found = run(s for s in rule_base.scenarios if s.location.workbook == workbook)
        if not found:
            found = run(s for s in rule_base.scenarios if s.location.workbook != workbook)
    if not found:
        raise PreviewError(
            f"regel {rule_id} vuurt in geen enkel scenario; geef een zaak met --case", Location(workbook)
        )
    return Preview(rule, table, _group(found))


def preview_case(rule_base: RuleBase, workbook: str, rule_id: str, case: Path) -> Preview:
    """The motivation as the case file's decision would have it, for every entity for which the rule fires."""
    from engine.api import decide, read_case_file

    table, rule = find_rule(rule_base, workbook, rule_id)
    if not rule.motivation:
        raise PreviewError(f"regel {rule_id} heeft geen motivering", rule.location)
    decision = decide(read_case_file(case, rule_base), rule_base)
    found = _render_fired(case.name, decision, rule_id)
    if not found:
        raise PreviewError(f"regel {rule_id} vuurt niet in deze zaak", Location(case.name))
    return Preview(rule, table, _group(found))


__all__ = ["Preview", "PreviewError", "Rendering", "find_rule", "preview_case", "preview_scenarios"]
