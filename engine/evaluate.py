"""Type-checked nodes + the facts of one entity -> values; unknown (None) spreads by Kleene logic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, DecimalException
from typing import Any

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

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
)
from engine.types import Duration, Value


@dataclass
class Family:
    """Every family member's facts, for enig_gezinslid, elk_gezinslid and aantal_gezinsleden in a whole case.

    An aggregate's condition is evaluated once per member and kept until a fact it reads is set again (the runtime
    calls `changed`), so that asking it for each of n members costs n, not n²: a member's answer counts all members
    but itself.
    """

    members: Sequence[Mapping[str, Value]]
    changes: dict[str, int] = field(default_factory=dict)  # fact -> how often it was set while deciding
    _results: dict[int, tuple[tuple[int, ...], list[bool | None], tuple[int, int, int]]] = field(default_factory=dict)

    def changed(self, fact: str) -> None:
        self.changes[fact] = self.changes.get(fact, 0) + 1

    def results(self, condition: Expr) -> tuple[list[bool | None], tuple[int, int, int]]:
        """The condition's value for each member, and how many are (True, unknown, False)."""
        reads = facts_read(condition)
        stamp = tuple(self.changes.get(fact, 0) for fact in reads)
        known = self._results.get(id(condition))
        if known is not None and known[0] == stamp:
            return known[1], known[2]
        results = [_truth(evaluate(condition, Scope(member))) for member in self.members]
        counts = (results.count(True), results.count(None), results.count(False))
        self._results[id(condition)] = (stamp, results, counts)
        return results, counts


@dataclass(frozen=True)
class Scope:
    """What an expression reads: an entity's own facts, aanvraag's and referent's; unknown facts are absent.

    `others` holds the same for every *other* family member, for enig_gezinslid, elk_gezinslid and
    aantal_gezinsleden. Instead, `family` may hold every member, with `member` the position of this entity's own
    facts in it (None for the aanvraag and the referent, for whom every member counts).
    """

    facts: Mapping[str, Value]
    others: Sequence[Mapping[str, Value]] = ()
    family: Family | None = None
    member: int | None = None


_READS: dict[int, tuple[object, tuple[str, ...]]] = {}


def facts_read(node: object) -> tuple[str, ...]:
    """The facts an expression node reads (FactRef names), worked out once per node."""
    known = _READS.get(id(node))
    if known is not None and known[0] is node:
        return known[1]
    found: set[str] = set()
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, FactRef):
            found.add(current.name)
        elif isinstance(current, tuple):
            pending.extend(current)
        elif hasattr(current, "__dataclass_fields__"):
            pending.extend(getattr(current, f.name) for f in fields(current))  # type: ignore[arg-type]
    reads = tuple(sorted(found))
    _READS[id(node)] = (node, reads)
    return reads


def evaluate(node: Expr, scope: Scope) -> Value | None:
    """The value of a type-checked expression, or None when it is unknown."""
    match node:
        case Literal(value=value):
            return value
        case FactRef(name=name):
            return scope.facts.get(name)
        case Name(name=name):
            raise TypeError(f"expression not type-checked: bare name {name!r}")
        case Arithmetic(op=op, left=left, right=right):
            return _arithmetic(op, evaluate(left, scope), evaluate(right, scope))
        case Negate(operand=operand):
            return _negate(evaluate(operand, scope))
        case Compare(op=op, left=Null(), right=other) | Compare(op=op, left=other, right=Null()):
            return _is_null(op, evaluate(other, scope))
        case Compare(op=op, left=left, right=right):
            return compare(op, evaluate(left, scope), evaluate(right, scope))
        case BoolOp(op="en", operands=operands):
            return all3(_truth(evaluate(operand, scope)) for operand in operands)
        case BoolOp(operands=operands):
            return any3(_truth(evaluate(operand, scope)) for operand in operands)
        case Not(operand=operand):
            return not3(_truth(evaluate(operand, scope)))
        case Call(function=function, args=args):
            return _call(function, args, scope)
        case Null():
            return None
        case ListLiteral(items=items):
            values = [evaluate(item, scope) for item in items]
            return None if any(value is None for value in values) else tuple(v for v in values if v is not None)
        case Membership(operand=operand, test=test):
            return matches(test, evaluate(operand, scope), scope)
    raise TypeError(f"not an expression node: {node!r}")


