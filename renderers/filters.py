"""Dutch Jinja filters for letters: JSON-level fact values (or Python values) in, Dutch text out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from dateutil.relativedelta import relativedelta

from engine.errors import NareisError

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
# Numbers up to twelve are written as words in running text, larger ones as digits.
NUMBER_WORDS = (
    "nul",
    "één",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
)
# Dutch name particles stay lower case inside a name ("Jan van der Berg").
PARTICLES = frozenset(
    {"van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "'t", "la", "le", "du", "da"}
)

_ISO_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


class FilterValueError(NareisError):
    """A filter got a value it cannot present; the message names the filter and the value."""


def to_date(value: Any, filter_name: str = "datum") -> dt.date:
    """A date from a `date`, a `datetime` or ISO text "2026-10-01"."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FilterValueError(f"{filter_name}: {value!r} is not a date (expected YYYY-MM-DD)")


def datum(value: Any) -> str:
    """'2026-10-01' -> '1 oktober 2026'."""
    date = to_date(value)
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def number_text(number: int) -> str:
    """A whole number as Dutch running text: words up to twelve, digits above."""
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


def _unit(number: int, singular: str, plural: str) -> str:
    return f"{number_text(number)} {singular if number == 1 else plural}"


def _duration_parts(value: Any) -> tuple[int, int, int]:
    """(years, months, days) of an ISO duration text, a timedelta or anything with years/months/days."""
    if isinstance(value, str):
        match = _ISO_DURATION.fullmatch(value.strip().upper())
        if match and value.strip().upper() != "P":
            years, months, weeks, days = (int(group or 0) for group in match.groups())
            return years, months, weeks * 7 + days
        raise FilterValueError(
            f"duur: {value!r} is not a duration (expected ISO 8601 such as P3M, P90D, P2W)"
        )
    if isinstance(value, dt.timedelta):
        return 0, 0, value.days
    if isinstance(value, relativedelta) or all(hasattr(value, name) for name in ("years", "months", "days")):
        return int(value.years), int(value.months), int(value.days)
    raise FilterValueError(f"duur: {value!r} is not a duration")


