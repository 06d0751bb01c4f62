"""Case files (JSON or YAML): the JSON Schema generated from the glossary, validation and conversion to values."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import stat
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from engine.errors import CaseError, CellError
from engine.expressions import parse_literal_value
from engine.model import Fact, RuleBase
from engine.types import Duration, FactType, Kind, Value

if TYPE_CHECKING:
    from jsonschema import ValidationError


@dataclass(frozen=True)
class CaseLimits:
    """Bounds on a case, checked before the work starts (`nareis --limit NAME=N` raises them)."""

    case_bytes: int = 5_000_000  # the case file as stored
    members: int = 50  # family members in one case
    text: int = 10_000  # characters in one value or toelichting
    depth: int = 12  # nesting of mappings and lists (a case needs 5)
    aliases: int = 10  # YAML aliases (*name): a few are fine, an alias bomb is not
    digits: int = 30  # digits in one number


DEFAULT_CASE_LIMITS = CaseLimits()
_limits = DEFAULT_CASE_LIMITS

# Dates and durations a case may give: wide enough for any real case, narrow enough that date arithmetic on them
# (a duration added to a date, an age) stays within what Python's dates can hold.
EARLIEST_DATE = dt.date(1800, 1, 1)
LATEST_DATE = dt.date(2299, 12, 31)
LONGEST_DURATION = Duration(years=200, months=2_400, days=100_000)
# Numbers reach durable-rules as 64-bit integers scaled by 10^8 (engine/compiler.py): a case's number must fit.
LARGEST_NUMBER = 10**10
DECIMAL_PLACES = 8

# Characters a fact may not carry: NUL and other control characters (a DOCX cannot hold them), lone surrogates
# (no valid UTF-8 holds them) and bidirectional overrides (they make a letter read other than it is stored).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def set_case_limits(limits: CaseLimits) -> None:
    """Use these limits for every case read from now on in this process."""
    global _limits
    _limits = limits


def current_case_limits() -> CaseLimits:
    return _limits

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


def required_by_letters(rule_base: RuleBase) -> frozenset[str]:
    """Family-member facts every case must give because the letters print them: the member's name (`naam`), which
    the motivations of most outcome rows name. Without it a valid case could not get its letter."""
    fact = rule_base.glossary.get("naam")
    return frozenset({"naam"}) if fact is not None and fact.entity == "gezinslid" and fact.is_input else frozenset()


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
    member["required"] = ["id", *sorted(required_by_letters(rule_base))]
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
    """Read a JSON or YAML case file into plain data; a file that cannot be read is a CaseError.

    Only a regular file of bounded size is read (a FIFO would hang). JSON numbers are read exactly (as decimals) and
    a key given twice is an error. YAML is read with a safe loader that also refuses more than a few aliases, a key
    given twice, an impossible date and the YAML 1.1 readings nobody means (`no` as false, `010` as 8, `1:20` as 80).
    """
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise CaseError([f"{path}: not a regular file (a FIFO, device or directory is not read)"])
        size = os.stat(path).st_size
        if size > _limits.case_bytes:
            raise CaseError(
                [f"{path}: the file is {size:,} bytes; at most {_limits.case_bytes:,} are read "
                 "(raise it with --limit case_bytes=N)"]
            )
        with path.open("rb") as handle:
            raw = handle.read(_limits.case_bytes + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CaseError([f"{path}: cannot read the file: {error}"]) from error
    is_json = path.suffix.lower() == ".json"
    try:
        data = _load_json(text) if is_json else _load_yaml(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise CaseError([f"{path}: not valid {'JSON' if is_json else 'YAML'}: {error}"]) from error
    except RecursionError as error:
        raise CaseError(
            [f"{path}: nested more deeply than a case can be (at most {_limits.depth} levels)"]
        ) from error
    except _Problems as problems:
        raise CaseError([f"{path}: {problem}" for problem in problems.problems]) from None
    if not isinstance(data, dict):
        raise CaseError([f"{path}: a case is a mapping with aanvraag, referent and gezinsleden"])
    return data


class _Problems(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _load_json(text: str) -> Any:
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _Problems([f'the key "{key}" is given twice in one object; give each fact once'])
            result[key] = value
        return result

    # Integers as decimals too: int() refuses more than 4,300 digits with a ValueError; the digits are bounded later,
    # with the path of the number.
    return json.loads(text, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=unique)


_YAML_BOOL = frozenset({"true", "false"})
_YAML_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_YAML_FLOAT = re.compile(r"[-+]?(0|[1-9][0-9]*)?\.[0-9]+([eE][-+]?[0-9]+)?|[-+]?(0|[1-9][0-9]*)[eE][-+]?[0-9]+")


class _CaseLoader(yaml.SafeLoader):
    """yaml's SafeLoader (no !!python tags) that counts aliases and reports what YAML 1.1 reads by surprise."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0
        self.problems: list[str] = []

    def problem(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(f"line {mark.line + 1}, column {mark.column + 1}: {message}")

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > _limits.aliases:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _Problems(
                    [f"line {mark.line + 1}, column {mark.column + 1}: more than {_limits.aliases} YAML aliases "
                     "(*name); write the values out (raise it with --limit aliases=N)"]
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            seen: set[object] = set()
            for key_node, _ in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is not None and key in seen:
                    self.problem(key_node, f'the key "{key}" is given twice in one mapping; give each fact once')
                seen.add(key)
        return super().construct_mapping(node, deep)  # type: ignore[arg-type]

    def construct_bool(self, node: yaml.Node) -> Any:
        text = str(node.value)
        if text.lower() not in _YAML_BOOL:
            self.problem(
                node, f'YAML reads {text} as {"true" if self.bool_values[text.lower()] else "false"}; '
                f'write ja or nee, or quote it ("{text}") if it is a text'
            )
            return text
        return text.lower() == "true"

    def construct_int(self, node: yaml.Node) -> Any:
        text = str(node.value)
        digits = sum(c.isdigit() for c in text)
        if digits > _limits.digits:
            self.problem(node, f"a number of {digits:,} digits; at most {_limits.digits} are read")
            return text
        if not _YAML_INT.fullmatch(text):
            self.problem(
                node,
                f"YAML 1.1 reads {text} as the number {self._yaml_int(node)}; write it in plain decimal digits, "
                f'or quote it ("{text}") if it is a text',
            )
            return text
        return int(text)

    def _yaml_int(self, node: yaml.Node) -> str:
        try:
            return str(super().construct_yaml_int(node))  # type: ignore[arg-type]
        except ValueError:
            return "?"

    def construct_float(self, node: yaml.Node) -> Any:
        text = str(node.value)
        digits = sum(c.isdigit() for c in text)
        if digits > _limits.digits:
            self.problem(node, f"a number of {digits:,} digits; at most {_limits.digits} are read")
            return text
        if not _YAML_FLOAT.fullmatch(text):
            self.problem(node, f'YAML 1.1 reads {text} as a number; write one like 2300.10, or quote it ("{text}")')
            return text
        return Decimal(text)

    def construct_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[arg-type]
        except (ValueError, OverflowError):
            self.problem(node, f"{node.value} is not a date: there is no such day")
            return str(node.value)


_CaseLoader.add_constructor("tag:yaml.org,2002:bool", _CaseLoader.construct_bool)
_CaseLoader.add_constructor("tag:yaml.org,2002:int", _CaseLoader.construct_int)
_CaseLoader.add_constructor("tag:yaml.org,2002:float", _CaseLoader.construct_float)
_CaseLoader.add_constructor("tag:yaml.org,2002:timestamp", _CaseLoader.construct_timestamp)


def _load_yaml(text: str) -> Any:
    loader = _CaseLoader(text)
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    if loader.problems:
        raise _Problems(loader.problems)
    return data


def _check_shape(data: Any) -> list[str]:
    """Depth and size problems, found without recursion (so a deeply nested case cannot exhaust the stack)."""
    problems: list[str] = []
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack and len(problems) < 20:
        value, path, depth = stack.pop()
        where = path or "case"
        if depth > _limits.depth:
            problems.append(f"{where}: nested more deeply than a case can be (at most {_limits.depth} levels)")
            continue
        if isinstance(value, Mapping):
            for key, item in value.items():
                key_text = str(key)
                problems.extend(_text_problems(f"{path}.{key_text[:40]}".lstrip("."), key_text))
                stack.append((item, f"{path}.{key_text}".lstrip("."), depth + 1))
        elif isinstance(value, list):
            if path == "gezinsleden" and len(value) > _limits.members:
                problems.append(
                    f"gezinsleden: {len(value):,} family members; at most {_limits.members} are decided in one case "
                    "(raise it with --limit members=N)"
                )
                continue
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str):
            problems.extend(_text_problems(where, value))
        elif isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            problems.extend(_number_problems(where, value))
    return sorted(problems)


def _text_problems(where: str, text: str) -> list[str]:
    if len(text) > _limits.text:
        return [f"{where}: a text of {len(text):,} characters; at most {_limits.text:,} are read "
                "(raise it with --limit text=N)"]
    bad = _FORBIDDEN.search(text)
    if bad:
        character = bad.group()
        name = unicodedata.name(character, "a control character or lone surrogate")
        return [f"{where}: the text holds U+{ord(character):04X} ({name.lower()}), which a letter cannot show; "
                "remove it"]
    return []


def _number_problems(where: str, number: Decimal | int | float) -> list[str]:
    if isinstance(number, float):
        if number != number or number in (float("inf"), float("-inf")):
            return [f"{where}: {number} is not a number a case can give"]
        return []
    decimal = Decimal(number)
    if not decimal.is_finite():
        return [f"{where}: {decimal} is not a number a case can give"]
    _, digits, exponent = decimal.as_tuple()
    assert isinstance(exponent, int)
    written = len(digits) + max(exponent, 0)
    if written > _limits.digits or exponent < -_limits.digits:
        return [f"{where}: a number of {max(written, -exponent):,} digits; at most {_limits.digits} are read"]
    return []


def read_case(
    data: Mapping[str, Any],
    rule_base: RuleBase,
    beslisdatum: dt.date | None = None,
    label: str = "case",
    default_beslisdatum: dt.date | None = None,
) -> Case:
    """Validate plain case data against the glossary and convert it. Raises CaseError naming every problem.

    This builds the case schema's validator anew: to read many cases, build a CaseReader once (Rules holds one)."""
    return CaseReader(rule_base).read(data, beslisdatum, label, default_beslisdatum)


class CaseReader:
    """Reads cases for one rule base: its JSON Schema and validator are built once, here."""

    def __init__(self, rule_base: RuleBase) -> None:
        self.rule_base = rule_base
        self.schema = case_schema(rule_base)
        self._validator: Any = None  # jsonschema's, built when a case first needs the full reading
        # For the fast path: per entity, each input fact's kind, type and (for a keuze or ja/nee) its values as a
        # case gives them, mapped to the value parse_literal_value makes of them.
        self._specs: dict[str, dict[str, _Spec]] = {"aanvraag": {}, "referent": {}, "gezinslid": {}}
        for name, fact in rule_base.glossary.items():
            if not fact.is_input or name == "beslisdatum" or fact.entity not in self._specs:
                continue
            choices: dict[str, Value] | None = None
            if not fact.type.is_list and fact.type.kind in (Kind.KEUZE, Kind.JA_NEE):
                given = fact.type.values if fact.type.kind is Kind.KEUZE else ("ja", "nee")
                choices = {text: parse_literal_value(text, fact.type) for text in given}
            self._specs[fact.entity][name] = _Spec(fact.type.kind, fact.type, choices)
        self._member_required = ("id", *sorted(required_by_letters(rule_base)))
        # The fast path checks no names (they are the glossary's): it is taken when the text limit admits them all.
        self._shortest_text_limit = max(20, *(len(n) for n in rule_base.glossary))

    @property
    def validator(self) -> Any:
        """The schema's validator (jsonschema is imported only when a case is not plainly valid)."""
        if self._validator is None:
            import jsonschema

            self._validator = jsonschema.Draft202012Validator(self.schema)
        return self._validator

    def read(
        self,
        data: Mapping[str, Any],
        beslisdatum: dt.date | None = None,
        label: str = "case",
        default_beslisdatum: dt.date | None = None,
    ) -> Case:
        """Validate plain case data against the glossary and convert it. Raises CaseError naming every problem.

        A valid case takes the fast path: one pass that checks what the schema, the shape limits and the
        conversion check, without building a message. Anything it does not accept goes through every check with
        its message (`_read_checked`), so the result and the errors are those of the full reading."""
        case = self._read_fast(data, beslisdatum, label, default_beslisdatum)
        if case is not None:
            return case
        return self._read_checked(data, beslisdatum, label, default_beslisdatum)

    def _read_fast(
        self,
        data: Mapping[str, Any],
        beslisdatum: dt.date | None,
        label: str,
        default_beslisdatum: dt.date | None,
    ) -> Case | None:
        """The case, or None when anything is not plainly valid (the full reading then finds the problem)."""
        limits = _limits
        if limits.depth < _CASE_DEPTH or limits.text < self._shortest_text_limit or type(data) is not dict:
            return None
        if not data.keys() <= _TOP_KEYS or not data.keys() >= _REQUIRED_TOP:
            return None
        raw_members = data["gezinsleden"]
        if type(raw_members) is not list or not 1 <= len(raw_members) <= limits.members:
            return None
        aanvraag = self._entity(data["aanvraag"], self._specs["aanvraag"], limits, False)
        referent = self._entity(data["referent"], self._specs["referent"], limits, False)
        if aanvraag is None or referent is None:
            return None
        members = []
        plain_members = []
        seen: set[str] = set()
        specs = self._specs["gezinslid"]
        for raw in raw_members:
            if type(raw) is not dict or not all(key in raw for key in self._member_required):
                return None
            member = self._entity(raw, specs, limits, True)
            if member is None:
                return None
            key = member[0]["id"]
            if type(key) is not str or not key or key in seen:
                return None
            seen.add(key)
            plain_members.append(member[0])
            members.append(Member(key, member[1], member[2]))
        plain: dict[str, Any] = {}
        for name in data:
            if name == "beslisdatum":
                given = data[name]
                text = given.isoformat() if isinstance(given, dt.date) else given
                if type(text) is not str or not _ISO_DATE.fullmatch(text):
                    return None
                plain[name] = text
            elif name == "aanvraag":
                plain[name] = aanvraag[0]
            elif name == "referent":
                plain[name] = referent[0]
            else:
                plain[name] = plain_members
        date = beslisdatum
        if date is None and "beslisdatum" in plain:
            try:
                date = dt.date.fromisoformat(plain["beslisdatum"])
            except ValueError:
                return None
            if not EARLIEST_DATE <= date <= LATEST_DATE:
                return None
        if date is None:
            date = default_beslisdatum
        if date is None:
            return None
        facts = {**aanvraag[1], "beslisdatum": date}
        reference = facts.get("zaaknummer")
        return Case(
            beslisdatum=date,
            aanvraag=facts,
            referent=referent[1],
            members=tuple(members),
            aanvraag_toelichtingen=aanvraag[2],
            referent_toelichtingen=referent[2],
            label=str(reference) if reference else label,
            source={**plain, "beslisdatum": date.isoformat()},
        )

    def _entity(
        self, raw: object, specs: dict[str, _Spec], limits: CaseLimits, member: bool
    ) -> tuple[dict[str, Any], dict[str, Value], dict[str, str]] | None:
        """One entity's plain data (as the schema sees it), its values and its notes; None when not plainly valid."""
        if type(raw) is not dict:
            return None
        plain: dict[str, Any] = {}
        facts: dict[str, Value] = {}
        notes: dict[str, str] = {}
        for name, given in raw.items():
            if member and name == "id":
                key = _plain_scalar(given, limits)
                if type(key) is not str:
                    return None
                plain[name] = key
                continue
            spec = specs.get(name)
            if spec is None or type(name) is not str:
                return None
            if given is None:
                plain[name] = None
                continue
            if type(given) is dict:
                if "waarde" not in given:
                    return None
                noted: dict[str, Any] = {}
                value: Value | None = None
                for part, item in given.items():
                    if part == "waarde":
                        converted = _value(item, spec, limits)
                        if converted is None:
                            return None
                        noted[part], value = converted
                    elif part == "toelichting":
                        if type(item) is not str or not _text_fits(item, limits):
                            return None
                        noted[part] = item
                    elif part == "in_brief":
                        shown = ("ja" if item else "nee") if type(item) is bool else item
                        if shown not in ("ja", "nee"):
                            return None
                        noted[part] = shown
                    else:
                        return None
                if noted.get("toelichting"):
                    notes[LETTER_NOTE_PREFIX + name if noted.get("in_brief") == "ja" else name] = noted["toelichting"]
                plain[name] = noted
                assert value is not None
                facts[name] = value
                continue
            converted = _value(given, spec, limits)
            if converted is None:
                return None
            plain[name], facts[name] = converted
        return plain, facts, notes

    def _read_checked(
        self,
        data: Mapping[str, Any],
        beslisdatum: dt.date | None,
        label: str,
        default_beslisdatum: dt.date | None,
    ) -> Case:
        """Every check with its message: the shape, the schema, each value's conversion, the decision date."""
        rule_base = self.rule_base
        problems = _check_shape(data)
        if problems:
            raise CaseError(problems)
        plain = _plain(data)
        for error in sorted(self.validator.iter_errors(plain), key=lambda e: list(e.path)):
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
                problems.append(
                    f'gezinsleden[{index}].id: "{key}" is used twice; every family member needs its own id'
                )
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
            else:
                if not EARLIEST_DATE <= date <= LATEST_DATE:
                    problems.append(
                        f"beslisdatum: {date.isoformat()} is not between {EARLIEST_DATE} and {LATEST_DATE}"
                    )
                    date = None
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


@dataclass(frozen=True)
class _Spec:
    kind: Kind
    type: FactType
    choices: dict[str, Value] | None  # a keuze's or ja/nee's values as given -> the value they stand for


_CASE_DEPTH = 5  # the deepest a valid case goes: gezinsleden[i].fact.waarde[j]
_TOP_KEYS = frozenset({"beslisdatum", "aanvraag", "referent", "gezinsleden"})
_REQUIRED_TOP = frozenset({"aanvraag", "referent", "gezinsleden"})
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_BAD = object()  # a value the fast path does not accept


def _text_fits(text: str, limits: CaseLimits) -> bool:
    return len(text) <= limits.text and _FORBIDDEN.search(text) is None


def _plain_scalar(given: object, limits: CaseLimits) -> object:
    """A scalar as _plain makes it, when _check_shape has nothing to say about it; _BAD otherwise."""
    kind = type(given)
    if kind is str:
        return given if _text_fits(given, limits) else _BAD  # type: ignore[arg-type]
    if kind is bool:
        return "ja" if given else "nee"
    if isinstance(given, dt.date):
        return given.isoformat()
    if kind is Decimal or kind is int or kind is float:
        if _number_problems("", given):  # type: ignore[arg-type]
            return _BAD
        return _plain(given)
    return _BAD


def _value(given: object, spec: _Spec, limits: CaseLimits) -> tuple[Any, Value] | None:
    """A value as the schema sees it and as converted; None when it is not plainly valid."""
    if spec.type.is_list:
        if type(given) is not list:
            return None
        elements = []
        for element in given:
            plain = _plain_scalar(element, limits)
            if plain is _BAD or not _schema_fits(plain, spec):
                return None
            elements.append(plain)
        text = ", ".join(str(e) for e in elements)
        try:
            value = parse_literal_value(text, spec.type)
        except (CellError, ValueError):
            return None
        return (elements, value) if not _out_of_range(value) else None
    if spec.choices is not None:
        plain = ("ja" if given else "nee") if type(given) is bool else given
        if type(plain) is not str:
            return None
        choice = spec.choices.get(plain)
        return None if choice is None else (plain, choice)
    if spec.kind is Kind.DATUM and type(given) is dt.date:
        date: dt.date = given
        return (date.isoformat(), date) if EARLIEST_DATE <= date <= LATEST_DATE else None
    plain = _plain_scalar(given, limits)
    if plain is _BAD or not _schema_fits(plain, spec):
        return None
    if spec.kind is Kind.DATUM:
        text = str(plain)
        try:
            value = dt.date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        except ValueError:
            return None
    else:
        try:
            value = parse_literal_value(str(plain), spec.type)
        except (CellError, ValueError):
            return None
    return (plain, value) if not _out_of_range(value) else None


def _schema_fits(plain: object, spec: _Spec) -> bool:
    """Whether one plain element passes its element schema (see _value_schema), checked strictly (ASCII digits)."""
    kind = spec.kind
    if kind is Kind.GETAL or kind is Kind.BEDRAG:
        return type(plain) in (int, float) or (type(plain) is str and _PLAIN_NUMBER.fullmatch(plain) is not None)
    if type(plain) is not str:
        return False
    if kind is Kind.KEUZE:
        return plain in spec.type.values
    if kind is Kind.JA_NEE:
        return plain in ("ja", "nee")
    if kind is Kind.DATUM:
        return _ISO_DATE.fullmatch(plain) is not None
    return True


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
            value = parse_literal_value(text, fact_type)
        except (CellError, ValueError):
            problems.append(f'{path}.{name}: expected {_describe(fact_type)}, got "{text}"')
            continue
        out_of_range = _out_of_range(value)
        if out_of_range:
            problems.append(f"{path}.{name}: {out_of_range}")
            continue
        facts[name] = value
    return facts, notes


def _out_of_range(value: Value) -> str:
    """Why a date or duration is beyond what a case may give, or "" when it is within."""
    if isinstance(value, tuple):
        return next((problem for element in value if (problem := _out_of_range(element))), "")
    if isinstance(value, Decimal):
        exponent = value.normalize().as_tuple().exponent
        if abs(value) >= LARGEST_NUMBER or (isinstance(exponent, int) and exponent < -DECIMAL_PLACES):
            return (
                f"{format(value, 'f')} cannot be decided exactly: a number has at most "
                f"{len(str(LARGEST_NUMBER)) - 1} digits before the decimal point and {DECIMAL_PLACES} after it"
            )
    if isinstance(value, dt.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
        return f"{value.isoformat()} is not between {EARLIEST_DATE} and {LATEST_DATE}"
    if isinstance(value, Duration):
        longest = LONGEST_DURATION
        if abs(value.years) > longest.years or abs(value.months) > longest.months or abs(value.days) > longest.days:
            return (
                f"the duration {value.iso()} is longer than a case may give (at most {longest.years} years, "
                f"{longest.months} months or {longest.days} days)"
            )
    return ""


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
        if data == data.to_integral_value():
            return float(data) if abs(data) < 2**53 else int(data)
        return format(data, "f")
    return data


def _schema_messages(error: ValidationError, rule_base: RuleBase) -> list[str]:
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
        return [f"{path or 'case'}: {error.message.replace(' is a required property', ' is missing')}"]
    fact_name = next((p for p in reversed(list(error.absolute_path)) if isinstance(p, str)), None)
    if fact_name is not None and fact_name in rule_base.glossary:
        given = error.instance if not isinstance(error.instance, dict) else error.instance.get("waarde")
        text = json.dumps(given, ensure_ascii=False) if not isinstance(given, str) else f'"{given}"'
        return [f"{path}: expected {_describe(rule_base.glossary[fact_name].type)}, got {text}"]
    return [f"{path or 'case'}: {error.message}"]
