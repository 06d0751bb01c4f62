"""The impact of a change: the scenarios and cases whose outcome differs between two rule bases.

Both rule bases are decided in one process: each compiles to a durable-rules ruleset named after its content hash,
so the two are registered side by side.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from engine.api import Rules
from engine.batch import CaseSource
from engine.model import Scenario
from engine.scenarios import scenario_case
from engine.trace import Decision, value_json
from engine.types import Value

OUTCOME = "uitkomst"
ERROR = {"nl": "fout", "en": "error"}  # the outcome of a case or scenario that a version cannot decide


@dataclass(frozen=True)
class FactChange:
    scenario: str
    member: str  # a family member's key, or aanvraag/referent
    fact: str
    before: str
    after: str

    def to_json(self) -> dict[str, str]:
        return {
            "scenario": self.scenario,
            "member": self.member,
            "fact": self.fact,
            "before": self.before,
            "after": self.after,
        }


def shown(value: Value | None, lang: str = "nl") -> str:
    """A fact value as the report shows it: lists in brackets, unknown as `onbekend` (`unknown`)."""
    if value is None:
        return "onbekend" if lang == "nl" else "unknown"
    data = value_json(value)
    if isinstance(data, list):
        return "[" + ", ".join(str(v) for v in data) + "]"
    return str(data)


def _facts(decision: Decision, member: str) -> dict[str, Value]:
    if member == "aanvraag":
        return dict(decision.aanvraag.facts)
    if member == "referent":
        return dict(decision.referent.facts)
    return next((dict(m.facts) for m in decision.gezinsleden if m.key == member), {})


def _one_line(error: object) -> str:
    """An error message on one line of the report."""
    return " ".join(str(error).split())


def _decide_scenario(rules: Rules, scenario: Scenario, lang: str) -> Decision | str:
    try:
        return rules.decide(scenario_case(scenario))
    except Exception as error:  # a scenario of one version may use facts the other lacks: its outcome is an error
        return f"{ERROR[lang]}: {_one_line(error)}"


def scenario_impact(old: Rules, new: Rules, lang: str = "nl") -> tuple[list[FactChange], int]:
    """Every scenario of either version (the new version's definition where both have it) decided by both rule
    bases: per member the facts that differ among `uitkomst` and the facts the scenario expects. Also the number of
    scenarios run."""
    scenarios: dict[str, Scenario] = {s.scenario_id: s for s in old.rule_base.scenarios}
    scenarios.update({s.scenario_id: s for s in new.rule_base.scenarios})
    expected: dict[str, list[tuple[str, str]]] = {}
    for base in (old.rule_base, new.rule_base):
        for scenario in base.scenarios:
            pairs = expected.setdefault(scenario.scenario_id, [])
            for e in scenario.expectations:
                if (e.member, e.fact) not in pairs:
                    pairs.append((e.member, e.fact))
    changes: list[FactChange] = []
    for scenario_id in sorted(scenarios, key=_natural):
        scenario = scenarios[scenario_id]
        before, after = _decide_scenario(old, scenario, lang), _decide_scenario(new, scenario, lang)
        wanted = [(m.key, OUTCOME) for m in scenario.members]
        wanted += [p for p in expected[scenario_id] if p not in wanted]
        for member, fact in wanted:
            old_text = before if isinstance(before, str) else shown(_facts(before, member).get(fact), lang)
            new_text = after if isinstance(after, str) else shown(_facts(after, member).get(fact), lang)
            if old_text != new_text:
                changes.append(FactChange(scenario_id, member, fact, old_text, new_text))
    return changes, len(scenarios)


def _natural(text: str) -> list[Any]:
    """S2-10 after S2-9."""
    import re

    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


@dataclass(frozen=True)
class CaseChange:
    case: str
    member: str
    before: str
    after: str

    def to_json(self) -> dict[str, str]:
        return {"case": self.case, "member": self.member, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class CaseImpact:
    cases: int  # cases read
    members: int  # family members decided (in either version)
    changes: tuple[CaseChange, ...]

    @property
    def transitions(self) -> list[tuple[str, str, int]]:
        """(before, after, count) per transition of a member's outcome, most frequent first."""
        counted = Counter((c.before, c.after) for c in self.changes)
        return sorted(((b, a, n) for (b, a), n in counted.items()), key=lambda t: (-t[2], t[0], t[1]))

    @property
    def changed_cases(self) -> int:
        return len({c.case for c in self.changes})

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "members": self.members,
            "changed_cases": self.changed_cases,
            "changed_members": len(self.changes),
            "transitions": [{"before": b, "after": a, "count": n} for b, a, n in self.transitions],
            "changes": [c.to_json() for c in self.changes],
        }


