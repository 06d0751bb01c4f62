"""Every error of the cell language has a Dutch text for policy staff; the English one stays available."""

from __future__ import annotations

import pytest

from engine.cells_messages import dutch
from engine.errors import CellError
from engine.expressions import parse_expression, parse_input_entry, parse_literal_value
from engine.typecheck import check_expression, check_input_entry
from engine.types import BEDRAG, DATUM, DUUR, GETAL, JA_NEE, TEKST, FactType, Kind

GLOSSARY = {
    "x": GETAL,
    "bedrag": BEDRAG,
    "naam": TEKST,
    "d": DATUM,
    "termijn": DUUR,
    "a": JA_NEE,
    "kleur": FactType(Kind.KEUZE, ("rood", "groen")),
    "klachten": FactType(Kind.TEKST, is_list=True),
}

# Cell texts that fail, each with the kind of cell: "e" expression, "i:<fact>" input entry on that fact.
BAD_CELLS = [
    ("e", "[1..5"), ("e", "(1 + 2"), ("e", '"abc'), ("i:x", "1,,2"), ("e", "f(1,,2)"), ("e", ""), ("e", "1 +"),
    ("e", "a b"), ("e", "3 $"), ("i:x", "1..5"), ("e", "2300,10"), ("i:x", "2300,10"), ("e", "x = of"),
    ("e", "2026-02-30"), ("e", "12-06-2026"), ("e", "3 eeuwen + 1"), ("e", '"a\\q"'), ("e", '@"morgen"'),
    ("e", "not(a, a)"), ("e", "naam + 1"), ("e", "d - d"), ("e", "d + 1"), ("e", "x * naam"), ("e", "naam / 2"),
    ("e", "d - naam"), ("e", "x = naam"), ("e", "a < a"), ("e", "x < null"), ("e", "null"), ("e", "[1, naam]"),
    ("e", "[]"), ("e", "-naam"), ("e", "a en 3"), ("e", "niet(x)"), ("e", "onbekend + 1"), ("e", "kleurr = rood"),
    ("e", "Kleurr = rood"), ("e", "Leeftijd Aanvrager > 1"),
    ("e", "leeftijdd(d)"), ("e", "leeftijd(d)"), ("e", "substring(naam)"), ("e", "abs(naam)"),
    ("e", "min(a, a)"), ("e", "max(x, d)"), ("e", "sum(klachten)"), ("e", "min(x)"), ("e", "bevat(x, 1)"),
    ("e", "enig_gezinslid(elk_gezinslid(a))"), ("e", "x in klachten"), ("i:x", "[1, 5]"), ("i:x", "< null"),
    ("i:kleur", "[1..5]"), ("i:kleur", "paars"), ("i:kleur", '"paars"'), ("i:a", "< ja"), ("i:klachten", "< [1]"),
    ("e", "if x then 1 else 2"), ("e", "als(a, 1, naam)"),
]  # fmt: skip
BAD_VALUES = [("jaa", JA_NEE), ("12,3,4", GETAL), ("paars", GLOSSARY["kleur"]), ("2026-02-30", DATUM), ("x", DATUM)]
ENGLISH = (
    *(" is a ", "cannot", "expected", "unknown", "write ", " but ", "must be", " takes ", "has no", " got "),
    *(" of the same ", "without", "rounded", "the smallest", "the largest", " or min", " or max", "character"),
)


def _error(kind: str, text: str) -> str:
    with pytest.raises(CellError) as raised:
        if kind == "e":
            check_expression(parse_expression(text), GLOSSARY)
        else:
            fact = kind[2:]
            check_input_entry(parse_input_entry(text), GLOSSARY[fact], GLOSSARY, subject_name=fact)
    return raised.value.message


@pytest.mark.parametrize(("kind", "text"), BAD_CELLS)
def test_every_cell_error_has_a_dutch_text(kind: str, text: str) -> None:
    english = _error(kind, text)
    translated = dutch(english)
    assert translated != english
    assert not [word for word in ENGLISH if word in translated], translated


@pytest.mark.parametrize(("text", "fact_type"), BAD_VALUES)
def test_every_value_error_has_a_dutch_text(text: str, fact_type: FactType) -> None:
    with pytest.raises(CellError) as raised:
        parse_literal_value(text, fact_type)
    translated = dutch(raised.value.message)
    assert translated != raised.value.message
    assert not [word for word in ENGLISH if word in translated], translated


@pytest.mark.parametrize(
    ("english", "nederlands"),
    [
        (
            "cannot compare getal with tekst: x is a getal, naam is a tekst (at character 3)",
            "kan getal niet vergelijken met tekst: x is een getal, naam is een tekst (bij teken 3)",
        ),
        ('unknown fact "kleurr"; did you mean "kleur"?', 'onbekend begrip "kleurr"; bedoelt u "kleur"?'),
        ("range not closed: expected ']', '[' or ')'", "bereik niet gesloten: verwacht ']', '[' of ')'"),
        (
            "cannot subtract datum from datum: d is a datum, d is a datum; for the days between two dates use "
            "dagen_tussen(van, tot)",
            "kan datum niet van datum aftrekken: d is een datum, d is een datum; gebruik dagen_tussen(van, tot) "
            "voor het aantal dagen tussen twee datums",
        ),
        (
            "abs: argument 1 must be a getal, but naam is a tekst; use abs(getal) -> getal without its sign",
            "abs: argument 1 moet een getal zijn, maar naam is een tekst; gebruik abs(getal) -> getal zonder teken",
        ),
        (
            "cannot use < with null: only = null and != null have an answer",
            "kan < niet gebruiken met null: alleen = null en != null hebben een antwoord",
        ),
        (
            "[1, 5] is a list: for any of these values write 1, 5 without brackets; for a range write two dots, "
            "e.g. [1..5]",
            "[1, 5] is een lijst: schrijf 1, 5 zonder haken voor een van deze waarden; schrijf voor een bereik twee "
            "puntjes, bijvoorbeeld [1..5]",
        ),
        ("unexpected text 'b' at position 3", "onverwachte tekst 'b' op positie 3"),
        (
            'unknown fact "applicant_ages"; did you mean "applicant_age"? (Applicant Ages is read as applicant_ages: '
            "a name with capitals or spaces is read in lower snake case)",
            'onbekend begrip "applicant_ages"; bedoelt u "applicant_age"? (Applicant Ages wordt gelezen als '
            "applicant_ages: een naam met hoofdletters of spaties wordt gelezen in kleine letters met _)",
        ),
        (
            'unknown fact "leeftijd_aanvrager" (Leeftijd Aanvrager is read as leeftijd_aanvrager: a name with '
            "capitals or spaces is read in lower snake case)",
            'onbekend begrip "leeftijd_aanvrager" (Leeftijd Aanvrager wordt gelezen als leeftijd_aanvrager: een naam '
            "met hoofdletters of spaties wordt gelezen in kleine letters met _)",
        ),
    ],
)
def test_dutch_texts(english: str, nederlands: str) -> None:
    assert dutch(english) == nederlands


def test_an_unknown_message_comes_back_unchanged() -> None:
    assert dutch("something else entirely") == "something else entirely"
