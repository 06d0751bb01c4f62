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


@dataclass(frozen=True, eq=False)
class Duration:
    """A calendar duration: years, months, days and seconds (weeks are stored as 7 days).

    Calendar arithmetic goes through dateutil's relativedelta, so 31 January + 1 month is the last day of February.
    Seconds (FEEL's days-and-time durations, `PT2H`) are kept below a day: 36 hours are 1 day and 12 hours.
    Durations are equal and ordered by their total months, then days, then seconds (FEEL: P1Y = P12M, P1D = PT24H);
    whether a month is more than 30 days is not a question a comparison answers (see `comparable`).
    """

    years: int = 0
    months: int = 0
    days: int = 0
    seconds: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.seconds < SECONDS_PER_DAY:
            extra_days, seconds = divmod(self.seconds, SECONDS_PER_DAY)
            object.__setattr__(self, "days", self.days + extra_days)
            object.__setattr__(self, "seconds", seconds)

    def sort_key(self) -> tuple[int, int, int]:
        """(total months, days, seconds): the order of durations, and what equality compares."""
        return (self.years * 12 + self.months, self.days, self.seconds)

    @property
    def is_years_and_months(self) -> bool:
        """Only years and months (FEEL's years and months duration); P0D counts as both kinds."""
        return not (self.days or self.seconds)

    @property
    def is_days_and_time(self) -> bool:
        """Only days and time (FEEL's days and time duration)."""
        return not (self.years or self.months)

    def comparable(self, other: Duration) -> bool:
        """Whether `<` and `>` have an answer: not between months and days (a month has no fixed number of days)."""
        return (self.is_years_and_months and other.is_years_and_months) or (
            self.is_days_and_time and other.is_days_and_time
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Duration) and self.sort_key() == other.sort_key()

    def __hash__(self) -> int:
        return hash(self.sort_key())

    def __lt__(self, other: Duration) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: Duration) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: Duration) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: Duration) -> bool:
        return self.sort_key() >= other.sort_key()

    @cached_property
    def _delta(self) -> relativedelta:
        # Building a relativedelta is slow compared with using one; a duration is a constant, so build it once.
        # A date takes whole days: the time of a days-and-time duration does not move it (FEEL: date + PT1H).
        return relativedelta(years=self.years, months=self.months, days=self.days)

    def add_to(self, date: dt.date) -> dt.date:
        if isinstance(date, dt.datetime):
            return date + self._delta + dt.timedelta(seconds=self.seconds)
        result: dt.date = date + self._delta
        return result

    def subtract_from(self, date: dt.date) -> dt.date:
        if isinstance(date, dt.datetime):
            return date - self._delta - dt.timedelta(seconds=self.seconds)
        result: dt.date = date - self._delta
        return result

    def iso(self) -> str:
        """ISO 8601 text, e.g. P3M, P1Y6M, P90D, PT2H30M, P1DT12H, P0D; negative as -P3M."""
        if self.sort_key() < (0, 0, 0):
            return "-" + Duration(-self.years, -self.months, -self.days, -self.seconds).iso()
        parts = ""
        if self.years:
            parts += f"{self.years}Y"
        if self.months:
            parts += f"{self.months}M"
        if self.days or not (parts or self.seconds):
            parts += f"{self.days}D"
        if self.seconds:
            hours, rest = divmod(self.seconds, 3600)
            minutes, seconds = divmod(rest, 60)
            parts += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
            parts += f"{seconds}S" if seconds else ""
        return "P" + parts


SECONDS_PER_DAY = 86_400


# A fact's value: ja/nee -> bool, getal/bedrag -> Decimal, tekst/keuze -> str, datum -> date, duur -> Duration,
# lists -> tuple. An unknown fact has no value at all (it is absent from the mapping), never None inside a value.
Value = bool | Decimal | str | dt.date | Duration | tuple["Value", ...]
