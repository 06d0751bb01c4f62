"""Two rule bases -> what changed, in words (rows matched by rule id), and the scenarios whose outcome changes."""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from engine.api import engine_for
from engine.expressions import literal_text
from engine.model import DecisionTable, Fact, Rule, RuleBase, Scenario
from engine.scenarios import scenario_case
from engine.types import Value


class RevisionError(Exception):
    """OLD is neither a directory nor a git revision that holds the directory."""


@dataclass(frozen=True)
class Line:
    nl: str
    en: str

    def get(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


def materialise(old: str, directory: Path, scratch: Path) -> Path:
    """OLD as a directory: itself when it is one, else the directory's workbooks at git revision OLD."""
    if Path(old).is_dir():
        return Path(old)
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=directory, capture_output=True, text=True, check=True
        ).stdout.strip()
        relative = directory.resolve().relative_to(Path(top).resolve()).as_posix()
        archive = subprocess.run(
            ["git", "archive", "--format=tar", old, relative], cwd=top, capture_output=True, check=True
        ).stdout
    except (subprocess.CalledProcessError, OSError, ValueError) as error:
        raise RevisionError(f"{old} is no directory and no git revision with {directory}") from error
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(scratch, filter="data")
    return scratch / relative


def describe_changes(old: RuleBase, new: RuleBase) -> list[Line]:
    lines = list(_glossary_changes(old.glossary, new.glossary))
    old_tables = {t.name: t for t in old.tables}
    new_tables = {t.name: t for t in new.tables}
    for name in sorted(old_tables.keys() | new_tables.keys(), key=lambda n: _table_order(n, old, new)):
        before, after = old_tables.get(name), new_tables.get(name)
        if before is None and after is not None:
            lines.append(
                Line(
                    f'tabel "{name}" ({after.workbook}): nieuw, {len(after.rules)} regels',
                    f'table "{name}" ({after.workbook}): added, {len(after.rules)} rules',
                )
            )
        elif after is None and before is not None:
            lines.append(
                Line(f'tabel "{name}" ({before.workbook}): verwijderd', f'table "{name}" ({before.workbook}): removed')
            )
        elif before is not None and after is not None:
            lines.extend(_table_changes(before, after))
    return lines


def _table_order(name: str, old: RuleBase, new: RuleBase) -> tuple[str, str]:
    table = next(t for t in (*new.tables, *old.tables) if t.name == name)
    return (table.workbook, table.sheet)


def _glossary_changes(old: Mapping[str, Fact], new: Mapping[str, Fact]) -> Iterator[Line]:
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before is None:
            assert after is not None
            yield Line(
                f"begrip {name}: nieuw ({after.type.describe()})", f"fact {name}: added ({after.type.describe()})"
            )
        elif after is None:
            yield Line(f"begrip {name}: verwijderd", f"fact {name}: removed")
        else:
            for label_nl, label_en, a, b in (
                ("type", "type", before.type.describe(), after.type.describe()),
                ("entiteit", "entity", before.entity, after.entity),
                ("soort", "kind", _soort(before), _soort(after)),
            ):
                if a != b:
                    yield Line(f"begrip {name}: {label_nl} {a} → {b}", f"fact {name}: {label_en} {a} → {b}")


def _soort(fact: Fact) -> str:
    return "invoer" if fact.is_input else "afgeleid"


def _cells(rule: Rule) -> dict[str, str]:
    cells = {f"Invoer {e.fact}": e.text for e in rule.inputs}
    cells |= {f"Uitvoer {o.fact}": o.text for o in rule.outputs}
    cells |= {"Bron": rule.source, "Motivering": rule.motivation, "Annotatie": rule.annotation}
    return cells


