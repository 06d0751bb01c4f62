"""A directory of workbooks -> one DMN 1.5 XML model (bytes), deterministic: the same tables give the same bytes.

What DMN has a place for goes there: every table a decision with a decisionTable (inputs, outputs with their
allowed values, hit policy and aggregation, rules with FEEL entries and annotation columns Regel, Bron,
Motivering, Toon bij and Annotatie), every input fact an inputData, every keuze and list an itemDefinition, every
calculation a decision with a literalExpression, and the informationRequirements between them. What DMN has no
place for (entity scope, the cell text as written, the layout of every sheet, the sheets Uitleg, Begrippen,
Berekeningen, Tests and Geen regels) goes into extensionElements in nareis' own namespace, so that importing the
model gives the same workbooks back.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable
from importlib.metadata import version
from pathlib import Path

from engine.dmn import DMN_NS, FEEL_NS, NAREIS_NS
from engine.dmn.feel import (
    FEEL_TYPES,
    FeelError,
    FeelWriter,
    expression_to_cell,
    feel_string,
    outside_feel,
    unary_tests_to_cell,
)
from engine.errors import NareisError
from engine.loader import load_directory, workbook_paths
from engine.model import Calculated, DecisionTable, HitPolicy, RuleBase
from engine.types import FactType, Kind
from engine.workbook import Sheet, Workbook, read_workbook

HIT_POLICIES = {
    HitPolicy.UNIQUE: ("UNIQUE", None),
    HitPolicy.ANY: ("ANY", None),
    HitPolicy.PRIORITY: ("PRIORITY", None),
    HitPolicy.FIRST: ("FIRST", None),
    HitPolicy.RULE_ORDER: ("RULE ORDER", None),
    HitPolicy.OUTPUT_ORDER: ("OUTPUT ORDER", None),
    HitPolicy.COLLECT: ("COLLECT", None),
    HitPolicy.COLLECT_SUM: ("COLLECT", "SUM"),
    HitPolicy.COLLECT_MIN: ("COLLECT", "MIN"),
    HitPolicy.COLLECT_MAX: ("COLLECT", "MAX"),
    HitPolicy.COLLECT_COUNT: ("COLLECT", "COUNT"),
}
EXTRA_COLUMNS = ("Bron", "Motivering", "Toon bij", "Annotatie")

ET.register_namespace("", DMN_NS)
ET.register_namespace("nareis", NAREIS_NS)


def _d(tag: str) -> str:
    return f"{{{DMN_NS}}}{tag}"


def _n(tag: str) -> str:
    return f"{{{NAREIS_NS}}}{tag}"


def ncname(text: str) -> str:
    """An XML id (NCName) made of `text`: other characters become _, and it starts with a letter."""
    cleaned = re.sub(r"[^A-Za-z0-9_.\-]", "_", text)
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else f"_{cleaned}"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    for value in (text or "", *attributes.values()):
        bad = _NOT_XML.search(value)
        if bad:
            raise ExportError(
                f"the text {value[:60]!r} holds the control character U+{ord(bad.group()):04X}, which XML cannot "
                "carry; remove it from the workbook"
            )
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _extension(parent: ET.Element) -> ET.Element:
    """The element's extensionElements: after its description, before anything else (as the XSD orders them)."""
    existing = parent.find(_d("extensionElements"))
    if existing is not None:
        return existing
    element = ET.Element(_d("extensionElements"))
    index = 1 if parent.find(_d("description")) is not None else 0
    parent.insert(index, element)
    return element


class ExportError(NareisError):
    """The tables cannot be written as DMN (they do not load)."""


def export_dmn(directory: Path, rule_base: RuleBase | None = None) -> bytes:
    """The workbooks in `directory` as a DMN 1.5 model; `rule_base` is theirs when already loaded. Raises
    WorkbookProblems when they do not load."""
    rule_base = rule_base or load_directory(directory)
    books = [read_workbook(path) for path in workbook_paths(directory)]
    return _Exporter(rule_base, books).xml()