def matches(test: UnaryTest, subject: Value | None, scope: Scope) -> bool | None:
    """Whether the tested fact's value meets an input entry: True, False or None (unknown)."""
    match test:
        case AnyValue():
            return True
        case Comparison(op=op, operand=Null()):
            return _is_null(op, subject)
        case Comparison(op=op, operand=operand):
            value = evaluate(operand, scope)
            if isinstance(subject, tuple) and value is not None and not isinstance(value, tuple):
                return any3(compare(op, element, value) for element in subject)  # a list: does an element pass
            if isinstance(value, tuple) and subject is not None and not isinstance(subject, tuple):
                found = any3(compare("=", subject, element) for element in value)  # one of the list's values
                return found if op == "=" else not3(found)
            return compare(op, subject, value)
        case Interval(low=low, high=high, low_closed=low_closed, high_closed=high_closed):
            bounds = (evaluate(low, scope), evaluate(high, scope))
            elements = subject if isinstance(subject, tuple) else (subject,)
            return any3(_within(element, bounds, low_closed, high_closed) for element in elements)
        case Disjunction(tests=tests):
            return any3(matches(part, subject, scope) for part in tests)
        case Negation(tests=tests):
            return not3(any3(matches(part, subject, scope) for part in tests))
    raise TypeError(f"not an input entry node: {test!r}")


def _within(
    value: Value | None, bounds: tuple[Value | None, Value | None], low_closed: bool, high_closed: bool
) -> bool | None:
    above = compare(">=" if low_closed else ">", value, bounds[0])
    below = compare("<=" if high_closed else "<", value, bounds[1])
    return all3((above, below))


def _is_null(op: str, value: Value | None) -> bool:
    """`= null` and `!= null`: whether a value is unknown; never unknown itself."""
    return (value is None) == (op == "=")


# ---- three-valued logic ------------------------------------------------------------------------------


def all3(values: Iterable[bool | None]) -> bool | None:
    """Kleene `en`: False if any is False, else unknown if any is unknown, else True."""
    result: bool | None = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def any3(values: Iterable[bool | None]) -> bool | None:
    """Kleene `of`: True if any is True, else unknown if any is unknown, else False."""
    result: bool | None = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


def not3(value: bool | None) -> bool | None:
    return None if value is None else not value


def _truth(value: Value | None) -> bool | None:
    assert value is None or isinstance(value, bool), f"not a ja/nee: {value!r}"
    return value


# ---- values ------------------------------------------------------------------------------------------

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def compare(op: str, left: Value | None, right: Value | None) -> bool | None:
    """A comparison of two known values; unknown when either is unknown, and when a duration in months is ordered
    against one in days (a month has no fixed number of days)."""
    if left is None or right is None:
        return None
    if (
        isinstance(left, Duration)
        and isinstance(right, Duration)
        and op not in ("=", "!=")
        and not left.comparable(right)
    ):
        return None
    return _COMPARE[op](left, right)


def _arithmetic(op: str, left: Value | None, right: Value | None) -> Value | None:
    """A sum, difference, product or quotient; unknown where it has no value (division by zero, a date beyond
    9999-12-31, a number too large to hold), rather than a crash in the middle of a decision."""
    if left is None or right is None:
        return None
    try:
        return _arithmetic_known(op, left, right)
    except (OverflowError, ValueError, DecimalException):
        return None


def _arithmetic_known(op: str, left: Value, right: Value) -> Value | None:
    match op, left, right:
        case "+", dt.date(), Duration():
            return right.add_to(left)
        case "+", Duration(), dt.date():
            return left.add_to(right)
        case "-", dt.date(), Duration():
            return right.subtract_from(left)
        case "+", Duration(), Duration():
            return Duration(
                left.years + right.years,
                left.months + right.months,
                left.days + right.days,
                left.seconds + right.seconds,
            )
        case "-", Duration(), Duration():
            return Duration(
                left.years - right.years,
                left.months - right.months,
                left.days - right.days,
                left.seconds - right.seconds,
            )
        case _, Decimal(), Decimal():
            return _decimal(op, left, right)
        case "+", tuple(), tuple():
            return left + right
        case "+", str(), str():
            return left + right
        case "*", Decimal(), Duration():
            return _scaled(right, left)
        case "*", Duration(), Decimal():
            return _scaled(left, right)
    raise TypeError(f"cannot compute {left!r} {op} {right!r}: expression not type-checked")


