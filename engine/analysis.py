"""Decision tables -> findings: overlaps, conflicts, masked rows, gaps, untested values, redundant rows, dead tests.

Every input column is read as a set of values of its fact (engine.valuesets), "unknown" included as its own case:
`-` matches every value and unknown, every other test needs a known value. Columns are taken as independent
(what a table tests, it tests as given; the analysis does not know how upstream tables correlate two facts).
Tests that compare with another fact are analysed exactly when a whole column compares with one expression that
the table does not test otherwise (`<= nareistermijn_einde`, `> nareistermijn_einde + 14 dagen`): the values are
then offsets from it. Other tests are opaque: the analysis says so ("inexact") instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from engine.errors import Location
from engine.expressions import (
    AnyValue,
    Arithmetic,
    Call,
    Comparison,
    Disjunction,
    Expr,
    FactRef,
    Interval,
    Literal,
    Negate,
    Negation,
    UnaryTest,
    literal_text,
    to_text,
)
from engine.findings import ERROR, NOTE, WARNING, Finding
from engine.model import DecisionTable, HitPolicy, InputEntry, Rule, RuleBase
from engine.types import Duration, Kind, Value
from engine.valuesets import UNKNOWN, Bound, Domain, Point, ValueSet, point_value

_ExprCheck = Callable[[Expr], bool]
_PointOf = Callable[[Expr], "Point | None"]

GAP_LIMIT = 64  # uncovered regions enumerated per table; enough to judge a table, bounded on a wide one

# ---- what values a fact can take ------------------------------------------------------------------------


class FactDomains:
    """The domain of every fact: keuze values a derived fact can actually get, whole numbers, lower bounds."""

    def __init__(self, rule_base: RuleBase) -> None:
        self.rule_base = rule_base
        self.glossary = rule_base.glossary
        self.calculation = {c.fact: c.expression for c in rule_base.calculations}
        self.table_of = {f: t for t in rule_base.tables for f in t.output_facts}
        self._domains: dict[str, Domain | None] = {}
        self._values: dict[str, frozenset[object] | None] = {}
        self._whole: dict[str, bool] = {}
        self._nonnegative: dict[str, bool] = {}

    def domain(self, fact: str) -> Domain | None:
        """None for facts the analysis does not model (lists)."""
        if fact not in self._domains:
            self._domains[fact] = self._make(fact)
        return self._domains[fact]

    def full_domain(self, fact: str) -> Domain | None:
        """The domain as the glossary gives it, before what the rule base can produce narrows it."""
        fact_type = self.glossary[fact].type
        if fact_type.is_list:
            return None
        match fact_type.kind:
            case Kind.KEUZE:
                return Domain("finite", Kind.KEUZE, fact_type.values)
            case Kind.JA_NEE:
                return Domain("finite", Kind.JA_NEE, (True, False))
            case Kind.TEKST:
                return Domain("text", Kind.TEKST)
        return self._make(fact)

    def _make(self, fact: str) -> Domain | None:
        fact_type = self.glossary[fact].type
        if fact_type.is_list:
            return None
        kind = fact_type.kind
        if kind in (Kind.KEUZE, Kind.JA_NEE):
            full = fact_type.values if kind is Kind.KEUZE else (True, False)
            produced = self.produced(fact)
            values = tuple(v for v in full if produced is None or v in produced)
            return Domain("finite", kind, values)
        if kind is Kind.TEKST:
            return Domain("text", kind)
        if kind is Kind.DATUM:
            return Domain("ordered", kind, discrete=True)
        if kind is Kind.DUUR:
            return Domain("ordered", kind, discrete=True)
        whole = self.is_whole(fact)
        minimum: Point | None = (0 if whole else Decimal(0)) if self.is_nonnegative(fact) else None
        return Domain("ordered", kind, discrete=whole, minimum=minimum)

    # keuze and ja/nee: the values a derived fact can get (None: any value of its type)
    def produced(self, fact: str) -> frozenset[object] | None:
        if fact in self._values:
            return self._values[fact]
        self._values[fact] = None  # a cycle (there is none in a verified rule base) reads as "any value"
        result: frozenset[object] | None = None
        entry = self.glossary[fact]
        if not entry.is_input:
            if fact in self.calculation:
                result = self._expression_values(self.calculation[fact])
            elif fact in self.table_of:
                outputs: set[object] = set()
                for rule in self.table_of[fact].rules:
                    for output in rule.outputs:
                        if output.fact == fact:
                            values = self._expression_values(output.expression)
                            if values is None:
                                self._values[fact] = None
                                return None
                            outputs |= values
                result = frozenset(outputs)
        self._values[fact] = result
        return result

    def _expression_values(self, node: Expr) -> frozenset[object] | None:
        match node:
            case Literal(value=value):
                return frozenset({value})
            case FactRef(name=name):
                return self.produced(name)
            case Call(function="als", args=(_, then, otherwise)):
                first, second = self._expression_values(then), self._expression_values(otherwise)
                return None if first is None or second is None else first | second
        return None

    # getal: whole numbers and numbers never below zero, from how they are computed
    def is_whole(self, fact: str) -> bool:
        if fact not in self._whole:
            self._whole[fact] = False
            self._whole[fact] = self._derived(fact, self._expression_whole, count_is=True)
        return self._whole[fact]

    def is_nonnegative(self, fact: str) -> bool:
        if fact not in self._nonnegative:
            self._nonnegative[fact] = False
            self._nonnegative[fact] = self._derived(fact, self._expression_nonnegative, count_is=True)
        return self._nonnegative[fact]

    def _derived(self, fact: str, check: _ExprCheck, count_is: bool) -> bool:
        if self.glossary[fact].is_input:
            return False
        if fact in self.calculation:
            return check(self.calculation[fact])
        table = self.table_of.get(fact)
        if table is None:
            return False
        if table.hit_policy is HitPolicy.COLLECT_COUNT:
            return count_is
        if table.hit_policy in (HitPolicy.COLLECT_MIN, HitPolicy.COLLECT_MAX) or table.hit_policy.is_single_hit:
            return all(check(o.expression) for r in table.rules for o in r.outputs if o.fact == fact)
        if table.hit_policy is HitPolicy.COLLECT_SUM:
            return all(check(o.expression) for r in table.rules for o in r.outputs if o.fact == fact)
        return False

    def _expression_whole(self, node: Expr) -> bool:
        match node:
            case Literal(value=Decimal() as number):
                return number == number.to_integral_value()
            case FactRef(name=name):
                fact_type = self.glossary[name].type
                return fact_type.kind is Kind.GETAL and not fact_type.is_list and self.is_whole(name)
            case Call(function="leeftijd" | "dagen_tussen" | "aantal" | "aantal_gezinsleden"):
                return True
            case Call(function="als", args=(_, then, otherwise)) | Call(function="min" | "max", args=(then, otherwise)):
                return self._expression_whole(then) and self._expression_whole(otherwise)
            case Arithmetic(op="+" | "-" | "*", left=left, right=right):
                return self._expression_whole(left) and self._expression_whole(right)
            case Negate(operand=operand):
                return self._expression_whole(operand)
        return False

    def _expression_nonnegative(self, node: Expr) -> bool:
        match node:
            case Literal(value=Decimal() as number):
                return number >= 0
            case FactRef(name=name):
                fact_type = self.glossary[name].type
                return fact_type.is_numeric and self.is_nonnegative(name)
            case Call(function="leeftijd" | "aantal" | "aantal_gezinsleden"):
                # An age is never negative: a birth date after the reference date is a mistake in the case.
                return True
            case Call(function="als", args=(_, then, otherwise)) | Call(function="min" | "max", args=(then, otherwise)):
                return self._expression_nonnegative(then) and self._expression_nonnegative(otherwise)
            case Arithmetic(op="+" | "*", left=left, right=right):
                return self._expression_nonnegative(left) and self._expression_nonnegative(right)
        return False


# ---- columns --------------------------------------------------------------------------------------------


@dataclass
class Column:
    """The tests of one fact across a table's rows (two input columns on one fact are read together)."""

    fact: str
    domain: Domain
    cells: list[ValueSet | None]  # per rule; None: opaque
    texts: list[str]
    locations: list[Location]
    any_value: list[bool]  # per rule: `-` in every column on this fact
    compares_with: str = ""  # why entries are opaque: the expression they compare with


