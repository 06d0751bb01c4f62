"""`nareis new`: a new, tidy workbook with an Uitleg, a glossary, an example table, Parameters and Tests.

The example is small and complete, so that `nareis check` passes with it in the directory: its facts, table and rule
ids carry the workbook's name (they are unique across workbooks), its rows cite a paragraph of the WI, every row is
fired by a scenario, and when the rule base has a final outcome (Soort eindoordeel) each scenario states what the rule
base decides for its member. Policy staff then replace the example with their own rules.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from engine.errors import Location, NareisError, UsageError
from engine.parameters import COLUMNS as PARAMETER_COLUMNS

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_ -]*\Z")
EXAMPLE_SOURCE = "§1.4"


class NewWorkbookError(NareisError):
    """The new workbook cannot be written."""


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return slug if slug[:1].isalpha() else f"w_{slug}"


def _uitleg(name: str) -> list[tuple[str]]:
    return [
        (f"{name} - WI 2026/11 Behandeling nareisaanvragen",),
        ("Deze werkmap is gemaakt met nareis new. Vervang het voorbeeld door de eigen regels.",),
        (
            "Begrippen: elk feit dat deze werkmap gebruikt of zet, met entiteit (aanvraag, referent of gezinslid), "
            "type (ja/nee, getal, bedrag, tekst, keuze, datum, duur), bij een keuze de toegestane waarden (de "
            "belangrijkste eerst) en soort (invoer, afgeleid of eindoordeel).",
        ),
        (
            "Parameters: waarden van het beleid die kunnen veranderen, met de periode waarin ze gelden. De Peildatum "
            "zegt welke datum van de zaak de periode kiest (bijvoorbeeld datum_indiening of beslisdatum). Een "
            "wijziging is een nieuwe rij met Geldig vanaf; oude zaken houden zo hun eigen waarde. Gebruik de naam in "
            "een cel (>= minimum) of in een motivering ({{ minimum }}).",
        ),
        (
            "Beslistabellen: elk blad met in cel A1 'Tabel'. Bovenaan naam, entiteit, hitbeleid (U, A, P, F, R, O, C, "
            "C+, C<, C>, C#), bron en omschrijving. Blauwe kolommen zijn voorwaarden (Invoer), groene de uitkomst "
            "(Uitvoer). Leeg of '-' = maakt niet uit; 'a, b' = a of b; 'not(a)' = alles behalve a; '>= 2' is een "
            "vergelijking. Elke regel noemt zijn Bron (paragraaf van de WI) en, als hij iets besluit, zijn Motivering.",
        ),
        (
            "Tests: elk scenario is een zaak; elke rij een gezinslid. Invoer-kolommen geven de feiten, "
            "Verwacht-kolommen wat de regels moeten besluiten. nareis check draait ze allemaal.",
        ),
        ("Na elke wijziging: nareis tidy (opmaak en keuzelijsten) en nareis check (alles controleren).",),
    ]


def _final_fact(directory: Path) -> str | None:
    """The final outcome fact (Soort eindoordeel) of the workbooks already in the directory, if any."""
    from engine.loader import workbook_paths
    from engine.workbook import read_workbook

    for path in workbook_paths(directory):
        for sheet in read_workbook(path).sheets:
            if sheet.name != "Begrippen":
                continue
            header = {sheet.text(1, c).lower(): c for c in sheet.rows.get(1, {})}
            for row in sorted(r for r in sheet.rows if r > 1):
                if sheet.text(row, header.get("soort", 6)).lower() == "eindoordeel":
                    return sheet.text(row, header.get("begrip", 1))
    return None


def _write(path: Path, name: str, final: str | None, outcomes: dict[str, str]) -> None:
    s = _slug(name)
    count, judgement, minimum = f"{s}_aantal_documenten", f"{s}_documenten_oordeel", f"{s}_minimum_documenten"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    sheet = book.create_sheet("Uitleg")
    for line in _uitleg(name):
        sheet.append(line)
    sheet = book.create_sheet("Begrippen")
    sheet.append(("Begrip", "Entiteit", "Type", "Waarden", "Omschrijving", "Soort"))
    sheet.append(
        (count, "gezinslid", "getal", None, "Voorbeeld: aantal documenten dat het gezinslid inleverde", "invoer")
    )
    sheet.append(
        (judgement, "gezinslid", "keuze", "voldoende, onvoldoende", "Voorbeeld: zijn er genoeg documenten?", "afgeleid")
    )
    sheet = book.create_sheet("Parameters")
    sheet.append(PARAMETER_COLUMNS)
    sheet.append(
        (minimum, "getal", "2", None, None, "beslisdatum", EXAMPLE_SOURCE, "Voorbeeld: minimum aantal documenten")
    )
    table = book.create_sheet(f"{name} voorbeeld"[:31])
    for key, value in (
        ("Tabel", f"{name} voorbeeld"),
        ("Entiteit", "gezinslid"),
        ("Hitbeleid", "U"),
        ("Bron", EXAMPLE_SOURCE),
        ("Omschrijving", "Voorbeeld: heeft het gezinslid genoeg documenten ingeleverd?"),
    ):
        table.append((key, value))
    table.append(())
    table.append(("Regel", "Invoer", "Uitvoer", "Bron", "Motivering", "Annotatie"))
    table.append((None, count, judgement))
    table.append(
        (
            f"{name}-01",
            f">= {minimum}",
            "voldoende",
            EXAMPLE_SOURCE,
            f"U heeft {{{{ {count} }}}} documenten ingeleverd. Dat is genoeg.",
            "Voorbeeldregel: vervang haar door een eigen regel.",
        )
    )
    table.append(
        (
            f"{name}-02",
            f"< {minimum}",
            "onvoldoende",
            EXAMPLE_SOURCE,
            f"U heeft minder dan {{{{ {minimum} }}}} documenten ingeleverd.",
            None,
        )
    )
    tests = book.create_sheet("Tests")
    kinds = ["Invoer", "Verwacht"] + (["Verwacht"] if final else [])
    facts = [count, judgement] + ([final] if final else [])
    tests.append(("Scenario", "Lid", "Omschrijving", "Bron", *kinds))
    tests.append((None, None, None, None, *facts))
    for scenario, number, expected, description in (
        (f"S-{name}-01", "3", "voldoende", "Drie documenten: genoeg."),
        (f"S-{name}-02", "1", "onvoldoende", "Eén document: te weinig."),
    ):
        row: list[str] = [scenario, "kind", description, EXAMPLE_SOURCE, number, expected]
        if final:
            row.append(outcomes.get(scenario, "null"))
        tests.append(row)
    book.save(path)


def new_workbook(directory: Path, name: str) -> Path:
    """Write DIRECTORY/NAME.xlsx and tidy it. Raises UsageError for a bad name or an existing file."""
    from engine.tidy import read_glossary, tidy_workbook
    from engine.workbook import read_workbook

    if not _NAME.match(name):
        raise UsageError(f'"{name}" is geen geschikte naam voor een werkmap: gebruik letters, cijfers, spaties, _ en -')
    if not directory.is_dir():
        raise UsageError(f"{directory} is geen map")
    path = directory / f"{name}.xlsx"
    if path.exists():
        raise UsageError(f"{path} bestaat al; kies een andere naam", Location(path.name))
    final = _final_fact(directory)
    _write(path, name, final, {})
    try:
        if final:
            _write(path, name, final, _outcomes(directory, final, name))
        paths = sorted(directory.glob("*.xlsx"))
        books = [read_workbook(p) for p in paths if not p.name.startswith("~$")]
        tidy_workbook(path, read_glossary(books), content=next(b for b in books if b.name == path.name))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _outcomes(directory: Path, final: str, name: str) -> dict[str, str]:
    """What the whole rule base decides as the final outcome for each example scenario's member."""
    from engine.api import engine_for
    from engine.expressions import literal_text
    from engine.loader import load_directory
    from engine.scenarios import scenario_case
    from renderers.environment import check_motivation

    rule_base = load_directory(directory, check_motivation)
    engine = engine_for(rule_base)
    kind = rule_base.glossary[final].type.kind
    outcomes = {}
    for scenario in rule_base.scenarios:
        if not scenario.scenario_id.startswith(f"S-{name}-"):
            continue
        decision = engine.decide(scenario_case(scenario))
        value = decision.gezinsleden[0].facts.get(final)
        outcomes[scenario.scenario_id] = "null" if value is None else literal_text(value, kind)
    return outcomes


__all__ = ["NewWorkbookError", "new_workbook"]
