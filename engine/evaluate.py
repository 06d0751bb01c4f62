"""Type-checked nodes + the facts of one entity -> values; unknown (None) spreads by Kleene logic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
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
    Literal,
    Name,
    Negate,
    Negation,
    Not,
    UnaryTest,
)
from engine.types import Duration, Value


@dataclass(frozen=True)
class Scope:
    """What an expression reads: an entity's own facts, aanvraag's and referent's; unknown facts are absent.

    `others` holds the same for every *other* family member, for enig_gezinslid, elk_gezinslid and
    aantal_gezinsleden.
    """

    facts: Mapping[str, Value]
    others: Sequence[Mapping[str, Value]] = ()


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
    raise TypeError(f"not an expression node: {node!r}")


def matches(test: UnaryTest, subject: Value | None, scope: Scope) -> bool | None:
    """Whether the tested fact's value meets an input entry: True, False or None (unknown)."""
    match test:
        case AnyValue():
            return True
        case Comparison(op=op, operand=operand):
            return compare(op, subject, evaluate(operand, scope))
        case Interval(low=low, high=high, low_closed=low_closed, high_closed=high_closed):
            above = compare(">=" if low_closed else ">", subject, evaluate(low, scope))
            below = compare("<=" if high_closed else "<", subject, evaluate(high, scope))
            return all3((above, below))
        case Disjunction(tests=tests):
            return any3(matches(part, subject, scope) for part in tests)
        case Negation(tests=tests):
            return not3(any3(matches(part, subject, scope) for part in tests))
    raise TypeError(f"not an input entry node: {test!r}")


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
    """A comparison of two known values; unknown when either is unknown."""
    if left is None or right is None:
        return None
    return _COMPARE[op](left, right)


def _arithmetic(op: str, left: Value | None, right: Value | None) -> Value | None:
    if left is None or right is None:
        return None
    match op, left, right:
        case "+", dt.date(), Duration():
            return right.add_to(left)
        case "+", Duration(), dt.date():
            return left.add_to(right)
        case "-", dt.date(), Duration():
            return right.subtract_from(left)
        case "+", Duration(), Duration():
            return Duration(left.years + right.years, left.months + right.months, left.days + right.days)
        case "-", Duration(), Duration():
            return Duration(left.years - right.years, left.months - right.months, left.days - right.days)
        case _, Decimal(), Decimal():
            return _decimal(op, left, right)
        case "+", tuple(), tuple():
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
    return Duration(duration.years * times, duration.months * times, duration.days * times)


def _decimal(op: str, left: Decimal, right: Decimal) -> Decimal | None:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if right == 0:
        return None  # no value, rather than a crash: the decision reports it as unknown
    try:
        return left / right
    except InvalidOperation:
        return None


def _negate(value: Value | None) -> Value | None:
    match value:
        case None:
            return None
        case Decimal():
            return -value
        case Duration():
            return Duration(-value.years, -value.months, -value.days)
    raise TypeError(f"cannot negate {value!r}: expression not type-checked")


# ---- functions ---------------------------------------------------------------------------------------


def _call(function: str, args: tuple[Expr, ...], scope: Scope) -> Value | None:
    if function in _AGGREGATES:
        condition = args[0]
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
    return _FUNCTIONS[function](*values)


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


def _aantal_gezinsleden(results: list[bool | None]) -> Decimal | None:
    if any(result is None for result in results):
        return None
    return Decimal(sum(1 for result in results if result))


_FUNCTIONS: dict[str, Callable[..., Value]] = {
    "leeftijd": _leeftijd,
    "einde_termijn": _einde_termijn,
    "dagen_tussen": _dagen_tussen,
    "atw_einde": _atw_einde,
    "min": min,
    "max": max,
    "bevat": _bevat,
    "aantal": _aantal,
    "uniek": _uniek,
}
_AGGREGATES: dict[str, Callable[[list[bool | None]], Value | None]] = {
    "enig_gezinslid": any3,
    "elk_gezinslid": all3,
    "aantal_gezinsleden": _aantal_gezinsleden,
}