def _operand_point(node: Expr, domain: Domain) -> Point | None:
    """A literal operand as a point of an ordered domain."""
    if isinstance(node, Literal) and not isinstance(node.value, bool | str | tuple):
        value = node.value
        if isinstance(value, dt.date):
            return value.toordinal()
        if isinstance(value, Duration):
            return (value.years, value.months, value.days)
        assert isinstance(value, Decimal)
        return value
    return None


def _symbolic(node: Expr, kind: Kind) -> tuple[str, Point] | None:
    """`E`, `E + c` or `E - c` with a constant offset: (text of E, offset). Dates take offsets in whole days."""
    base: Expr = node
    offset: Point = 0 if kind is Kind.DATUM else Decimal(0)
    if isinstance(node, Arithmetic) and node.op in "+-" and isinstance(node.right, Literal):
        base, literal = node.left, node.right.value
        sign = 1 if node.op == "+" else -1
        if kind is Kind.DATUM and isinstance(literal, Duration) and not (literal.years or literal.months):
            offset = sign * literal.days
        elif kind in (Kind.GETAL, Kind.BEDRAG) and isinstance(literal, Decimal):
            offset = sign * literal
        else:
            return None
    if isinstance(base, Literal) or _has_literal_only(base):
        return None
    return to_text(base), offset