def _outcomes(rules: Rules, source: CaseSource, default_beslisdatum: dt.date, lang: str) -> dict[str, str] | str:
    """The outcome per member of one case, or the error that kept it from being decided."""
    if source.data is None:
        return f"{ERROR[lang]}: {_one_line(source.error)}"
    try:
        case = rules.read_case(source.data, None, label=source.label, default_beslisdatum=default_beslisdatum)
        decision = rules.decide(case)
    except Exception as error:  # an unreadable case or a conflict in one version: its outcome is an error
        return f"{ERROR[lang]}: {_one_line(error)}"
    return {m.key: shown(m.facts.get(OUTCOME), lang) for m in decision.gezinsleden}


def case_impact(
    old: Rules,
    new: Rules,
    sources: Iterable[CaseSource],
    default_beslisdatum: dt.date,
    lang: str = "nl",
    progress: Callable[[int], None] | None = None,
) -> CaseImpact:
    """Decide every case with both rule bases; the members whose outcome differs. A case that one version cannot
    decide counts as `fout` (`error`) for each of its members in that version."""
    changes: list[CaseChange] = []
    cases = members = 0
    for source in sources:
        cases += 1
        before = _outcomes(old, source, default_beslisdatum, lang)
        after = _outcomes(new, source, default_beslisdatum, lang)
        if isinstance(before, str) and isinstance(after, str):
            members += len(source.data.get("gezinsleden", []) or []) if isinstance(source.data, dict) else 0
        else:
            keys = list(after if isinstance(after, dict) else before)
            if isinstance(before, dict):
                keys += [k for k in before if k not in keys]
            members += len(keys)
            for key in keys:
                old_text = ERROR[lang] if isinstance(before, str) else before.get(key, ERROR[lang])
                new_text = ERROR[lang] if isinstance(after, str) else after.get(key, ERROR[lang])
                if old_text != new_text:
                    changes.append(CaseChange(source.label, key, old_text, new_text))
        if progress is not None:
            progress(1)
    return CaseImpact(cases, members, tuple(changes))


_WORDS = {
    "nl": {
        "scenarios": "Impact op de scenario's: {changed} van {total} scenario's geven een andere uitkomst",
        "scenarios_none": "Impact op de scenario's: geen van de {total} scenario's geeft een andere uitkomst",
        "cases": "Impact op de zaken ({source}): {cases} van {total} zaken, {members} van {all} gezinsleden "
        "met een andere uitkomst",
        "more": "... en nog {count}",
    },
    "en": {
        "scenarios": "Impact on the scenarios: {changed} of {total} scenarios give a different outcome",
        "scenarios_none": "Impact on the scenarios: none of the {total} scenarios gives a different outcome",
        "cases": "Impact on the cases ({source}): {cases} of {total} cases, {members} of {all} family members "
        "with a different outcome",
        "more": "... and {count} more",
    },
}


def scenario_lines(changes: list[FactChange], total: int, lang: str = "nl") -> list[str]:
    words = _WORDS[lang]
    changed = len({c.scenario for c in changes})
    if not changes:
        return [words["scenarios_none"].format(total=total)]
    lines = [words["scenarios"].format(changed=changed, total=total)]
    lines.extend(f"  {c.scenario}, {c.member}: {c.fact}: {c.before} → {c.after}" for c in changes)
    return lines


def case_lines(impact: CaseImpact, source: str, lang: str = "nl", limit: int = 50) -> list[str]:
    words = _WORDS[lang]
    lines = [
        words["cases"].format(
            source=source,
            cases=impact.changed_cases,
            total=impact.cases,
            members=len(impact.changes),
            all=impact.members,
        )
    ]
    lines.extend(f"  {before} → {after}: {count}" for before, after, count in impact.transitions)
    shown_changes = impact.changes[:limit]
    lines.extend(f"  {c.case}, {c.member}: {c.before} → {c.after}" for c in shown_changes)
    if len(impact.changes) > limit:
        lines.append("  " + words["more"].format(count=len(impact.changes) - limit))
    return lines
