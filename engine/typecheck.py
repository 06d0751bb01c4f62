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
    ListLiteral,
    Literal,
    Membership,
    Name,
    Negate,
    Negation,
    Not,
    Null,
    UnaryTest,
    to_text,
)
from engine.types import BEDRAG, DATUM, DUUR, GETAL, JA_NEE, TEKST, FactType, Kind


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
    "abs": "abs(getal) -> getal without its sign",
    "aantal_gezinsleden": "aantal_gezinsleden(voorwaarde: ja/nee) -> getal",
    "als": "als(voorwaarde: ja/nee, dan, anders) -> dan and anders of the same type",
    "atw_einde": "atw_einde(datum: datum) -> datum",
    "bevat": "bevat(lijst: lijst van T, waarde: T) -> ja/nee",
    "ceiling": "ceiling(getal) -> getal rounded up to a whole number",
    "contains": "contains(tekst, deel: tekst) -> ja/nee",
    "count": "count(lijst) -> getal",
    "dagen_tussen": "dagen_tussen(van: datum, tot: datum) -> getal",
    "date": "date(jaar: getal, maand: getal, dag: getal) -> datum",
    "decimal": "decimal(getal, decimalen: getal) -> getal rounded to that many decimals (half to even)",
    "einde_termijn": "einde_termijn(datum: datum, duur: duur) -> datum",
    "elk_gezinslid": "elk_gezinslid(voorwaarde: ja/nee) -> ja/nee",
    "ends_with": "ends_with(tekst, einde: tekst) -> ja/nee",
    "enig_gezinslid": "enig_gezinslid(voorwaarde: ja/nee) -> ja/nee",
    "floor": "floor(getal) -> getal rounded down to a whole number",
    "leeftijd": "leeftijd(geboortedatum: datum, peildatum: datum) -> getal",
    "list_contains": "list_contains(lijst: lijst van T, waarde: T) -> ja/nee",
    "lower_case": "lower_case(tekst) -> tekst",
    "max": "max(a, b, ...) or max(lijst) -> the largest of numbers, dates, durations or texts",
    "min": "min(a, b, ...) or min(lijst) -> the smallest of numbers, dates, durations or texts",
    "modulo": "modulo(deeltal: getal, deler: getal) -> getal, the remainder with the sign of the deler",
    "starts_with": "starts_with(tekst, begin: tekst) -> ja/nee",
    "string_length": "string_length(tekst) -> getal",
    "substring": "substring(tekst, start: getal[, lengte: getal]) -> tekst (start 1: first character, -1: last)",
    "sum": "sum(lijst van getal) -> getal",
    "uniek": "uniek(lijst: lijst van T) -> the same list without repeated values",
    "upper_case": "upper_case(tekst) -> tekst",
}
"""Every function of the cell language with its signature, as error messages show it."""

_FIXED: dict[str, tuple[tuple[FactType, ...], FactType]] = {
    "leeftijd": ((DATUM, DATUM), GETAL),
    "einde_termijn": ((DATUM, DUUR), DATUM),
    "dagen_tussen": ((DATUM, DATUM), GETAL),
    "atw_einde": ((DATUM,), DATUM),
    "date": ((GETAL, GETAL, GETAL), DATUM),
    "ceiling": ((GETAL,), GETAL),
    "floor": ((GETAL,), GETAL),
    "decimal": ((GETAL, GETAL), GETAL),
    "modulo": ((GETAL, GETAL), GETAL),
    "string_length": ((TEKST,), GETAL),
    "upper_case": ((TEKST,), TEKST),
    "lower_case": ((TEKST,), TEKST),
    "contains": ((TEKST, TEKST), JA_NEE),
    "starts_with": ((TEKST, TEKST), JA_NEE),
    "ends_with": ((TEKST, TEKST), JA_NEE),
}
# Functions whose result has the (numeric) type of their first argument: abs(bedrag) is a bedrag.
_SAME_NUMBER = ("ceiling", "floor", "decimal", "modulo")
_AGGREGATES = {"enig_gezinslid": JA_NEE, "elk_gezinslid": JA_NEE, "aantal_gezinsleden": GETAL}
_ARITY = {
    "als": 3, "bevat": 2, "list_contains": 2, "aantal": 1, "count": 1, "uniek": 1, "sum": 1, "abs": 1,
} | {name: 1 for name in _AGGREGATES}  # fmt: skip
_VARIADIC = {"min": (1, 99), "max": (1, 99), "substring": (2, 3)}
_ORDERING = ("<", "<=", ">", ">=")
_BOOLEANS = {"ja": True, "nee": False, "true": True, "false": False}
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
    """Numbers, dates, durations and texts have an order (texts: by their characters, as FEEL does)."""
    return fact_type.is_numeric or (fact_type.kind in (Kind.DATUM, Kind.DUUR, Kind.TEKST) and not fact_type.is_list)