def _scaled(duration: Duration, factor: Decimal) -> Duration | None:
    """A duration times a whole number; a fraction of a calendar month has no meaning, so it is unknown."""
    if factor != factor.to_integral_value():
        return None
    times = int(factor)
    return Duration(duration.years * times, duration.months * times, duration.days * times, duration.seconds * times)


def _decimal(op: str, left: Decimal, right: Decimal) -> Decimal | None:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        return None  # no value, rather than a crash: the decision reports it as unknown
    return left / right


def _negate(value: Value | None) -> Value | None:
    match value:
        case None:
            return None
        case Decimal():
            return -value
        case Duration():
            return Duration(-value.years, -value.months, -value.days, -value.seconds)
    raise TypeError(f"cannot negate {value!r}: expression not type-checked")


# ---- functions ---------------------------------------------------------------------------------------


def _call(function: str, args: tuple[Expr, ...], scope: Scope) -> Value | None:
    if function in _AGGREGATES:
        condition = args[0]
        if scope.family is not None:
            return _aggregate(function, condition, scope.family, scope.member)
        results = [_truth(evaluate(condition, Scope(member))) for member in scope.others]
        return _AGGREGATES[function](results)
    if function == "als":
        choice = _truth(evaluate(args[0], scope))
        if choice is None:
            # Unknown which branch applies; the answer is still certain when both give the same value.
            then, otherwise = evaluate(args[1], scope), evaluate(args[2], scope)
            return then if then is not None and then == otherwise else None
        return evaluate(args[1] if choice else args[2], scope)
    values = [evaluate(arg, scope) for arg in args]
    if any(value is None for value in values):
        return None
    try:
        return _FUNCTIONS[function](*values)
    except (OverflowError, ValueError, DecimalException):
        return None  # e.g. einde_termijn beyond 9999-12-31: unknown, like any value that cannot be computed


def _aggregate(function: str, condition: Expr, family: Family, member: int | None) -> Value | None:
    """An aggregate over every member but `member`, from the family's counts (linear in the family's size)."""
    results, (true, unknown, false) = family.results(condition)
    if member is not None:
        own = results[member]
        true, unknown, false = true - (own is True), unknown - (own is None), false - (own is False)
    if function == "enig_gezinslid":
        return True if true else None if unknown else False
    if function == "elk_gezinslid":
        return False if false else None if unknown else True
    return None if unknown else Decimal(true)


def _leeftijd(geboortedatum: dt.date, peildatum: dt.date) -> Decimal:
    return Decimal(relativedelta(peildatum, geboortedatum).years)


def _einde_termijn(datum: dt.date, duur: Duration) -> dt.date:
    return duur.add_to(datum)


def feestdagen_atw(jaar: int) -> frozenset[dt.date]:
    """The general holidays of art. 3 Algemene termijnenwet in a year, with Goede Vrijdag (art. 3 lid 2).

    Nieuwjaarsdag, Goede Vrijdag, Tweede Paasdag, Koningsdag (27 April, 26 April when the 27th is a Sunday),
    Bevrijdingsdag (5 May), Hemelvaartsdag, Tweede Pinksterdag, Eerste and Tweede Kerstdag. Eerste Paasdag and Eerste
    Pinksterdag are Sundays. Days that a royal decree puts on a par for a few years (art. 3 lid 3) are not included.
    """
    pasen = easter(jaar)
    koningsdag = dt.date(jaar, 4, 27)
    if koningsdag.weekday() == 6:
        koningsdag = dt.date(jaar, 4, 26)
    return frozenset(
        {
            dt.date(jaar, 1, 1),
            pasen - dt.timedelta(days=2),
            pasen + dt.timedelta(days=1),
            koningsdag,
            dt.date(jaar, 5, 5),
            pasen + dt.timedelta(days=39),
            pasen + dt.timedelta(days=50),
            dt.date(jaar, 12, 25),
            dt.date(jaar, 12, 26),
        }
    )


