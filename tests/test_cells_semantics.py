"""What the DMN constructs of the cell language mean: types at load (with the message a user sees) and values,
including unknown facts (null) and the deliberate choice for not(...) on an unknown input."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

import pytest

from engine.errors import CellError
from engine.evaluate import Scope, evaluate, matches
from engine.expressions import Expr, UnaryTest, parse_expression, parse_input_entry, to_text
from engine.typecheck import check_expression, check_input_entry
from engine.types import BEDRAG, DATUM, DUUR, GETAL, JA_NEE, TEKST, Duration, FactType, Kind, Value

KLEUR = FactType(Kind.KEUZE, ("rood", "groen", "blauw"))
GLOSSARY: dict[str, FactType] = {
    "x": GETAL,
    "bedrag": BEDRAG,
    "naam": TEKST,
    "d": DATUM,
    "termijn": DUUR,
    "kleur": KLEUR,
    "klachten": FactType(Kind.TEKST, is_list=True),
    "kleuren": FactType(Kind.KEUZE, ("rood", "groen", "blauw"), is_list=True),
    "getallen": FactType(Kind.GETAL, is_list=True),
    "a": JA_NEE,
    "applicant_age": GETAL,
}
FACTS: dict[str, Value] = {
    "x": Decimal("7.5"),
    "bedrag": Decimal("2300.10"),
    "naam": " Hi ",
    "d": dt.date(2026, 6, 12),
    "termijn": Duration(months=14),
    "kleur": "rood",
    "klachten": ("koorts", "hoest"),
    "kleuren": ("rood",),
    "getallen": (Decimal(3), Decimal(1), Decimal(2)),
    "a": True,
    "applicant_age": Decimal(20),
}


def value(text: str, facts: Mapping[str, Value] = FACTS, expected: FactType | None = None) -> object:
    node = check_expression(parse_expression(text), GLOSSARY, expected).node
    assert isinstance(node, Expr)
    return evaluate(node, Scope(facts))


def type_of(text: str) -> str:
    return check_expression(parse_expression(text), GLOSSARY).type.describe()


def entry(text: str, fact: str, facts: Mapping[str, Value] = FACTS) -> bool | None:
    node = check_input_entry(parse_input_entry(text), GLOSSARY[fact], GLOSSARY, subject_name=fact).node
    assert isinstance(node, UnaryTest)
    return matches(node, facts.get(fact), Scope(facts))


def expression_error(text: str, expected: FactType | None = None) -> CellError:
    with pytest.raises(CellError) as raised:
        check_expression(parse_expression(text), GLOSSARY, expected)
    return raised.value


def entry_error(text: str, fact: str) -> CellError:
    with pytest.raises(CellError) as raised:
        check_input_entry(parse_input_entry(text), GLOSSARY[fact], GLOSSARY, subject_name=fact)
    return raised.value


UNKNOWN_X = {k: v for k, v in FACTS.items() if k != "x"}
UNKNOWN_KLEUR = {k: v for k, v in FACTS.items() if k != "kleur"}


# ---- not(...) on an unknown input: a deliberate choice ------------------------------------------------


def test_not_never_matches_an_unknown_input() -> None:
    # DMN would match not(rood) on a null input (FEEL: null = rood is false). Here an unknown fact is one not
    # established: a rule must not fire on what nobody has established, and the fact is reported as missing.
    assert entry("not(rood)", "kleur", UNKNOWN_KLEUR) is None
    assert entry("not(< 3)", "x", UNKNOWN_X) is None
    assert entry("not(rood)", "kleur") is False
    assert entry("not(groen)", "kleur") is True


def test_dmn_behaviour_is_written_with_null() -> None:
    # "not(rood), null" is what DMN's not(rood) means: any value but rood, or no value at all.
    assert entry("not(rood), null", "kleur", UNKNOWN_KLEUR) is True
    assert entry("not(rood), null", "kleur") is False
    assert entry("not(rood), null", "kleur", {"kleur": "blauw"}) is True


# ---- null ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fact", "known", "unknown"),
    [
        ("null", "x", False, True),
        ("not(null)", "x", True, False),
        ("null, > 5", "x", True, True),
        ("-", "x", True, True),
        ("", "x", True, True),
        ("null", "klachten", False, True),
    ],
)
def test_null_as_an_input_entry(text: str, fact: str, known: bool, unknown: bool) -> None:
    assert entry(text, fact) is known
    assert entry(text, fact, {k: v for k, v in FACTS.items() if k != fact}) is unknown


def test_null_in_expressions() -> None:
    assert value("x = null") is False
    assert value("x = null", UNKNOWN_X) is True
    assert value("null != x", UNKNOWN_X) is False
    assert value("if x = null then 0 else x", UNKNOWN_X) == Decimal(0)
    assert value("null", expected=GETAL) is None
    assert value("als(a, null, 5)", expected=GETAL) is None
    assert type_of("x = null") == "ja/nee"


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        (
            "null",
            "null has no type here: write it as an output, as an input entry, or compared with = or != "
            "(x = null asks whether x is unknown)",
            1,
        ),
        ("x < null", "cannot use < with null: only = null and != null have an answer", 3),
        ("null + 1", "null has no type here: write it as an output, as an input entry, or compared with = or != "
         "(x = null asks whether x is unknown)", 1),
    ],
)  # fmt: skip
def test_null_errors(text: str, message: str, column: int) -> None:
    error = expression_error(text)
    assert error.message == message
    assert error.column == column


def test_null_cannot_be_ordered_in_an_input_entry() -> None:
    error = entry_error("< null", "x")
    assert error.message == "cannot use < with null: only = null and != null have an answer"
    assert error.column == 1


# ---- English words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("a and true", True),
        ("a and false", False),
        ("false or a", True),
        ("not(a)", False),
        ('if x > 5 then "groot" else "klein"', "groot"),
        ("if x > 10 then 1 else 2", Decimal(2)),
        ("Applicant Age >= 18", True),
    ],
)
def test_english_words(text: str, result: object) -> None:
    assert value(text) == result


def test_if_then_else_is_type_checked_as_als() -> None:
    error = expression_error('if x then 1 else "b"')
    assert error.message == (
        "als: argument 1 must be a ja/nee, but x is a getal; "
        "use als(voorwaarde: ja/nee, dan, anders) -> dan and anders of the same type"
    )


def test_a_dmn_name_that_is_no_fact_is_reported_by_its_fact_name() -> None:
    error = expression_error("Applicant Ages > 18")
    assert error.message == (
        'unknown fact "applicant_ages"; did you mean "applicant_age"? (Applicant Ages is read as applicant_ages: '
        "a name with capitals or spaces is read in lower snake case)"
    )


# ---- durations ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "months", "result"),
    [
        ("> P1Y2M", 14, False),
        ("> P1Y2M", 15, True),
        (">= P1Y2M", 14, True),
        ("[P6M..P1Y]", 12, True),
        ("[P6M..P1Y]", 13, False),
        ("[P6M..P1Y]", 5, False),
        ("(P6M..P1Y)", 6, False),
        ("< 2 jaar", 23, True),
        ("P1Y2M", 14, True),
        ("not([P6M..P1Y])", 14, True),
    ],
)
def test_ordering_and_ranges_of_durations(text: str, months: int, result: bool) -> None:
    assert entry(text, "termijn", {"termijn": Duration(months=months)}) is result


def test_a_month_is_not_compared_with_days() -> None:
    assert entry("> P30D", "termijn", {"termijn": Duration(months=1)}) is None
    assert entry("P30D", "termijn", {"termijn": Duration(months=1)}) is False
    assert entry("> PT12H", "termijn", {"termijn": Duration(days=1)}) is True
    assert value("P1Y = P12M") is True
    assert value("P1D = PT24H") is True
    assert value("P1M > P30D") is None


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("P1Y2M + P10M", Duration(years=1, months=12)),
        ("PT20H + PT5H", Duration(days=1, seconds=3600)),
        ("2026-06-12 + PT30H", dt.date(2026, 6, 13)),
        ('@"2026-01-31" + P1M', dt.date(2026, 2, 28)),
        ('date("2026-06-12") - P1Y', dt.date(2025, 6, 12)),
        ("date(2026, 6, 12)", dt.date(2026, 6, 12)),
        ("date(2026, 2, 30)", None),
        ("date(2026, 6.5, 1)", None),
        ("max(P1Y, P13M)", Duration(months=13)),
        ("min(2026-01-01, 2025-12-31, 2026-02-01)", dt.date(2025, 12, 31)),
    ],
)
def test_duration_and_date_arithmetic(text: str, result: object) -> None:
    assert value(text) == result


# ---- lists ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fact", "result"),
    [
        ('"koorts", "hoest"', "klachten", True),
        ('"koorts"', "klachten", True),
        ('"jeuk"', "klachten", False),
        ('"jeuk", "hoest"', "klachten", True),
        ('not("koorts")', "klachten", False),
        ('not("jeuk")', "klachten", True),
        ("rood", "kleuren", True),
        ("groen, blauw", "kleuren", False),
        ("> 2", "getallen", True),
        ("> 3", "getallen", False),
        ("[2..2]", "getallen", True),
        ('["hoest", "koorts"]', "klachten", False),
        ('["koorts", "hoest"]', "klachten", True),
        ("klachten", "naam", False),
    ],
)
def test_input_entries_on_list_facts_test_their_values(text: str, fact: str, result: bool) -> None:
    assert entry(text, fact) is result


def test_an_empty_list_holds_no_value() -> None:
    assert entry('"koorts"', "klachten", {"klachten": ()}) is False
    assert entry('not("koorts")', "klachten", {"klachten": ()}) is True


def test_a_fact_is_one_of_a_list() -> None:
    assert entry("klachten", "naam", {"naam": "hoest", "klachten": ("koorts", "hoest")}) is True
    assert entry("!= klachten", "naam", {"naam": "hoest", "klachten": ("koorts", "hoest")}) is False


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ('list contains(klachten, "hoest")', True),
        ('list contains(klachten, "jeuk")', False),
        ("count(klachten)", Decimal(2)),
        ("sum(getallen)", Decimal(6)),
        ("sum([1.5, 2.25])", Decimal("3.75")),
        ("min(getallen)", Decimal(1)),
        ("max(getallen)", Decimal(3)),
        ("max([P1Y, P11M])", Duration(years=1)),
        ('"hoest" in klachten', True),
        ("x in [1..10]", True),
        ("x in (1, 2)", False),
        ("x in > 7", True),
        ("kleur in (rood, groen)", True),
        ("kleur in kleuren", True),
        ("[1, x] = [1, 7.5]", True),
        ('["a"] + ["b"]', ("a", "b")),
    ],
)
def test_list_functions_and_in(text: str, result: object) -> None:
    assert value(text) == result


def test_unknown_in_lists() -> None:
    assert value("x in [1..10]", UNKNOWN_X) is None
    assert value("[1, x]", UNKNOWN_X) is None
    assert value("sum([])", expected=GETAL) is None
    assert value("min([])", expected=GETAL) is None
    assert value("count(getallen)", {"getallen": ()}) == Decimal(0)
    assert value("sum(getallen)", {"getallen": ()}) is None


def test_list_types() -> None:
    assert type_of("[1, 2]") == "lijst van getal"
    assert type_of("[1, bedrag]") == "lijst van bedrag"
    assert type_of("sum([bedrag])") == "bedrag"
    assert type_of("min(klachten)") == "tekst"
    assert check_expression(parse_expression("[rood, groen]"), GLOSSARY, GLOSSARY["kleuren"]).type.describe() == (
        "lijst van keuze (rood, groen, blauw)"
    )


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ('[1, "a"]', 'a list holds values of one type: 1 is a getal, but "a" is a tekst', 5),
        ("[]", "an empty list [] has no type here: use it where a list fact is expected", 1),
        (
            "sum(klachten)",
            "sum: argument 1 must be a lijst van getal or bedrag, but klachten is a lijst van tekst; "
            "use sum(lijst van getal) -> getal",
            5,
        ),
        (
            "min(x)",
            "min: argument 1 must be a lijst of numbers, dates, durations or texts, but x is a getal; "
            "use min(a, b, ...) or min(lijst) -> the smallest of numbers, dates, durations or texts",
            5,
        ),
        ("x in klachten", "cannot compare getal with tekst: x is a getal, klachten is a tekst", 6),
        (
            "list contains(x, 1)",
            "list_contains: argument 1 must be a lijst, but x is a getal; "
            "use list_contains(lijst: lijst van T, waarde: T) -> ja/nee",
            15,
        ),
    ],
)
def test_list_errors(text: str, message: str, column: int) -> None:
    error = expression_error(text)
    assert error.message == message
    assert error.column == column


def test_a_list_in_an_input_entry_is_not_read_as_a_range() -> None:
    error = entry_error("[1, 5]", "x")
    assert error.message == (
        "[1, 5] is a list: for any of these values write 1, 5 without brackets; for a range write two dots, e.g. [1..5]"
    )
    assert error.column == 1


# ---- texts ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ('"nareis" + "aanvraag"', "nareisaanvraag"),
        ('naam + "!"', " Hi !"),
        ("string length(naam)", Decimal(4)),
        ('string length("")', Decimal(0)),
        ('substring("foobar", 3)', "obar"),
        ('substring("foobar", 3, 2)', "ob"),
        ('substring("foobar", -2, 1)', "a"),
        ('substring("foobar", 0)', None),
        ('substring("foobar", 1.5)', None),
        ('upper case("Curaçao")', "CURAÇAO"),
        ('lower case("ABC")', "abc"),
        ('contains(naam, "Hi")', True),
        ('contains(naam, "hi")', False),
        ('starts with("nareis", "na")', True),
        ('ends with("nareis", "na")', False),
        ('"abc" < "abd"', True),
        ('"B" < "a"', True),
        ('"é" > "z"', True),
        ('naam = "Hi"', False),
        ('naam = " Hi "', True),
    ],
)
def test_text_functions(text: str, result: object) -> None:
    assert value(text) == result


def test_ordering_and_ranges_on_text() -> None:
    assert entry('> "A"', "naam", {"naam": "B"}) is True
    assert entry('["a".."c")', "naam", {"naam": "bb"}) is True
    assert entry('["a".."c")', "naam", {"naam": "é"}) is False
    assert entry('" Hi "', "naam") is True
    assert entry('"Hi"', "naam") is False


def test_text_errors() -> None:
    error = expression_error("string length(x)")
    assert error.message == (
        "string_length: argument 1 must be a tekst, but x is a getal; use string_length(tekst) -> getal"
    )
    error = expression_error('x + "a"')
    assert error.message == 'cannot add getal and tekst: x is a getal, "a" is a tekst'


# ---- numbers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("abs(-3)", Decimal(3)),
        ("abs(2.5)", Decimal("2.5")),
        ("floor(1.5)", Decimal(1)),
        ("floor(-1.5)", Decimal(-2)),
        ("ceiling(1.2)", Decimal(2)),
        ("ceiling(-1.2)", Decimal(-1)),
        ("decimal(1 / 3, 2)", Decimal("0.33")),
        ("decimal(2.5, 0)", Decimal(2)),
        ("decimal(3.5, 0)", Decimal(4)),
        ("decimal(1.005, 2)", Decimal("1.00")),
        ("decimal(1, 0.5)", None),
        ("modulo(12, 5)", Decimal(2)),
        ("modulo(-12, 5)", Decimal(3)),
        ("modulo(12, -5)", Decimal(-3)),
        ("modulo(10.1, 4.5)", Decimal("1.1")),
        ("modulo(1, 0)", None),
    ],
)
def test_number_functions(text: str, result: object) -> None:
    assert value(text) == result


def test_number_functions_keep_bedrag() -> None:
    assert type_of("abs(bedrag)") == "bedrag"
    assert type_of("floor(bedrag)") == "bedrag"
    assert type_of("modulo(x, 2)") == "getal"
    assert value("floor(bedrag)") == Decimal(2300)


def test_number_function_errors() -> None:
    error = expression_error("abs(naam)")
    assert (
        error.message
        == "abs: argument 1 must be a getal, but naam is a tekst; use abs(getal) -> getal without its sign"
    )
    assert error.column == 5
    error = expression_error("modulo(1)")
    assert error.message == (
        "modulo takes 2 arguments, got 1: modulo(deeltal: getal, deler: getal) -> getal, "
        "the remainder with the sign of the deler"
    )
    error = expression_error('substring("a")')
    assert error.message == (
        "substring takes 2 to 3 arguments, got 1: substring(tekst, start: getal[, lengte: getal]) -> tekst "
        "(start 1: first character, -1: last)"
    )


def test_canonical_text_of_typed_nodes_reads_back() -> None:
    for text, expected in [
        ('if x > 5 then "a" else "b"', TEKST),
        ("x in (1, 2)", JA_NEE),
        ("null", GETAL),
        ("[1, 2]", None),
        ('upper case(naam) + "!"', TEKST),
    ]:
        typed = check_expression(parse_expression(text), GLOSSARY, expected)
        again = check_expression(parse_expression(to_text(typed.node)), GLOSSARY, expected)
        assert again.node == typed.node
    assert re.fullmatch(r"als\(x > 5, \"a\", \"b\"\)", to_text(parse_expression('if x > 5 then "a" else "b"')))