def _suggest(word: str, candidates: list[str]) -> str:
    matches = difflib.get_close_matches(word, candidates, n=3)
    return "; did you mean " + " or ".join(f'"{match}"' for match in matches) + "?" if matches else ""


@dataclass(frozen=True)
class _Checker:
    glossary: Mapping[str, FactType]
    in_aggregate: bool = field(default=False)

    # ---- input entries ---------------------------------------------------------------------------------

    def test(self, node: UnaryTest, subject: FactType, subject_name: str) -> Typed:
        """A test of `subject`. On a list fact, a test of one value asks about its elements (`"koorts", "hoest"`:
        the list holds koorts or hoest); a list on the other side of `=` asks whether the value is one of its values."""
        element = subject.element()
        match node:
            case AnyValue():
                return Typed(node, subject)
            case Comparison(op=op, operand=ListLiteral() as operand) if not subject.is_list:
                items = ", ".join(to_text(item) for item in operand.items)
                _fail(
                    f"{to_text(operand)} is a list: for any of these values write {items or 'the values'} "
                    "without brackets; for a range write two dots, e.g. [1..5]",
                    operand,
                )
            case Comparison(op=op, operand=operand):
                typed = self.expr(operand, element)
                if typed.type.is_list and not isinstance(operand, Null):
                    if op not in ("=", "!="):
                        _fail(f"cannot use {op} with a list: {_a(typed)}", node)
                    if subject.is_list:
                        typed = self.expr(operand, subject)  # the whole list compared
                        self._check_comparable(op, Typed(Name(subject_name), subject), typed, node)
                    else:  # one of the list's values
                        self._check_comparable(op, Typed(Name(subject_name), subject), _elements(typed), node)
                else:
                    self._check_comparable(op, Typed(Name(subject_name), element), typed, node)
                return _merge(Comparison(op, _expr(typed), column=node.column), subject, typed)
            case Interval(low=low, high=high):
                if not _ordered(element):
                    _fail(
                        f"a range needs numbers, dates, durations or texts, but {subject_name} is a "
                        f"{subject.describe()}",
                        node,
                    )
                bounds = [self.expr(bound, element) for bound in (low, high)]
                for bound in bounds:
                    self._check_comparable("<=", Typed(Name(subject_name), element), bound, bound.node)
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
            case Null():
                if expected is None:
                    _fail(
                        "null has no type here: write it as an output, as an input entry, or compared with = or != "
                        "(x = null asks whether x is unknown)",
                        node,
                    )
                return Typed(node, expected)
            case ListLiteral():
                return self._list(node, expected)
            case Membership(operand=operand, test=test):
                subject = self.expr(operand)
                if isinstance(subject.node, Null):
                    _fail("null in ... has no answer: write x = null to ask whether x is unknown", node)
                typed_test = self.test(test, subject.type, to_text(operand))
                return _merge(
                    Membership(_expr(subject), _test(typed_test), column=node.column), JA_NEE, subject, typed_test
                )
        raise TypeError(f"not an expression node: {node!r}")

    def _list(self, node: ListLiteral, expected: FactType | None) -> Typed:
        element = expected.element() if expected is not None else None
        if not node.items:
            if expected is None or not expected.is_list:
                _fail("an empty list [] has no type here: use it where a list fact is expected", node)
            return Typed(node, expected)
        if element is None and self._needs_context(node.items[0]):
            known = next((item for item in node.items if not self._needs_context(item)), None)
            if known is not None:
                element = self.expr(known).type
        parts = [self.expr(item, element) for item in node.items]
        first = parts[0]
        for part in parts:
            if part.type.is_list or _family(part.type) != _family(first.type):
                _fail(f"a list holds values of one type: {_a(first)}, but {_a(part)}", part.node)
            first = Typed(first.node, _wider(first.type, part.type))
        resolved = ListLiteral(tuple(_expr(part) for part in parts), column=node.column)
        return _merge(resolved, first.type.as_list(), *parts)

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
        if name in _BOOLEANS and (name not in self.glossary or (single and single.kind is Kind.JA_NEE)):
            return Typed(Literal(_BOOLEANS[name], Kind.JA_NEE, column=node.column), JA_NEE)
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
        if isinstance(node, Name) and node.written:
            hint += f" ({node.written} is read as {name}: a name with capitals or spaces is read in lower snake case)"
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
        if isinstance(node, ListLiteral):
            return all(self._needs_context(item) for item in node.items)
        return isinstance(node, Null) or (isinstance(node, Literal) and node.kind is Kind.TEKST)

    def _check_comparable(self, op: str, left: Typed, right: Typed, node: Expr | UnaryTest) -> None:
        if isinstance(left.node, Null) or isinstance(right.node, Null):
            if op not in ("=", "!="):
                _fail(f"cannot use {op} with null: only = null and != null have an answer", node)
            return
        if _family(left.type) != _family(right.type):
            types = f"{left.type.describe()} with {right.type.describe()}"
            _fail(f"cannot compare {types}: {_a(left)}, {_a(right)}", node)
        if op in _ORDERING and not _ordered(left.type):
            _fail(
                f"cannot use {op} on a {left.type.describe()}: only numbers, dates, durations and texts are ordered",
                node,
            )

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
            known = ", ".join(sorted(FUNCTIONS))
            _fail(f'unknown function "{name}"; known functions: {known}' + _suggest(name, list(FUNCTIONS)), node)
        if name in _VARIADIC:
            least, most = _VARIADIC[name]
            if not least <= len(args) <= most:
                _fail(f"{name} takes {least} to {most} arguments, got {len(args)}: {FUNCTIONS[name]}", node)
        else:
            arity = len(_FIXED[name][0]) if name in _FIXED else _ARITY[name]
            if len(args) != arity:
                plural = "s" if arity != 1 else ""
                _fail(f"{name} takes {arity} argument{plural}, got {len(args)}: {FUNCTIONS[name]}", node)
        if name in _FIXED:
            params, result = _FIXED[name]
            parts = [self._argument(node, index, param) for index, param in enumerate(params)]
            if name in _SAME_NUMBER:
                result = parts[0].type
        elif name == "abs":
            parts = [self._argument(node, 0, GETAL)]
            result = parts[0].type
        elif name == "substring":
            parts = [self._argument(node, 0, TEKST), *(self._argument(node, i, GETAL) for i in range(1, len(args)))]
            result = TEKST
        elif name in ("min", "max") and len(args) == 1:
            collection = self.expr(args[0], expected.as_list() if expected is not None else None)
            if not collection.type.is_list or not _ordered(collection.type.element()):
                self._wrong_argument(node, 0, "a lijst of numbers, dates, durations or texts", collection)
            parts, result = [collection], collection.type.element()
        elif name == "sum":
            collection = self.expr(args[0], expected.as_list() if expected is not None else None)
            if not (collection.type.is_list and collection.type.element().is_numeric):
                self._wrong_argument(node, 0, "a lijst van getal or bedrag", collection)
            parts, result = [collection], collection.type.element()
        elif name in _AGGREGATES:
            if self.in_aggregate:
                _fail(f"{name} cannot be used inside another gezinslid function", node)
            inner = _Checker(self.glossary, in_aggregate=True)
            parts = [inner._argument(node, 0, JA_NEE)]
            result = _AGGREGATES[name]
        elif name in ("min", "max"):
            first, second = self._pair(args[0], args[1])
            parts = [first, second, *(self.expr(arg, first.type) for arg in args[2:])]
            result = first.type
            for index, part in enumerate(parts):
                if not _ordered(part.type):
                    self._wrong_argument(node, index, "a number, a date, a duration or a text", part)
                if _family(first.type) != _family(part.type):
                    self._wrong_argument(node, index, f"a {first.type.describe()} like the first", part)
                result = _wider(result, part.type)
        elif name == "als":
            condition = self._argument(node, 0, JA_NEE)
            if expected is not None:
                then, otherwise = self.expr(args[1], expected), self.expr(args[2], expected)
            else:
                then, otherwise = self._pair(args[1], args[2])
            if _family(then.type) != _family(otherwise.type):
                self._wrong_argument(node, 2, f"a {then.type.describe()} like the second", otherwise)
            parts, result = [condition, then, otherwise], _wider(then.type, otherwise.type)
        elif name in ("bevat", "list_contains"):
            collection = self.expr(args[0])
            if not collection.type.is_list:
                self._wrong_argument(node, 0, "a lijst", collection)
            element = self._argument(node, 1, collection.type.element())
            parts, result = [collection, element], JA_NEE
        else:  # aantal, count, uniek
            collection = self.expr(args[0], expected if name == "uniek" else None)
            if not collection.type.is_list:
                self._wrong_argument(node, 0, "a lijst", collection)
            parts, result = [collection], GETAL if name in ("aantal", "count") else collection.type
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
    if op == "+" and left.kind is right.kind is Kind.TEKST and not (left.is_list or right.is_list):
        return TEKST  # two texts joined
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


def _elements(typed: Typed) -> Typed:
    return Typed(typed.node, typed.type.element(), typed.facts, typed.member_facts)


def _expr(typed: Typed) -> Expr:
    assert not isinstance(typed.node, AnyValue | Comparison | Interval | Disjunction | Negation)
    return typed.node


def _test(typed: Typed) -> UnaryTest:
    assert isinstance(typed.node, AnyValue | Comparison | Interval | Disjunction | Negation)
    return typed.node


__all__ = ["FUNCTIONS", "Typed", "check_expression", "check_input_entry"]
