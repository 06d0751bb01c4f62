"""Type checking against the glossary: name resolution, types, facts read and the errors users see."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from engine.errors import CellError
from engine.expressions import (
    Call,
    Compare,
    Comparison,
    Disjunction,
    FactRef,
    Interval,
    Literal,
    Negation,
    Not,
    parse_expression,
    parse_input_entry,
)
from engine.typecheck import Typed, check_expression, check_input_entry
from engine.types import BEDRAG, DATUM, DUUR, GETAL, JA_NEE, TEKST, Duration, FactType, Kind

STATUS = FactType(Kind.KEUZE, ("vluchteling", "subsidiair"))
UITKOMST = FactType(Kind.KEUZE, ("afwijzen", "inwilligen"))
ANTWOORD = FactType(Kind.KEUZE, ("ja", "nee", "onbekend"))
GRONDEN = FactType(Kind.KEUZE, ("nareistermijn", "identiteit"), is_list=True)
GLOSSARY = {
    "beslisdatum": DATUM,
    "datum_indiening": DATUM,
    "datum_verlening": DATUM,
    "geboortedatum": DATUM,
    "status_referent": STATUS,
    "uitkomst": UITKOMST,
    "antwoord": ANTWOORD,
    "afwijzingsgronden": GRONDEN,
    "minderjarig": JA_NEE,
    "inkomen": BEDRAG,
    "aantal_kinderen": GETAL,
    "naam": TEKST,
    "termijn": DUUR,
}


def expression(text: str, expected: FactType | None = None) -> Typed:
    return check_expression(parse_expression(text), GLOSSARY, expected)


def entry(text: str, subject: FactType, name: str = "") -> Typed:
    return check_input_entry(parse_input_entry(text), subject, GLOSSARY, subject_name=name)


# ---- name resolution ----------------------------------------------------------------------------------


def test_a_fact_becomes_a_fact_reference() -> None:
    typed = expression("datum_indiening")
    assert typed == Typed(FactRef("datum_indiening"), DATUM, frozenset({"datum_indiening"}))


def test_a_keuze_value_compared_with_a_keuze_fact_becomes_a_keuze_literal() -> None:
    for text in ("status_referent = vluchteling", "vluchteling = status_referent"):
        typed = expression(text)
        assert typed.type == JA_NEE
        assert typed.facts == {"status_referent"}
        assert isinstance(typed.node, Compare)
        assert Literal("vluchteling", Kind.KEUZE) in (typed.node.left, typed.node.right)


def test_a_quoted_keuze_value_becomes_a_keuze_literal() -> None:
    typed = expression('status_referent != "subsidiair"')
    assert typed.node == Compare("!=", FactRef("status_referent"), Literal("subsidiair", Kind.KEUZE))


def test_ja_and_nee_are_booleans_where_a_ja_nee_is_expected() -> None:
    typed = expression("minderjarig = ja")
    assert typed.node == Compare("=", FactRef("minderjarig"), Literal(True, Kind.JA_NEE))
    assert expression("nee").node == Literal(False, Kind.JA_NEE)


def test_ja_and_nee_are_keuze_values_where_the_keuze_has_them() -> None:
    typed = expression("antwoord = ja")
    assert typed.node == Compare("=", FactRef("antwoord"), Literal("ja", Kind.KEUZE))
    assert entry("nee, onbekend", ANTWOORD).node == Disjunction(
        (Comparison("=", Literal("nee", Kind.KEUZE)), Comparison("=", Literal("onbekend", Kind.KEUZE)))
    )


def test_an_output_entry_resolves_against_the_output_type() -> None:
    oordeel = FactType(Kind.KEUZE, ("binnen", "buiten"))
    assert expression('"binnen"', oordeel) == Typed(Literal("binnen", Kind.KEUZE), oordeel)
    assert expression("buiten", oordeel) == Typed(Literal("buiten", Kind.KEUZE), oordeel)


def test_checking_twice_gives_the_same_result() -> None:
    typed = expression("als(minderjarig, afwijzen, inwilligen) = uitkomst")
    assert check_expression(typed.node, GLOSSARY) == typed  # type: ignore[arg-type]


# ---- types --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fact_type"),
    [
        ("1 + 2", GETAL),
        ("inkomen * 2", BEDRAG),
        ("aantal_kinderen + inkomen", BEDRAG),
        ("inkomen / inkomen", GETAL),
        ("-inkomen", BEDRAG),
        ("datum_verlening + 3 maanden", DATUM),
        ("3 maanden + datum_verlening", DATUM),
        ("datum_verlening - termijn", DATUM),
        ("termijn + 2 weken", DUUR),
        ("-termijn", DUUR),
        ("datum_indiening <= datum_verlening + 3 maanden", JA_NEE),
        ("inkomen > 2300.10 en niet(minderjarig) of ja", JA_NEE),
        ('naam = "Jan"', JA_NEE),
        ("leeftijd(geboortedatum, beslisdatum)", GETAL),
        ("einde_termijn(datum_verlening, 3 maanden)", DATUM),
        ("dagen_tussen(datum_verlening, datum_indiening)", GETAL),
        ("min(datum_indiening, beslisdatum)", DATUM),
        ("max(inkomen, 0)", BEDRAG),
        ("als(minderjarig, 1, inkomen)", BEDRAG),
        ("bevat(afwijzingsgronden, identiteit)", JA_NEE),
        ("aantal(afwijzingsgronden)", GETAL),
        ("enig_gezinslid(uitkomst = afwijzen)", JA_NEE),
        ("elk_gezinslid(minderjarig)", JA_NEE),
        ("aantal_gezinsleden(minderjarig en uitkomst = inwilligen)", GETAL),
    ],
)
def test_expression_types(text: str, fact_type: FactType) -> None:
    assert expression(text).type == fact_type


def test_als_takes_the_keuze_of_the_expected_output() -> None:
    typed = expression("als(minderjarig, afwijzen, inwilligen)", UITKOMST)
    assert typed.type == UITKOMST
    assert typed.node == Call(
        "als", (FactRef("minderjarig"), Literal("afwijzen", Kind.KEUZE), Literal("inwilligen", Kind.KEUZE))
    )


def test_facts_read_inside_gezinslid_functions_are_member_facts() -> None:
    typed = expression(
        "enig_gezinslid(uitkomst = afwijzen en leeftijd(geboortedatum, beslisdatum) < 18) en minderjarig"
    )
    assert typed.facts == {"minderjarig"}
    assert typed.member_facts == {"uitkomst", "geboortedatum", "beslisdatum"}


# ---- input entries ------------------------------------------------------------------------------------


def test_input_entry_types_and_facts() -> None:
    typed = entry("[datum_verlening..datum_verlening + 3 maanden]", DATUM)
    assert typed.type == DATUM
    assert typed.facts == {"datum_verlening"}
    assert isinstance(typed.node, Interval)
    assert typed.node.low == FactRef("datum_verlening")


def test_input_entry_negation_of_keuze_values() -> None:
    typed = entry("not(vluchteling)", STATUS)
    assert typed.node == Negation((Comparison("=", Literal("vluchteling", Kind.KEUZE)),))
    assert typed.facts == frozenset()


def test_input_entry_on_numbers_mixes_getal_and_bedrag() -> None:
    typed = entry("> 2300.10, < aantal_kinderen", BEDRAG)
    assert typed.node == Disjunction(
        (
            Comparison(">", Literal(Decimal("2300.10"), Kind.GETAL)),
            Comparison("<", FactRef("aantal_kinderen")),
        )
    )


def test_any_value_fits_every_subject() -> None:
    assert entry("-", GRONDEN).type == GRONDEN


def test_input_entry_date_literal() -> None:
    typed = entry("< 2026-06-12", DATUM)
    assert typed.node == Comparison("<", Literal(dt.date(2026, 6, 12), Kind.DATUM))


def test_boolean_expression_in_a_ja_nee_column() -> None:
    assert entry("ja", JA_NEE).node == Comparison("=", Literal(True, Kind.JA_NEE))
    assert entry("niet(minderjarig)", JA_NEE).node == Comparison("=", Not(FactRef("minderjarig")))


# ---- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "message", "column"),
    [
        (
            "datum_indiening < 3",
            None,
            "cannot compare datum with getal: datum_indiening is a datum, 3 is a getal",
            17,
        ),
        (
            "status_referent = vluchtelin",
            None,
            'unknown fact or value "vluchtelin"; known values of keuze: vluchteling, subsidiair; '
            'did you mean "vluchteling"?',
            19,
        ),
        (
            'status_referent = "anders"',
            None,
            '"anders" is not a value of this keuze; known values: vluchteling, subsidiair',
            19,
        ),
        (
            "datum_indienig",
            None,
            'unknown fact "datum_indienig"; did you mean "datum_indiening" or "datum_verlening"?',
            1,
        ),
        ("naam = jan", None, 'unknown fact "jan"; text is written in quotes, e.g. "tekst"', 8),
        (
            "datum_indiening - datum_verlening",
            None,
            "cannot subtract datum from datum: datum_indiening is a datum, datum_verlening is a datum; "
            "for the days between two dates use dagen_tussen(van, tot)",
            17,
        ),
        (
            "datum_verlening + 90",
            None,
            "cannot add datum and getal: datum_verlening is a datum, 90 is a getal; "
            "add a duration instead, e.g. datum_verlening + 3 dagen",
            17,
        ),
        ("naam * 2", None, "cannot multiply tekst by getal: naam is a tekst, 2 is a getal", 6),
        ("-naam", None, "cannot negate a tekst: naam is a tekst", 1),
        (
            "status_referent < vluchteling",
            None,
            "cannot use < on a keuze (vluchteling, subsidiair): only numbers, dates, durations and texts are ordered",
            17,
        ),
        ("minderjarig en 3", None, "'en' needs a ja/nee, but 3 is a getal", 16),
        ("niet(naam)", None, "niet(...) needs a ja/nee, but naam is a tekst", 6),
        (
            "leeftijd(geboortedatum)",
            None,
            "leeftijd takes 2 arguments, got 1: leeftijd(geboortedatum: datum, peildatum: datum) -> getal",
            1,
        ),
        (
            "leeftijd(geboortedatum, 2026)",
            None,
            "leeftijd: argument 2 must be a datum, but 2026 is a getal; "
            "use leeftijd(geboortedatum: datum, peildatum: datum) -> getal",
            25,
        ),
        (
            "leeftijdd(geboortedatum)",
            None,
            'unknown function "leeftijdd"; known functions: aantal, aantal_gezinsleden, abs, als, atw_einde, bevat, '
            "ceiling, contains, count, dagen_tussen, date, decimal, einde_termijn, elk_gezinslid, ends_with, "
            "enig_gezinslid, floor, leeftijd, list_contains, lower_case, max, min, modulo, starts_with, "
            'string_length, substring, sum, uniek, upper_case; did you mean "leeftijd"?',
            1,
        ),
        (
            "bevat(naam, 1)",
            None,
            "bevat: argument 1 must be a lijst, but naam is a tekst; "
            "use bevat(lijst: lijst van T, waarde: T) -> ja/nee",
            7,
        ),
        (
            "bevat(afwijzingsgronden, leeftijd)",
            None,
            'unknown fact or value "leeftijd"; known values of keuze: nareistermijn, identiteit',
            26,
        ),
        (
            "min(minderjarig, minderjarig)",
            None,
            "min: argument 1 must be a number, a date, a duration or a text, but minderjarig is a ja/nee; "
            "use min(a, b, ...) or min(lijst) -> the smallest of numbers, dates, durations or texts",
            5,
        ),
        (
            "max(inkomen, beslisdatum)",
            None,
            "max: argument 2 must be a bedrag like the first, but beslisdatum is a datum; "
            "use max(a, b, ...) or max(lijst) -> the largest of numbers, dates, durations or texts",
            14,
        ),
        (
            "als(minderjarig, 1, naam)",
            None,
            "als: argument 3 must be a getal like the second, but naam is a tekst; "
            "use als(voorwaarde: ja/nee, dan, anders) -> dan and anders of the same type",
            21,
        ),
        (
            "enig_gezinslid(elk_gezinslid(minderjarig))",
            None,
            "elk_gezinslid cannot be used inside another gezinslid function",
            16,
        ),
        ("inkomen", DATUM, "expected a datum, but inkomen is a bedrag", 1),
        (
            "status_referent",
            UITKOMST,
            "expected a keuze (afwijzen, inwilligen), "
            "but status_referent is a keuze (vluchteling, subsidiair)",
            1,
        ),
        (
            '"toegewezen"',
            UITKOMST,
            '"toegewezen" is not a value of this keuze; known values: afwijzen, inwilligen',
            1,
        ),
    ],
)
def test_expression_errors(text: str, expected: FactType | None, message: str, column: int) -> None:
    with pytest.raises(CellError, match=f"^{re.escape(message)}$") as raised:
        expression(text, expected)
    assert raised.value.column == column


@pytest.mark.parametrize(
    ("text", "subject", "message", "column"),
    [
        ("< 3", DATUM, "cannot compare datum with getal: datum_indiening is a datum, 3 is a getal", 1),
        (
            "vluchtelin",
            STATUS,
            'unknown fact or value "vluchtelin"; known values of keuze: vluchteling, subsidiair; '
            'did you mean "vluchteling"?',
            1,
        ),
        (
            '"anders"',
            STATUS,
            '"anders" is not a value of this keuze; known values: vluchteling, subsidiair',
            1,
        ),
        (
            "[1..5]",
            STATUS,
            "a range needs numbers, dates, durations or texts, "
            "but datum_indiening is a keuze (vluchteling, subsidiair)",
            1,
        ),
        (
            "[1..beslisdatum]",
            GETAL,
            "cannot compare getal with datum: datum_indiening is a getal, beslisdatum is a datum",
            5,
        ),
        (
            "vluchteling, 3",
            STATUS,
            "cannot compare keuze (vluchteling, subsidiair) with getal: "
            "datum_indiening is a keuze (vluchteling, subsidiair), 3 is a getal",
            14,
        ),
        ("< ja", JA_NEE, "cannot use < on a ja/nee: only numbers, dates, durations and texts are ordered", 1),
    ],
)
def test_input_entry_errors(text: str, subject: FactType, message: str, column: int) -> None:
    with pytest.raises(CellError, match=f"^{re.escape(message)}$") as raised:
        entry(text, subject, "datum_indiening")
    assert raised.value.column == column


def test_input_entry_error_without_a_subject_name() -> None:
    with pytest.raises(
        CellError, match=r"^cannot compare datum with getal: the tested fact is a datum, 3 is a getal$"
    ):
        check_input_entry(parse_input_entry("3"), DATUM, GLOSSARY)


def test_durations_compare_by_equality_only() -> None:
    assert entry("3 maanden, P1Y", DUUR).node == Disjunction(
        (
            Comparison("=", Literal(Duration(months=3), Kind.DUUR)),
            Comparison("=", Literal(Duration(1), Kind.DUUR)),
        )
    )


def test_lists_of_one_kind_join_with_plus_and_their_keuze_values_unite() -> None:
    from engine.expressions import parse_expression
    from engine.typecheck import check_expression
    from engine.types import FactType, Kind

    glossary = {
        "gronden_h2": FactType(Kind.KEUZE, ("termijn", "identiteit"), True),
        "gronden_h3": FactType(Kind.KEUZE, ("identiteit", "huwelijk"), True),
        "data": FactType(Kind.DATUM, (), True),
    }
    typed = check_expression(parse_expression("gronden_h2 + gronden_h3"), glossary)
    assert typed.type == FactType(Kind.KEUZE, ("termijn", "identiteit", "huwelijk"), True)
    with pytest.raises(CellError, match="cannot add"):
        check_expression(parse_expression("gronden_h2 + data"), glossary)
