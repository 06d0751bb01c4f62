"""Check parsed cell nodes against the glossary: resolve bare names and give every expression a type."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NoReturn

from engine.errors import CellError
from engine.expressions import (
    AnyValue,
    Arithmetic,
    BoolOp,
    Call,
    Compare,
    Comparison,
    Disjunction,
    Expr,
    FactRef,
    Interval,
    Literal,
    Name,
    Negate,
    Negation,
    Not,
    UnaryTest,
    to_text,
)
from engine.types import BEDRAG, DATUM, DUUR, GETAL, JA_NEE, FactType, Kind


@dataclass(frozen=True)
class Typed:
    """A checked node (names resolved to FactRef or typed Literal), its type and the facts it reads.

    `facts` are read from the entity the cell is evaluated for (its own facts, aanvraag's and referent's);
    `member_facts` are read from the *other* family members, inside enig_gezinslid, elk_gezinslid and
    aantal_gezinsleden.
    """

    node: Expr | UnaryTest
    type: FactType
    facts: frozenset[str] = frozenset()
    member_facts: frozenset[str] = frozenset()


FUNCTIONS = {
    "aantal": "aantal(lijst: lijst) -> getal",
    "aantal_gezinsleden": "aantal_gezinsleden(voorwaarde: ja/nee) -> getal",
    "als": "als(voorwaarde: ja/nee, dan, anders) -> dan and anders of the same type",
    "atw_einde": "atw_einde(datum: datum) -> datum",
    "bevat": "bevat(lijst: lijst van T, waarde: T) -> ja/nee",
    "dagen_tussen": "dagen_tussen(van: datum, tot: datum) -> getal",
    "einde_termijn": "einde_termijn(datum: datum, duur: duur) -> datum",
    "elk_gezinslid": "elk_gezinslid(voorwaarde: ja/nee) -> ja/nee",
    "enig_gezinslid": "enig_gezinslid(voorwaarde: ja/nee) -> ja/nee",
    "leeftijd": "leeftijd(geboortedatum: datum, peildatum: datum) -> getal",
    "max": "max(a, b) -> the larger of two numbers or dates",
    "min": "min(a, b) -> the smaller of two numbers or dates",
    "uniek": "uniek(lijst: lijst van T) -> the same list without repeated values",
}
"""Every function of the cell language with its signature, as error messages show it."""

_FIXED: dict[str, tuple[tuple[FactType, ...], FactType]] = {
    "leeftijd": ((DATUM, DATUM), GETAL),
    "einde_termijn": ((DATUM, DUUR), DATUM),
    "dagen_tussen": ((DATUM, DATUM), GETAL),
    "atw_einde": ((DATUM,), DATUM),
}
_AGGREGATES = {"enig_gezinslid": JA_NEE, "elk_gezinslid": JA_NEE, "aantal_gezinsleden": GETAL}
_ARITY = {"min": 2, "max": 2, "als": 3, "bevat": 2, "aantal": 1, "uniek": 1} | {name: 1 for name in _AGGREGATES}
_ORDERING = ("<", "<=", ">", ">=")
_VERBS = {
    "+": "add {} and {}",
    "-": "subtract {1} from {0}",
    "*": "multiply {} by {}",
    "/": "divide {} by {}",
}


def check_expression(node: Expr, glossary: Mapping[str, FactType], expected: FactType | None = None) -> Typed:
    """Type an expression; with `expected`, its value must fit a fact of that type (a keuze: its values)."""
    typed = _Checker(glossary).expr(node, expected)
    if expected is not None and not _assignable(typed.type, expected):
        _fail(f"expected a {expected.describe()}, but {_a(typed)}", node)
    return typed


def check_input_entry(
    node: UnaryTest, subject: FactType, glossary: Mapping[str, FactType], *, subject_name: str = ""
) -> Typed:
    """Type an input entry that tests a fact of type `subject` (called `subject_name` in messages)."""
    return _Checker(glossary).test(node, subject, subject_name or "the tested fact")


def _fail(message: str, node: Expr | UnaryTest) -> NoReturn:
    raise CellError(message, column=node.column)


def _a(typed: Typed) -> str:
    return f"{to_text(typed.node)} is a {typed.type.describe()}"


def _family(fact_type: FactType) -> tuple[str, bool]:
    """Types in the same family can be compared: getal and bedrag mix, keuzes with each other."""
    numeric = fact_type.kind in (Kind.GETAL, Kind.BEDRAG)
    return ("numeric" if numeric else fact_type.kind.value, fact_type.is_list)


def _assignable(actual: FactType, expected: FactType) -> bool:
    if _family(actual) != _family(expected):
        return False
    return not (expected.values and actual.kind is Kind.KEUZE and not set(actual.values) <= set(expected.values))


def _ordered(fact_type: FactType) -> bool:
    return fact_type.is_numeric or (fact_type.kind is Kind.DATUM and not fact_type.is_list)


def _suggest(word: str, candidates: list[str]) -> str:
    matches = difflib.get_close_matches(word, candidates, n=3)
    return "; did you mean " + " or ".join(f'"{match}"' for match in matches) + "?" if matches else ""


@dataclass(frozen=True)
class _Checker:
    glossary: Mapping[str, FactType]
    in_aggregate: bool = field(default=False)

    # ---- input entries ---------------------------------------------------------------------------------

    def test(self, node: UnaryTest, subject: FactType, subject_name: str) -> Typed:
        match node:
            case AnyValue():
                return Typed(node, subject)
            case Comparison(op=op, operand=operand):
                typed = self.expr(operand, subject)
                self._check_comparable(op, Typed(Name(subject_name), subject), typed, node)
                return _merge(Comparison(op, _expr(typed), column=node.column), subject, typed)
            case Interval(low=low, high=high):
                if not _ordered(subject):
                    _fail(f"a range needs numbers or dates, but {subject_name} is a {subject.describe()}", node)
                bounds = [self.expr(bound, subject) for bound in (low, high)]
                for bound in bounds:
                    self._check_comparable("<=", Typed(Name(subject_name), subject), bound, bound.node)
                resolved = Interval(
                    _expr(bounds[0]), _expr(bounds[1]), node.low_closed, node.high_closed, column=node.column
                )
                return _merge(resolved, subject, *bounds)
            case Disjunction(tests=tests) | Negation(tests=tests):
                parts = [self.test(test, subject, subject_name) for test in tests]
                resolved_tests = tuple(_test(part) for part in parts)
                if isinstance(node, Disjunction):
                    return _merge(Disjunction(resolved_tests, column=node.column), subject, *parts)
                return _merge(Negation(resolved_tests, column=node.column), subject, *parts)
        raise TypeError(f"not an input entry node: {node!r}")

    # ---- expressions -----------------------------------------------------------------------------------

    def expr(self, node: Expr, expected: FactType | None = None) -> Typed:
        match node:
            case Literal():
                return self._literal(node, expected)
            case Name(name=name) | FactRef(name=name):
                return self._name(name, node, expected)
            case Arithmetic():
                return self._arithmetic(node)
            case Negate(operand=operand):
                typed = self.expr(operand)
                if not (typed.type.is_numeric or _family(typed.type) == _family(DUUR)):
                    _fail(f"cannot negate a {typed.type.describe()}: {_a(typed)}", node)
                return _merge(Negate(_expr(typed), column=node.column), typed.type, typed)
            case Compare(op=op, left=left, right=right):
                first, second = self._pair(left, right)
                self._check_comparable(op, first, second, node)
                return _merge(Compare(op, _expr(first), _expr(second), column=node.column), JA_NEE, first, second)
            case BoolOp(op=op, operands=operands):
                parts = [self._condition(operand, f"'{op}'") for operand in operands]
                resolved = BoolOp(op, tuple(_expr(part) for part in parts), column=node.column)
                return _merge(resolved, JA_NEE, *parts)
            case Not(operand=operand):
                typed = self._condition(operand, "niet(...)")
                return _merge(Not(_expr(typed), column=node.column), JA_NEE, typed)
            case Call():
                return self._call(node, expected)
        raise TypeError(f"not an expression node: {node!r}")

    def _literal(self, node: Literal, expected: FactType | None) -> Typed:
        single = expected if expected is not None and not expected.is_list else None
        if node.kind is Kind.KEUZE:  # checked before: the value is allowed where it stood
            if single and single.kind is Kind.KEUZE and node.value in single.values:
                return Typed(node, single)
            return Typed(node, FactType(Kind.KEUZE, (str(node.value),)))
        if single and single.kind is Kind.KEUZE and node.kind is Kind.TEKST and isinstance(node.value, str):
            if node.value not in single.values:
                _fail(
                    f'"{node.value}" is not a value of this keuze; known values: {", ".join(single.values)}'
                    + _suggest(node.value, list(single.values)),
                    node,
                )
            return Typed(Literal(node.value, Kind.KEUZE, column=node.column), single)
        return Typed(node, FactType(node.kind))

    def _name(self, name: str, node: Expr, expected: FactType | None) -> Typed:
        single = expected if expected is not None and not expected.is_list else None
        if single and single.kind is Kind.KEUZE and name in single.values:
            return Typed(Literal(name, Kind.KEUZE, column=node.column), single)
        if name in ("ja", "nee") and (name not in self.glossary or (single and single.kind is Kind.JA_NEE)):
            return Typed(Literal(name == "ja", Kind.JA_NEE, column=node.column), JA_NEE)
        if name in self.glossary:
            reads = frozenset({name})
            ref = FactRef(name, column=node.column)
            if self.in_aggregate:
                return Typed(ref, self.glossary[name], member_facts=reads)
            return Typed(ref, self.glossary[name], facts=reads)
        if single and single.kind is Kind.KEUZE:
            _fail(
                f'unknown fact or value "{name}"; known values of keuze: {", ".join(single.values)}'
                + _suggest(name, [*single.values, *self.glossary]),
                node,
            )
        hint = '; text is written in quotes, e.g. "tekst"' if single and single.kind is Kind.TEKST else ""
        _fail(f'unknown fact "{name}"' + _suggest(name, list(self.glossary)) + hint, node)

    def _pair(self, left: Expr, right: Expr) -> tuple[Typed, Typed]:
        """Types two operands that must fit each other; a bare value is read in the light of the other."""
        if self._needs_context(left) and not self._needs_context(right):
            second = self.expr(right)
            return self.expr(left, second.type), second
        first = self.expr(left)
        return first, self.expr(right, first.type)

    def _needs_context(self, node: Expr) -> bool:
        """A bare word that is no fact (a keuze value), a quoted text that may be one, or a choice of them."""
        if isinstance(node, Name):
            return node.name not in self.glossary
        if isinstance(node, Call) and node.function == "als" and len(node.args) == 3:
            return self._needs_context(node.args[1]) and self._needs_context(node.args[2])
        return isinstance(node, Literal) and node.kind is Kind.TEKST

    def _check_comparable(self, op: str, left: Typed, right: Typed, node: Expr | UnaryTest) -> None:
        if _family(left.type) != _family(right.type):
            types = f"{left.type.describe()} with {right.type.describe()}"
            _fail(f"cannot compare {types}: {_a(left)}, {_a(right)}", node)
        if op in _ORDERING and not _ordered(left.type):
            _fail(f"cannot use {op} on a {left.type.describe()}: only numbers and dates are ordered", node)

    def _condition(self, node: Expr, where: str) -> Typed:
        typed = self.expr(node, JA_NEE)
        if _family(typed.type) != _family(JA_NEE):
            _fail(f"{where} needs a ja/nee, but {_a(typed)}", node)
        return typed

    def _arithmetic(self, node: Arithmetic) -> Typed:
        left, right = self.expr(node.left), self.expr(node.right)
        result = _arithmetic_type(node.op, left.type, right.type)
        if result is None:
            hint = ""
            if node.op == "-" and left.type.kind is Kind.DATUM and right.type.kind is Kind.DATUM:
                hint = "; for the days between two dates use dagen_tussen(van, tot)"
            elif left.type.kind is Kind.DATUM and right.type.is_numeric:
                hint = f"; add a duration instead, e.g. {to_text(node.left)} {node.op} 3 dagen"
            verb = _VERBS[node.op].format(left.type.describe(), right.type.describe())
            _fail(f"cannot {verb}: {_a(left)}, {_a(right)}{hint}", node)
        resolved = Arithmetic(node.op, _expr(left), _expr(right), column=node.column)
        return _merge(resolved, result, left, right)

    # ---- functions -------------------------------------------------------------------------------------

    def _call(self, node: Call, expected: FactType | None) -> Typed:
        name, args = node.function, node.args
        if name not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            _fail(f'unknown function "{name}"; known functions: {known}' + _suggest(name, list(FUNCTIONS)), node)
        arity = len(_FIXED[name][0]) if name in _FIXED else _ARITY[name]
        if len(args) != arity:
            plural = "s" if arity != 1 else ""
            _fail(f"{name} takes {arity} argument{plural}, got {len(args)}: {FUNCTIONS[name]}", node)
        if name in _FIXED:
            params, result = _FIXED[name]
            parts = [self._argument(node, index, param) for index, param in enumerate(params)]
        elif name in _AGGREGATES:
            if self.in_aggregate:
                _fail(f"{name} cannot be used inside another gezinslid function", node)
            inner = _Checker(self.glossary, in_aggregate=True)
            parts = [inner._argument(node, 0, JA_NEE)]
            result = _AGGREGATES[name]
        elif name in ("min", "max"):
            first, second = self._pair(args[0], args[1])
            for index, part in enumerate((first, second)):
                if not _ordered(part.type):
                    self._wrong_argument(node, index, "a number or a date", part)
            if _family(first.type) != _family(second.type):
                self._wrong_argument(node, 1, f"a {first.type.describe()} like the first", second)
            parts, result = [first, second], _wider(first.type, second.type)
        elif name == "als":
            condition = self._argument(node, 0, JA_NEE)
            if expected is not None:
                then, otherwise = self.expr(args[1], expected), self.expr(args[2], expected)
            else:
                then, otherwise = self._pair(args[1], args[2])
            if _family(then.type) != _family(otherwise.type):
                self._wrong_argument(node, 2, f"a {then.type.describe()} like the second", otherwise)
            parts, result = [condition, then, otherwise], _wider(then.type, otherwise.type)
        elif name == "bevat":
            collection = self.expr(args[0])
            if not collection.type.is_list:
                self._wrong_argument(node, 0, "a lijst", collection)
            element = self._argument(node, 1, collection.type.element())
            parts, result = [collection, element], JA_NEE
        else:  # aantal, uniek
            collection = self.expr(args[0], expected if name == "uniek" else None)
            if not collection.type.is_list:
                self._wrong_argument(node, 0, "a lijst", collection)
            parts, result = [collection], GETAL if name == "aantal" else collection.type
        resolved = Call(name, tuple(_expr(part) for part in parts), column=node.column)
        return _merge(resolved, result, *parts)

    def _argument(self, call: Call, index: int, param: FactType) -> Typed:
        typed = self.expr(call.args[index], param)
        if _family(typed.type) != _family(param):
            self._wrong_argument(call, index, f"a {param.describe()}", typed)
        return typed

    def _wrong_argument(self, call: Call, index: int, wanted: str, got: Typed) -> NoReturn:
        _fail(
            f"{call.function}: argument {index + 1} must be {wanted}, but {_a(got)}; use {FUNCTIONS[call.function]}",
            call.args[index],
        )


def _arithmetic_type(op: str, left: FactType, right: FactType) -> FactType | None:
    if left.is_numeric and right.is_numeric:
        if op == "/" and left.kind is right.kind is Kind.BEDRAG:
            return GETAL  # a ratio of two amounts
        return BEDRAG if Kind.BEDRAG in (left.kind, right.kind) else GETAL
    if op == "+" and left.is_list and right.is_list and _family(left) == _family(right):
        return _wider(left, right)  # two lists joined: the grounds of every chapter together
    kinds = (left.kind if not left.is_list else None, right.kind if not right.is_list else None)
    if op in "+-" and kinds == (Kind.DATUM, Kind.DUUR):
        return DATUM
    if op == "+" and kinds == (Kind.DUUR, Kind.DATUM):
        return DATUM
    if op in "+-" and kinds == (Kind.DUUR, Kind.DUUR):
        return DUUR
    if op == "*" and (kinds == (Kind.GETAL, Kind.DUUR) or kinds == (Kind.DUUR, Kind.GETAL)):
        return DUUR  # e.g. dagen_pauze * 1 dag
    return None


def _wider(first: FactType, second: FactType) -> FactType:
    """The type of a choice between two values of one family: bedrag over getal, the union of keuze values."""
    if first.is_numeric and second.is_numeric:
        return BEDRAG if Kind.BEDRAG in (first.kind, second.kind) else GETAL
    if first.kind is Kind.KEUZE and second.kind is Kind.KEUZE:
        values = first.values + tuple(value for value in second.values if value not in first.values)
        return FactType(Kind.KEUZE, values, first.is_list)
    return first


def _merge(node: Expr | UnaryTest, fact_type: FactType, *parts: Typed) -> Typed:
    facts = frozenset().union(*(part.facts for part in parts))
    member_facts = frozenset().union(*(part.member_facts for part in parts))
    return Typed(node, fact_type, facts, member_facts)


def _expr(typed: Typed) -> Expr:
    assert not isinstance(typed.node, AnyValue | Comparison | Interval | Disjunction | Negation)
    return typed.node


def _test(typed: Typed) -> UnaryTest:
    assert isinstance(typed.node, AnyValue | Comparison | Interval | Disjunction | Negation)
    return typed.node


__all__ = ["FUNCTIONS", "Typed", "check_expression", "check_input_entry"]