def _has_literal_only(node: Expr) -> bool:
    return isinstance(node, Literal)


def _operands(test: UnaryTest) -> list[Expr]:
    match test:
        case AnyValue():
            return []
        case Comparison(operand=operand):
            return [operand]
        case Interval(low=low, high=high):
            return [low, high]
        case Disjunction(tests=tests) | Negation(tests=tests):
            return [operand for part in tests for operand in _operands(part)]
    raise TypeError(f"not an input entry: {test!r}")


def _entry_set(test: UnaryTest, domain: Domain, point: _PointOf) -> ValueSet | None:
    """The values that pass a test, or None when an operand is not a constant of the domain."""
    match test:
        case AnyValue():
            return ValueSet.everything(domain)
        case Comparison(op=op, operand=operand):
            if domain.kind != "ordered":
                if not isinstance(operand, Literal):
                    return None
                single = ValueSet.of_values(domain, [operand.value])
                return single if op == "=" else ValueSet.everything(domain, unknown=False).difference(single)
            value = point(operand)
            if value is None:
                return None
            below, above = Bound(None, False), Bound(None, False)
            spans = {
                "=": (Bound(value, True), Bound(value, True)),
                "<": (below, Bound(value, False)),
                "<=": (below, Bound(value, True)),
                ">": (Bound(value, False), above),
                ">=": (Bound(value, True), above),
            }
            if op == "!=":
                equal = ValueSet.of_span(domain, Bound(value, True), Bound(value, True))
                return ValueSet.everything(domain, unknown=False).difference(equal)
            low, high = spans[op]
            return ValueSet.of_span(domain, low, high)
        case Interval(low=low_node, high=high_node, low_closed=low_closed, high_closed=high_closed):
            low_value, high_value = point(low_node), point(high_node)
            if low_value is None or high_value is None:
                return None
            return ValueSet.of_span(domain, Bound(low_value, low_closed), Bound(high_value, high_closed))
        case Disjunction(tests=tests) | Negation(tests=tests):
            result = ValueSet.nothing(domain)
            for part in tests:
                part_set = _entry_set(part, domain, point)
                if part_set is None:
                    return None
                result = result.union(part_set)
            if isinstance(test, Negation):
                return ValueSet.everything(domain, unknown=False).difference(result)
            return result
    raise TypeError(f"not an input entry: {test!r}")


def table_columns(table: DecisionTable, domains: FactDomains) -> list[Column] | None:
    """The table's columns, one per tested fact; None when the table tests a fact the analysis cannot model."""
    facts = list(dict.fromkeys(table.input_facts))
    tested_facts = set(facts)
    columns = []
    for fact in facts:
        domain = domains.domain(fact)
        if domain is None:
            return None
        entries = [[e for e in rule.inputs if e.fact == fact] for rule in table.rules]
        symbolic = _symbolic_column(entries, domain, tested_facts)
        column_domain = symbolic[1] if symbolic is not None else domain
        point = _symbolic_points(symbolic[0], domain.fact_kind) if symbolic else _literal_points(column_domain)

        cells: list[ValueSet | None] = []
        compares_with = ""
        for rule_entries in entries:
            cell: ValueSet | None = ValueSet.everything(column_domain)
            for entry in rule_entries:
                part = _entry_set(entry.test, column_domain, point)
                if part is None:
                    if not compares_with:
                        compares_with = ", ".join(
                            to_text(o) for o in _operands(entry.test) if not isinstance(o, Literal)
                        )
                    cell = None
                    break
                assert cell is not None
                cell = cell.intersection(part)
            cells.append(cell)
        columns.append(
            Column(
                fact=fact,
                domain=column_domain,
                cells=cells,
                texts=[" en ".join(e.text for e in es if e.text != "-") or "-" for es in entries],
                locations=[es[0].location for es in entries],
                any_value=[all(isinstance(e.test, AnyValue) for e in es) for es in entries],
                compares_with=compares_with,
            )
        )
    return columns