def _table_changes(old: DecisionTable, new: DecisionTable) -> Iterator[Line]:
    where = f'tabel "{new.name}" ({new.workbook}, blad "{new.sheet}")'
    where_en = f'table "{new.name}" ({new.workbook}, sheet "{new.sheet}")'
    if old.hit_policy is not new.hit_policy:
        yield Line(
            f"{where}: hitbeleid {old.hit_policy.value} → {new.hit_policy.value}",
            f"{where_en}: hit policy {old.hit_policy.value} → {new.hit_policy.value}",
        )
    if old.input_facts != new.input_facts or old.output_facts != new.output_facts:
        columns_before = ", ".join(old.input_facts + old.output_facts)
        columns_after = ", ".join(new.input_facts + new.output_facts)
        yield Line(
            f"{where}: kolommen {columns_before} → {columns_after}",
            f"{where_en}: columns {columns_before} → {columns_after}",
        )
    before = {r.rule_id: r for r in old.rules}
    after = {r.rule_id: r for r in new.rules}
    for rule in new.rules:
        if rule.rule_id not in before:
            summary = " | ".join(
                f"{k.split(' ', 1)[-1]} {v}"
                for k, v in _cells(rule).items()
                if k.startswith(("Invoer", "Uitvoer")) and v != "-"
            )
            yield Line(
                f"{where}: regel {rule.rule_id} toegevoegd (rij {rule.row}): {summary}",
                f"{where_en}: rule {rule.rule_id} added (row {rule.row}): {summary}",
            )
    for rule in old.rules:
        if rule.rule_id not in after:
            yield Line(f"{where}: regel {rule.rule_id} verwijderd", f"{where_en}: rule {rule.rule_id} removed")
    for rule in new.rules:
        if rule.rule_id in before:
            old_cells, new_cells = _cells(before[rule.rule_id]), _cells(rule)
            for column in dict.fromkeys([*old_cells, *new_cells]):
                a, b = old_cells.get(column, ""), new_cells.get(column, "")
                if a != b:
                    yield Line(
                        f"{where}: regel {rule.rule_id}, {column}: {a or '(leeg)'} → {b or '(leeg)'}",
                        f"{where_en}: rule {rule.rule_id}, {column}: {a or '(empty)'} → {b or '(empty)'}",
                    )


def scenario_impact(old: RuleBase, new: RuleBase) -> list[Line]:
    """The scenarios (of NEW) whose final outcome per member changes when they run on OLD and on NEW."""
    old_engine, new_engine = engine_for(old), engine_for(new)
    lines = []
    for scenario in new.scenarios:
        outcome_old = _outcomes(old_engine, scenario, old)
        outcome_new = _outcomes(new_engine, scenario, new)
        for member in dict.fromkeys([*outcome_old, *outcome_new]):
            a, b = outcome_old.get(member, "?"), outcome_new.get(member, "?")
            if a != b:
                lines.append(
                    Line(
                        f"scenario {scenario.scenario_id}, {member}: {a} → {b}",
                        f"scenario {scenario.scenario_id}, {member}: {a} → {b}",
                    )
                )
    return lines


def _outcomes(engine: object, scenario: Scenario, rule_base: RuleBase) -> dict[str, str]:
    from engine.errors import RuleConflictError
    from engine.runtime import Engine

    assert isinstance(engine, Engine)
    fact = "uitkomst" if "uitkomst" in rule_base.glossary else None
    try:
        decision = engine.decide(scenario_case(scenario))
    except RuleConflictError:
        return {m.key: "conflict" for m in scenario.members}
    except (KeyError, TypeError):
        return {m.key: "?" for m in scenario.members}
    result = {}
    for member in decision.gezinsleden:
        facts = [fact] if fact else sorted({e.fact for e in scenario.expectations if e.member == member.key})
        result[member.key] = ", ".join(_show(member.facts.get(f), rule_base, f) for f in facts)
    return result


def _show(value: Value | None, rule_base: RuleBase, fact: str) -> str:
    if value is None:
        return "onbekend"
    return literal_text(value, rule_base.glossary[fact].type.kind)


def scratch_directory() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="nareis-diff-")


__all__ = ["Line", "RevisionError", "describe_changes", "materialise", "scenario_impact", "scratch_directory"]
