"""The result of deciding a case: plain data, JSON-serialisable, for documents, tests and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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
class Decision:
    """The decision on one case."""

    beslisdatum: dt.date
    tables_hash: str
    aanvraag: EntityResult
    referent: EntityResult
    gezinsleden: tuple[EntityResult, ...]
    case: Mapping[str, Any] = field(default_factory=dict)  # the case as given (normalised), for documents

    def to_json(self) -> dict[str, Any]:
        return {
            "beslisdatum": self.beslisdatum.isoformat(),
            "tabellen_hash": self.tables_hash,
            "aanvraag": _entity_json(self.aanvraag),
            "referent": _entity_json(self.referent),
            "gezinsleden": [_entity_json(member) for member in self.gezinsleden],
        }


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
        return [value_json(v) for v in value]
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