def _symbolic_points(base: str, kind: Kind) -> _PointOf:
    def point(node: Expr) -> Point | None:
        found = _symbolic(node, kind)
        return found[1] if found and found[0] == base else None

    return point


def _literal_points(domain: Domain) -> _PointOf:
    def point(node: Expr) -> Point | None:
        return _operand_point(node, domain)

    return point


def _symbolic_column(
    entries: list[list[InputEntry]], domain: Domain, tested_facts: set[str]
) -> tuple[str, Domain] | None:
    """Whether every test of the column compares with one expression E (plus constants) that the table does
    not test itself; then the column is exact over offsets from E."""
    if domain.kind != "ordered":
        return None
    bases: set[str] = set()
    reads: set[str] = set()
    for rule_entries in entries:
        for entry in rule_entries:
            operands = _operands(entry.test)
            for operand in operands:
                found = _symbolic(operand, domain.fact_kind)
                if found is None:
                    return None
                bases.add(found[0])
            reads |= entry.reads
    if len(bases) != 1 or reads & tested_facts:
        return None
    (base,) = bases
    whole = domain.fact_kind is Kind.DATUM or domain.discrete
    return base, Domain(
        "ordered", domain.fact_kind, discrete=whole and domain.fact_kind is not Kind.DUUR, offset_of=base
    )


# ---- boxes: one set per column ----------------------------------------------------------------------------

Box = tuple[ValueSet, ...]


def _meets(first: Box, second: Box) -> bool:
    return all(a.meets(b) for a, b in zip(first, second, strict=True))


def _within(inner: Box, outer: Box) -> bool:
    return all(a.issubset(b) for a, b in zip(inner, outer, strict=True))


def uncovered(universe: Box, rows: Sequence[Box], limit: int = GAP_LIMIT) -> list[Box]:
    """Disjoint regions of `universe` that no row covers (at most `limit` of them); empty when the rows cover it."""
    found: list[Box] = []
    _search(universe, [r for r in rows if _meets(universe, r)], found, limit)
    return found


def _search(box: Box, rows: list[Box], found: list[Box], limit: int) -> None:
    live = [r for r in rows if _meets(box, r)]
    if not live:
        found.append(box)
        return
    if any(_within(box, r) for r in live):
        return
    first = live[0]
    for index, (part, cover) in enumerate(zip(box, first, strict=True)):
        if not part.issubset(cover):
            outside = (*box[:index], part.difference(cover), *box[index + 1 :])
            inside = (*box[:index], part.intersection(cover), *box[index + 1 :])
            _search(outside, live[1:], found, limit)
            if len(found) < limit:
                _search(inside, live, found, limit)
            return


# ---- examples -----------------------------------------------------------------------------------------------


def value_text(domain: Domain, value: object) -> str:
    """A value as written in a cell; an offset from an expression as `E + 3 dagen`; unknown as `?`."""
    if value is UNKNOWN:
        return "?"
    if domain.kind == "finite":
        assert isinstance(value, bool | str)
        return literal_text(value, domain.fact_kind)
    if domain.kind == "text":
        return literal_text(str(value), Kind.TEKST)
    assert isinstance(value, int | Decimal | tuple)
    if domain.offset_of:
        assert isinstance(value, int | Decimal)
        if domain.fact_kind is Kind.DATUM:
            days = abs(int(value))
            unit = f"{days} dag" if days == 1 else f"{days} dagen"
        else:
            unit = literal_text(abs(Decimal(value)), Kind.GETAL)
        if value == 0:
            return domain.offset_of
        return f"{domain.offset_of} {'+' if value > 0 else '-'} {unit}"
    real = point_value(domain, value)
    assert isinstance(real, Decimal | dt.date | Duration)
    return literal_text(real, domain.fact_kind)


def box_example(
    columns: Sequence[Column], box: Box, *, skip_free: bool = True, known_is_free: bool = True
) -> tuple[tuple[str, str], ...]:
    """An input in the box: one value per constrained column (a column any value fits is left out).

    With `known_is_free` (gaps, where every fact is known by definition) a column that takes any known value is
    left out too; an overlap's example must show one (`ja, nee` does not match an unknown fact, `-` does)."""
    shown = []
    for column, part in zip(columns, box, strict=True):
        if skip_free and (part.is_everything() or (known_is_free and part.is_everything(unknown=False))):
            continue
        shown.append((column.fact, value_text(column.domain, part.example())))
    return tuple(shown)


