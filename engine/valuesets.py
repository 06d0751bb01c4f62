"""Sets of values of one fact (keuze values, intervals of numbers and dates, texts, and "unknown"), exactly."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from engine.types import Duration, Kind

# A point of an ordered domain: an int (whole numbers, dates as day numbers), a Decimal (amounts, numbers that
# may have decimals) or a duration as (years, months, days), ordered as the engine compares durations.
Point = int | Decimal | tuple[int, int, int]


@dataclass(frozen=True)
class Domain:
    """What values a column's fact can take, as far as the analysis needs to know.

    kind: "finite" (keuze, ja/nee: `values` in glossary order), "ordered" (numbers, amounts, dates, durations;
    `discrete` for whole numbers, dates and durations), or "text" (any text).
    `minimum` is a lower bound known from how the fact is computed (an age or a count is never below 0).
    `offset_of` names the expression a symbolic column compares with: the points are then offsets from it.
    """

    kind: str
    fact_kind: Kind
    values: tuple[object, ...] = ()
    discrete: bool = False
    minimum: Point | None = None
    offset_of: str = ""


@dataclass(frozen=True)
class Bound:
    """One end of an interval; `value` None is infinity (below or above)."""

    value: Point | None
    closed: bool


@dataclass(frozen=True)
class Span:
    low: Bound
    high: Bound


@dataclass(frozen=True)
class ValueSet:
    """A set of values of one domain, plus whether it holds "unknown" (the fact has no value).

    finite domains: `members` (the values in it). Ordered domains: `spans`, disjoint and sorted, normalised
    (closed bounds on discrete domains). Text: `members`, or with `cofinite` every text except `members`.
    """

    domain: Domain
    unknown: bool
    members: frozenset[object] = frozenset()
    spans: tuple[Span, ...] = ()
    cofinite: bool = False

    # ---- construction --------------------------------------------------------------------------------

    @staticmethod
    def everything(domain: Domain, unknown: bool = True) -> ValueSet:
        return _everything(domain, unknown)

    @staticmethod
    def _everything(domain: Domain, unknown: bool) -> ValueSet:
        if domain.kind == "finite":
            return ValueSet(domain, unknown, frozenset(domain.values))
        if domain.kind == "text":
            return ValueSet(domain, unknown, cofinite=True)
        low = Bound(domain.minimum, True) if domain.minimum is not None else Bound(None, False)
        return ValueSet(domain, unknown, spans=_normalise(domain, [Span(low, Bound(None, False))]))

    @staticmethod
    def nothing(domain: Domain) -> ValueSet:
        return ValueSet(domain, False)

    @staticmethod
    def of_values(domain: Domain, values: Iterable[object]) -> ValueSet:
        chosen = set(values)
        if domain.kind == "finite":
            return ValueSet(domain, False, frozenset(v for v in domain.values if v in chosen))
        if domain.kind == "text":
            return ValueSet(domain, False, frozenset(chosen))
        points = [_point(v) for v in chosen]
        spans = [Span(Bound(p, True), Bound(p, True)) for p in points]
        return ValueSet(domain, False, spans=_clip(domain, _normalise(domain, spans)))

    @staticmethod
    def of_span(domain: Domain, low: Bound, high: Bound) -> ValueSet:
        low = Bound(_point(low.value) if low.value is not None else None, low.closed)
        high = Bound(_point(high.value) if high.value is not None else None, high.closed)
        return ValueSet(domain, False, spans=_clip(domain, _normalise(domain, [Span(low, high)])))

    # ---- algebra -------------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        if self.unknown:
            return False
        if self.domain.kind == "ordered":
            return not self.spans
        return not self.members and not self.cofinite

    def known(self) -> ValueSet:
        return ValueSet(self.domain, False, self.members, self.spans, self.cofinite)

    def union(self, other: ValueSet) -> ValueSet:
        unknown = self.unknown or other.unknown
        if self.domain.kind == "ordered":
            return ValueSet(self.domain, unknown, spans=_normalise(self.domain, [*self.spans, *other.spans]))
        if self.domain.kind == "text":
            return _text(self.domain, unknown, self.members, self.cofinite, other.members, other.cofinite, "or")
        return ValueSet(self.domain, unknown, self.members | other.members)

    def meets(self, other: ValueSet) -> bool:
        """Whether the two sets share a value (or both hold unknown)."""
        if self.unknown and other.unknown:
            return True
        if self.domain.kind == "finite":
            return not self.members.isdisjoint(other.members)
        return not self.intersection(other).is_empty()

    def intersection(self, other: ValueSet) -> ValueSet:
        unknown = self.unknown and other.unknown
        if self.domain.kind == "finite":
            return ValueSet(self.domain, unknown, self.members & other.members)
        if self.domain.kind == "ordered":
            return ValueSet(self.domain, unknown, spans=_intersect_spans(self.domain, self.spans, other.spans))
        if self.domain.kind == "text":
            return _text(self.domain, unknown, self.members, self.cofinite, other.members, other.cofinite, "and")
        return ValueSet(self.domain, unknown, self.members & other.members)

    def complement(self) -> ValueSet:
        """Everything of the domain not in this set (unknown included when this set leaves it out)."""
        whole = ValueSet.everything(self.domain)
        if self.domain.kind == "ordered":
            spans = _subtract_spans(self.domain, whole.spans, self.spans)
            return ValueSet(self.domain, not self.unknown, spans=spans)
        if self.domain.kind == "text":
            return ValueSet(self.domain, not self.unknown, self.members, cofinite=not self.cofinite)
        return ValueSet(self.domain, not self.unknown, whole.members - self.members)

    def difference(self, other: ValueSet) -> ValueSet:
        return self.intersection(other.complement())

    def issubset(self, other: ValueSet) -> bool:
        if self.unknown and not other.unknown:
            return False
        if self.domain.kind == "finite":
            return self.members <= other.members
        return self.known().difference(other).is_empty()

    def same_as(self, other: ValueSet) -> bool:
        return self.issubset(other) and other.issubset(self)

    def is_everything(self, unknown: bool = True) -> bool:
        return ValueSet.everything(self.domain, unknown).issubset(self)

    # ---- examples ------------------------------------------------------------------------------------

    def example(self, avoid: Iterable[object] = ()) -> object:
        """A value in the set, known if possible (an int/Decimal/tuple point for ordered domains, a keuze value,
        a bool, a text); UNKNOWN when the set holds only "unknown". Bounded intervals give their middle."""
        if self.domain.kind == "finite":
            for value in self.domain.values:
                if value in self.members:
                    return value
        elif self.domain.kind == "text":
            if not self.cofinite and self.members:
                return sorted(map(str, self.members))[0]
            if self.cofinite:
                taken = {str(m) for m in self.members} | {str(a) for a in avoid}
                candidate, number = "andere tekst", 2
                while candidate in taken:
                    candidate, number = f"andere tekst {number}", number + 1
                return candidate
        elif self.spans:
            return _span_example(self.domain, self.spans[0])
        if self.unknown:
            return UNKNOWN
        raise ValueError("an empty set has no example")


@cache
def _everything(domain: Domain, unknown: bool) -> ValueSet:
    return ValueSet._everything(domain, unknown)


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


# ---- points -------------------------------------------------------------------------------------------


def _point(value: object) -> Point:
    match value:
        case bool():
            raise TypeError("ja/nee is not ordered")
        case int() | Decimal():
            return value
        case dt.date():
            return value.toordinal()
        case Duration():
            return (value.years, value.months, value.days)
        case tuple() if len(value) == 3 and all(isinstance(v, int) for v in value):
            return (int(value[0]), int(value[1]), int(value[2]))
    raise TypeError(f"not an ordered value: {value!r}")


def point_value(domain: Domain, point: Point) -> object:
    """A point back as the value a fact would hold: a date, a Duration, a Decimal."""
    if domain.fact_kind is Kind.DATUM and not domain.offset_of and isinstance(point, int):
        return dt.date.fromordinal(point)
    if isinstance(point, tuple):
        return Duration(*point)
    if isinstance(point, int):
        return Decimal(point)
    return point


def _successor(point: Point) -> Point:
    if isinstance(point, tuple):
        return (point[0], point[1], point[2] + 1)
    return point + 1


def _predecessor(point: Point) -> Point:
    if isinstance(point, tuple):
        return (point[0], point[1], point[2] - 1)
    return point - 1


def _is_whole(domain: Domain) -> bool:
    """Discrete points counted in whole numbers (ints): numbers known to be whole, and dates."""
    return domain.discrete and domain.fact_kind is not Kind.DUUR


def _closed_low(domain: Domain, bound: Bound) -> Bound:
    if bound.value is None or not domain.discrete:
        return bound
    value = bound.value
    if _is_whole(domain) and isinstance(value, Decimal):
        ceiling = math.ceil(value)
        if bound.closed or ceiling != value:
            return Bound(ceiling, True)
        return Bound(ceiling + 1, True)
    return bound if bound.closed else Bound(_successor(value), True)


def _closed_high(domain: Domain, bound: Bound) -> Bound:
    if bound.value is None or not domain.discrete:
        return bound
    value = bound.value
    if _is_whole(domain) and isinstance(value, Decimal):
        floor = math.floor(value)
        if bound.closed or floor != value:
            return Bound(floor, True)
        return Bound(floor - 1, True)
    return bound if bound.closed else Bound(_predecessor(value), True)


def _key(value: Point) -> tuple[object, ...]:
    return value if isinstance(value, tuple) else (value,)


def _low_before(a: Bound, b: Bound) -> bool:
    """Whether low bound a starts before (or where) low bound b starts."""
    if a.value is None:
        return True
    if b.value is None:
        return False
    if _key(a.value) != _key(b.value):
        return _key(a.value) < _key(b.value)
    return a.closed or not b.closed


def _high_after(a: Bound, b: Bound) -> bool:
    if a.value is None:
        return True
    if b.value is None:
        return False
    if _key(a.value) != _key(b.value):
        return _key(a.value) > _key(b.value)
    return a.closed or not b.closed


def _nonempty(span: Span) -> bool:
    low, high = span.low, span.high
    if low.value is None or high.value is None:
        return True
    if _key(low.value) < _key(high.value):
        return True
    return _key(low.value) == _key(high.value) and low.closed and high.closed


def _touching(first: Span, second: Span, domain: Domain) -> bool:
    """Whether `second` (starting later) starts inside or right after `first`, so that they merge."""
    high, low = first.high, second.low
    if high.value is None or low.value is None:
        return True
    if _key(low.value) < _key(high.value):
        return True
    if _key(low.value) == _key(high.value):
        return high.closed or low.closed
    return domain.discrete and _key(_successor(high.value)) == _key(low.value) and high.closed and low.closed


def _normalise(domain: Domain, spans: Iterable[Span]) -> tuple[Span, ...]:
    closed = [Span(_closed_low(domain, s.low), _closed_high(domain, s.high)) for s in spans]
    ordered = sorted((s for s in closed if _nonempty(s)), key=lambda s: _sort_low(s.low))
    merged: list[Span] = []
    for span in ordered:
        if merged and _touching(merged[-1], span, domain):
            last = merged[-1]
            merged[-1] = Span(last.low, last.high if _high_after(last.high, span.high) else span.high)
        else:
            merged.append(span)
    return tuple(merged)


def _sort_low(bound: Bound) -> tuple[int, tuple[object, ...], int]:
    if bound.value is None:
        return (0, (), 0)
    return (1, _key(bound.value), 0 if bound.closed else 1)


def _clip(domain: Domain, spans: tuple[Span, ...]) -> tuple[Span, ...]:
    if domain.minimum is None:
        return spans
    floor = (Span(Bound(domain.minimum, True), Bound(None, False)),)
    return _intersect_spans(domain, spans, floor)


def _intersect_spans(domain: Domain, first: tuple[Span, ...], second: tuple[Span, ...]) -> tuple[Span, ...]:
    result = []
    for a in first:
        for b in second:
            low = b.low if _low_before(a.low, b.low) else a.low
            high = b.high if _high_after(a.high, b.high) else a.high
            span = Span(low, high)
            if _nonempty(span):
                result.append(span)
    return _normalise(domain, result)


def _subtract_spans(domain: Domain, first: tuple[Span, ...], second: tuple[Span, ...]) -> tuple[Span, ...]:
    """first minus second, via the complement of second on the whole line."""
    gaps: list[Span] = []
    low = Bound(None, False)
    for span in second:
        if span.low.value is not None:
            gaps.append(Span(low, Bound(span.low.value, not span.low.closed)))
        if span.high.value is None:
            low = Bound(None, False)
            break
        low = Bound(span.high.value, not span.high.closed)
    else:
        gaps.append(Span(low, Bound(None, False)))
    return _intersect_spans(domain, first, _normalise(domain, gaps))


def _span_example(domain: Domain, span: Span) -> Point:
    low, high = span.low, span.high
    if low.value is not None and high.value is not None:
        if isinstance(low.value, tuple) or isinstance(high.value, tuple):
            return low.value
        middle = (Decimal(low.value) + Decimal(high.value)) / 2
        return math.floor(middle) if domain.discrete else _tidy(middle)
    if low.value is not None:
        if low.closed:
            return low.value
        assert not isinstance(low.value, tuple)
        return _tidy(Decimal(math.floor(low.value)) + 1)
    if high.value is not None:
        if high.closed:
            return high.value
        assert not isinstance(high.value, tuple)
        return _tidy(Decimal(math.ceil(high.value)) - 1)
    if domain.fact_kind is Kind.DUUR:
        return (0, 0, 0)
    if domain.fact_kind is Kind.DATUM and not domain.offset_of:
        return dt.date(2026, 6, 12).toordinal()
    return 0 if domain.discrete else Decimal(0)


def _tidy(number: Decimal) -> Decimal:
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def _text(
    domain: Domain,
    unknown: bool,
    first: frozenset[object],
    first_cofinite: bool,
    second: frozenset[object],
    second_cofinite: bool,
    op: str,
) -> ValueSet:
    # A cofinite set is "every text except members".
    if op == "and":
        if first_cofinite and second_cofinite:
            return ValueSet(domain, unknown, first | second, cofinite=True)
        if first_cofinite:
            return ValueSet(domain, unknown, second - first)
        if second_cofinite:
            return ValueSet(domain, unknown, first - second)
        return ValueSet(domain, unknown, first & second)
    if first_cofinite and second_cofinite:
        return ValueSet(domain, unknown, first & second, cofinite=True)
    if first_cofinite:
        return ValueSet(domain, unknown, first - second, cofinite=True)
    if second_cofinite:
        return ValueSet(domain, unknown, second - first, cofinite=True)
    return ValueSet(domain, unknown, first | second)


__all__ = ["UNKNOWN", "Bound", "Domain", "Point", "Span", "ValueSet", "point_value"]
