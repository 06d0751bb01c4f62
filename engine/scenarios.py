"""Run the scenarios of the Tests sheets; a difference names its cell and explains itself row by row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.case import Case, Member
from engine.errors import Location, NareisError
from engine.evaluate import Scope, matches
from engine.expressions import AnyValue, literal_text
from engine.findings import location_text
from engine.model import DecisionTable, HitPolicy, InputEntry, RuleBase, Scenario
from engine.runtime import Engine
from engine.trace import Decision, EntityResult
from engine.types import Kind, Value

MAX_ROWS_SHOWN = 12  # rows of the deciding table shown in an explanation; the rest are counted


@dataclass(frozen=True)
class Text:
    """One text in both languages."""

    nl: str
    en: str

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


@dataclass(frozen=True)
class ScenarioFailure:
    """A scenario that did not give what its Tests sheet expects, with the rows that explain why."""

    scenario: str
    location: Location
    text: Text
    explanation: tuple[Text, ...] = ()


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    failure_details: tuple[ScenarioFailure, ...]
    fired: tuple[str, ...] = ()  # the rule ids the scenario fired, for coverage

    @property
    def passed(self) -> bool:
        return not self.failure_details

    @property
    def failures(self) -> tuple[str, ...]:
        """The failures as English one-liners with their location (as `nareis check --lang en` shows them)."""
        return tuple(f"{f.location}: {f.text.en}" for f in self.failure_details)


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
    sid = scenario.scenario_id
    decision = engine.decide(scenario_case(scenario))
    if decision.conflicts:  # a hit-policy violation: the scenario fails on it, whatever it expects
        text = Text(
            "\n".join(f"scenario {sid}: {conflict.message('nl')}" for conflict in decision.conflicts),
            "\n".join(f"scenario {sid}: {conflict.message('en')}" for conflict in decision.conflicts),
        )
        return ScenarioResult(scenario, (ScenarioFailure(sid, scenario.location, text),))
    rule_base = engine.network.rule_base
    unordered = _unordered_facts(rule_base)
    failures = []
    for expectation in scenario.expectations:
        actual = _actual(decision, expectation.member, expectation.fact)
        expected = expectation.value
        if expectation.fact in unordered and isinstance(actual, tuple) and isinstance(expected, tuple):
            same = sorted(map(str, actual)) == sorted(map(str, expected))
        else:
            same = actual == expected
        if same:
            continue
        kind = rule_base.glossary[expectation.fact].type.kind
        fact, member = expectation.fact, expectation.member
        text = Text(
            f"scenario {sid}, {member}: verwacht {fact} = {_show(expected, kind, 'nl')}, "
            f"gekregen {_show(actual, kind, 'nl')}",
            f"scenario {sid}, {member}: expected {fact} = {_show(expected, kind, 'en')}, "
            f"got {_show(actual, kind, 'en')}",
        )
        explanation = tuple(explain(rule_base, decision, member, fact))
        failures.append(ScenarioFailure(sid, expectation.location, text, explanation))
    if check_documents is not None:
        try:
            check_documents(decision)
        except NareisError as error:
            failures.append(
                ScenarioFailure(
                    sid,
                    scenario.location,
                    # The renderers' messages are English; the Dutch line says what failed and quotes them.
                    Text(
                        f"scenario {sid}: de brieven van dit scenario kloppen niet: {error}", f"scenario {sid}: {error}"
                    ),
                )
            )
    fired = tuple(rule.rule_id for entity in (decision.aanvraag, *decision.gezinsleden) for rule in entity.fired)
    return ScenarioResult(scenario, tuple(failures), fired)


_CONFLICT = re.compile(
    r'table "(?P<table>.*)" \((?P<workbook>[^,]*), sheet "(?P<sheet>.*)"\): hit policy (?P<policy>\S+) '
    r"(?P<rule>allows at most one matching rule|allows several matching rules only when they set the same outputs), "
    r"but rules (?P<rows>.*) match, for (?P<who>gezinslid \"[^\"]*\"|the aanvraag) in case (?P<case>.*)",
    re.S,
)
_CONFLICT_RULES = {
    "allows at most one matching rule": "staat hooguit één passende regel toe",
    "allows several matching rules only when they set the same outputs": (
        "staat alleen meer passende regels toe als ze dezelfde uitkomst geven"
    ),
}


def conflict_in_dutch(message: str) -> str:
    """A hit-policy conflict (the engine's English message) for policy staff; an unknown form stays English."""
    match = _CONFLICT.fullmatch(message)
    if match is None:
        return message
    rows = re.sub(r" \(row (\d+)\)", r" (rij \1)", match["rows"])
    rows = rows[::-1].replace(" dna ", " ne ", 1)[::-1]  # the last " and " joins the last two rules
    who = "de aanvraag" if match["who"] == "the aanvraag" else match["who"]
    case = match["case"] if match["case"].startswith("scenario ") else f"zaak {match['case']}"
    return (
        f'tabel "{match["table"]}" (werkmap {match["workbook"]}, blad "{match["sheet"]}"): hitbeleid '
        f"{match['policy']} {_CONFLICT_RULES[match['rule']]}, maar de regels {rows} passen, voor {who} in {case}"
    )


# ---- explanations ----------------------------------------------------------------------------------------


def explain(rule_base: RuleBase, decision: Decision, member: str, fact: str, depth: int = 0) -> list[Text]:
    """Why `fact` of `member` came out as it did: the table that sets it, each row matched or not, and for a row
    that did not match the first test that was false or unknown, with the facts it saw. An unknown fact that
    blocked a row is followed one step upstream."""
    entity = _entity(decision, member)
    if entity is None:
        return [Text(f"gezinslid {member} komt niet voor in de uitkomst", f"member {member} is not in the decision")]
    shared = {**decision.aanvraag.facts, **decision.referent.facts}
    visible: dict[str, Value] = {**shared, **entity.facts}
    others = [{**shared, **m.facts} for m in decision.gezinsleden if m.key != entity.key]
    scope = Scope(visible, others)
    indent = "  " * depth
    table = next((t for t in rule_base.tables if fact in t.output_facts), None)
    if table is None:
        calculation = next((c for c in rule_base.calculations if c.fact == fact), None)
        if calculation is None:
            return [Text(f"{indent}{fact} is invoer van de zaak", f"{indent}{fact} is an input of the case")]
        seen = _facts_seen(sorted(calculation.reads), visible, rule_base)
        return [
            Text(
                f"{indent}{fact} is berekend als {calculation.text} ({location_text(calculation.location)}); "
                f"gezien: {seen.nl}",
                f"{indent}{fact} is calculated as {calculation.text} ({calculation.location}); seen: {seen.en}",
            )
        ]
    fired = {r.rule_id for r in entity.fired if r.table == table.name}
    if table.entity == "aanvraag":
        fired = {r.rule_id for r in decision.aanvraag.fired if r.table == table.name}
    lines = [
        Text(
            f'{indent}tabel "{table.name}" ({location_text(Location(table.workbook, table.sheet))}, '
            f"hitbeleid {table.hit_policy.value}) zet {fact}:",
            f'{indent}table "{table.name}" ({Location(table.workbook, table.sheet)}, hit policy '
            f"{table.hit_policy.value}) sets {fact}:",
        )
    ]
    blocked: list[str] = []
    shown = 0
    hidden = 0
    for rule in table.rules:
        verdict, entry = _first_failing(rule.inputs, visible, scope)
        if verdict is True:
            won = rule.rule_id in fired
            nl = "past en besliste" if won else "past ook"
            en = "matches and decided" if won else "matches too"
            if table.hit_policy in (HitPolicy.PRIORITY, HitPolicy.FIRST) and not won:
                nl, en = "past, maar een andere regel ging voor", "matches, but another rule took precedence"
            if not table.hit_policy.is_single_hit:
                nl, en = "past", "matches"
            seen = _facts_seen(list(rule.tested), visible, rule_base)
            at_nl, at_en = (f" bij {seen.nl}", f" at {seen.en}") if rule.tested else ("", "")
            lines.append(
                Text(
                    f"{indent}  regel {rule.rule_id} (rij {rule.row}) {nl}{at_nl}",
                    f"{indent}  rule {rule.rule_id} (row {rule.row}) {en}{at_en}",
                )
            )
            continue
        if shown >= MAX_ROWS_SHOWN:
            hidden += 1
            continue
        shown += 1
        assert entry is not None
        seen = _facts_seen([entry.fact, *sorted(entry.reads)], visible, rule_base)
        cell = entry.location.cell
        if verdict is False:
            lines.append(
                Text(
                    f"{indent}  regel {rule.rule_id} (rij {rule.row}) past niet: cel {cell} '{entry.text}' is onwaar "
                    f"bij {seen.nl}",
                    f"{indent}  rule {rule.rule_id} (row {rule.row}) does not match: cell {cell} '{entry.text}' is "
                    f"false at {seen.en}",
                )
            )
        else:
            lines.append(
                Text(
                    f"{indent}  regel {rule.rule_id} (rij {rule.row}) past niet: cel {cell} '{entry.text}' is "
                    f"onbekend bij {seen.nl}",
                    f"{indent}  rule {rule.rule_id} (row {rule.row}) does not match: cell {cell} '{entry.text}' is "
                    f"unknown at {seen.en}",
                )
            )
            blocked.extend(f for f in [entry.fact, *sorted(entry.reads)] if f not in visible and f not in blocked)
    if hidden:
        lines.append(
            Text(
                f"{indent}  en {hidden} regels meer die niet passen",
                f"{indent}  and {hidden} more rules that do not match",
            )
        )
    if not table.rules:
        lines.append(Text(f"{indent}  de tabel heeft geen regels", f"{indent}  the table has no rules"))
    if depth < 1:
        for unknown in blocked[:2]:
            if not rule_base.glossary[unknown].is_input:
                lines.extend(explain(rule_base, decision, member, unknown, depth + 1))
    return lines


def _first_failing(
    inputs: tuple[InputEntry, ...], visible: Mapping[str, Value], scope: Scope
) -> tuple[bool | None, InputEntry | None]:
    unknown: InputEntry | None = None
    for entry in inputs:
        if isinstance(entry.test, AnyValue):
            continue
        result = matches(entry.test, visible.get(entry.fact), scope)
        if result is False:
            return False, entry
        if result is None and unknown is None:
            unknown = entry
    if unknown is not None:
        return None, unknown
    return True, None


def _facts_seen(facts: list[str], visible: Mapping[str, Value], rule_base: RuleBase) -> Text:
    nl, en = [], []
    for fact in dict.fromkeys(facts):
        if fact in visible:
            shown = literal_text(visible[fact], rule_base.glossary[fact].type.kind)
            nl.append(f"{fact} = {shown}")
            en.append(f"{fact} = {shown}")
        else:
            nl.append(f"{fact} onbekend")
            en.append(f"{fact} unknown")
    return Text(", ".join(nl), ", ".join(en))


def _entity(decision: Decision, member: str) -> EntityResult | None:
    if member == "aanvraag":
        return decision.aanvraag
    if member == "referent":
        return decision.referent
    return next((m for m in decision.gezinsleden if m.key == member), None)


def _actual(decision: Decision, member: str, fact: str) -> Value | None:
    result = _entity(decision, member)
    return None if result is None else result.facts.get(fact)


def _unordered_facts(rule_base: RuleBase) -> set[str]:
    """Outputs of C tables: DMN leaves their order open, so scenarios compare them as collections."""
    return {f for t in rule_base.tables if t.hit_policy is HitPolicy.COLLECT for f in t.output_facts}


def _show(value: Value | None, kind: Kind, lang: str = "en") -> str:
    if value is None:
        return "null (onbekend)" if lang == "nl" else "null (unknown)"
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v, kind, lang) for v in value) + "]"
    return literal_text(value, kind)


def producing_table(rule_base: RuleBase, fact: str) -> DecisionTable | None:
    return next((t for t in rule_base.tables if fact in t.output_facts), None)
