"""Named, dated parameters (a `Parameters` sheet) -> derived facts whose value is chosen by a date of the case.

A policy value that changes over time (the margin of the nareistermijn, a date from which a rule applies) is written
once, with the period in which it holds:

| Naam | Type | Waarde | Geldig vanaf | Geldig tot | Peildatum | Bron | Omschrijving |
| marge_nareistermijn | duur | 14 dagen | | 2026-12-31 | datum_indiening | §2.2 | Marge bij te late indiening |
| marge_nareistermijn | duur | 21 dagen | 2027-01-01 | | datum_indiening | §2.2 | Marge bij te late indiening |

Each parameter becomes a fact of the glossary, derived by a calculation that picks the row whose period holds the
case's `Peildatum` (a datum fact: the filing date, the beslisdatum), so cells (`> nareistermijn_einde +
marge_nareistermijn`) and motivations (`{{ marge_nareistermijn|duur }}`) use it like any fact, and a policy change is a
new row: a decision on an older case keeps the value of its own date. `Geldig tot` is the last day a value holds (tot en
met); an empty `Geldig vanaf` means since always, an empty `Geldig tot` until further notice. Before the first period
the parameter is unknown. Periods of one parameter may not overlap or leave a gap.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.errors import CellError, Location, NareisError, WorkbookError
from engine.expressions import Call, Compare, Expr, FactRef, Literal, literal_text, parse_literal_value
from engine.model import Calculated, Fact
from engine.types import DATUM, FactType, Kind, Value
from engine.workbook import Sheet

PARAMETERS_SHEET = "Parameters"
COLUMNS = ("Naam", "Type", "Waarde", "Geldig vanaf", "Geldig tot", "Peildatum", "Bron", "Omschrijving")
REQUIRED = ("Naam", "Type", "Waarde", "Peildatum", "Bron")
_KINDS = {kind.value: kind for kind in (Kind.GETAL, Kind.BEDRAG, Kind.TEKST, Kind.DATUM, Kind.DUUR, Kind.JA_NEE)}
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_EXAMPLES = {
    Kind.GETAL: "een getal zoals 14 of 2.5",
    Kind.BEDRAG: "een bedrag zoals 2300.10",
    Kind.TEKST: "een tekst",
    Kind.DATUM: "een datum zoals 2026-06-12",
    Kind.DUUR: 'een duur zoals "14 dagen", "2 weken", "3 maanden" of P3M',
    Kind.JA_NEE: "ja of nee",
}


@dataclass(frozen=True)
class Period:
    """One row of a parameter: its value from `start` to `end` (both included; None: open)."""

    value: Value
    text: str
    start: dt.date | None
    end: dt.date | None
    row: int
    location: Location


@dataclass(frozen=True)
class Parameter:
    name: str
    type: FactType
    reference: str  # the datum fact whose value chooses the period
    periods: tuple[Period, ...]  # in order of time
    source: str
    description: str
    location: Location  # the Naam cell of its first row

    def value_on(self, date: dt.date) -> Value | None:
        """The value that holds on `date`, or None before the first period (or after a closed last one)."""
        for period in self.periods:
            if (period.start is None or period.start <= date) and (period.end is None or date <= period.end):
                return period.value
        return None


@dataclass(frozen=True)
class Parameters:
    """What the loader adds to the rule base: a glossary fact and a calculation per parameter."""

    parameters: tuple[Parameter, ...]
    facts: Mapping[str, Fact]
    calculations: tuple[Calculated, ...]
    problems: tuple[NareisError, ...]


def read_parameters(sheets: Sequence[Sheet], glossary: Mapping[str, Fact]) -> Parameters:
    """Read every Parameters sheet against the glossary (for the Peildatum facts and for name clashes); every problem
    is returned with its cell, in Dutch."""
    problems: list[NareisError] = []
    rows: dict[str, list[tuple[Sheet, int, dict[str, int]]]] = {}
    for sheet in sheets:
        columns = _columns(sheet, problems)
        if columns is None:
            continue
        for row in sorted(r for r in sheet.rows if r > 1):
            name = sheet.text(row, columns["Naam"])
            location = sheet.location(row, columns["Naam"])
            if not _NAME.match(name):
                problems.append(
                    WorkbookError(
                        f'"{name}" is geen geldige naam voor een parameter: gebruik kleine letters, cijfers en _, '
                        "beginnend met een letter"
                        if name
                        else "deze rij heeft geen Naam",
                        location,
                    )
                )
                continue
            if name in glossary:
                problems.append(
                    WorkbookError(
                        f'"{name}" is al een begrip ({glossary[name].location}); geef de parameter een eigen naam',
                        location,
                    )
                )
                continue
            rows.setdefault(name, []).append((sheet, row, columns))
    parameters = []
    for name, named_rows in rows.items():
        parameter = _parameter(name, named_rows, glossary, problems)
        if parameter is not None:
            parameters.append(parameter)
    facts = {p.name: _fact(p, glossary) for p in parameters}
    calculations = tuple(_calculation(p, glossary) for p in parameters)
    return Parameters(tuple(parameters), facts, calculations, tuple(problems))


def _columns(sheet: Sheet, problems: list[NareisError]) -> dict[str, int] | None:
    found = {sheet.text(1, c).lower(): c for c in sorted(sheet.rows.get(1, {}), reverse=True)}
    missing = [name for name in REQUIRED if name.lower() not in found]
    if missing:
        problems.append(
            WorkbookError(
                f"kolom {', '.join(missing)} ontbreekt; rij 1 van het blad Parameters heeft de kolommen "
                + ", ".join(COLUMNS),
                sheet.location(1, 1),
            )
        )
        return None
    return {name: found[name.lower()] for name in COLUMNS if name.lower() in found}


def _parameter(
    name: str,
    rows: list[tuple[Sheet, int, dict[str, int]]],
    glossary: Mapping[str, Fact],
    problems: list[NareisError],
) -> Parameter | None:
    before = len(problems)
    first_sheet, first_row, first_columns = rows[0]

    def text(sheet: Sheet, row: int, columns: dict[str, int], column: str) -> str:
        return sheet.text(row, columns[column]) if column in columns else ""

    def where(sheet: Sheet, row: int, columns: dict[str, int], column: str) -> Location:
        return sheet.location(row, columns.get(column, 1))

    type_text = text(first_sheet, first_row, first_columns, "Type").lower()
    kind = _KINDS.get(type_text)
    if kind is None:
        problems.append(
            WorkbookError(
                f'onbekend type "{type_text}" voor parameter {name}; kies uit ' + ", ".join(_KINDS),
                where(first_sheet, first_row, first_columns, "Type"),
            )
        )
        return None
    fact_type = FactType(kind)
    reference = text(first_sheet, first_row, first_columns, "Peildatum")
    reference_location = where(first_sheet, first_row, first_columns, "Peildatum")
    if reference not in glossary:
        close = difflib.get_close_matches(reference, list(glossary), n=3)
        hint = f"; bedoelt u {' of '.join(close)}?" if close else ""
        problems.append(
            WorkbookError(
                f'Peildatum "{reference}" is geen begrip{hint} Noem het datumbegrip van de zaak dat de waarde kiest, '
                "zoals datum_indiening of beslisdatum"
                if reference
                else "Peildatum ontbreekt: noem het datumbegrip van de zaak dat de waarde kiest, zoals "
                "datum_indiening of beslisdatum",
                reference_location,
            )
        )
        return None
    if glossary[reference].type != DATUM:
        problems.append(
            WorkbookError(
                f"Peildatum {reference} is een {glossary[reference].type.describe()}, geen datum",
                reference_location,
            )
        )
        return None
    periods: list[Period] = []
    for sheet, row, columns in rows:
        for column, expected in (("Type", type_text), ("Peildatum", reference)):
            given = text(sheet, row, columns, column)
            if (given.lower() if column == "Type" else given) != expected:
                problems.append(
                    WorkbookError(
                        f"parameter {name} heeft hier {column} {given or '(leeg)'}, maar in rij {first_row} "
                        f"{expected}; elke rij van een parameter heeft dezelfde {column}",
                        where(sheet, row, columns, column),
                    )
                )
        if not text(sheet, row, columns, "Bron"):
            problems.append(
                WorkbookError(
                    "Bron ontbreekt: noem de paragraaf van de WI (en de wettelijke grondslag) van deze waarde",
                    where(sheet, row, columns, "Bron"),
                )
            )
        value_text = text(sheet, row, columns, "Waarde")
        value_location = where(sheet, row, columns, "Waarde")
        value: Value | None
        try:
            value = parse_literal_value(value_text, fact_type) if value_text else None
        except CellError:
            value = None
        if value is None:
            problems.append(
                WorkbookError(
                    f'parameter {name} is een {type_text}: verwacht {_EXAMPLES[kind]}, niet "{value_text}"'
                    if value_text
                    else f"Waarde ontbreekt: parameter {name} is een {type_text} ({_EXAMPLES[kind]})",
                    value_location,
                )
            )
            continue
        start = _date(sheet, row, columns, "Geldig vanaf", problems)
        end = _date(sheet, row, columns, "Geldig tot", problems)
        if start is not None and end is not None and end < start:
            problems.append(
                WorkbookError(
                    f"Geldig tot ({end.isoformat()}) ligt vóór Geldig vanaf ({start.isoformat()})",
                    where(sheet, row, columns, "Geldig tot"),
                )
            )
            continue
        periods.append(Period(value, value_text, start, end, row, sheet.location(row, columns["Naam"])))
    periods.sort(key=lambda p: (p.start or dt.date.min, p.row))
    for earlier, later in itertools.pairwise(periods):
        problems.extend(_between(name, earlier, later))
    if len(problems) > before or not periods:
        return None
    columns = first_columns
    return Parameter(
        name=name,
        type=fact_type,
        reference=reference,
        periods=tuple(periods),
        source=text(first_sheet, first_row, columns, "Bron"),
        description=text(first_sheet, first_row, columns, "Omschrijving"),
        location=first_sheet.location(first_row, columns["Naam"]),
    )


def _date(sheet: Sheet, row: int, columns: dict[str, int], column: str, problems: list[NareisError]) -> dt.date | None:
    if column not in columns:
        return None
    cell = sheet.cell(row, columns[column])
    if cell is None:
        return None
    if isinstance(cell.value, dt.date) and not isinstance(cell.value, dt.datetime):
        return cell.value
    try:
        value = parse_literal_value(cell.text, DATUM)
    except CellError:
        value = None
    if not isinstance(value, dt.date):
        problems.append(
            WorkbookError(f'{column}: verwacht een datum zoals 2026-06-12, niet "{cell.text}"', cell.location)
        )
        return None
    return value


def _day(date: dt.date | None) -> str:
    return date.isoformat() if date else "(open)"


def _between(name: str, earlier: Period, later: Period) -> list[NareisError]:
    """Two periods in order of their start: they must touch, the later beginning the day after the earlier ends."""
    if earlier.end is None or later.start is None or later.start <= earlier.end:
        return [
            WorkbookError(
                f"parameter {name}: de periode van deze rij ({_day(later.start)} tot en met {_day(later.end)}) "
                f"overlapt met die van rij {earlier.row} ({_day(earlier.start)} tot en met {_day(earlier.end)}); "
                "laat de vorige periode eindigen op de dag vóór Geldig vanaf",
                later.location,
            )
        ]
    if later.start > earlier.end + dt.timedelta(days=1):
        return [
            WorkbookError(
                f"parameter {name}: tussen {earlier.end.isoformat()} (rij {earlier.row}) en "
                f"{later.start.isoformat()} (deze rij) geldt geen waarde; laat de periodes op elkaar aansluiten",
                later.location,
            )
        ]
    return []


def _fact(parameter: Parameter, glossary: Mapping[str, Fact]) -> Fact:
    entity = glossary[parameter.reference].entity
    description = parameter.description or f"Parameter {parameter.name}"
    return Fact(parameter.name, entity, parameter.type, description, False, parameter.location)


def _calculation(parameter: Parameter, glossary: Mapping[str, Fact]) -> Calculated:
    reference = FactRef(parameter.reference)
    unknown: Expr = Literal(None, parameter.type.kind)  # type: ignore[arg-type]  # evaluates to unknown
    last = parameter.periods[-1]
    expression: Expr = _literal(last.value, parameter.type.kind)
    if last.end is not None:
        expression = _choose(Compare("<=", reference, _literal(last.end, Kind.DATUM)), expression, unknown)
    for period in reversed(parameter.periods[:-1]):
        assert period.end is not None  # only the last period can be open: any other overlaps the next one
        condition = Compare("<=", reference, _literal(period.end, Kind.DATUM))
        expression = _choose(condition, _literal(period.value, parameter.type.kind), expression)
    first = parameter.periods[0]
    if first.start is not None:
        expression = _choose(Compare("<", reference, _literal(first.start, Kind.DATUM)), unknown, expression)
    return Calculated(
        fact=parameter.name,
        text=formula_text(parameter),
        expression=expression,
        reads=frozenset({parameter.reference}),
        reads_of_others=frozenset(),
        source=parameter.source,
        annotation="",
        location=parameter.location,
        row=int(parameter.location.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") or 0),
    )


def _literal(value: Value, kind: Kind) -> Literal:
    return Literal(value, kind)


def _choose(condition: Expr, then: Expr, otherwise: Expr) -> Call:
    return Call("als", (condition, then, otherwise))


def formula_text(parameter: Parameter) -> str:
    """The parameter as a readable rule: `14 dagen tot en met 2026-12-31, 21 dagen vanaf 2027-01-01 (naar
    datum_indiening)`."""
    parts = []
    for period in parameter.periods:
        value = literal_text(period.value, parameter.type.kind)
        if period.start is None and period.end is None:
            parts.append(value)
        elif period.start is None:
            parts.append(f"{value} tot en met {_day(period.end)}")
        elif period.end is None:
            parts.append(f"{value} vanaf {_day(period.start)}")
        else:
            parts.append(f"{value} van {_day(period.start)} tot en met {_day(period.end)}")
    return ", ".join(parts) + f" (naar {parameter.reference})"


__all__ = ["COLUMNS", "PARAMETERS_SHEET", "Parameter", "Parameters", "Period", "formula_text", "read_parameters"]