# ---- the analysis of one table --------------------------------------------------------------------------------


@dataclass
class TableReport:
    table: DecisionTable
    findings: list[Finding] = field(default_factory=list)
    exact: bool = True


def _rule_location(rule: Rule) -> Location:
    return rule.location


def _output_text(rule: Rule) -> str:
    return ", ".join(f"{o.fact} = {o.text}" for o in rule.outputs)


def _same_outputs(first: Rule, second: Rule) -> bool | None:
    """True/False when the outputs are certainly equal/different; None when that depends on other facts."""
    for a, b in zip(first.outputs, second.outputs, strict=True):
        if to_text(a.expression) == to_text(b.expression):
            continue
        if isinstance(a.expression, Literal) and isinstance(b.expression, Literal):
            return False
        return None
    return True


def _pair_cell(columns: Sequence[Column], first: int, second: int, rules_location: Location) -> Location:
    """Where an overlap shows: the first column in which both rows test something different."""
    for column in columns:
        if column.any_value[first] or column.any_value[second]:
            continue
        if column.texts[first] != column.texts[second]:
            return column.locations[first]
    return rules_location


def analyse_table(table: DecisionTable, domains: FactDomains, needs: Needs) -> TableReport:
    report = TableReport(table)
    columns = needs.columns[table.name] if table.name in needs.columns else table_columns(table, domains)
    rules = table.rules
    if columns is None:
        return report
    n = len(rules)
    cells = [[column.cells[i] for column in columns] for i in range(n)]
    exact_rows = [all(c is not None for c in row) for row in cells]
    boxes: list[Box | None] = [
        tuple(c for c in row if c is not None) if ok else None for row, ok in zip(cells, exact_rows, strict=True)
    ]
    over: list[Box] = [
        tuple(c if c is not None else ValueSet.everything(col.domain) for c, col in zip(row, columns, strict=True))
        for row in cells
    ]
    inexact_pairs: dict[str, int] = {}

    def inexact(i: int, j: int) -> None:
        for column in columns:
            if column.cells[i] is None or column.cells[j] is None:
                inexact_pairs[column.fact] = inexact_pairs.get(column.fact, 0) + 1
                return

    # conditions that can never be true
    never = set()
    for column in columns:
        full = domains.full_domain(column.fact)
        for i, cell in enumerate(column.cells):
            if cell is None or column.any_value[i] or not cell.is_empty():
                continue
            never.add(i)
            reason, reason_en = "", ""
            if full is not None and full.kind == "finite" and column.domain.values != full.values:
                possible = ", ".join(value_text(column.domain, v) for v in column.domain.values) or "niets"
                reason = f" ({column.fact} krijgt alleen de waarden {possible})"
                reason_en = f" ({column.fact} only gets the values {possible})"
            elif column.domain.minimum is not None:
                reason = f" ({column.fact} is nooit kleiner dan {column.domain.minimum})"
                reason_en = f" ({column.fact} is never below {column.domain.minimum})"
            report.findings.append(
                Finding(
                    "never_true",
                    ERROR,
                    column.locations[i],
                    {
                        "text": column.texts[i],
                        "fact": column.fact,
                        "rule": rules[i].rule_id,
                        "reason": reason,
                        "reason_en": reason_en,
                    },
                    rules=(rules[i].rule_id,),
                )
            )
    policy = table.hit_policy
    live = [i for i in range(n) if i not in never]

    # pairs: overlaps (U), conflicts (A), duplicates and redundant rows (A, collect)
    if policy in (HitPolicy.UNIQUE, HitPolicy.ANY) or not policy.is_single_hit:
        for a_index, i in enumerate(live):
            for j in live[a_index + 1 :]:
                if not _meets(over[i], over[j]):
                    continue
                if boxes[i] is None or boxes[j] is None:
                    if policy is HitPolicy.UNIQUE or (
                        policy is HitPolicy.ANY and _same_outputs(rules[i], rules[j]) is not True
                    ):
                        inexact(i, j)
                    continue
                box_i, box_j = boxes[i], boxes[j]
                assert box_i is not None and box_j is not None
                meet = tuple(a.intersection(b) for a, b in zip(box_i, box_j, strict=True))
                example = box_example(columns, meet, known_is_free=False)
                ids = {"first": rules[i].rule_id, "second": rules[j].rule_id}
                if policy is HitPolicy.UNIQUE:
                    report.findings.append(
                        Finding(
                            "overlap",
                            ERROR,
                            _pair_cell(columns, i, j, rules[i].location),
                            ids,
                            (ids["first"], ids["second"]),
                            example,
                        )
                    )
                    continue
                same = _same_outputs(rules[i], rules[j])
                if policy is HitPolicy.ANY and same is False:
                    report.findings.append(
                        Finding(
                            "conflict",
                            ERROR,
                            _pair_cell(columns, i, j, rules[i].location),
                            {**ids, "first_output": _output_text(rules[i]), "second_output": _output_text(rules[j])},
                            (ids["first"], ids["second"]),
                            example,
                        )
                    )
                elif policy is HitPolicy.ANY and same is None:
                    inexact_pairs["uitvoer"] = inexact_pairs.get("uitvoer", 0) + 1
                elif same:
                    if _within(box_j, box_i) and _within(box_i, box_j):
                        kind = "duplicate"
                    elif _within(box_j, box_i) and policy is HitPolicy.ANY:
                        kind = "subsumed"
                    elif _within(box_i, box_j) and policy is HitPolicy.ANY:
                        kind, ids = "subsumed", {"first": ids["second"], "second": ids["first"]}
                    else:
                        continue
                    second = rules[j] if ids["second"] == rules[j].rule_id else rules[i]
                    report.findings.append(Finding(kind, WARNING, second.location, ids, (ids["first"], ids["second"])))

    # rows that can never win (F, P)
    if policy in (HitPolicy.FIRST, HitPolicy.PRIORITY):
        ranks = [_rank(rule, table, domains) for rule in rules]
        for j in live:
            if policy is HitPolicy.FIRST:
                before = [i for i in live if i < j]
                uncertain: list[int] = []
            else:
                before, uncertain = [], []
                for i in live:
                    if i == j:
                        continue
                    if ranks[i] is None or ranks[j] is None:
                        uncertain.append(i)
                    elif ranks[i] < ranks[j] or (ranks[i] == ranks[j] and i < j):  # type: ignore[operator]
                        before.append(i)
            certain = [boxes[i] for i in before if boxes[i] is not None]
            if not uncovered(over[j], [b for b in certain if b is not None], limit=1):
                winners = [i for i in before if boxes[i] is not None and _meets(over[j], boxes[i])]  # type: ignore[arg-type]
                whole = [i for i in winners if _within(over[j], boxes[i])]  # type: ignore[arg-type]
                chosen = whole[:1] or winners
                if boxes[j] is None:
                    pass  # masked even read generously: certain
                names = _and_list([rules[i].rule_id for i in chosen], "nl")
                names_en = _and_list([rules[i].rule_id for i in chosen], "en")
                by = f"regel {names}" if len(chosen) == 1 else f"de regels {names}"
                by_en = f"rule {names_en}" if len(chosen) == 1 else f"the rules {names_en}"
                report.findings.append(
                    Finding(
                        "masked",
                        WARNING,
                        rules[j].location,
                        {"rule": rules[j].rule_id, "by": by, "by_en": by_en, "policy": policy.value},
                        (rules[j].rule_id, *(rules[i].rule_id for i in chosen)),
                    )
                )
            elif uncertain or any(boxes[i] is None for i in before):
                generous = [over[i] for i in (*before, *uncertain)]
                if not uncovered(over[j], generous, limit=1):
                    inexact_pairs[_opaque_fact(columns, (*before, *uncertain, j))] = (
                        inexact_pairs.get(_opaque_fact(columns, (*before, *uncertain, j)), 0) + 1
                    )

    # gaps and untested values
    if policy.is_single_hit or policy in (HitPolicy.COLLECT_SUM, HitPolicy.COLLECT_MIN, HitPolicy.COLLECT_MAX):
        _gaps(report, table, columns, live, [over[i] for i in live], needs)

    for fact, count in sorted(inexact_pairs.items()):
        found = next((c for c in columns if c.fact == fact), None)
        compares = found.compares_with if found is not None else ""
        report.exact = False
        report.findings.append(
            Finding(
                "inexact",
                NOTE,
                found.locations[0] if found is not None else table.location,
                {
                    "count": str(count),
                    "pairs": "paar regels" if count == 1 else "paren regels",
                    "pairs_en": "pair of rules" if count == 1 else "pairs of rules",
                    "column": fact,
                    "what": compares or "een berekende uitvoer",
                    "what_en": compares or "a computed output",
                },
            )
        )
    return report