def duur(value: Any) -> str:
    """'P3M' -> 'drie maanden', 'P90D' -> '90 dagen', 'P14D' -> 'twee weken'."""
    years, months, days = _duration_parts(value)
    parts = []
    if years:
        parts.append(_unit(years, "jaar", "jaar"))
    if months:
        parts.append(_unit(months, "maand", "maanden"))
    if days and days % 7 == 0:
        parts.append(_unit(days // 7, "week", "weken"))
    elif days:
        parts.append(_unit(days, "dag", "dagen"))
    return lijst(parts) if parts else "0 dagen"


def to_decimal(value: Any, filter_name: str = "bedrag") -> Decimal:
    """A Decimal from a Decimal, an int or decimal text "2300.10" (a float is refused: it is not exact)."""
    if isinstance(value, bool | float):
        raise FilterValueError(f"{filter_name}: {value!r} is not an exact number")
    if isinstance(value, Decimal | int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    raise FilterValueError(f"{filter_name}: {value!r} is not a number (expected text such as 2300.10)")


def bedrag(value: Any) -> str:
    """'2300.1' -> '€ 2.300,10' (rounded half up to cents)."""
    amount = to_decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, cents = f"{abs(amount):f}".split(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"€ {'-' if amount < 0 else ''}{grouped},{cents}"


def lijst(value: Any, voegwoord: str = "en") -> str:
    """['A', 'B', 'C'] -> 'A, B en C'; one value -> that value; a single text is a list of one."""
    items = [value] if isinstance(value, str) else list(_iterable(value))
    texts = [str(item) for item in items]
    if len(texts) <= 1:
        return "".join(texts)
    return f"{', '.join(texts[:-1])} {voegwoord} {texts[-1]}"


def _iterable(value: Any) -> Iterable[Any]:
    if isinstance(value, list | tuple):
        return value
    raise FilterValueError(f"lijst: {value!r} is not a list")


def leeftijd(geboortedatum: Any, peildatum: Any) -> str:
    """Age in whole years on the reference date: ('2014-06-01', '2026-11-23') -> '12 jaar'."""
    born = to_date(geboortedatum, "leeftijd")
    on = to_date(peildatum, "leeftijd")
    years = relativedelta(on, born).years
    return f"{years} jaar"


def naam(value: Any) -> str:
    """Tidy a name: trim, single spaces; a name written all in upper or all in lower case gets capitals."""
    text = " ".join(str(value).split())
    if text != text.upper() and text != text.lower():
        return text
    words = text.lower().split(" ")
    return " ".join(
        word
        if index and word in PARTICLES
        else "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
        for index, word in enumerate(words)
    )


# The laws a Bron cites, abbreviated as policy staff write them, and their names in a letter (B1: no abbreviations).
LAWS = {
    "Vw": "de Vreemdelingenwet 2000",
    "Vb": "het Vreemdelingenbesluit 2000",
    "Vc": "de Vreemdelingencirculaire 2000",
    "Awb": "de Algemene wet bestuursrecht",
    "BW": "het Burgerlijk Wetboek",
    "EVRM": "het Europees Verdrag voor de Rechten van de Mens",
}
_ARTICLE = re.compile(r"\b(?:art\.|artikel|artt\.)\s*")
_VC_PARAGRAPH = re.compile(r"\b([A-C]\d+/[\d.]*\d)\s+Vc\b")
_LAW = re.compile(r"\s(" + "|".join(LAWS) + r")\b")
_NOT_IN_LETTERS = re.compile(r"^\s*§|\bWI\s*\d|werkinstructie", re.IGNORECASE)
_GEZINSHERENIGINGSRICHTLIJN = re.compile(r"\bGezinsherenigingsrichtlijn\b")


def wet(value: Any) -> str:
    """One Bron's legal basis, or a list of them, in plain Dutch for a letter, without WI references.

    'art. 4:5 Awb; B1/3.3.2 Vc' -> 'artikel 4:5 van de Algemene wet bestuursrecht en paragraaf B1/3.3.2 van de
    Vreemdelingencirculaire 2000'. Articles of one law are named together ('artikel 4:5 en artikel 4:2 lid 2 van de
    Algemene wet bestuursrecht'). Parts that name the WI (a '§' paragraph, 'WI 2026/8') are left out: the WI is no
    policy rule and belongs in the beslisnotitie only."""
    sources = [value] if isinstance(value, str) else list(_iterable(value))
    parts = [part.strip() for source in sources for part in str(source).split(";") if part.strip()]
    groups: dict[str, list[str]] = {}
    for part in parts:
        if _NOT_IN_LETTERS.search(part):
            continue
        text = _ARTICLE.sub("artikel ", _VC_PARAGRAPH.sub(r"paragraaf \1 Vc", part))
        text = _GEZINSHERENIGINGSRICHTLIJN.sub("Gezinsherenigingsrichtlijn (Richtlijn 2003/86/EG)", text)
        written_out = [name for name in LAWS.values() if text.endswith(f" van {name}")]
        law = _LAW.search(text)
        if written_out:  # a Bron that already names the law in full
            key, text = written_out[0], text[: -len(f" van {written_out[0]}")]
        elif law and law.end() == len(text):
            key, text = LAWS[law.group(1)], text[: law.start()]
        else:
            key = ""
            text = _LAW.sub(lambda match: f" van {LAWS[match.group(1)]}", text)
        if text not in groups.setdefault(key, []):
            groups[key].append(text)
    return lijst([f"{lijst(texts)} van {key}" if key else lijst(texts) for key, texts in groups.items()])


FILTERS: dict[str, Callable[..., str]] = {
    "datum": datum,
    "duur": duur,
    "bedrag": bedrag,
    "lijst": lijst,
    "leeftijd": leeftijd,
    "naam": naam,
    "wet": wet,
}
