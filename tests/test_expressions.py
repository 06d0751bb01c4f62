"""Parsing cell text into nodes, printing nodes back, and the errors a user sees for bad text."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import CellError
from engine.expressions import (
    KEYWORDS,
    AnyValue,
    Arithmetic,
    BoolOp,
    Call,
    Compare,
    Comparison,
    Disjunction,
    Expr,
    Interval,
    Literal,
    Name,
    Negate,
    Negation,
    Not,
    UnaryTest,
    parse_duration,
    parse_expression,
    parse_input_entry,
    parse_literal_value,
    to_text,
)
from engine.types import BEDRAG, DATUM, DUUR, GETAL, JA_NEE, TEKST, Duration, FactType, Kind


def num(text: str) -> Literal:
    return Literal(Decimal(text), Kind.GETAL)


def eq(operand: Expr) -> Comparison:
    return Comparison("=", operand)


# ---- input entries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("-", AnyValue()),
        ("", AnyValue()),
        ("   ", AnyValue()),
        ("5", eq(num("5"))),
        ("2300.10", eq(num("2300.10"))),
        ("-5", eq(num("-5"))),
        ('"tekst"', eq(Literal("tekst", Kind.TEKST))),
        ("“tekst”", eq(Literal("tekst", Kind.TEKST))),
        ("ja", eq(Name("ja"))),
        ("nee", eq(Name("nee"))),
        ("2026-06-12", eq(Literal(dt.date(2026, 6, 12), Kind.DATUM))),
        ("vluchteling", eq(Name("vluchteling"))),
        ("< 3", Comparison("<", num("3"))),
        ("<= 3", Comparison("<=", num("3"))),
        ("> 3", Comparison(">", num("3"))),
        (">=3", Comparison(">=", num("3"))),
        ("= 3", eq(num("3"))),
        ("!= 3", Comparison("!=", num("3"))),
        ("[1..5]", Interval(num("1"), num("5"), True, True)),
        ("(1..5)", Interval(num("1"), num("5"), False, False)),
        ("]1..5[", Interval(num("1"), num("5"), False, False)),
        ("[1..5)", Interval(num("1"), num("5"), True, False)),
        ("[1..5[", Interval(num("1"), num("5"), True, False)),
        ("(1..5]", Interval(num("1"), num("5"), False, True)),
        ("a, b, c", Disjunction((eq(Name("a")), eq(Name("b")), eq(Name("c"))))),
        ("< 1, > 5", Disjunction((Comparison("<", num("1")), Comparison(">", num("5"))))),
        ("not(a, b)", Negation((eq(Name("a")), eq(Name("b"))))),
        ("not( < 3 )", Negation((Comparison("<", num("3")),))),
        ("< datum_inreis", Comparison("<", Name("datum_inreis"))),
        (
            "> datum_verlening + 3 maanden",
            Comparison(">", Arithmetic("+", Name("datum_verlening"), Literal(Duration(months=3), Kind.DUUR))),
        ),
        ("(1 + 2) * 3", eq(Arithmetic("*", Arithmetic("+", num("1"), num("2")), num("3")))),
    ],
)
def test_parse_input_entry(text: str, node: UnaryTest) -> None:
    assert parse_input_entry(text) == node


def test_dates_and_keuzes_may_follow_a_comma_without_a_space() -> None:
    assert to_text(parse_input_entry("2026-01-01,2026-02-01")) == "2026-01-01, 2026-02-01"
    assert to_text(parse_input_entry("1,a")) == "1, a"


def test_columns_point_into_the_cell_text() -> None:
    entry = parse_input_entry("a, <= b + 1")
    assert isinstance(entry, Disjunction)
    second = entry.tests[1]
    assert isinstance(second, Comparison)
    assert (entry.tests[0].column, second.column, second.operand.column) == (1, 4, 9)


def test_columns_are_not_part_of_equality() -> None:
    assert Name("a", column=3) == Name("a", column=7)


# ---- expressions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("12", num("12")),
        ("-5", num("-5")),
        ("-(5)", num("-5")),
        ("-a", Negate(Name("a"))),
        ("a + b * c", Arithmetic("+", Name("a"), Arithmetic("*", Name("b"), Name("c")))),
        ("a - b - c", Arithmetic("-", Arithmetic("-", Name("a"), Name("b")), Name("c"))),
        ("a - (b - c)", Arithmetic("-", Name("a"), Arithmetic("-", Name("b"), Name("c")))),
        ("a / 2", Arithmetic("/", Name("a"), num("2"))),
        ("a < b", Compare("<", Name("a"), Name("b"))),
        (
            "a = b en c != d",
            BoolOp("en", (Compare("=", Name("a"), Name("b")), Compare("!=", Name("c"), Name("d")))),
        ),
        ("a en b of c", BoolOp("of", (BoolOp("en", (Name("a"), Name("b"))), Name("c")))),
        ("a of b of c", BoolOp("of", (Name("a"), Name("b"), Name("c")))),
        ("a en (b of c)", BoolOp("en", (Name("a"), BoolOp("of", (Name("b"), Name("c")))))),
        ("niet(a)", Not(Name("a"))),
        ("niet(a) en ja", BoolOp("en", (Not(Name("a")), Name("ja")))),
        (
            "leeftijd(geboortedatum, beslisdatum)",
            Call("leeftijd", (Name("geboortedatum"), Name("beslisdatum"))),
        ),
        ("aantal()", Call("aantal", ())),
        ("P3M", Literal(Duration(months=3), Kind.DUUR)),
        ("P1Y6M", Literal(Duration(years=1, months=6), Kind.DUUR)),
        ("2 weken", Literal(Duration(days=14), Kind.DUUR)),
        ("datum + 1 maand", Arithmetic("+", Name("datum"), Literal(Duration(months=1), Kind.DUUR))),
        ("engels", Name("engels")),
        ("oforder", Name("oforder")),
    ],
)
def test_parse_expression(text: str, node: Expr) -> None:
    assert parse_expression(text) == node


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("<3", "< 3"),
        ("=3", "3"),
        ("]1..5[", "(1..5)"),
        ("[1..5[", "[1..5)"),
        ("1 ,2", "1, 2"),
        ("“x”", '"x"'),
        ("2300.10", "2300.10"),
        ("P3M", "3 maanden"),
        ("P1M", "1 maand"),
        ("P2W", "14 dagen"),
        ("1 dag", "1 dag"),
        ("P2Y", "2 jaar"),
        ("P1Y6M", "P1Y6M"),
        ("P0D", "P0D"),
        ("not(a,b)", "not(a, b)"),
        ("((a))", "a"),
    ],
)
def test_canonical_input_entry_text(text: str, canonical: str) -> None:
    assert to_text(parse_input_entry(text)) == canonical


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("a+b*c", "a + b * c"),
        ("(a+b)*c", "(a + b) * c"),
        ("a-(b-c)", "a - (b - c)"),
        ("(a en b) en c", "(a en b) en c"),
        ("a en b of c", "a en b of c"),
        ("a en (b of c)", "a en (b of c)"),
        ("niet( a<b )", "niet(a < b)"),
        ("f( 1 ,2 )", "f(1, 2)"),
        ("2 * -5", "2 * -5"),
        ("-(a + b)", "-(a + b)"),
        ("(a < b) = (c < d)", "(a < b) = (c < d)"),
    ],
)
def test_canonical_expression_text(text: str, canonical: str) -> None:
    assert to_text(parse_expression(text)) == canonical


def test_typed_literals_print_as_written() -> None:
    assert to_text(Literal(True, Kind.JA_NEE)) == "ja"
    assert to_text(Literal(False, Kind.JA_NEE)) == "nee"
    assert to_text(Literal("vluchteling", Kind.KEUZE)) == "vluchteling"
    assert to_text(Literal("met spatie", Kind.KEUZE)) == '"met spatie"'
    assert to_text(Literal(Decimal("1E+3"), Kind.GETAL)) == "1000"


# ---- syntax errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("[1..5", "range not closed: expected ']', '[' or ')'", 1),
        ("< 3, [1..x + 2", "range not closed: expected ']', '[' or ')'", 6),
        ('"abc', "unclosed string: a text starts here but has no closing quote", 1),
        ("a, “abc", "unclosed string: a text starts here but has no closing quote", 4),
        ("(1 + 2", "unclosed bracket: expected ')'", 1),
        ("not(a, b", "unclosed bracket: expected ')'", 4),
        ("1,,2", "empty cell part between commas", 2),
        ("1, ", "empty cell part between commas", 2),
        (", 1", "empty cell part between commas", 1),
        ("a b", "unexpected text 'b' at position 3", 3),
        ("3 $", "unexpected text '$' at position 3", 3),
        ("1..5", "unexpected text '..' at position 2; a range needs brackets, e.g. [1..5]", 2),
        ("< ", "the text ends too early: something is missing at the end", 2),
        ("2026-02-30", "not a date: 2026-02-30", 1),
        ("< 2026-6-12", "not a date: 2026-6-12; write dates as YYYY-MM-DD, e.g. 2026-06-12", 3),
        ("12-06-2026", "not a date: 12-06-2026; write dates as YYYY-MM-DD, e.g. 2026-06-12", 1),
        ("a, en", "'en' is a keyword and cannot be used as a name here", 4),
        (
            "2300,10",
            "unclear '2300,10': write 2300.10 for a decimal number, "
            "or 2300, 10 (with a space) for either of two numbers",
            5,
        ),
        (
            "not(1,5)",
            "unclear '1,5': write 1.5 for a decimal number, or 1, 5 (with a space) for either of two numbers",
            6,
        ),
        (
            '"a,1", 1,5',
            "unclear '1,5': write 1.5 for a decimal number, or 1, 5 (with a space) for either of two numbers",
            9,
        ),
    ],
)
def test_input_entry_errors(text: str, message: str, column: int) -> None:
    with pytest.raises(CellError, match=f"^{re.escape(message)}$") as raised:
        parse_input_entry(text)
    assert raised.value.column == column
    assert raised.value.location is None


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("2300,10", "unexpected text ',' at position 5; write decimals with a point: 2300.10", 5),
        ("a * 2300,10", "unexpected text ',' at position 9; write decimals with a point: 2300.10", 9),
        ("", "empty expression: write a value, a fact or a formula", 1),
        ("f(1,,2)", "missing argument: nothing between the commas", 4),
        ("not(a, b)", "not takes 1 argument, got 2: not(voorwaarde)", 1),
        ("(a + b", "unclosed bracket: expected ')'", 1),
        ("f(a, (b)", "unclosed bracket: expected ')'", 2),
        ("a < b < c", "unexpected text '<' at position 7", 7),
        ("x = of", "'of' is a keyword and cannot be used as a name here", 5),
    ],
)
def test_expression_errors(text: str, message: str, column: int) -> None:
    with pytest.raises(CellError, match=f"^{re.escape(message)}$") as raised:
        parse_expression(text)
    assert raised.value.column == column


# ---- durations and single values ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("3 maanden", Duration(months=3)),
        ("1 maand", Duration(months=1)),
        ("2 weken", Duration(days=14)),
        ("1 week", Duration(days=7)),
        ("90 dagen", Duration(days=90)),
        ("1 dag", Duration(days=1)),
        ("2 jaar", Duration(years=2)),
        ("3 jaren", Duration(years=3)),
        ("P3M", Duration(months=3)),
        ("P1Y6M", Duration(years=1, months=6)),
        ("P2W", Duration(days=14)),
        ("P90D", Duration(days=90)),
        (" P1Y2M3D ", Duration(1, 2, 3)),
    ],
)
def test_parse_duration(text: str, duration: Duration) -> None:
    assert parse_duration(text) == duration


@pytest.mark.parametrize("text", ["3", "maanden", "3 eeuwen", "P", "P3", "PT", "P1DT", "-3 maanden", ""])
def test_parse_duration_errors(text: str) -> None:
    message = (
        f'expected a duration like "3 maanden", "1 week", "90 dagen", "2 jaar", P3M or PT2H, got "{text.strip()}"'
    )
    with pytest.raises(CellError, match=f"^{re.escape(message)}$"):
        parse_duration(text)


STATUS = FactType(Kind.KEUZE, ("vluchteling", "subsidiair"))


@pytest.mark.parametrize(
    ("text", "fact_type", "value"),
    [
        ("ja", JA_NEE, True),
        ("Nee", JA_NEE, False),
        ("2300.10", BEDRAG, Decimal("2300.10")),
        ("2300,10", BEDRAG, Decimal("2300.10")),
        ("-4", GETAL, Decimal("-4")),
        ("vrij", TEKST, "vrij"),
        ('"met, komma"', TEKST, "met, komma"),
        ("vluchteling", STATUS, "vluchteling"),
        ('"subsidiair"', STATUS, "subsidiair"),
        ("2026-06-12", DATUM, dt.date(2026, 6, 12)),
        ("2026-06-12 00:00:00", DATUM, dt.date(2026, 6, 12)),
        ("3 maanden", DUUR, Duration(months=3)),
        ("vluchteling, subsidiair", STATUS.as_list(), ("vluchteling", "subsidiair")),
        ("", STATUS.as_list(), ()),
        ('"a, b", c', TEKST.as_list(), ("a, b", "c")),
        ("1, 2.5", GETAL.as_list(), (Decimal(1), Decimal("2.5"))),
    ],
)
def test_parse_literal_value(text: str, fact_type: FactType, value: object) -> None:
    assert parse_literal_value(text, fact_type) == value


@pytest.mark.parametrize(
    ("text", "fact_type", "message"),
    [
        ("misschien", JA_NEE, 'expected ja or nee, got "misschien"'),
        ("€ 12", BEDRAG, 'expected a number like 2300.10, got "€ 12"'),
        ("2.300,10", BEDRAG, 'expected a number like 2300.10, got "2.300,10"'),
        ("vluchtelin", STATUS, 'expected one of vluchteling, subsidiair, got "vluchtelin"'),
        ("31-02-2026", DATUM, 'expected a date like 2026-06-12, got "31-02-2026"'),
        ("2026-02-30", DATUM, 'expected a date like 2026-06-12, got "2026-02-30": there is no such day'),
        ("vluchteling, , subsidiair", STATUS.as_list(), 'expected one of vluchteling, subsidiair, got ""'),
    ],
)
def test_parse_literal_value_errors(text: str, fact_type: FactType, message: str) -> None:
    with pytest.raises(CellError, match=f"^{re.escape(message)}$") as raised:
        parse_literal_value(text, fact_type)
    assert raised.value.column == 1


# ---- properties ---------------------------------------------------------------------------------------

names = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(lambda name: name not in KEYWORDS)
numbers = st.builds(
    lambda digits, places: Literal(Decimal(digits).scaleb(-places), Kind.GETAL),
    st.integers(-(10**12), 10**12),
    st.integers(0, 4),
)
strings = st.builds(
    lambda text: Literal(text, Kind.TEKST), st.text(st.characters(exclude_characters='"“”„\n\r'), max_size=12)
)
dates = st.builds(lambda day: Literal(day, Kind.DATUM), st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)))
durations = st.builds(
    lambda years, months, days: Literal(Duration(years, months, days), Kind.DUUR),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 400),
)
atoms: st.SearchStrategy[Expr] = st.one_of(numbers, strings, dates, durations, st.builds(Name, names))


def _negate(operand: Expr) -> Expr:
    # The parser reads "-5" as the number -5, never as minus 5; likewise "-P3M".
    if isinstance(operand, Literal) and operand.kind is Kind.GETAL:
        return Literal(-Decimal(str(operand.value)), Kind.GETAL)
    if isinstance(operand, Literal) and isinstance(operand.value, Duration):
        value = operand.value
        return Literal(Duration(-value.years, -value.months, -value.days, -value.seconds), Kind.DUUR)
    return Negate(operand)


def _extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.builds(Arithmetic, st.sampled_from("+-*/"), children, children),
        st.builds(_negate, children),
        st.builds(Compare, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), children, children),
        st.builds(
            BoolOp, st.sampled_from(["en", "of"]), st.lists(children, min_size=2, max_size=3).map(tuple)
        ),
        st.builds(Not, children),
        st.builds(Call, names, st.lists(children, max_size=3).map(tuple)),
    )


expressions = st.recursive(atoms, _extend, max_leaves=12)
positive_tests: st.SearchStrategy[UnaryTest] = st.one_of(
    st.builds(Comparison, st.sampled_from(["=", "!=", "<", "<=", ">", ">="]), expressions),
    st.builds(Interval, expressions, expressions, st.booleans(), st.booleans()),
)
input_entries = st.one_of(
    st.just(AnyValue()),
    positive_tests,
    st.lists(positive_tests, min_size=2, max_size=4).map(lambda tests: Disjunction(tuple(tests))),
    st.lists(positive_tests, min_size=1, max_size=3).map(lambda tests: Negation(tuple(tests))),
)


@given(expressions)
def test_expression_text_round_trip(node: Expr) -> None:
    parsed = parse_expression(to_text(node))
    assert parsed == node
    assert parse_expression(to_text(parsed)) == parsed


@given(input_entries)
def test_input_entry_text_round_trip(node: UnaryTest) -> None:
    parsed = parse_input_entry(to_text(node))
    assert parsed == node
    assert parse_input_entry(to_text(parsed)) == parsed


cell_alphabet = st.sampled_from([*'0123456789-+*/<>=!.,()[]"“” \tabejnotiPYMWD_', "en", "of", "niet", "not"])
cell_like_text = st.lists(cell_alphabet, max_size=20).map("".join)


@given(st.one_of(st.text(), cell_like_text))
def test_any_text_gives_a_node_or_a_cell_error(text: str) -> None:
    for parse in (parse_input_entry, parse_expression):
        try:
            node = parse(text)
        except CellError as error:
            assert error.column >= 1
        else:
            assert parse(to_text(node)) == node
