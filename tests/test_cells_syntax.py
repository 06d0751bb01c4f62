"""The DMN constructs of the cell language as text: English keywords, null, lists, `in`, if-then-else, quoting with
escapes, FEEL function names with spaces, DMN names, durations with time, @"..." and date("...")."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from engine import expressions
from engine.cells_messages import dutch
from engine.errors import CellError
from engine.expressions import (
    BoolOp,
    Call,
    Compare,
    Comparison,
    Disjunction,
    Interval,
    ListLiteral,
    Literal,
    Membership,
    Name,
    Negation,
    Null,
    fact_name,
    parse_duration,
    parse_expression,
    parse_input_entry,
    parse_literal_value,
    quote,
    to_text,
)
from engine.types import TEKST, Duration, FactType, Kind


def num(text: str) -> Literal:
    return Literal(Decimal(text), Kind.GETAL)


def text(value: str) -> Literal:
    return Literal(value, Kind.TEKST)


# ---- English keywords alongside the Dutch ones ---------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        ("a and b", "a en b"),
        ("a or b", "a of b"),
        ("a and b or c", "a en b of c"),
        ("not(a)", "niet(a)"),
        ("not(a or b)", "niet(a of b)"),
        ('if a then "x" else "y"', 'als(a, "x", "y")'),
        ("if x > 1 then x * 2 else if x > 0 then x else 0", "als(x > 1, x * 2, als(x > 0, x, 0))"),
    ],
)
def test_english_keywords_give_the_same_node_as_the_dutch(english: str, dutch: str) -> None:
    assert parse_expression(english) == parse_expression(dutch)
    assert to_text(parse_expression(english)) == dutch


def test_if_then_else_is_a_choice() -> None:
    assert parse_expression('if a then "x" else "y"') == Call("als", (Name("a"), text("x"), text("y")))


def test_true_and_false_are_names_the_type_checker_reads_as_ja_and_nee() -> None:
    assert parse_expression("a = true or b = false") == BoolOp(
        "of", (Compare("=", Name("a"), Name("true")), Compare("=", Name("b"), Name("false")))
    )


@pytest.mark.parametrize("keyword", ["and", "or", "in", "if", "then", "else", "null"])
def test_english_keywords_cannot_be_fact_names(keyword: str) -> None:
    with pytest.raises(CellError) as raised:
        parse_expression(f"x = {keyword}" if keyword != "null" else "null(1)")
    assert raised.value.column >= 1


# ---- null ---------------------------------------------------------------------------------------------


def test_null_is_a_literal_in_expressions_and_input_entries() -> None:
    assert parse_expression("null") == Null()
    assert parse_expression("x = null") == Compare("=", Name("x"), Null())
    assert parse_input_entry("null") == Comparison("=", Null())
    assert parse_input_entry("not(null)") == Negation((Comparison("=", Null()),))
    assert parse_input_entry('"a", null') == Disjunction((Comparison("=", text("a")), Comparison("=", Null())))
    assert to_text(parse_input_entry("not(null)")) == "not(null)"


def test_dash_and_empty_are_any_value() -> None:
    assert to_text(parse_input_entry("-")) == "-"
    assert to_text(parse_input_entry("")) == "-"


# ---- lists and in -------------------------------------------------------------------------------------


def test_list_literals() -> None:
    assert parse_expression("[1, 2, 3]") == ListLiteral((num("1"), num("2"), num("3")))
    assert parse_expression("[]") == ListLiteral(())
    assert parse_expression('["koorts", "hoest"]') == ListLiteral((text("koorts"), text("hoest")))
    assert to_text(parse_expression("[ 1,2 ]")) == "[1, 2]"


@pytest.mark.parametrize(
    ("source", "node", "canonical"),
    [
        ("x in [1..5]", Membership(Name("x"), Interval(num("1"), num("5"), True, True)), "x in [1..5]"),
        ("x in > 3", Membership(Name("x"), Comparison(">", num("3"))), "x in > 3"),
        ("x in lijst", Membership(Name("x"), Comparison("=", Name("lijst"))), "x in lijst"),
        (
            'x in ("a", "b")',
            Membership(Name("x"), Disjunction((Comparison("=", text("a")), Comparison("=", text("b"))))),
            'x in ("a", "b")',
        ),
        (
            "x in [1, 2]",
            Membership(Name("x"), Comparison("=", ListLiteral((num("1"), num("2"))))),
            "x in [1, 2]",
        ),
        ("not(x in (1, 2))", None, "niet(x in (1, 2))"),
    ],
)
def test_in(source: str, node: object, canonical: str) -> None:
    parsed = parse_expression(source)
    if node is not None:
        assert parsed == node
    assert to_text(parsed) == canonical
    assert parse_expression(canonical) == parsed


# ---- strings: one quoting rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ('"a \\"b\\""', 'a "b"'),
        ('"C:\\\\map"', "C:\\map"),
        ('"regel 1\\nregel 2"', "regel 1\nregel 2"),
        ('"tab\\there"', "tab\there"),
        ("“typografisch”", "typografisch"),
        ('" Hi "', " Hi "),
        ('""', ""),
    ],
)
def test_string_literals_with_escapes(source: str, value: str) -> None:
    assert parse_expression(source) == text(value)
    assert parse_expression(quote(value)) == text(value)


def test_quote_escapes_what_would_end_the_text() -> None:
    assert quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    assert to_text(text('zei "ja"')) == '"zei \\"ja\\""'


def test_an_unknown_escape_is_reported_at_its_place() -> None:
    message = (
        'unknown escape \\q in a text: write \\" for a quote, \\\\ for a backslash, \\n for a new line, \\t for a tab'
    )
    with pytest.raises(CellError, match=f"^{re.escape(message)}$") as raised:
        parse_expression('x = "ab\\q"')
    assert raised.value.column == 8


def test_a_text_with_an_escaped_quote_is_one_text_in_a_list_of_tests() -> None:
    assert parse_input_entry('"a\\", b", c') == Disjunction(
        (Comparison("=", text('a", b')), Comparison("=", Name("c")))
    )


def test_tests_sheet_values_follow_the_same_quoting_rule() -> None:
    assert parse_literal_value('"a \\"b\\""', TEKST) == 'a "b"'
    assert parse_literal_value("zonder quotes", TEKST) == "zonder quotes"
    assert parse_literal_value('"x, y", z', FactType(Kind.TEKST, is_list=True)) == ("x, y", "z")
    assert parse_literal_value('"x\\", y", z', FactType(Kind.TEKST, is_list=True)) == ('x", y', "z")


def test_case_values_are_exact() -> None:
    assert expressions.case_value(" Hi ", TEKST) == " Hi "
    assert expressions.case_value('"Hi"', TEKST) == '"Hi"'
    assert expressions.case_value(["a, b", " c"], FactType(Kind.TEKST, is_list=True)) == ("a, b", " c")
    assert expressions.case_value(True, FactType(Kind.JA_NEE)) is True
    assert expressions.case_value(dt.date(2026, 6, 12), FactType(Kind.DATUM)) == dt.date(2026, 6, 12)
    assert expressions.case_value("2300.10", FactType(Kind.BEDRAG)) == Decimal("2300.10")


# ---- FEEL function names and DMN names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "canonical"),
    [
        ("string length(naam)", "string_length(naam)"),
        ("upper case(naam)", "upper_case(naam)"),
        ("lower  case(naam)", "lower_case(naam)"),
        ('starts with(naam, "A")', 'starts_with(naam, "A")'),
        ('ends with(naam, "z")', 'ends_with(naam, "z")'),
        ('list contains(klachten, "koorts")', 'list_contains(klachten, "koorts")'),
        ("string_length(naam)", "string_length(naam)"),
    ],
)
def test_feel_function_names_with_spaces(source: str, canonical: str) -> None:
    assert to_text(parse_expression(source)) == canonical


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Applicant Age", "applicant_age"),
        ("Applicant age", "applicant_age"),
        ("Age", "age"),
        ("Loan  Amount_2", "loan_amount_2"),
        ("Vluchteling", "vluchteling"),
    ],
)
def test_dmn_names_are_read_as_lower_snake_case(written: str, name: str) -> None:
    assert fact_name(written) == name
    assert parse_expression(f"{written} > 18") == Compare(">", Name(name), num("18"))


def test_a_dmn_name_stops_at_a_keyword() -> None:
    assert to_text(parse_expression("Applicant Age > 18 and Is Student")) == "applicant_age > 18 en is_student"
    assert to_text(parse_expression("Applicant Age in [18..65]")) == "applicant_age in [18..65]"
    assert to_text(parse_expression("if Is Student then 1 else 2")) == "als(is_student, 1, 2)"


def test_a_dmn_name_that_cannot_be_a_fact_name() -> None:
    message = (
        '"Leeftijd (jaren)" cannot be a fact name: a name with capitals or spaces is read as lower snake case '
        "(Applicant Age is applicant_age), which allows only letters a-z, digits and _, starting with a letter"
    )
    with pytest.raises(CellError, match=f"^{re.escape(message)}$"):
        fact_name("Leeftijd (jaren)")
    with pytest.raises(CellError, match=r"^\"2nd Applicant\" cannot be a fact name"):
        fact_name("2nd Applicant")


@pytest.mark.parametrize(("written", "word"), [("NULL", "null"), ("True", "true"), ("JA", "ja"), ("Nee", "nee")])
def test_a_word_of_the_language_in_capitals_is_not_a_name(written: str, word: str) -> None:
    """Read as a DMN name it would print as the word itself and come back as a different node (found by the
    round-trip property test): it is refused, saying how to write it."""
    message = f"'{written}' is the word {word} of the cell language written with capitals; write it as {word}"
    with pytest.raises(CellError, match=f"^{re.escape(message)}$") as raised:
        parse_input_entry(written)
    assert raised.value.column == 1
    dutch_message = f"'{written}' is het woord {word} van de celtaal, met hoofdletters geschreven; schrijf {word}"
    assert dutch(message) == dutch_message


# ---- durations, dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "duration", "canonical"),
    [
        ("PT2H", Duration(seconds=7200), "PT2H"),
        ("PT90M", Duration(seconds=5400), "PT1H30M"),
        ("PT36H", Duration(days=1, seconds=43200), "P1DT12H"),
        ("P1DT2H30M15S", Duration(days=1, seconds=9015), "P1DT2H30M15S"),
        ("P1Y2M", Duration(years=1, months=2), "P1Y2M"),
        ("P14M", Duration(months=14), "14 maanden"),
        ("-P3M", Duration(months=-3), "-P3M"),
    ],
)
def test_iso_durations_with_time(source: str, duration: Duration, canonical: str) -> None:
    node = parse_expression(source)
    assert node == Literal(duration, Kind.DUUR)
    assert to_text(node) == canonical
    assert parse_expression(to_text(node)) == node


def test_parse_duration_reads_days_and_time_and_a_sign() -> None:
    assert parse_duration("PT2H") == Duration(seconds=7200)
    assert parse_duration("-P1D") == Duration(days=-1)
    assert Duration(days=-1).iso() == "-P1D"
    assert Duration(seconds=-3600).iso() == "-PT1H"


@pytest.mark.parametrize(
    ("source", "node"),
    [
        ('date("2026-06-12")', Literal(dt.date(2026, 6, 12), Kind.DATUM)),
        ('@"2026-06-12"', Literal(dt.date(2026, 6, 12), Kind.DATUM)),
        ('duration("P1Y")', Literal(Duration(years=1), Kind.DUUR)),
        ('@"P3M"', Literal(Duration(months=3), Kind.DUUR)),
        ('@"PT2H"', Literal(Duration(seconds=7200), Kind.DUUR)),
        ("date(2026, 6, 12)", Call("date", (num("2026"), num("6"), num("12")))),
    ],
)
def test_dates_and_durations_written_as_feel_does(source: str, node: object) -> None:
    assert parse_expression(source) == node


@pytest.mark.parametrize(
    ("source", "message", "column"),
    [
        ('@"morgen"', '@"morgen" is not a date (@"2026-06-12") or a duration (@"P3M", @"PT2H")', 1),
        ('date("2026-02-30")', "not a date: 2026-02-30", 6),
        ('date("12-06-2026")', "not a date: 12-06-2026; write dates as YYYY-MM-DD, e.g. 2026-06-12", 6),
    ],
)
def test_bad_feel_dates(source: str, message: str, column: int) -> None:
    with pytest.raises(CellError, match=f"^{re.escape(message)}$") as raised:
        parse_expression(source)
    assert raised.value.column == column


def test_durations_compare_by_total_months_then_days() -> None:
    assert Duration(years=1) == Duration(months=12)
    assert hash(Duration(years=1)) == hash(Duration(months=12))
    assert Duration(months=13) > Duration(years=1)
    assert Duration(days=1) == Duration(seconds=86_400)
    assert Duration(months=1).comparable(Duration(days=30)) is False
    assert Duration(days=1).comparable(Duration(seconds=3600)) is True
    assert Duration().comparable(Duration(days=3)) is True


# ---- the parser is built on first use -----------------------------------------------------------------


def test_importing_the_engine_does_not_build_the_parser() -> None:
    script = (
        "import engine.api, engine.expressions as e; "
        "print(e._parser.cache_info().currsize); e.parse_expression('1'); print(e._parser.cache_info().currsize)"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={"PYTHONPATH": str(root)},
    )
    assert result.stdout.split() == ["0", "1"]
