"""The Dutch filters: JSON-level values and Python values in, exact Dutch text out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.types import Duration
from renderers.filters import FilterValueError, bedrag, datum, duur, leeftijd, lijst, naam


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-01", "1 oktober 2026"),
        (dt.date(2026, 3, 14), "14 maart 2026"),
        (dt.datetime(2027, 5, 20, 13, 5), "20 mei 2027"),
    ],
)
def test_datum(value: object, expected: str) -> None:
    assert datum(value) == expected


def test_datum_refuses_what_is_not_a_date() -> None:
    with pytest.raises(FilterValueError, match=r"^datum: '1-10-2026' is not a date \(expected YYYY-MM-DD\)$"):
        datum("1-10-2026")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("P3M", "drie maanden"),
        ("P90D", "90 dagen"),
        ("P14D", "twee weken"),
        ("P2W", "twee weken"),
        ("P1M", "één maand"),
        ("P1Y6M", "één jaar en zes maanden"),
        ("P2Y", "twee jaar"),
        ("P1D", "één dag"),
        ("P0D", "0 dagen"),
        (Duration(months=3), "drie maanden"),
        (Duration(days=28), "vier weken"),
        (dt.timedelta(days=3), "drie dagen"),
    ],
)
def test_duur(value: object, expected: str) -> None:
    assert duur(value) == expected


def test_duur_refuses_a_time_of_day() -> None:
    with pytest.raises(FilterValueError, match=r"^duur: 'PT3H' is not a duration \(expected ISO 8601"):
        duur("PT3H")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2300", "€ 2.300,00"),
        ("2300.10", "€ 2.300,10"),
        ("2300.1", "€ 2.300,10"),
        (Decimal("0.005"), "€ 0,01"),
        (1234567, "€ 1.234.567,00"),
        ("-12.5", "€ -12,50"),
    ],
)
def test_bedrag(value: object, expected: str) -> None:
    assert bedrag(value) == expected


def test_bedrag_refuses_a_float_and_text() -> None:
    with pytest.raises(FilterValueError, match=r"^bedrag: 2300.1 is not an exact number$"):
        bedrag(2300.1)
    with pytest.raises(
        FilterValueError, match=r"^bedrag: 'veel' is not a number \(expected text such as 2300.10\)$"
    ):
        bedrag("veel")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["A", "B", "C"], "A, B en C"),
        (["A", "B"], "A en B"),
        (["A"], "A"),
        ([], ""),
        ("A", "A"),
        (("x", 2), "x en 2"),
    ],
)
def test_lijst(value: object, expected: str) -> None:
    assert lijst(value) == expected


def test_lijst_with_of() -> None:
    assert lijst(["paspoort", "id-kaart", "laissez-passer"], "of") == "paspoort, id-kaart of laissez-passer"


def test_leeftijd() -> None:
    assert leeftijd("2014-06-01", "2026-11-23") == "12 jaar"
    assert leeftijd("2014-11-24", "2026-11-23") == "11 jaar"
    # as the engine's leeftijd(): relativedelta counts 28 February as the birthday
    assert leeftijd(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == "18 jaar"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  S.   Tesfay ", "S. Tesfay"),
        ("JAN VAN DER BERG", "Jan van der Berg"),
        ("amina el-haddad", "Amina El-Haddad"),
        ("McDonald", "McDonald"),
        ("van Dijk", "van Dijk"),
    ],
)
def test_naam(value: str, expected: str) -> None:
    assert naam(value) == expected


def test_wet_writes_the_legal_basis_in_full_and_leaves_the_wi_out() -> None:
    from renderers.filters import wet

    assert wet("art. 29c lid 1 Vw") == "artikel 29c lid 1 van de Vreemdelingenwet 2000"
    assert wet("§1.3; art. 4:5 Awb; B1/3.3.2 Vc") == (
        "artikel 4:5 van de Algemene wet bestuursrecht en paragraaf B1/3.3.2 van de Vreemdelingencirculaire 2000"
    )
    assert wet("art. 29c lid 1 en art. 29d lid 1 Vw") == (
        "artikel 29c lid 1 en artikel 29d lid 1 van de Vreemdelingenwet 2000"
    )
    assert wet("art. 10:31 BW") == "artikel 10:31 van het Burgerlijk Wetboek"
    assert wet("WI 2026/8") == ""
    assert wet("art. 4:6 Awb; art. 4:6 Awb") == "artikel 4:6 van de Algemene wet bestuursrecht"
    assert wet(["§1.3; art. 4:5 Awb", "artikel 4:5 van de Algemene wet bestuursrecht", "art. 4:2 lid 2 Awb"]) == (
        "artikel 4:5 en artikel 4:2 lid 2 van de Algemene wet bestuursrecht"
    )
