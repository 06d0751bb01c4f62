"""Cell language <-> FEEL: each construct's FEEL on export, and the S-FEEL an import reads back into cell text."""

from __future__ import annotations

import pytest

from engine.dmn.feel import FeelError, FeelWriter, expression_to_cell, fact_name, unary_tests_to_cell
from engine.expressions import parse_expression, parse_input_entry
from engine.typecheck import check_expression, check_input_entry
from engine.types import BEDRAG, DATUM, DUUR, GETAL, JA_NEE, TEKST, FactType, Kind

STATUS = FactType(Kind.KEUZE, ("vluchteling", "subsidiair"))
TYPES = {
    "status": STATUS,
    "leeftijd_kind": GETAL,
    "inkomen": BEDRAG,
    "naam": TEKST,
    "gevonden": JA_NEE,
    "datum_indiening": DATUM,
    "geboortedatum": DATUM,
    "termijn": DUUR,
    "gronden": FactType(Kind.KEUZE, ("identiteit", "termijn"), True),
    "andere_gronden": FactType(Kind.KEUZE, ("identiteit", "termijn"), True),
}
WRITER = FeelWriter(TYPES, lambda fact: fact)


def _test(text: str, fact: str) -> str:
    typed = check_input_entry(parse_input_entry(text), TYPES[fact], TYPES, subject_name=fact)
    return WRITER.unary(typed.node)  # type: ignore[arg-type]


def _expr(text: str, expected: FactType | None = None) -> str:
    return WRITER.top(check_expression(parse_expression(text), TYPES, expected).node)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "fact", "feel"),
    [
        ("-", "status", "-"),
        ("vluchteling", "status", '"vluchteling"'),
        ('"subsidiair"', "status", '"subsidiair"'),
        ("vluchteling, subsidiair", "status", '"vluchteling", "subsidiair"'),
        ("not(subsidiair)", "status", 'not("subsidiair")'),
        ("ja", "gevonden", "true"),
        ("nee", "gevonden", "false"),
        ("< 18", "leeftijd_kind", "< 18"),
        ("!= 3", "leeftijd_kind", "not(3)"),
        ("[1..5)", "leeftijd_kind", "[1..5)"),
        ("]1..5[", "leeftijd_kind", "(1..5)"),
        ("2300.10", "inkomen", "2300.10"),
        ('"Jan"', "naam", '"Jan"'),
        ("2026-06-12", "datum_indiening", 'date("2026-06-12")'),
        ("<= geboortedatum + 3 maanden", "datum_indiening", '<= (geboortedatum + duration("P3M"))'),
    ],
)
def test_input_entries_as_feel(cell: str, fact: str, feel: str) -> None:
    assert _test(cell, fact) == feel


@pytest.mark.parametrize(
    ("cell", "expected", "feel"),
    [
        ("leeftijd(geboortedatum, datum_indiening)", GETAL,
         "years and months duration(geboortedatum, datum_indiening).years"),
        ("einde_termijn(datum_indiening, 3 maanden)", DATUM, 'datum_indiening + duration("P3M")'),
        ("dagen_tussen(geboortedatum, datum_indiening)", GETAL, "(datum_indiening - geboortedatum).days"),
        ("als(gevonden, 1, 2)", GETAL, "if gevonden then 1 else 2"),
        ("bevat(gronden, identiteit)", JA_NEE, 'list contains(gronden, "identiteit")'),
        ("aantal(gronden) > 0", JA_NEE, "count(gronden) > 0"),
        ("uniek(gronden + andere_gronden)", None, "distinct values(concatenate(gronden, andere_gronden))"),
        ("gevonden en niet(leeftijd_kind < 18 of inkomen >= 10)", JA_NEE,
         "gevonden and not(((leeftijd_kind < 18) or (inkomen >= 10)))"),
        ("min(datum_indiening, geboortedatum)", DATUM, "min(datum_indiening, geboortedatum)"),
        ("P1Y14D", DUUR, 'duration("P1Y") + duration("P14D")'),
        ("atw_einde(datum_indiening)", DATUM, "atw_einde(datum_indiening)"),
        ('"tekst met \\\\ streep"', TEKST, '"tekst met \\\\ streep"'),
    ],
)  # fmt: skip
def test_expressions_as_feel(cell: str, expected: FactType | None, feel: str) -> None:
    assert _expr(cell, expected) == feel


NAMES = {"Applicant Age": "applicant_age", "Risk": "risk", "Start Date": "start_date", "Loans.total": "total"}


@pytest.mark.parametrize(
    ("feel", "kind", "cell"),
    [
        ("-", None, "-"),
        ("", None, "-"),
        ('"high"', Kind.KEUZE, "high"),
        ('"high", "low"', Kind.KEUZE, "high, low"),
        ('not("high")', Kind.KEUZE, "not(high)"),
        ('"Hoog Risico"', Kind.KEUZE, '"Hoog Risico"'),
        ('"x"', Kind.TEKST, '"x"'),
        ("true", Kind.JA_NEE, "ja"),
        (">= Applicant Age + 1", Kind.GETAL, ">= applicant_age + 1"),
        ("]1..10[", Kind.GETAL, "(1..10)"),
        ("(1..10]", Kind.GETAL, "(1..10]"),
        ('< date("2026-01-01")', Kind.DATUM, "< 2026-01-01"),
        ('> Start Date + duration("P3M")', Kind.DATUM, "> start_date + P3M"),
        ("= Loans.total", Kind.GETAL, "= total"),
    ],
)
def test_unary_tests_read_as_cell_text(feel: str, kind: Kind | None, cell: str) -> None:
    assert unary_tests_to_cell(feel, NAMES, kind) == cell


@pytest.mark.parametrize(
    ("feel", "cell"),
    [
        ('if Risk = "high" then 1 else 2', 'als(risk = "high", 1, 2)'),
        ('Applicant Age > 18 and not(Risk = "low") or false', 'applicant_age > 18 en niet(risk = "low") of nee'),
        ("count(Risk) + min(1, 2)", "aantal(risk) + min(1, 2)"),
        ('list contains(Risk, "x")', 'bevat(risk, "x")'),
        ("-(2 * 3)", "-(2 * 3)"),
    ],
)
def test_expressions_read_as_cell_text(feel: str, cell: str) -> None:
    assert expression_to_cell(feel, NAMES) == cell


def test_dmn_names_as_fact_names() -> None:
    assert fact_name("Applicant Age") == "applicant_age"
    assert fact_name("Één-ouder gezin") == "een_ouder_gezin"
    with pytest.raises(FeelError, match='de naam "not" past niet als begrip'):
        fact_name("not")