def _atw_einde(datum: dt.date) -> dt.date:
    """Art. 1 lid 1 Algemene termijnenwet: a term ending on a Saturday, Sunday or general holiday ends on the next day
    that is none of these."""
    while datum.weekday() >= 5 or datum in feestdagen_atw(datum.year):
        datum += dt.timedelta(days=1)
    return datum


def _dagen_tussen(van: dt.date, tot: dt.date) -> Decimal:
    return Decimal((tot - van).days)


def _bevat(lijst: tuple[Value, ...], waarde: Value) -> bool:
    return waarde in lijst


def _aantal(lijst: tuple[Value, ...]) -> Decimal:
    return Decimal(len(lijst))


def _uniek(lijst: tuple[Value, ...]) -> tuple[Value, ...]:
    return tuple(dict.fromkeys(lijst))


def _whole(number: Decimal) -> int | None:
    return int(number) if number == number.to_integral_value() else None


def _abs(number: Decimal) -> Decimal:
    return abs(number)


def _floor(number: Decimal) -> Decimal:
    return number.to_integral_value(rounding=ROUND_FLOOR)


def _ceiling(number: Decimal) -> Decimal:
    return number.to_integral_value(rounding=ROUND_CEILING)


def _decimal_places(number: Decimal, scale: Decimal) -> Decimal | None:
    """FEEL's decimal(n, scale): n rounded half to even to `scale` decimals (scale a whole number)."""
    places = _whole(scale)
    if places is None:
        return None
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def _modulo(dividend: Decimal, divisor: Decimal) -> Decimal | None:
    """FEEL's modulo: the remainder with the sign of the divisor, modulo(-12, 5) = 3; none for a divisor of 0."""
    if divisor == 0:
        return None
    return dividend - divisor * (dividend / divisor).to_integral_value(rounding=ROUND_FLOOR)


def _sum(lijst: tuple[Value, ...]) -> Decimal | None:
    """The sum of a list of numbers; none for the empty list (as FEEL's sum([]) and the C+ hit policy)."""
    if not lijst:
        return None
    total = Decimal(0)
    for element in lijst:
        assert isinstance(element, Decimal)
        total += element
    return total


def _date_of(year: Decimal, month: Decimal, day: Decimal) -> dt.date | None:
    parts = [_whole(part) for part in (year, month, day)]
    if any(part is None for part in parts):
        return None
    return dt.date(*(part for part in parts if part is not None))  # ValueError (no such day): unknown


def _substring(text: str, start: Decimal, length: Decimal | None = None) -> str | None:
    """FEEL's substring: `start` 1 is the first character and -1 the last; `length` characters from there."""
    first = _whole(start)
    if first is None or first == 0:
        return None
    index = first - 1 if first > 0 else max(len(text) + first, 0)
    if length is None:
        return text[index:]
    count = _whole(length)
    if count is None or count < 0:
        return None
    return text[index : index + count]


def _aantal_gezinsleden(results: list[bool | None]) -> Decimal | None:
    if any(result is None for result in results):
        return None
    return Decimal(sum(1 for result in results if result))


_FUNCTIONS: dict[str, Callable[..., Value | None]] = {
    "leeftijd": _leeftijd,
    "einde_termijn": _einde_termijn,
    "dagen_tussen": _dagen_tussen,
    "atw_einde": _atw_einde,
    "min": min,
    "max": max,
    "bevat": _bevat,
    "list_contains": _bevat,
    "aantal": _aantal,
    "count": _aantal,
    "sum": _sum,
    "uniek": _uniek,
    "abs": _abs,
    "floor": _floor,
    "ceiling": _ceiling,
    "decimal": _decimal_places,
    "modulo": _modulo,
    "date": _date_of,
    "string_length": lambda text: Decimal(len(text)),
    "substring": _substring,
    "upper_case": str.upper,
    "lower_case": str.lower,
    "contains": lambda text, part: part in text,
    "starts_with": str.startswith,
    "ends_with": str.endswith,
}
_AGGREGATES: dict[str, Callable[[list[bool | None]], Value | None]] = {
    "enig_gezinslid": any3,
    "elk_gezinslid": all3,
    "aantal_gezinsleden": _aantal_gezinsleden,
}
