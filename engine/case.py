"""Case files (JSON or YAML): the JSON Schema generated from the glossary, validation and conversion to values."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from engine.errors import CaseError, CellError
from engine.expressions import parse_literal_value
from engine.model import Fact, RuleBase
from engine.types import FactType, Kind, Value

# A note the caseworker marked for the letter (`in_brief: ja`) is kept under this prefix; the others are internal.
LETTER_NOTE_PREFIX = "in_brief:"


@dataclass(frozen=True)
class Member:
    key: str
    facts: Mapping[str, Value]
    toelichtingen: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """A case ready to decide: every value converted and checked against the glossary."""

    beslisdatum: dt.date
    aanvraag: Mapping[str, Value]
    referent: Mapping[str, Value]
    members: tuple[Member, ...]
    aanvraag_toelichtingen: Mapping[str, str] = field(default_factory=dict)
    referent_toelichtingen: Mapping[str, str] = field(default_factory=dict)
    label: str = "case"
    source: Mapping[str, Any] = field(default_factory=dict)


_EXAMPLES = {
    Kind.DATUM: "a date like 2012-05-01",
    Kind.JA_NEE: "ja or nee",
    Kind.GETAL: "a number like 12 or 2.5",
    Kind.BEDRAG: "an amount like 2300.10",
    Kind.TEKST: "a text",
    Kind.DUUR: "a duration like 3 maanden or P3M",
}


def _describe(fact_type: FactType) -> str:
    if fact_type.kind is Kind.KEUZE:
        text = "one of: " + ", ".join(fact_type.values)
    else:
        text = _EXAMPLES[fact_type.kind]
    return f"a list of {text}" if fact_type.is_list else text


def _value_schema(fact: Fact) -> dict[str, Any]:
    fact_type = fact.type
    element: dict[str, Any]
    if fact_type.kind is Kind.KEUZE:
        element = {"type": "string", "enum": list(fact_type.values)}
    elif fact_type.kind is Kind.JA_NEE:
        element = {"type": "string", "enum": ["ja", "nee"]}
    elif fact_type.kind is Kind.DATUM:
        element = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
    elif fact_type.kind in (Kind.GETAL, Kind.BEDRAG):
        element = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}]}
    else:
        element = {"type": "string"}
    plain = {"type": "array", "items": element} if fact_type.is_list else element
    described = {**plain, "description": fact.description} if fact.description else plain
    with_note = {
        "type": "object",
        "properties": {
            "waarde": plain,
            "toelichting": {"type": "string"},
            # ja = the note may also appear in the letter; otherwise it is for the beslisnotitie only
            "in_brief": {"type": "string", "enum": ["ja", "nee"]},
        },
        "required": ["waarde"],
        "additionalProperties": False,
    }
    return {"anyOf": [described, with_note, {"type": "null"}]}


def case_schema(rule_base: RuleBase) -> dict[str, Any]:
    """The JSON Schema of a case file, generated from the glossary's input facts."""

    def entity(name: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        properties = {
            n: _value_schema(f)
            for n, f in sorted(rule_base.glossary.items())
            if f.entity == name and f.is_input and n != "beslisdatum"
        }
        return {
            "type": "object",
            "properties": {**(extra or {}), **properties},
            "additionalProperties": False,
        }

    member = entity("gezinslid", {"id": {"type": "string", "minLength": 1, "description": "short unique id"}})
    member["required"] = ["id"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Nareiszaak (WI 2026/11)",
        "type": "object",
        "properties": {
            "beslisdatum": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"},
            "aanvraag": entity("aanvraag"),
            "referent": entity("referent"),
            "gezinsleden": {"type": "array", "items": member, "minItems": 1},
        },
        "required": ["aanvraag", "referent", "gezinsleden"],
        "additionalProperties": False,
    }


def load_case_file(path: Path) -> dict[str, Any]:
    """Read a JSON or YAML case file into plain data; a file that cannot be read is a CaseError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CaseError([f"{path}: cannot read the file: {error}"]) from error
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text, parse_float=Decimal)
        else:
            data = yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise CaseError(
            [f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {error}"]
        ) from error
    if not isinstance(data, dict):
        raise CaseError([f"{path}: a case is a mapping with aanvraag, referent and gezinsleden"])
    return data


def read_case(
    data: Mapping[str, Any],
    rule_base: RuleBase,
    beslisdatum: dt.date | None = None,
    label: str = "case",
    default_beslisdatum: dt.date | None = None,
) -> Case:
    """Validate plain case data against the glossary and convert it. Raises CaseError naming every problem."""
    plain = _plain(data)
    problems: list[str] = []
    schema = case_schema(rule_base)
    for error in sorted(jsonschema.Draft202012Validator(schema).iter_errors(plain), key=lambda e: list(e.path)):
        problems.extend(_schema_messages(error, rule_base))
    if problems:
        raise CaseError(problems)
    glossary = rule_base.glossary
    converted: dict[str, tuple[dict[str, Value], dict[str, str]]] = {}
    for entity in ("aanvraag", "referent"):
        converted[entity] = _convert(plain[entity], entity, glossary, problems)
    members = []
    seen: set[str] = set()
    for index, raw in enumerate(plain["gezinsleden"]):
        key = raw["id"]
        if key in seen:
            problems.append(f'gezinsleden[{index}].id: "{key}" is used twice; every family member needs its own id')
        seen.add(key)
        facts, notes = _convert(
            {k: v for k, v in raw.items() if k != "id"}, f"gezinsleden[{index}]", glossary, problems
        )
        members.append(Member(key, facts, notes))
    date = beslisdatum
    if date is None and "beslisdatum" in plain:
        try:
            date = dt.date.fromisoformat(plain["beslisdatum"])
        except ValueError:
            problems.append(f'beslisdatum: expected a date like 2026-11-23, got "{plain["beslisdatum"]}"')
    if date is None:
        date = default_beslisdatum
    if date is None and not problems:
        problems.append("beslisdatum: missing; give it in the case or on the command line (--beslisdatum)")
    if problems or date is None:
        raise CaseError(problems)
    aanvraag = {**converted["aanvraag"][0], "beslisdatum": date}
    reference = aanvraag.get("zaaknummer")
    return Case(
        beslisdatum=date,
        aanvraag=aanvraag,
        referent=converted["referent"][0],
        members=tuple(members),
        aanvraag_toelichtingen=converted["aanvraag"][1],
        referent_toelichtingen=converted["referent"][1],
        label=str(reference) if reference else label,
        source={**plain, "beslisdatum": date.isoformat()},
    )


def _convert(
    raw: Mapping[str, Any], path: str, glossary: Mapping[str, Fact], problems: list[str]
) -> tuple[dict[str, Value], dict[str, str]]:
    facts: dict[str, Value] = {}
    notes: dict[str, str] = {}
    for name, given in raw.items():
        if given is None:
            continue
        if isinstance(given, dict):
            if given.get("toelichting"):
                key = LETTER_NOTE_PREFIX + name if given.get("in_brief") == "ja" else name
                notes[key] = given["toelichting"]
            given = given["waarde"]
            if given is None:
                continue
        fact_type = glossary[name].type
        text = ", ".join(str(v) for v in given) if isinstance(given, list) else str(given)
        try:
            facts[name] = parse_literal_value(text, fact_type)
        except CellError:
            problems.append(f'{path}.{name}: expected {_describe(fact_type)}, got "{text}"')
    return facts, notes


def _plain(data: Any) -> Any:
    """YAML gives dates and numbers as Python objects; the schema speaks JSON: dates as text, numbers as numbers."""
    if isinstance(data, Mapping):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    if isinstance(data, bool):
        return "ja" if data else "nee"
    if isinstance(data, Decimal):
        return float(data) if data == data.to_integral_value() else str(data)
    return data


def _schema_messages(error: jsonschema.ValidationError, rule_base: RuleBase) -> list[str]:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    if error.validator == "additionalProperties":
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = list(schema.get("properties", {}))
        instance: Any = error.instance
        extra = sorted(set(instance) - set(known))
        messages = []
        for name in extra:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            if name in rule_base.glossary and not rule_base.glossary[name].is_input:
                hint = " (it is derived by the rules, not given)"
            elif name in rule_base.glossary:
                hint = f" (it belongs to the {rule_base.glossary[name].entity})"
            where = f"{path}." if path else ""
            messages.append(f"{where}{name}: unknown fact{hint}")
        return messages
    if error.validator == "required":
        return [f"{path + ': ' if path else ''}{error.message.replace(' is a required property', ' is missing')}"]
    fact_name = next((p for p in reversed(list(error.absolute_path)) if isinstance(p, str)), None)
    if fact_name is not None and fact_name in rule_base.glossary:
        given = error.instance if not isinstance(error.instance, dict) else error.instance.get("waarde")
        text = json.dumps(given, ensure_ascii=False) if not isinstance(given, str) else f'"{given}"'
        return [f"{path}: expected {_describe(rule_base.glossary[fact_name].type)}, got {text}"]
    return [f"{path or 'case'}: {error.message}"]
