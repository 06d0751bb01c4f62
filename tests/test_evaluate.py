"""Evaluating checked nodes: exact decimals, calendar dates, Kleene logic for unknown facts, input entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.evaluate import Scope, evaluate, matches
from engine.expressions import Expr, UnaryTest, parse_expression, parse_input_entry
from engine.typecheck import check_expression, check_input_entry
from engine.types import BEDRAG, DATUM, DUUR, GETAL, JA_NEE, Duration, FactType, Kind, Value

UITKOMST = FactType(Kind.KEUZE, ("afwijzen", "inwilligen"))
GLOSSARY = {
    "a": JA_NEE,
    "b": JA_NEE,
    "x": GETAL,
    "y": GETAL,
    "inkomen": BEDRAG,
    "datum_verlening": DATUM,
    "datum_indiening": DATUM,
    "geboortedatum": DATUM,
    "beslisdatum": DATUM,
    "termijn": DUUR,
    "uitkomst": UITKOMST,
    "gronden": FactType(Kind.KEUZE, ("nareistermijn", "identiteit"), is_list=True),
}
NO_FACTS: Mapping[str, Value] = {}


def value(text: str, facts: Mapping[str, Value] = NO_FACTS, others: tuple[Mapping[str, Value], ...] = ()) -> object:
    node = check_expression(parse_expression(text), GLOSSARY).node
    assert isinstance(node, Expr)
    return evaluate(node, Scope(facts, others))


def entry_matches(
    text: str, subject_type: FactType, subject: Value | None, facts: Mapping[str, Value] = NO_FACTS
) -> bool | None:
    node = check_input_entry(parse_input_entry(text), subject_type, GLOSSARY).node
    assert isinstance(node, UnaryTest)
    return matches(node, subject, Scope(facts))


# ---- arithmetic and functions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("0.1 + 0.2", Decimal("0.3")),
        ("2300.10 * 3", Decimal("6900.30")),
        ("1 / 3", Decimal(1) / Decimal(3)),
        ("10 / 4", Decimal("2.5")),
        ("1 / 0", None),
        ("0 / 0", None),
        ("-(2 - 5)", Decimal(3)),
        ("2026-01-31 + 1 maand", dt.date(2026, 2, 28)),
        ("2024-01-31 + 1 maand", dt.date(2024, 2, 29)),
        ("2026-03-31 - 1 maand", dt.date(2026, 2, 28)),
        ("2026-06-12 + 2 weken", dt.date(2026, 6, 26)),
        ("1 jaar + 2026-02-28", dt.date(2027, 2, 28)),
        ("3 maanden + 2 weken", Duration(months=3, days=14)),
        ("P1Y - 1 maand", Duration(years=1, months=-1)),
        ("leeftijd(2008-06-12, 2026-06-11)", Decimal(17)),
        ("leeftijd(2008-06-12, 2026-06-12)", Decimal(18)),
        ("einde_termijn(2026-01-31, 3 maanden)", dt.date(2026, 4, 30)),
        ("dagen_tussen(2026-01-01, 2026-03-01)", Decimal(59)),
        ("atw_einde(2026-11-25)", dt.date(2026, 11, 25)),
        ("atw_einde(2026-11-28)", dt.date(2026, 11, 30)),
        ("atw_einde(2026-11-29)", dt.date(2026, 11, 30)),
        ("atw_einde(2026-12-25)", dt.date(2026, 12, 28)),
        ("atw_einde(2027-03-26)", dt.date(2027, 3, 30)),
        ("atw_einde(2027-05-05)", dt.date(2027, 5, 7)),
        ("atw_einde(2027-05-16)", dt.date(2027, 5, 18)),
        ("atw_einde(2025-04-26)", dt.date(2025, 4, 28)),
        ("atw_einde(2031-04-26)", dt.date(2031, 4, 28)),
        ("atw_einde(2027-04-27)", dt.date(2027, 4, 28)),
        ("atw_einde(2026-12-31)", dt.date(2026, 12, 31)),
        ("dagen_tussen(2026-03-01, 2026-01-01)", Decimal(-59)),
        ("min(3, 2.5)", Decimal("2.5")),
        ("max(2026-01-01, 2025-12-31)", dt.date(2026, 1, 1)),
        ("als(ja, 1, 2)", Decimal(1)),
        ("als(nee, 1, 2)", Decimal(2)),
        ("2026-06-12 < 2026-06-13", True),
        ('"a" != "b"', True),
        ("niet(1 = 1)", False),
    ],
)
def test_values(text: str, result: object) -> None:
    assert value(text) == result


def test_facts_and_lists() -> None:
    facts: dict[str, Value] = {"gronden": ("identiteit",), "inkomen": Decimal("2300.10"), "x": Decimal(2)}
    assert value("bevat(gronden, identiteit)", facts) is True
    assert value("bevat(gronden, nareistermijn)", facts) is False
    assert value("aantal(gronden)", facts) == Decimal(1)
    assert value("inkomen * x", facts) == Decimal("4600.20")
    assert value("bevat(gronden, identiteit)") is None


# ---- unknown values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("x + 1", None),
        ("-x", None),
        ("x = 1", None),
        ("datum_verlening + 3 maanden", None),
        ("leeftijd(geboortedatum, 2026-01-01)", None),
        ("a en nee", False),
        ("nee en a", False),
        ("a en ja", None),
        ("a of ja", True),
        ("a of nee", None),
        ("niet(a)", None),
        ("als(a, 1, 2)", None),
        ("als(a, 1, 1)", Decimal(1)),
        ("als(ja, 1, x)", Decimal(1)),
        ("als(nee, 1, x)", None),
        ("min(x, 1)", None),
    ],
)
def test_unknown_facts_make_unknown_values_unless_the_answer_is_certain(text: str, result: object) -> None:
    assert value(text) == result


KLEENE = [True, False, None]


@given(st.sampled_from(KLEENE), st.sampled_from(KLEENE))
def test_kleene_logic_laws(first: bool | None, second: bool | None) -> None:
    facts = {name: truth for name, truth in (("a", first), ("b", second)) if truth is not None}
    assert value("niet(a en b)", facts) == value("niet(a) of niet(b)", facts)
    assert value("a en b", facts) == value("b en a", facts)
    conjunction = value("a en b", facts)
    if False in (first, second):
        assert conjunction is False
    elif None in (first, second):
        assert conjunction is None
    else:
        assert conjunction is True


# ---- family members -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "enig", "elk", "aantal"),
    [
        ((), False, True, Decimal(0)),
        (("afwijzen", "inwilligen"), True, False, Decimal(1)),
        (("afwijzen", None), True, None, None),
        (("inwilligen", None), None, False, None),
        (("afwijzen", "afwijzen"), True, True, Decimal(2)),
        ((None,), None, None, None),
    ],
)
def test_gezinslid_functions(outcomes: tuple[str | None, ...], enig: object, elk: object, aantal: object) -> None:
    others = tuple({"uitkomst": outcome} if outcome else {} for outcome in outcomes)
    assert value("enig_gezinslid(uitkomst = afwijzen)", {}, others) == enig
    assert value("elk_gezinslid(uitkomst = afwijzen)", {}, others) == elk
    assert value("aantal_gezinsleden(uitkomst = afwijzen)", {}, others) == aantal


def test_gezinslid_functions_read_the_other_members_not_the_entity_itself() -> None:
    own = {"uitkomst": "afwijzen"}
    assert value("enig_gezinslid(uitkomst = afwijzen)", own, ({"uitkomst": "inwilligen"},)) is False


# ---- input entries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "subject", "result"),
    [
        ("-", None, True),
        ("", Decimal(1), True),
        ("5", Decimal(5), True),
        ("5", Decimal("5.00"), True),
        ("< 5", Decimal(5), False),
        ("<= 5", Decimal(5), True),
        ("!= 5", Decimal(4), True),
        ("[1..5]", Decimal(5), True),
        ("[1..5)", Decimal(5), False),
        ("]1..5]", Decimal(1), False),
        ("(1..5)", Decimal("1.5"), True),
        ("[1..5]", Decimal(6), False),
        ("< 1, > 5", Decimal(6), True),
        ("< 1, > 5", Decimal(3), False),
        ("not(< 1, > 5)", Decimal(3), True),
        ("not(3)", Decimal(3), False),
        ("5", None, None),
        ("[1..5]", None, None),
        ("not(3)", None, None),
        ("< x", Decimal(3), None),
        ("< x, 3", Decimal(3), True),
        ("< x, 4", Decimal(3), None),
        ("[x..5]", Decimal(6), False),
        ("[x..5]", Decimal(4), None),
    ],
)
def test_matches(entry: str, subject: Value | None, result: object) -> None:
    assert entry_matches(entry, GETAL, subject) == result


def test_matches_dates_and_keuzes() -> None:
    facts: dict[str, Value] = {"datum_verlening": dt.date(2026, 1, 31)}
    within = "<= datum_verlening + 3 maanden"
    assert entry_matches(within, DATUM, dt.date(2026, 4, 30), facts) is True
    assert entry_matches(within, DATUM, dt.date(2026, 5, 1), facts) is False
    assert entry_matches("afwijzen", UITKOMST, "afwijzen") is True
    assert entry_matches('not("afwijzen")', UITKOMST, "inwilligen") is True


@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(-20, 20), st.booleans(), st.booleans())
def test_interval_matches_like_two_comparisons(
    low: int, high: int, number: int, low_closed: bool, high_closed: bool
) -> None:
    entry = ("[" if low_closed else "(") + f"{low}..{high}" + ("]" if high_closed else ")")
    above = low <= number if low_closed else low < number
    below = number <= high if high_closed else number < high
    assert entry_matches(entry, GETAL, Decimal(number)) is (above and below)


def test_joining_two_lists_keeps_their_order() -> None:
    from engine.evaluate import Scope, evaluate
    from engine.expressions import Arithmetic, FactRef

    scope = Scope({"a": ("termijn",), "b": ("identiteit", "huwelijk")})
    assert evaluate(Arithmetic("+", FactRef("a"), FactRef("b")), scope) == ("termijn", "identiteit", "huwelijk")
    assert evaluate(Arithmetic("+", FactRef("a"), FactRef("onbekend")), scope) is None


def test_uniek_keeps_the_first_of_repeated_values_and_numbers_scale_durations() -> None:
    from engine.evaluate import Scope, evaluate
    from engine.expressions import parse_expression
    from engine.typecheck import check_expression
    from engine.types import DUUR, GETAL, Duration, FactType, Kind

    glossary = {"acties": FactType(Kind.KEUZE, ("interview", "mail_handhaving"), True), "n": GETAL, "pauze": DUUR}
    scope = Scope({"acties": ("interview", "mail_handhaving", "interview"), "n": Decimal(3)})

    def value(text: str) -> object:
        return evaluate(check_expression(parse_expression(text), glossary).node, scope)  # type: ignore[arg-type]

    assert value("uniek(acties + acties)") == ("interview", "mail_handhaving")
    assert value("n * 1 dag") == Duration(days=3)
    assert value("2 * 1 maand") == Duration(months=2)
    assert value("2026-01-31 + n * 1 maand") == dt.date(2026, 4, 30)
    assert value("(n / 2) * 1 maand") is None  # half a calendar month has no meaning


def test_feestdagen_atw() -> None:
    """Art. 3 Algemene termijnenwet for 2027 (Pasen 28 March): the exact set, Goede Vrijdag included."""
    from engine.evaluate import feestdagen_atw

    assert sorted(feestdagen_atw(2027)) == [
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 26),
        dt.date(2027, 3, 29),
        dt.date(2027, 4, 27),
        dt.date(2027, 5, 5),
        dt.date(2027, 5, 6),
        dt.date(2027, 5, 17),
        dt.date(2027, 12, 25),
        dt.date(2027, 12, 26),
    ]
    # Koningsdag moves to 26 April when 27 April is a Sunday (2025, 2031).
    assert dt.date(2025, 4, 26) in feestdagen_atw(2025)
    assert dt.date(2025, 4, 27) not in feestdagen_atw(2025)
