"""The value types of facts (ja/nee, getal, bedrag, ...) and the Python values that carry them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import cached_property

from dateutil.relativedelta import relativedelta


class Kind(Enum):
    """The kind of a fact as the glossary names it."""

    JA_NEE = "ja/nee"
    GETAL = "getal"
    BEDRAG = "bedrag"
    TEKST = "tekst"
    KEUZE = "keuze"
    DATUM = "datum"
    DUUR = "duur"


@dataclass(frozen=True)
class FactType:
    """A fact's type: its kind, the allowed values of a keuze (in priority order) and whether it is a list."""

    kind: Kind
    values: tuple[str, ...] = ()
    is_list: bool = False

    @property
    def is_numeric(self) -> bool:
        return self.kind in (Kind.GETAL, Kind.BEDRAG) and not self.is_list

    def element(self) -> FactType:
        """The type of one element of a list type (the type itself when it is not a list)."""
        return FactType(self.kind, self.values, False)

    def as_list(self) -> FactType:
        return FactType(self.kind, self.values, True)


    def describe(self) -> str:
        """Dutch name as written in the glossary, e.g. 'keuze (vluchteling, subsidiair)' or 'lijst van datum'."""
        text = self.kind.value
        if self.kind is Kind.KEUZE and self.values:
            text += " (" + ", ".join(self.values) + ")"
        return "lijst van " + text if self.is_list else text


JA_NEE = FactType(Kind.JA_NEE)
GETAL = FactType(Kind.GETAL)
BEDRAG = FactType(Kind.BEDRAG)
TEKST = FactType(Kind.TEKST)
DATUM = FactType(Kind.DATUM)
DUUR = FactType(Kind.DUUR)


@dataclass(frozen=True, order=True)
class Duration:
    """A calendar duration: years, months and days (weeks are stored as 7 days).

    Calendar arithmetic goes through dateutil's relativedelta, so 31 January + 1 month is the last day of February.
    """

    years: int = 0
    months: int = 0
    days: int = 0

    @cached_property
    def _delta(self) -> relativedelta:
        # Building a relativedelta is slow compared with using one; a duration is a constant, so build it once.
        return relativedelta(years=self.years, months=self.months, days=self.days)

    def add_to(self, date: dt.date) -> dt.date:
        result: dt.date = date + self._delta
        return result

    def subtract_from(self, date: dt.date) -> dt.date:
        result: dt.date = date - self._delta
        return result

    def iso(self) -> str:
        """ISO 8601 text, e.g. P3M, P1Y6M, P90D, P0D."""
        parts = ""
        if self.years:
            parts += f"{self.years}Y"
        if self.months:
            parts += f"{self.months}M"
        if self.days or not parts:
            parts += f"{self.days}D"
        return "P" + parts


# A fact's value: ja/nee -> bool, getal/bedrag -> Decimal, tekst/keuze -> str, datum -> date, duur -> Duration,
# lists -> tuple. An unknown fact has no value at all (it is absent from the mapping), never None inside a value.
Value = bool | Decimal | str | dt.date | Duration | tuple["Value", ...]
