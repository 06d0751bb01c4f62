"""Turn the grids of a directory of workbooks into a verified RuleBase, reporting every problem together."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import replace
from pathlib import Path

from engine.errors import CellError, Location, NareisError, WorkbookError, WorkbookProblems
from engine.expressions import AnyValue, parse_expression, parse_input_entry, parse_literal_value
from engine.model import (
    Calculated,
    DecisionTable,
    Expectation,
    Fact,
    HitPolicy,
    InputEntry,
    NoRuleReason,
    OutputEntry,
    Rule,
    RuleBase,
    Scenario,
    ScenarioMember,
)
from engine.parameters import PARAMETERS_SHEET, read_parameters
from engine.tidy_scenarios import classic_tests
from engine.typecheck import check_expression, check_input_entry
from engine.types import DATUM, FactType, Kind, Value
from engine.verify import verify
from engine.workbook import Cell, Sheet, Workbook, read_workbook

MotivationChecker = Callable[[str, Collection[str]], "str | None"]

GLOSSARY_SHEET = "Begrippen"
CALCULATIONS_SHEET = "Berekeningen"
SCENARIOS_SHEET = "Tests"
EXPLANATION_SHEET = "Uitleg"
NO_RULES_SHEET = "Geen regels"
FIXED_SHEETS = (GLOSSARY_SHEET, CALCULATIONS_SHEET, SCENARIOS_SHEET, EXPLANATION_SHEET, NO_RULES_SHEET)

BUILT_IN = {
    "beslisdatum": Fact("beslisdatum", "aanvraag", DATUM, "De datum van het besluit", True, Location("(ingebouwd)"))
}
DEFAULT_BESLISDATUM = "2026-11-01"

_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")
_KINDS = {kind.value: kind for kind in Kind}
_POLICY_NAMES = {
    **{policy.value: policy for policy in HitPolicy},
    "UNIQUE": HitPolicy.UNIQUE,
    "ANY": HitPolicy.ANY,
    "PRIORITY": HitPolicy.PRIORITY,
    "FIRST": HitPolicy.FIRST,
    "RULE ORDER": HitPolicy.RULE_ORDER,
    "OUTPUT ORDER": HitPolicy.OUTPUT_ORDER,
    "COLLECT": HitPolicy.COLLECT,
    "COLLECT SUM": HitPolicy.COLLECT_SUM,
    "COLLECT MIN": HitPolicy.COLLECT_MIN,
    "COLLECT MAX": HitPolicy.COLLECT_MAX,
    "COLLECT COUNT": HitPolicy.COLLECT_COUNT,
}
DEFAULT_ROW = "standaard"  # the rule id (any case) of a table's row of default outputs
_TABLE_KEYS = ("Tabel", "Entiteit", "Hitbeleid", "Bron", "Omschrijving", "Volledig")  # Volledig: read by check
_TABLE_COLUMN_KINDS = ("Invoer", "Uitvoer", "Bron", "Motivering", "Toon bij", "Annotatie")


class LoadError(WorkbookError):
    """A problem found while loading, in Dutch (`message`, what `str()` shows) and in English (`message_en`)."""

    def __init__(self, message: str, location: Location | None = None, message_en: str = "") -> None:
        self.message_en = message_en or message
        super().__init__(message, location)


class Problems:
    """Collects problems so that loading reports all of them, not the first."""

    def __init__(self) -> None:
        self.items: list[NareisError] = []

    def add(self, message: str, location: Location, en: str = "") -> None:
        """A problem in Dutch, for the policy staff who keep the workbooks, with its English text for --lang en."""
        self.items.append(LoadError(message, location, en))

    def cell(self, error: CellError, location: Location) -> None:
        where = f" (at character {error.column})" if error.column > 1 else ""
        self.items.append(WorkbookError(error.message + where, location))


def content_hash(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def workbook_paths(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.xlsx") if not p.name.startswith("~$"))


def load_directory(directory: Path, check_motivation: MotivationChecker | None = None) -> RuleBase:
    """Read, check and order every workbook in `directory`. Raises WorkbookProblems listing every problem."""
    if not directory.is_dir():
        raise WorkbookProblems(
            [LoadError(f"{directory} is geen map met werkmappen", None, f"{directory} is not a directory of workbooks")]
        )
    paths = workbook_paths(directory)
    if not paths:
        raise WorkbookProblems(
            [LoadError(f"geen werkmappen (*.xlsx) in {directory}", None, f"no workbooks (*.xlsx) in {directory}")]
        )
    problems = Problems()
    workbooks: list[Workbook] = []
    for path in paths:
        try:
            workbooks.append(read_workbook(path))
        except WorkbookError as error:
            problems.items.append(error)
    sheets = list(_classify(workbooks, problems))
    glossary = _read_glossary([s for kind, s in sheets if kind == GLOSSARY_SHEET], problems)
    parameters = read_parameters([s for kind, s in sheets if kind == PARAMETERS_SHEET], glossary)
    problems.items.extend(parameters.problems)
    glossary.update(parameters.facts)
    types = {name: fact.type for name, fact in glossary.items()}
    tables = [
        replace(t, position=position)
        for position, t in enumerate(
            (t for kind, s in sheets if kind == "table" for t in [_read_table(s, types, problems)] if t), start=1
        )
    ]
    calculations = [
        c for kind, s in sheets if kind == CALCULATIONS_SHEET for c in _read_calculations(s, types, problems)
    ] + list(parameters.calculations)
    final = _final_outcome(glossary)
    scenarios = [
        sc
        for kind, s in sheets
        if kind == SCENARIOS_SHEET
        for sc in _read_scenarios(classic_tests(s), glossary, final, problems)  # a member per row or per column
    ]
    no_rules = [n for kind, s in sheets if kind == NO_RULES_SHEET for n in _read_no_rules(s, problems)]
    if check_motivation is not None:
        _check_motivations(tables, glossary, check_motivation, problems)
    order = verify(glossary, tables, calculations, problems.items)
    if problems.items:
        raise WorkbookProblems(problems.items)
    return RuleBase(
        glossary=glossary,
        tables=order.tables,
        calculations=order.calculations,
        levels=order.levels,
        scenarios=tuple(scenarios),
        no_rules=tuple(no_rules),
        content_hash=content_hash(paths),
        workbooks=tuple(p.name for p in paths),
    )


def _classify(workbooks: list[Workbook], problems: Problems) -> Iterator[tuple[str, Sheet]]:
    for workbook in workbooks:
        for sheet in workbook.sheets:
            if sheet.name in FIXED_SHEETS or sheet.name == PARAMETERS_SHEET:
                yield sheet.name, sheet
            elif sheet.text(1, 1) == "Tabel":
                yield "table", sheet
            elif sheet.rows:
                problems.add(
                    "dit blad is geen beslistabel (in cel A1 hoort Tabel te staan) en ook geen van de bladen "
                    + ", ".join(FIXED_SHEETS),
                    Location(sheet.workbook, sheet.name, "A1"),
                    "this sheet is neither a decision table (cell A1 must say Tabel) nor one of the sheets "
                    + ", ".join(FIXED_SHEETS),
                )


def _header(sheet: Sheet, row: int, expected: tuple[str, ...], problems: Problems) -> dict[str, int] | None:
    """Map header names to columns; report missing ones. Header names are matched case-insensitively."""
    found = {sheet.text(row, c).lower(): c for c in sheet.rows.get(row, {})}
    columns = {}
    missing = []
    for name in expected:
        if name.lower() in found:
            columns[name] = found[name.lower()]
        else:
            missing.append(name)
    if missing:
        problems.add(
            f"kop {', '.join(missing)} ontbreekt; rij {row} moet de kolommen {', '.join(expected)} hebben",
            sheet.location(row, 1),
            f"missing header {', '.join(missing)}; row {row} must have the columns {', '.join(expected)}",
        )
        return None
    return columns


def _read_glossary(sheets: list[Sheet], problems: Problems) -> dict[str, Fact]:
    glossary: dict[str, Fact] = dict(BUILT_IN)
    for sheet in sheets:
        columns = _header(sheet, 1, ("Begrip", "Entiteit", "Type", "Waarden", "Omschrijving", "Soort"), problems)
        if columns is None:
            continue
        for row in sorted(r for r in sheet.rows if r > 1):
            fact = _read_fact(sheet, row, columns, problems)
            if fact is None:
                continue
            if fact.name in glossary:
                first = glossary[fact.name].location
                problems.add(
                    f'"{fact.name}" is al gedefinieerd in {first}; definieer elk begrip één keer',
                    fact.location,
                    f'"{fact.name}" is already defined at {first}; define every fact once',
                )
                continue
            glossary[fact.name] = fact
    return glossary


def _read_fact(sheet: Sheet, row: int, columns: dict[str, int], problems: Problems) -> Fact | None:
    def text(column: str) -> str:
        return sheet.text(row, columns[column])

    name, location = text("Begrip"), sheet.location(row, columns["Begrip"])
    if not _NAME.match(name):
        problems.add(
            f'"{name}" is geen geldige naam voor een begrip; gebruik kleine letters, cijfers en _, en begin met een '
            "letter",
            location,
            f'"{name}" is not a valid fact name; use lower case letters, digits and _, starting with a letter',
        )
        return None
    entity = text("Entiteit")
    if entity not in ("aanvraag", "referent", "gezinslid"):
        problems.add(
            f'onbekende entiteit "{entity}"; toegestaan: aanvraag, referent, gezinslid',
            sheet.location(row, columns["Entiteit"]),
            f'unknown entity "{entity}"; allowed: aanvraag, referent, gezinslid',
        )
        return None
    type_text = text("Type").lower()
    is_list = type_text.startswith("lijst van ")
    kind = _KINDS.get(type_text.removeprefix("lijst van ").strip())
    if kind is None:
        problems.add(
            f'onbekend type "{text("Type")}"; toegestaan: {", ".join(_KINDS)}, of "lijst van" een daarvan',
            sheet.location(row, columns["Type"]),
            f'unknown type "{text("Type")}"; allowed: {", ".join(_KINDS)}, or "lijst van" one of these',
        )
        return None
    values: tuple[str, ...] = ()
    if kind is Kind.KEUZE:
        values = tuple(v.strip() for v in text("Waarden").split(",") if v.strip())
        bad = [v for v in values if not _NAME.match(v)]
        if not values or bad:
            problems.add(
                "een keuze heeft haar toegestane waarden in Waarden nodig, gescheiden door komma's, elk in kleine "
                "letters, cijfers en _" + (f" (niet: {', '.join(bad)})" if bad else ""),
                sheet.location(row, columns["Waarden"]),
                "a keuze needs its allowed values in Waarden, separated by commas, each in lower case letters, "
                "digits and _" + (f" (not: {', '.join(bad)})" if bad else ""),
            )
            return None
    elif text("Waarden"):
        problems.add(
            "Waarden is alleen voor een keuze; laat deze cel leeg",
            sheet.location(row, columns["Waarden"]),
            "Waarden is only for a keuze; leave it empty",
        )
    kind_text = text("Soort").lower()
    if kind_text not in ("invoer", "afgeleid", "eindoordeel"):
        problems.add(
            f'onbekende Soort "{text("Soort")}"; toegestaan: invoer, afgeleid, eindoordeel',
            sheet.location(row, columns["Soort"]),
            f'unknown Soort "{text("Soort")}"; allowed: invoer, afgeleid, eindoordeel',
        )
        return None
    if kind_text == "eindoordeel" and entity != "gezinslid":
        problems.add(
            f"{name} is een begrip van de {entity}; Soort eindoordeel is het eindoordeel per gezinslid",
            sheet.location(row, columns["Soort"]),
            f"{name} is a fact of the {entity}; Soort eindoordeel is the final outcome per family member (gezinslid)",
        )
        return None
    fact_type = FactType(kind, values, is_list)
    return Fact(
        name, entity, fact_type, text("Omschrijving"), kind_text == "invoer", location, kind_text == "eindoordeel"
    )


def _read_table(sheet: Sheet, types: dict[str, FactType], problems: Problems) -> DecisionTable | None:
    header_row = next((r for r in sorted(sheet.rows) if sheet.text(r, 1) == "Regel"), None)
    if header_row is None:
        problems.add(
            "kop ontbreekt: een beslistabel heeft een rij nodig die in kolom A met Regel begint",
            sheet.location(1, 1),
            "missing header: a decision table needs a row that starts with Regel in column A",
        )
        return None
    meta = {sheet.text(r, 1): (sheet.text(r, 2), sheet.location(r, 2)) for r in sheet.rows if r < header_row}
    for key in meta:
        if key not in _TABLE_KEYS:
            problems.add(
                f'onbekende sleutel "{key}" boven de kop; toegestaan: {", ".join(_TABLE_KEYS)}',
                sheet.location(next(r for r in sheet.rows if sheet.text(r, 1) == key), 1),
                f'unknown key "{key}" above the header; allowed: {", ".join(_TABLE_KEYS)}',
            )
    ok = True
    for key in ("Tabel", "Entiteit", "Hitbeleid", "Bron"):
        if not meta.get(key, ("", None))[0]:
            problems.add(
                f"{key} ontbreekt: zet het in kolom A met de waarde in kolom B, boven de rij Regel",
                sheet.location(1, 1),
                f"missing {key}: put it in column A with its value in column B above the Regel row",
            )
            ok = False
    if not ok:
        return None
    name = meta["Tabel"][0]
    entity, entity_location = meta["Entiteit"]
    if entity not in ("gezinslid", "aanvraag"):
        problems.add(
            f'onbekende Entiteit "{entity}"; toegestaan: gezinslid, aanvraag',
            entity_location,
            f'unknown Entiteit "{entity}"; allowed: gezinslid, aanvraag',
        )
        return None
    policy_text, policy_location = meta["Hitbeleid"]
    policy = _POLICY_NAMES.get(policy_text.upper().replace("_", " "))
    if policy is None:
        problems.add(
            f'onbekend hitbeleid "{policy_text}"; toegestaan: U, A, P, F, R, O, C, C+, C<, C>, C#',
            policy_location,
            f'unknown hit policy "{policy_text}"; allowed: U, A, P, F, R, O, C, C+, C<, C>, C#',
        )
        return None
    columns = _table_columns(sheet, header_row, types, problems)
    if columns is None:
        return None
    inputs, outputs, extra, show = columns
    rules = []
    seen: set[str] = set()
    default: Rule | None = None
    for row in sorted(r for r in sheet.rows if r > header_row + 1):
        if sheet.text(row, 1).lower() == DEFAULT_ROW:
            if default is not None:
                problems.add(
                    f"deze tabel heeft al een Standaard-rij (rij {default.row}); geef elke uitvoerkolom hoogstens "
                    "één standaardwaarde",
                    sheet.location(row, 1),
                    f"this table already has a Standaard row (row {default.row}); give each output column at most "
                    "one default",
                )
                continue
            default = _read_default(sheet, row, name, inputs, outputs, extra, types, problems)
            continue
        rule = _read_rule(sheet, row, inputs, outputs, extra, show, types, problems)
        if rule is None:
            continue
        if rule.rule_id in seen:
            problems.add(
                f'regelnummer "{rule.rule_id}" staat twee keer in deze tabel; elke regel heeft een eigen nummer',
                rule.location,
                f'rule id "{rule.rule_id}" appears twice in this table; every rule needs its own id',
            )
            continue
        seen.add(rule.rule_id)
        rules.append(rule)
    return DecisionTable(
        name=name,
        entity=entity,
        hit_policy=policy,
        source=meta["Bron"][0],
        description=meta.get("Omschrijving", ("", None))[0],
        input_facts=tuple(f for f, _ in inputs),
        output_facts=tuple(f for f, _ in outputs),
        rules=tuple(rules),
        workbook=sheet.workbook,
        sheet=sheet.name,
        location=sheet.location(1, 2),
        show_fact=show[0] if show else None,
        default=default,
    )


def _read_default(
    sheet: Sheet,
    row: int,
    table: str,
    inputs: Columns,
    outputs: Columns,
    extra: dict[str, int],
    types: dict[str, FactType],
    problems: Problems,
) -> Rule | None:
    """A `Standaard` row: per output column the value the table gives when no rule matches (DMN's default output
    entry). It tests nothing; an empty output cell means that column has no default (it stays unknown)."""
    before = len(problems.items)
    for _, column in inputs:
        if sheet.text(row, column) not in ("", "-"):
            problems.add(
                "een Standaard-rij test niets: laat haar invoercellen leeg of zet er - in; haar uitvoer geldt "
                "wanneer geen regel past",
                sheet.location(row, column),
                "a Standaard row tests nothing: leave its input cells empty or write - in them; its outputs hold "
                "when no rule matches",
            )
    results = []
    for fact, column in outputs:
        text, location = sheet.text(row, column), sheet.location(row, column)
        if not text:
            continue
        try:
            typed = check_expression(parse_expression(text), types, types[fact].element())
        except CellError as error:
            problems.cell(error, location)
            continue
        if typed.facts:
            problems.add(
                f"een standaardwaarde is een vaste waarde (zoals 0, nee of een keuzewaarde), maar {text!r} leest "
                f"{', '.join(sorted(typed.facts))}",
                location,
                f"a default is a fixed value (such as 0, nee or a keuze value), but {text!r} reads "
                f"{', '.join(sorted(typed.facts))}",
            )
            continue
        results.append(OutputEntry(fact, text, typed.node, frozenset(), location))  # type: ignore[arg-type]
    if not results and len(problems.items) == before:
        problems.add(
            "een Standaard-rij geeft ten minste één uitvoerkolom een waarde (de waarde wanneer geen regel past)",
            sheet.location(row, 1),
            "a Standaard row gives at least one output column a value (the value when no rule matches)",
        )
    source = sheet.text(row, extra["Bron"])
    if not source:
        problems.add(
            "ontbrekende Bron: ook een standaardwaarde noemt de paragraaf van de WI waarop zij berust",
            sheet.location(row, extra["Bron"]),
            "missing Bron: a default cites the WI paragraph it rests on too",
        )
    if len(problems.items) > before:
        return None
    motivation_column = extra.get("Motivering", 0)
    return Rule(
        rule_id=f"{sheet.text(row, 1)} ({table})",
        row=row,
        inputs=(),
        outputs=tuple(results),
        source=source,
        motivation=sheet.text(row, motivation_column) if motivation_column else "",
        motivation_location=sheet.location(row, motivation_column or 1),
        annotation=sheet.text(row, extra["Annotatie"]) if "Annotatie" in extra else "",
        location=sheet.location(row, 1),
    )


Columns = list[tuple[str, int]]


def _table_columns(
    sheet: Sheet, header_row: int, types: dict[str, FactType], problems: Problems
) -> tuple[Columns, Columns, dict[str, int], tuple[str, int] | None] | None:
    inputs: Columns = []
    outputs: Columns = []
    extra: dict[str, int] = {}
    show: tuple[str, int] | None = None
    for column in sorted(sheet.rows[header_row]):
        if column == 1:
            continue
        kind = sheet.text(header_row, column).capitalize()
        location = sheet.location(header_row, column)
        if kind not in _TABLE_COLUMN_KINDS:
            problems.add(
                f'onbekende kolomsoort "{sheet.text(header_row, column)}"; toegestaan: '
                + ", ".join(_TABLE_COLUMN_KINDS),
                location,
                f'unknown column kind "{sheet.text(header_row, column)}"; allowed: ' + ", ".join(_TABLE_COLUMN_KINDS),
            )
            return None
        if kind in ("Invoer", "Uitvoer", "Toon bij"):
            fact = sheet.text(header_row + 1, column)
            fact_location = sheet.location(header_row + 1, column)
            if fact not in types:
                if fact:
                    problems.add(*_unknown_fact(fact, types, fact_location))
                else:
                    problems.add(
                        f"begrip ontbreekt onder {kind}: noem het begrip dat deze kolom leest of zet",
                        fact_location,
                        f"missing fact name below {kind}: name the fact this column reads or sets",
                    )
                return None
            if kind == "Toon bij":
                if show is not None:
                    problems.add("kolom Toon bij staat er twee keer", location, "column Toon bij appears twice")
                    return None
                show = (fact, column)
            else:
                (inputs if kind == "Invoer" else outputs).append((fact, column))
        elif kind in extra:
            problems.add(f"kolom {kind} staat er twee keer", location, f"column {kind} appears twice")
            return None
        else:
            extra[kind] = column
    if not outputs:
        problems.add(
            "een beslistabel heeft ten minste één kolom Uitvoer nodig",
            sheet.location(header_row, 1),
            "a decision table needs at least one Uitvoer column",
        )
        return None
    if "Bron" not in extra:
        problems.add(
            "kolom Bron ontbreekt: elke regel noemt haar paragraaf van de WI",
            sheet.location(header_row, 1),
            "missing column Bron: every rule cites its WI paragraph",
        )
        return None
    return inputs, outputs, extra, show


def _unknown_fact(name: str, types: Collection[str], location: Location) -> tuple[str, Location, str]:
    """The problem of a name that is not in the glossary, in Dutch and English, for Problems.add."""
    close = difflib.get_close_matches(name, list(types), n=3)
    hint = f"; bedoelt u {', '.join(close)}?" if close else "; definieer het in een blad Begrippen"
    hint_en = f"; did you mean {', '.join(close)}?" if close else "; define it in a Begrippen sheet"
    return f'onbekend begrip "{name}"{hint}', location, f'unknown fact "{name}"{hint_en}'


def _read_rule(
    sheet: Sheet,
    row: int,
    inputs: Columns,
    outputs: Columns,
    extra: dict[str, int],
    show: tuple[str, int] | None,
    types: dict[str, FactType],
    problems: Problems,
) -> Rule | None:
    rule_id = sheet.text(row, 1)
    id_location = sheet.location(row, 1)
    if not rule_id:
        problems.add(
            "deze rij heeft inhoud maar geen regelnummer in kolom A (Regel)",
            id_location,
            "this row has entries but no rule id in column A (Regel)",
        )
        return None
    before = len(problems.items)
    entries = []
    for fact, column in inputs:
        text, location = sheet.text(row, column), sheet.location(row, column)
        try:
            test = parse_input_entry(text) if text else AnyValue()
            typed = check_input_entry(test, types[fact], types, subject_name=fact)
            entries.append(InputEntry(fact, text or "-", typed.node, typed.facts - {fact}, location))  # type: ignore[arg-type]
        except CellError as error:
            problems.cell(error, location)
    results = []
    for fact, column in outputs:
        text, location = sheet.text(row, column), sheet.location(row, column)
        if not text:
            problems.add(
                f"uitvoer voor {fact} ontbreekt: elke regel vult elke kolom Uitvoer",
                location,
                f"missing output for {fact}: every rule sets every Uitvoer column",
            )
            continue
        try:
            expected = types[fact].element()
            typed = check_expression(parse_expression(text), types, expected)
            results.append(OutputEntry(fact, text, typed.node, typed.facts, location))  # type: ignore[arg-type]
        except CellError as error:
            problems.cell(error, location)
    show_when = None
    if show is not None and sheet.text(row, show[1]):
        fact, column = show
        text, location = sheet.text(row, column), sheet.location(row, column)
        try:
            typed = check_input_entry(parse_input_entry(text), types[fact], types, subject_name=fact)
            show_when = InputEntry(fact, text, typed.node, typed.facts - {fact}, location)  # type: ignore[arg-type]
        except CellError as error:
            problems.cell(error, location)
    source = sheet.text(row, extra["Bron"])
    if not source:
        problems.add(
            "Bron ontbreekt: noem de paragraaf van de WI (en de wettelijke grondslag waar de WI die noemt), "
            "bijvoorbeeld §2.2",
            sheet.location(row, extra["Bron"]),
            "missing Bron: cite the WI paragraph (and the legal basis where the WI names one), e.g. §2.2",
        )
    if len(problems.items) > before:
        return None
    motivation_column = extra.get("Motivering", 0)
    return Rule(
        rule_id=rule_id,
        row=row,
        inputs=tuple(entries),
        outputs=tuple(results),
        source=source,
        motivation=sheet.text(row, motivation_column) if motivation_column else "",
        motivation_location=sheet.location(row, motivation_column or 1),
        annotation=sheet.text(row, extra["Annotatie"]) if "Annotatie" in extra else "",
        location=id_location,
        show_when=show_when,
    )


def _read_calculations(sheet: Sheet, types: dict[str, FactType], problems: Problems) -> Iterator[Calculated]:
    columns = _header(sheet, 1, ("Begrip", "Formule", "Bron"), problems)
    if columns is None:
        return
    annotation = {sheet.text(1, c).lower(): c for c in sheet.rows.get(1, {})}.get("annotatie")
    for row in sorted(r for r in sheet.rows if r > 1):
        name, location = sheet.text(row, columns["Begrip"]), sheet.location(row, columns["Begrip"])
        if name not in types:
            problems.add(*_unknown_fact(name, types, location))
            continue
        text, formula_location = sheet.text(row, columns["Formule"]), sheet.location(row, columns["Formule"])
        try:
            typed = check_expression(parse_expression(text), types, types[name])
        except CellError as error:
            problems.cell(error, formula_location)
            continue
        yield Calculated(
            fact=name,
            text=text,
            expression=typed.node,  # type: ignore[arg-type]
            reads=typed.facts,
            reads_of_others=typed.member_facts,
            source=sheet.text(row, columns["Bron"]),
            annotation=sheet.text(row, annotation) if annotation else "",
            location=location,
            row=row,
        )


def _final_outcome(glossary: dict[str, Fact]) -> str | None:
    """The final outcome per family member, when the rule base has one: the fact of Soort eindoordeel. Every
    scenario must then state it for every member, so that a chapter's scenario also proves what the whole rule
    base decides."""
    return next((name for name, fact in glossary.items() if fact.is_final), None)


def _read_scenarios(
    sheet: Sheet, glossary: dict[str, Fact], final: str | None, problems: Problems
) -> Iterator[Scenario]:
    kinds = {c: sheet.text(1, c).capitalize() for c in sheet.rows.get(1, {})}
    required = {"Scenario", "Lid"}
    if not required <= set(kinds.values()):
        problems.add(
            "kop ontbreekt: rij 1 van Tests heeft Scenario, Lid, Omschrijving, Bron nodig, dan kolommen Invoer en "
            "Verwacht met de namen van begrippen in rij 2",
            sheet.location(1, 1),
            "missing header: row 1 of Tests needs Scenario, Lid, Omschrijving, Bron, then Invoer and "
            "Verwacht columns with fact names in row 2",
        )
        return
    fixed = {kind: column for column, kind in kinds.items() if kind in ("Scenario", "Lid", "Omschrijving", "Bron")}
    fact_columns: list[tuple[str, str, int]] = []
    for column, kind in sorted(kinds.items()):
        if kind in fixed:
            continue
        if kind not in ("Invoer", "Verwacht"):
            problems.add(
                f'onbekende kolomsoort "{sheet.text(1, column)}"; toegestaan: Scenario, Lid, Omschrijving, '
                "Bron, Invoer, Verwacht",
                sheet.location(1, column),
                f'unknown column kind "{sheet.text(1, column)}"; allowed: Scenario, Lid, Omschrijving, '
                "Bron, Invoer, Verwacht",
            )
            return
        fact = sheet.text(2, column)
        if fact not in glossary:
            if fact:
                problems.add(*_unknown_fact(fact, glossary, sheet.location(2, column)))
            else:
                problems.add(
                    f"begrip ontbreekt onder {kind}", sheet.location(2, column), f"missing fact name below {kind}"
                )
            return
        fact_columns.append((kind, fact, column))
    groups: dict[str, list[int]] = {}
    for row in sorted(r for r in sheet.rows if r > 2):
        scenario_id = sheet.text(row, fixed["Scenario"])
        if not scenario_id:
            problems.add(
                "deze rij heeft inhoud maar geen scenarionummer",
                sheet.location(row, fixed["Scenario"]),
                "this row has entries but no Scenario id",
            )
            continue
        groups.setdefault(scenario_id, []).append(row)
    for scenario_id, rows in groups.items():
        scenario = _read_scenario(sheet, scenario_id, rows, fixed, fact_columns, glossary, problems)
        if scenario and final:
            stated = {e.member for e in scenario.expectations if e.fact == final}
            for row, member in zip(rows, scenario.members, strict=True):
                if member.key not in stated:
                    problems.add(
                        f'scenario {scenario_id}, lid "{member.key}": geef het eindoordeel in een kolom Verwacht '
                        f"{final} (een waarde, of null als onbekend het goede antwoord is); het scenario van een "
                        "hoofdstuk zegt ook wat de hele regelbasis beslist",
                        sheet.location(row, fixed["Lid"]),
                        f'scenario {scenario_id}, member "{member.key}": state the final outcome in a Verwacht '
                        f"column {final} (a value, or null when unknown is the right answer); a chapter's scenario "
                        "also says what the whole rule base decides",
                    )
        if scenario:
            yield scenario


def _read_scenario(
    sheet: Sheet,
    scenario_id: str,
    rows: list[int],
    fixed: dict[str, int],
    fact_columns: list[tuple[str, str, int]],
    glossary: dict[str, Fact],
    problems: Problems,
) -> Scenario | None:
    shared: dict[str, dict[str, Value]] = {"aanvraag": {}, "referent": {}}
    members: list[ScenarioMember] = []
    expectations: list[Expectation] = []
    before = len(problems.items)
    for index, row in enumerate(rows):
        key = sheet.text(row, fixed["Lid"]) or f"lid{index + 1}"
        own: dict[str, Value] = {}
        for kind, fact, column in fact_columns:
            cell = sheet.cell(row, column)
            if cell is None:
                continue
            entity = glossary[fact].entity
            if kind == "Verwacht":
                expectation = _expectation(
                    cell, fact, glossary[fact].type, key if entity == "gezinslid" else entity, problems
                )
                if expectation:
                    expectations.append(expectation)
                continue
            value = _scenario_value(cell, glossary[fact].type, problems)
            if value is None:
                continue
            if entity == "gezinslid":
                own[fact] = value
            elif index == 0:
                shared[entity][fact] = value
            elif shared[entity].get(fact) != value:
                problems.add(
                    f"{fact} is een begrip van de {entity}: geef het alleen in de eerste rij van het scenario",
                    cell.location,
                    f"{fact} is a fact of the {entity}: give it in the scenario's first row only",
                )
        members.append(ScenarioMember(key, own))
    if "beslisdatum" not in shared["aanvraag"]:
        shared["aanvraag"]["beslisdatum"] = parse_literal_value(DEFAULT_BESLISDATUM, DATUM)
    if len(problems.items) > before:
        return None
    first = rows[0]
    return Scenario(
        scenario_id=scenario_id,
        description=sheet.text(first, fixed["Omschrijving"]) if "Omschrijving" in fixed else "",
        source=sheet.text(first, fixed["Bron"]) if "Bron" in fixed else "",
        aanvraag=shared["aanvraag"],
        referent=shared["referent"],
        members=tuple(members),
        expectations=tuple(expectations),
        location=sheet.location(first, fixed["Scenario"]),
    )


def _scenario_value(cell: Cell, fact_type: FactType, problems: Problems) -> Value | None:
    try:
        return parse_literal_value(cell.text, fact_type)
    except CellError as error:
        problems.cell(error, cell.location)
        return None


def _expectation(cell: Cell, fact: str, fact_type: FactType, member: str, problems: Problems) -> Expectation | None:
    if cell.text == "null":
        return Expectation(member, fact, None, cell.text, cell.location)
    if fact_type.is_list and cell.text == "[]":
        return Expectation(member, fact, (), cell.text, cell.location)
    value = _scenario_value(cell, fact_type, problems)
    return None if value is None else Expectation(member, fact, value, cell.text, cell.location)


def _read_no_rules(sheet: Sheet, problems: Problems) -> Iterator[NoRuleReason]:
    columns = _header(sheet, 1, ("Paragraaf", "Reden"), problems)
    if columns is None:
        return
    for row in sorted(r for r in sheet.rows if r > 1):
        paragraph, reason = sheet.text(row, columns["Paragraaf"]), sheet.text(row, columns["Reden"])
        if not reason:
            problems.add(
                "een paragraaf zonder regels heeft een Reden nodig",
                sheet.location(row, columns["Reden"]),
                "a paragraph without rules needs a Reden",
            )
            continue
        yield NoRuleReason(paragraph, reason, sheet.location(row, columns["Paragraaf"]))


def _check_motivations(
    tables: list[DecisionTable], glossary: dict[str, Fact], check: MotivationChecker, problems: Problems
) -> None:
    for table in tables:
        visible = [n for n, f in glossary.items() if table.entity == "gezinslid" or f.entity != "gezinslid"]
        for rule in (*table.rules, *([table.default] if table.default else [])):
            if rule.motivation:
                message = check(rule.motivation, visible)
                if message:
                    problems.add(message, rule.motivation_location)
