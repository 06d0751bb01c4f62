"""The result of deciding a case: plain data, JSON-serialisable, for documents, tests and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.errors import Location, RuleConflictError
from engine.types import Duration, Value


@dataclass(frozen=True)
class FiredRule:
    """One rule row that fired for one entity, with where it comes from and what it read and set."""

    order: int  # firing order within the case, from 1
    table: str
    rule_id: str
    workbook: str
    sheet: str
    row: int
    source: str  # Bron: WI paragraph and legal basis
    motivation: str  # the row's Jinja text, unrendered
    annotation: str
    matched: Mapping[str, Value]  # the input facts the row tested, with their values
    set: Mapping[str, Value]  # the facts the row set (for collect tables: this row's contribution)
    table_position: int = 0  # the table's place in the toetsingsvolgorde (workbook order, then sheet order)
    in_letter: bool = True  # the row's `Toon bij` test held for the entity's final facts (or it has none)
    is_default: bool = False  # the table's Standaard row: no rule matched, its default outputs were used


@dataclass(frozen=True)
class Calculation:
    """A calculated fact that got a value."""

    fact: str
    value: Value
    formula: str
    source: str
    workbook: str
    sheet: str
    row: int


@dataclass(frozen=True)
class EntityResult:
    """What the network derived for one entity (the application, the referent or one family member)."""

    entity: str  # "aanvraag", "referent" or "gezinslid"
    key: str  # "aanvraag", "referent" or the family member's id
    facts: Mapping[str, Value]  # every known fact of this entity: input and derived
    toelichtingen: Mapping[str, str]  # the caseworker's free text per judgement fact
    fired: tuple[FiredRule, ...]
    calculations: tuple[Calculation, ...]
    missing: tuple[str, ...]  # input facts that are unknown and block a rule that could otherwise fire


@dataclass(frozen=True)
class ConflictingRule:
    rule_id: str
    row: int
    set: Mapping[str, Value]  # what this rule would set (its known outputs)


@dataclass(frozen=True)
class Conflict:
    """A U or A table whose hit policy was violated for one entity: its outputs, and what depends on them, stay
    unknown (DMN fails that decision only); every other result of the case stands."""

    table: str
    workbook: str
    sheet: str
    hit_policy: str  # "U" or "A"
    entity: str  # "aanvraag" or "gezinslid"
    key: str  # "aanvraag" or the family member's id
    rules: tuple[ConflictingRule, ...]  # the matching rules, in table order
    facts: Mapping[str, Value]  # the facts those rules tested, with their values
    unknown: tuple[str, ...]  # "who.fact" left unknown by it: the table's outputs, then what depends on them
    message_nl: str
    message_en: str

    def message(self, lang: str = "nl") -> str:
        return self.message_nl if lang == "nl" else self.message_en

    def to_json(self) -> dict[str, Any]:
        return {
            "tabel": self.table,
            "werkboek": self.workbook,
            "blad": self.sheet,
            "hitbeleid": self.hit_policy,
            "entiteit": self.entity,
            "id": self.key,
            "regels": [{"regel": r.rule_id, "rij": r.row, "gezet": _facts_json(r.set)} for r in self.rules],
            "feiten": _facts_json(self.facts),
            "onbekend": list(self.unknown),
            "melding": self.message_nl,
        }


@dataclass(frozen=True)
class Decision:
    """The decision on one case."""

    beslisdatum: dt.date
    tables_hash: str
    aanvraag: EntityResult
    referent: EntityResult
    gezinsleden: tuple[EntityResult, ...]
    case: Mapping[str, Any] = field(default_factory=dict)  # the case as given (normalised), for documents
    conflicts: tuple[Conflict, ...] = ()  # hit-policy violations: a decision holding one is not a valid decision

    def to_json(self) -> dict[str, Any]:
        return {
            "beslisdatum": self.beslisdatum.isoformat(),
            "tabellen_hash": self.tables_hash,
            "aanvraag": _entity_json(self.aanvraag),
            "referent": _entity_json(self.referent),
            "gezinsleden": [_entity_json(member) for member in self.gezinsleden],
            "conflicten": [conflict.to_json() for conflict in self.conflicts],
        }

    def conflict_error(self, lang: str = "nl") -> RuleConflictError | None:
        """The error to stop with when the decision holds a conflict (None when it holds none): what a command
        raises after showing the decision, and what a document raises instead of being written."""
        return _conflict_error([c.message(lang) for c in self.conflicts], self.conflicts[:1], lang)


def refuse_conflicts(decision: Mapping[str, Any]) -> None:
    """Raise RuleConflictError when a decision as JSON (Decision.to_json()) holds a conflict: a document states a
    decision, and a decision with a hit-policy violation in it is not one."""
    conflicts = decision.get("conflicten") or []
    if conflicts:
        first = conflicts[0] if isinstance(conflicts[0], Mapping) else {}
        location = Location(str(first.get("werkboek", "")), str(first.get("blad", "")))
        messages = [str(c.get("melding", "")) if isinstance(c, Mapping) else str(c) for c in conflicts]
        raise RuleConflictError(_refusal(messages, "nl"), location)


def _conflict_error(messages: list[str], first: tuple[Conflict, ...], lang: str) -> RuleConflictError | None:
    if not messages:
        return None
    return RuleConflictError(_refusal(messages, lang), Location(first[0].workbook, first[0].sheet))


def _refusal(messages: list[str], lang: str) -> str:
    if lang == "nl":
        head = "het besluit bevat een conflict in de beslistabellen; er wordt geen document van gemaakt:"
        tail = "Los het conflict op in de tabel (of pas het hitbeleid aan) en beslis de zaak opnieuw."
    else:
        head = "the decision holds a conflict in the decision tables; no document is made of it:"
        tail = "Resolve the conflict in the table (or change its hit policy) and decide the case again."
    return "\n".join([head, *(f"- {message}" for message in messages), tail])


def value_json(value: Value) -> Any:
    """A fact value as JSON: dates and durations as ISO text, decimals as text (exact), lists as lists."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Duration):
        return value.iso()
    if isinstance(value, tuple):
        # A list-giving table with several outputs keeps its columns aligned: an unknown entry is null in place.
        return [None if v is None else value_json(v) for v in value]
    return value


def _facts_json(facts: Mapping[str, Value]) -> dict[str, Any]:
    return {name: value_json(facts[name]) for name in sorted(facts)}


def _entity_json(result: EntityResult) -> dict[str, Any]:
    return {
        "entiteit": result.entity,
        "id": result.key,
        "feiten": _facts_json(result.facts),
        "toelichtingen": dict(sorted(result.toelichtingen.items())),
        "gevuurde_regels": [
            {
                "volgorde": rule.order,
                "tabel": rule.table,
                "regel": rule.rule_id,
                "werkboek": rule.workbook,
                "blad": rule.sheet,
                "rij": rule.row,
                "bron": rule.source,
                "gematcht": _facts_json(rule.matched),
                "gezet": _facts_json(rule.set),
                "motivering": rule.motivation,
                "annotatie": rule.annotation,
                "tabelvolgorde": rule.table_position,
                "in_brief": rule.in_letter,
                **({"standaard": True} if rule.is_default else {}),
            }
            for rule in result.fired
        ],
        "berekeningen": [
            {
                "feit": c.fact,
                "waarde": value_json(c.value),
                "formule": c.formula,
                "bron": c.source,
                "werkboek": c.workbook,
                "blad": c.sheet,
                "rij": c.row,
            }
            for c in result.calculations
        ],
        "ontbrekende_feiten": list(result.missing),
    }