class _Exporter:
    def __init__(self, rule_base: RuleBase, books: list[Workbook]) -> None:
        self.rule_base = rule_base
        self.books = books
        self.types = {name: fact.type for name, fact in rule_base.glossary.items()}
        self.table_names = self._decision_names()
        self.producer: dict[str, str] = {}  # fact -> id of the decision that sets it
        self.path: dict[str, str] = {}  # fact -> its FEEL name (a path into a multi-output decision)
        for table in rule_base.tables:
            for fact in table.output_facts:
                self.producer[fact] = self._table_id(table)
                if len(table.output_facts) > 1:
                    self.path[fact] = f"{self.table_names[table.name]}.{fact}"
        for calculation in rule_base.calculations:
            self.producer[calculation.fact] = f"c_{calculation.fact}"
        self.feel = FeelWriter(self.types, lambda fact: self.path.get(fact, fact))
        self.names = {fact: fact for fact in self.types} | {path: fact for fact, path in self.path.items()}

    def _decision_names(self) -> dict[str, str]:
        """A decision's name is its variable's: the output fact for a table with one output, else the table's
        name made into a FEEL name (its outputs are then read as `name.fact`)."""
        names: dict[str, str] = {}
        taken = set(self.rule_base.glossary)
        for table in self.rule_base.tables:
            if len(table.output_facts) == 1:
                names[table.name] = table.output_facts[0]
                continue
            base = re.sub(r"[^a-z0-9]+", "_", table.name.lower()).strip("_") or "tabel"
            name, suffix = base, 2
            while name in taken:
                name, suffix = f"{base}_{suffix}", suffix + 1
            taken.add(name)
            names[table.name] = name
        return names

    def _table_id(self, table: DecisionTable) -> str:
        return "d_" + ncname(self.table_names[table.name])

    # ---- the model

    def xml(self) -> bytes:
        root = ET.Element(
            _d("definitions"),
            {
                "id": "nareis_beslistabellen",
                "name": "nareis beslistabellen",
                "namespace": "urn:nareis:beslistabellen",
                "expressionLanguage": FEEL_NS,
                "typeLanguage": FEEL_NS,
                "exporter": "nareis",
                "exporterVersion": version("nareis"),
            },
        )
        self._workbooks(_sub(_extension(root), _n("werkmappen")))
        elements: list[DecisionTable | Calculated] = [*self.rule_base.tables, *self.rule_base.calculations]
        used_inputs = sorted(
            {fact for element in elements for fact in self._reads(element) if fact not in self.producer}
            | {name for name, fact in self.rule_base.glossary.items() if fact.is_input}
        )
        for name in sorted(self.rule_base.glossary):
            self._item_definition(root, name)
        for name in used_inputs:
            self._input_data(root, name)
        for table in self.rule_base.tables:
            self._table(root, table)
        for calculation in self.rule_base.calculations:
            self._calculation(root, calculation)
        ET.indent(root, space="  ")
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode() + b"\n"

    def _type_ref(self, fact: str) -> str:
        fact_type = self.types[fact]
        if fact_type.kind is Kind.KEUZE or fact_type.is_list:
            return f"t_{fact}"
        return FEEL_TYPES[fact_type.kind]

    def _item_definition(self, root: ET.Element, name: str) -> None:
        fact_type = self.types[name]
        if fact_type.kind is not Kind.KEUZE and not fact_type.is_list:
            return
        attributes = {"id": f"t_{name}", "name": f"t_{name}"}
        if fact_type.is_list:
            attributes["isCollection"] = "true"
        item = _sub(root, _d("itemDefinition"), **attributes)
        _sub(item, _d("typeRef"), FEEL_TYPES[fact_type.kind])
        if fact_type.kind is Kind.KEUZE:
            # as exported: an import sees whether a modeller changed them (they live in Begrippen, not here)
            _sub(_extension(item), _n("waarden"), _values(fact_type))
            allowed = _sub(item, _d("allowedValues"))
            _sub(allowed, _d("text"), _values(fact_type))

    def _input_data(self, root: ET.Element, name: str) -> None:
        fact = self.rule_base.glossary[name]
        element = _sub(root, _d("inputData"), id=f"i_{ncname(name)}", name=name)
        if fact.description:
            _sub(element, _d("description"), fact.description)
        _sub(_extension(element), _n("begrip"), entiteit=fact.entity)
        _sub(element, _d("variable"), id=f"i_{ncname(name)}_var", name=name, typeRef=self._type_ref(name))

    def _reads(self, element: DecisionTable | Calculated) -> list[str]:
        return sorted(element.reads() if isinstance(element, DecisionTable) else element.reads)

    def _requirements(self, decision: ET.Element, reads: Iterable[str], own: str) -> None:
        seen: set[str] = set()
        for fact in reads:
            target = self.producer.get(fact)
            href = f"#{target}" if target else f"#i_{ncname(fact)}"
            if target == own or href in seen:
                continue
            seen.add(href)
            requirement = _sub(decision, _d("informationRequirement"), id=f"{own}_ir_{len(seen)}")
            _sub(requirement, _d("requiredDecision" if target else "requiredInput"), href=href)

    def _table(self, root: ET.Element, table: DecisionTable) -> None:
        own = self._table_id(table)
        name = self.table_names[table.name]
        decision = _sub(root, _d("decision"), id=own, name=name, label=table.name)
        if table.description:
            _sub(decision, _d("description"), table.description)
        sheet = self._sheet(table.workbook, table.sheet)
        header = next(r for r in sorted(sheet.rows) if sheet.text(r, 1) == "Regel")
        columns = _column_positions(sheet, header)
        info = _sub(
            _extension(decision),
            _n("tabel"),
            naam=table.name,
            entiteit=table.entity,
            bron=table.source,
            werkmap=table.workbook,
            blad=table.sheet,
            koprij=str(header),
        )
        for column, (kind, fact) in sorted(columns.items()):
            _sub(info, _n("kolom"), nr=str(column), soort=kind, **({"begrip": fact} if fact else {}))
        if len(table.output_facts) == 1:
            _sub(decision, _d("variable"), id=f"{own}_var", name=name, typeRef=self._type_ref(table.output_facts[0]))
        else:
            _sub(decision, _d("variable"), id=f"{own}_var", name=name)
        self._requirements(decision, self._reads(table), own)
        policy, aggregation = HIT_POLICIES[table.hit_policy]
        attributes = {"id": f"{own}_dt", "hitPolicy": policy}
        if aggregation:
            attributes["aggregation"] = aggregation
        if len(table.output_facts) > 1:
            attributes["outputLabel"] = name
        element = _sub(decision, _d("decisionTable"), **attributes)
        for index, fact in enumerate(table.input_facts, start=1):
            clause = _sub(element, _d("input"), id=f"{own}_in{index}", label=fact)
            expression = _sub(clause, _d("inputExpression"), id=f"{own}_in{index}_expr", typeRef=self._scalar(fact))
            _sub(expression, _d("text"), self.feel.reference(fact))
            if self.types[fact].kind is Kind.KEUZE and not self.types[fact].is_list:
                _sub(_sub(clause, _d("inputValues")), _d("text"), _values(self.types[fact]))
        for index, fact in enumerate(table.output_facts, start=1):
            # DMN names an output only in a table with several: the value of a one-output table is the decision's
            named = {"name": fact} if len(table.output_facts) > 1 else {}
            clause = _sub(element, _d("output"), id=f"{own}_out{index}", **named, typeRef=self._scalar(fact))
            if self.types[fact].kind is Kind.KEUZE:
                _sub(_sub(clause, _d("outputValues")), _d("text"), _values(self.types[fact]))
        extras = [kind for kind in EXTRA_COLUMNS if any(k == kind for k, _ in columns.values())]
        show = f"Toon bij {table.show_fact}" if table.show_fact else "Toon bij"
        for kind in ["Regel", *extras]:
            _sub(element, _d("annotation"), name=show if kind == "Toon bij" else kind)
        extra_columns = {kind: column for column, (kind, _) in columns.items() if kind in EXTRA_COLUMNS}
        input_columns = [c for c, (kind, _) in sorted(columns.items()) if kind == "Invoer"]
        output_columns = [c for c, (kind, _) in sorted(columns.items()) if kind == "Uitvoer"]
        used_ids: set[str] = set()
        for rule in table.rules:
            rule_id = ncname(f"r_{rule.rule_id}")
            while rule_id in used_ids:
                rule_id += "_"
            used_ids.add(rule_id)
            row = _sub(element, _d("rule"), id=rule_id)
            rule_info = _sub(_extension(row), _n("regel"), rij=str(rule.row))
            known = {1, *columns}
            for column, cell in sorted(sheet.rows.get(rule.row, {}).items()):
                if column not in known:
                    _sub(rule_info, _n("cel"), cell.text, kolom=str(column))
            entries: list[tuple[str, int, str, Kind, bool]] = [
                ("inputEntry", column, self.feel.unary(entry.test), self.types[entry.fact].kind, True)
                for entry, column in zip(rule.inputs, input_columns, strict=True)
            ] + [
                ("outputEntry", column, self.feel.top(output.expression), self.types[output.fact].kind, False)
                for output, column in zip(rule.outputs, output_columns, strict=True)
            ]
            for tag, column, feel, entry_kind, is_test in entries:
                _sub(_sub(row, _d(tag)), _d("text"), feel)
                written = sheet.text(rule.row, column)
                if _read_back(feel, self.names, entry_kind, is_test) != written:
                    # the cell as written (`2 jaar`, an empty cell, a keuze in quotes), for the way back
                    _sub(rule_info, _n("cel"), written, kolom=str(column), feel=feel)
            for kind in ["Regel", *extras]:
                text = rule.rule_id if kind == "Regel" else sheet.text(rule.row, extra_columns[kind])
                _sub(_sub(row, _d("annotationEntry")), _d("text"), text)
        missing = sorted(
            set().union(*(outside_feel(e.test) for r in table.rules for e in r.inputs))
            | set().union(*(outside_feel(o.expression) for r in table.rules for o in r.outputs))
        )
        if missing:
            info.set("buiten_feel", ", ".join(missing))

    def _calculation(self, root: ET.Element, calculation: Calculated) -> None:
        own = f"c_{calculation.fact}"
        decision = _sub(root, _d("decision"), id=own, name=calculation.fact)
        info = _sub(
            _extension(decision),
            _n("berekening"),
            werkmap=calculation.location.workbook,
            blad=calculation.location.sheet,
            rij=str(calculation.row),
            formule=calculation.text,
            bron=calculation.source,
        )
        missing = sorted(outside_feel(calculation.expression))
        if missing:
            info.set("buiten_feel", ", ".join(missing))
        _sub(decision, _d("variable"), id=f"{own}_var", name=calculation.fact, typeRef=self._type_ref(calculation.fact))
        self._requirements(decision, self._reads(calculation), own)
        literal = _sub(decision, _d("literalExpression"), id=f"{own}_expr", typeRef=self._type_ref(calculation.fact))
        feel = self.feel.top(calculation.expression)
        info.set("feel", feel)
        _sub(literal, _d("text"), feel)

    def _scalar(self, fact: str) -> str:
        """The type of one entry of a column: the element type of a list (a collect table's output)."""
        fact_type = self.types[fact]
        if fact_type.kind is Kind.KEUZE:
            return f"t_{fact}" if not fact_type.is_list else FEEL_TYPES[Kind.KEUZE]
        return FEEL_TYPES[fact_type.kind] if not fact_type.is_list else f"t_{fact}"

    # ---- every sheet, as the workbooks hold it

    def _sheet(self, workbook: str, name: str) -> Sheet:
        book = next(b for b in self.books if b.name == workbook)
        return next(s for s in book.sheets if s.name == name)

    def _workbooks(self, parent: ET.Element) -> None:
        tables = {(t.workbook, t.sheet): t for t in self.rule_base.tables}
        for book in self.books:
            element = _sub(parent, _n("werkmap"), naam=book.name)
            for sheet in book.sheets:
                table = tables.get((book.name, sheet.name))
                attributes = {"naam": sheet.name}
                if table is not None:
                    attributes["beslissing"] = self._table_id(table)
                blad = _sub(element, _n("blad"), **attributes)
                if table is None:
                    _raster(blad, sheet, list(sheet.rows))
                else:
                    # the rule rows are in the decision table; every other cell (key/value pairs, header) is here
                    rule_rows = {rule.row for rule in table.rules}
                    _raster(blad, sheet, [r for r in sheet.rows if r not in rule_rows])


def _raster(parent: ET.Element, sheet: Sheet, rows: Collection[int]) -> None:
    for row in sorted(rows):
        element = _sub(parent, _n("rij"), nr=str(row))
        for column, cell in sorted(sheet.rows[row].items()):
            _sub(element, _n("cel"), cell.text, kolom=str(column))


def _column_positions(sheet: Sheet, header: int) -> dict[int, tuple[str, str]]:
    """Column -> (kind, fact) of a table's header, as the loader reads it."""
    columns: dict[int, tuple[str, str]] = {}
    for column in sorted(sheet.rows[header]):
        if column == 1:
            continue
        kind = sheet.text(header, column).capitalize()
        fact = sheet.text(header + 1, column) if kind in ("Invoer", "Uitvoer", "Toon bij") else ""
        columns[column] = (kind, fact)
    return columns


def _read_back(feel: str, names: dict[str, str], kind: Kind | None, is_test: bool) -> str | None:
    try:
        return unary_tests_to_cell(feel, names, kind) if is_test else expression_to_cell(feel, names, kind)
    except FeelError:
        return None


def _values(fact_type: FactType) -> str:
    return ",".join(feel_string(value) for value in fact_type.values)