def _opaque_fact(columns: Sequence[Column], rows: Iterable[int]) -> str:
    for column in columns:
        if any(column.cells[i] is None for i in rows):
            return column.fact
    return "uitvoer"


def _rank(rule: Rule, table: DecisionTable, domains: FactDomains) -> tuple[int, ...] | None:
    key = []
    for output in rule.outputs:
        values = domains.glossary[output.fact].type.values
        if not values:
            continue
        if not isinstance(output.expression, Literal) or output.expression.value not in values:
            return None
        key.append(values.index(str(output.expression.value)))
    return tuple(key)


def _and_list(items: Sequence[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    word = " en " if lang == "nl" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


# ---- gaps --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Consumer:
    """A row of another table that tests a fact (not `-`), or a calculation that reads it."""

    table: DecisionTable | None
    rule: Rule | None
    calculation: str = ""


@dataclass
class Needs:
    """Who needs each derived fact: the rows of other tables that test it, the calculations that read it."""

    consumers: dict[str, list[Consumer]]
    columns: dict[str, list[Column] | None]
    used_elsewhere: frozenset[str]  # facts documents and motivations use
    inputs: dict[str, bool]  # fact -> whether it is an input fact (invoer)
    complete: Mapping[str, bool] = field(default_factory=dict)  # table -> its Volledig key (ja: True, nee: False)


def needs_of(
    rule_base: RuleBase,
    domains: FactDomains,
    used_elsewhere: frozenset[str],
    complete: Mapping[str, bool] | None = None,
) -> Needs:
    consumers: dict[str, list[Consumer]] = {}
    columns: dict[str, list[Column] | None] = {}
    for table in rule_base.tables:
        columns[table.name] = table_columns(table, domains)
        for rule in table.rules:
            for entry in rule.inputs:
                if not isinstance(entry.test, AnyValue):
                    consumers.setdefault(entry.fact, []).append(Consumer(table, rule))
                for fact in entry.reads:
                    consumers.setdefault(fact, []).append(Consumer(table, rule))
            for output in rule.outputs:
                for fact in output.reads:
                    consumers.setdefault(fact, []).append(Consumer(table, rule))
    for calculation in rule_base.calculations:
        for fact in calculation.reads | calculation.reads_of_others:
            consumers.setdefault(fact, []).append(Consumer(None, None, calculation.fact))
    inputs = {name: fact.is_input for name, fact in rule_base.glossary.items()}
    return Needs(consumers, columns, used_elsewhere, inputs, dict(complete or {}))


def _gaps(
    report: TableReport, table: DecisionTable, columns: list[Column], live: list[int], rows: list[Box], needs: Needs
) -> None:
    """Inputs (every fact known) that no row matches, where another table or a letter needs the output: first
    the keuze values no row tests, then any other region, one example per table.

    A table marked `Volledig: ja` must cover every input: each such gap is an error, needed or not. A table marked
    `Volledig: nee` leaves inputs open on purpose: its gaps are not reported."""
    marked = needs.complete.get(table.name)
    if marked is False:
        return
    universe = tuple(ValueSet.everything(c.domain, unknown=False) for c in columns)
    outputs = {
        "outputs": _and_list(list(table.output_facts), "nl"),
        "outputs_en": _and_list(list(table.output_facts), "en"),
    }
    explained: dict[int, ValueSet] = {}
    for index, column in enumerate(columns):
        if column.domain.kind != "finite" or not live or not needs.inputs.get(column.fact, False):
            continue  # a derived fact's values are tied to facts the same upstream tables derive: see gaps
        cells = [column.cells[i] for i in live if not column.any_value[i]]
        if not cells or any(c is None for c in cells):
            continue
        tested: set[object] = set()
        for cell in cells:
            assert cell is not None
            tested |= set(cell.members)
        missing = [v for v in column.domain.values if v not in tested]
        if not missing:
            continue
        explained[index] = ValueSet.of_values(column.domain, missing)
        first = next(i for i in live if not column.any_value[i])
        for value in missing:
            single = (*universe[:index], ValueSet.of_values(column.domain, [value]), *universe[index + 1 :])
            for region in uncovered(single, rows, limit=8):
                if marked:
                    report.findings.append(
                        Finding(
                            "incomplete_value",
                            ERROR,
                            column.locations[first],
                            {
                                **outputs,
                                "value": value_text(column.domain, value),
                                "fact": column.fact,
                                "tested": ", ".join(
                                    value_text(column.domain, v) for v in column.domain.values if v in tested
                                ),
                            },
                            example=box_example(columns, region),
                        )
                    )
                    break
                who = _who_needs(table, columns, region, needs)
                if who is None:
                    continue
                needed, needed_en, example = who
                report.findings.append(
                    Finding(
                        "untested_value",
                        WARNING,
                        column.locations[first],
                        {
                            **outputs,
                            "value": value_text(column.domain, value),
                            "fact": column.fact,
                            "tested": ", ".join(
                                value_text(column.domain, v) for v in column.domain.values if v in tested
                            ),
                            "needed": needed,
                            "needed_en": needed_en,
                        },
                        example=example,
                    )
                )
                break
    for region in uncovered(universe, rows):
        if any(region[i].issubset(values) for i, values in explained.items()):
            continue  # reported above as a value no row tests
        if marked:
            example = box_example(columns, region)
            report.findings.append(Finding("incomplete", ERROR, table.location, outputs, example=example))
            return
        who = _who_needs(table, columns, region, needs)
        if who is None:
            continue
        needed, needed_en, example = who
        derived = [fact for fact, _ in example if not needs.inputs.get(fact, False)]
        hint = hint_en = ""
        if len(derived) > 1:
            hint = " (" + ", ".join(derived) + " zijn afgeleid: kijk of eerdere tabellen deze combinatie uitsluiten)"
            hint_en = (
                " (" + ", ".join(derived) + " are derived: check whether upstream tables rule this combination out)"
            )
        report.findings.append(
            Finding(
                "gap",
                WARNING,
                table.location,
                {**outputs, "needed": needed, "needed_en": needed_en, "hint": hint, "hint_en": hint_en},
                example=example,
            )
        )
        return


def _who_needs(
    table: DecisionTable, columns: list[Column], region: Box, needs: Needs
) -> tuple[str, str, tuple[tuple[str, str], ...]] | None:
    example = box_example(columns, region)
    for fact in table.output_facts:
        for consumer in needs.consumers.get(fact, []):
            if consumer.table is None:
                return (
                    f"de berekening van {consumer.calculation} het nodig heeft",
                    f"the calculation of {consumer.calculation} needs it",
                    example,
                )
            if consumer.table.name == table.name or consumer.rule is None:
                continue
            other = needs.columns.get(consumer.table.name)
            index = consumer.table.rules.index(consumer.rule)
            if other is not None and not _compatible(columns, region, other, index):
                continue
            where = f'regel {consumer.rule.rule_id} van tabel "{consumer.table.name}"'
            where_en = f'rule {consumer.rule.rule_id} of table "{consumer.table.name}"'
            return f"{where} het test", f"{where_en} tests it", example
        if not needs.consumers.get(fact) and fact in needs.used_elsewhere:
            return "de brieven of motiveringen het gebruiken", "the letters or motivations use it", example
    return None


def _compatible(columns: list[Column], region: Box, other: list[Column], row: int) -> bool:
    """Whether a row of another table can apply where this table's region is: facts both test must agree."""
    mine = {c.fact: (c, part) for c, part in zip(columns, region, strict=True)}
    for column in other:
        if column.fact not in mine:
            continue
        own, part = mine[column.fact]
        cell = column.cells[row]
        if cell is None or own.domain != column.domain:
            continue
        if part.intersection(cell).is_empty():
            return False
    return True


# ---- the whole rule base -------------------------------------------------------------------------------------


def analyse(
    rule_base: RuleBase, used_elsewhere: frozenset[str] = frozenset(), complete: Mapping[str, bool] | None = None
) -> list[TableReport]:
    """Every table's findings. `complete` maps a table to its Volledig key (see _gaps)."""
    domains = FactDomains(rule_base)
    needs = needs_of(rule_base, domains, used_elsewhere, complete)
    return [analyse_table(table, domains, needs) for table in rule_base.tables]


def row_matches(rule: Rule, facts: Mapping[str, Value]) -> bool | None:
    """Whether a rule's inputs all pass for these facts (for tests of the analysis against the evaluator)."""
    from engine.evaluate import Scope, all3, matches

    scope = Scope(facts)
    return all3(matches(e.test, facts.get(e.fact), scope) for e in rule.inputs)


__all__ = [
    "Column",
    "FactDomains",
    "TableReport",
    "analyse",
    "analyse_table",
    "box_example",
    "row_matches",
    "table_columns",
    "uncovered",
    "value_text",
]
