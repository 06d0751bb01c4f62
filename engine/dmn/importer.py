"""A DMN XML model (bytes) -> workbooks like those in decision_tables/ (name -> .xlsx bytes), or every reason why not.

Two kinds of model come in. One that nareis wrote (`nareis export-dmn`) carries its workbooks in its extension
elements: every sheet comes back as it was, and each decision table is written from the model's decisionTable, so
that a table edited in a DMN modeller (a rule, a hit policy, an entry) comes back edited; an entry the modeller did
not touch keeps the text it had in the workbook. Any other model becomes one workbook: a Begrippen sheet made of its
inputData and decision outputs (all of entity aanvraag) and one sheet per decision table. What cannot be imported is
named with its element and id and the reason, in Dutch; nothing is written then.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from openpyxl import Workbook as XlsxWorkbook

from engine.dmn import DMN_NS, NAREIS_NS
from engine.dmn.feel import FeelError, expression_to_cell, fact_name, unary_tests_to_cell
from engine.errors import EXIT_CASE, NareisError
from engine.model import HitPolicy
from engine.types import Kind

_POLICIES = {
    ("UNIQUE", None): HitPolicy.UNIQUE,
    ("ANY", None): HitPolicy.ANY,
    ("PRIORITY", None): HitPolicy.PRIORITY,
    ("FIRST", None): HitPolicy.FIRST,
    ("RULE ORDER", None): HitPolicy.RULE_ORDER,
    ("OUTPUT ORDER", None): HitPolicy.OUTPUT_ORDER,
    ("COLLECT", None): HitPolicy.COLLECT,
    ("COLLECT", "SUM"): HitPolicy.COLLECT_SUM,
    ("COLLECT", "MIN"): HitPolicy.COLLECT_MIN,
    ("COLLECT", "MAX"): HitPolicy.COLLECT_MAX,
    ("COLLECT", "COUNT"): HitPolicy.COLLECT_COUNT,
}
_POLICY_WORDS = "UNIQUE, FIRST, PRIORITY, ANY, COLLECT, RULE ORDER, OUTPUT ORDER"
_AGGREGATIONS = "SUM, COUNT, MIN, MAX"
_FEEL_KINDS = {
    "boolean": Kind.JA_NEE,
    "number": Kind.GETAL,
    "string": Kind.TEKST,
    "date": Kind.DATUM,
    "duration": Kind.DUUR,
    "years and months duration": Kind.DUUR,
    "days and time duration": Kind.DUUR,
    "yearMonthDuration": Kind.DUUR,
    "dayTimeDuration": Kind.DUUR,
}
_KIND_WORDS = {
    Kind.JA_NEE: "ja/nee",
    Kind.GETAL: "getal",
    Kind.BEDRAG: "bedrag",
    Kind.TEKST: "tekst",
    Kind.KEUZE: "keuze",
    Kind.DATUM: "datum",
    Kind.DUUR: "duur",
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_DMN_BYTES = 50_000_000


def _d(tag: str) -> str:
    return f"{{{DMN_NS}}}{tag}"


def _n(tag: str) -> str:
    return f"{{{NAREIS_NS}}}{tag}"


class DmnUnreadable(NareisError):
    """The file is no DMN model nareis can read at all: not XML, a DTD or entities, another namespace."""

    exit_code = EXIT_CASE


class DmnImportProblems(NareisError):
    """The model is DMN, but some of its elements cannot become workbooks: each is named with the reason."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        count = len(problems)
        verb = "element kan" if count == 1 else "elementen kunnen"
        header = f"{source}: {count} {verb} niet worden ingelezen:"
        super().__init__("\n".join([header, *problems]))


Grid = dict[tuple[int, int], str]  # (row, column) -> cell text


@dataclass
class WorkbookGrid:
    name: str
    sheets: list[tuple[str, Grid]] = field(default_factory=list)


def parse_dmn(data: bytes, source: str) -> ET.Element:
    """The root `definitions` element. DTDs and entities are refused before anything is expanded."""
    if len(data) > MAX_DMN_BYTES:
        raise DmnUnreadable(f"{source}: het bestand is groter dan {MAX_DMN_BYTES} bytes")
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise DmnUnreadable(
            f"{source}: het bestand bevat een DTD of entiteiten (<!DOCTYPE ...> of <!ENTITY ...>); die worden "
            "geweigerd, omdat ze bestanden kunnen laten inlezen of het geheugen kunnen laten vollopen"
        ) from None
    except ET.ParseError as error:
        raise DmnUnreadable(f"{source}: geen geldige XML ({error})") from None
    if root.tag != _d("definitions"):
        raise DmnUnreadable(
            f"{source}: geen DMN 1.5-model: het hoofdelement moet definitions zijn in de namespace {DMN_NS} "
            f"(gevonden: {root.tag})"
        )
    return root


def import_dmn(data: bytes, source: str) -> dict[str, bytes]:
    """The workbooks (file name -> .xlsx bytes) of a DMN model. Raises DmnUnreadable or DmnImportProblems."""
    root = parse_dmn(data, source)
    books = _Importer(root, source).workbooks()
    return {book.name: xlsx_bytes(book) for book in books}


def xlsx_bytes(book: WorkbookGrid) -> bytes:
    workbook = XlsxWorkbook()
    workbook.remove(workbook.active)
    for name, grid in book.sheets:
        sheet = workbook.create_sheet(name)
        for (row, column), text in sorted(grid.items()):
            cell = sheet.cell(row=row, column=column)
            cell.value = text
            cell.data_type = "s"  # never a formula, whatever the text starts with
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _describe(element: ET.Element) -> str:
    tag = element.tag.rsplit("}", 1)[-1]
    name = element.get("name") or element.get("label")
    named = f' "{name}"' if name else ""
    return f"{tag}{named} (id {element.get('id') or '?'})"


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    found = element.find(_d("text"))
    return (found.text or "") if found is not None else ""


@dataclass
class _Fact:
    name: str
    kind: Kind
    values: tuple[str, ...] = ()
    is_list: bool = False
    description: str = ""
    is_input: bool = True

    def type_text(self) -> str:
        text = _KIND_WORDS[self.kind]
        return f"lijst van {text}" if self.is_list else text


class _Importer:
    def __init__(self, root: ET.Element, source: str) -> None:
        self.root = root
        self.source = source
        self.problems: list[str] = []
        self.current: ET.Element | None = None  # the decision whose table is being read
        self.items = {item.get("name", ""): item for item in root.findall(_d("itemDefinition"))}

    def fail(self, element: ET.Element, reason: str) -> None:
        where = _describe(element)
        if element.tag == _d("rule") and self.current is not None:
            where += f" van {_describe(self.current)}"
        self.problems.append(f"{where}: {reason}")

    def workbooks(self) -> list[WorkbookGrid]:
        extension = self.root.find(f"{_d('extensionElements')}/{_n('werkmappen')}")
        books = self._nareis(extension) if extension is not None else self._foreign()
        if self.problems:
            raise DmnImportProblems(self.source, self.problems)
        return books

    # ---- names and types

    def _decisions(self) -> Iterator[ET.Element]:
        yield from self.root.findall(_d("decision"))

    def _kind(self, element: ET.Element, type_ref: str | None, collection: bool = False) -> _Fact | None:
        """The type a typeRef names, as a fact (name filled in later); None after reporting why not."""
        if not type_ref:
            self.fail(element, "typeRef ontbreekt: zonder type kan nareis het begrip niet in Begrippen opnemen")
            return None
        if type_ref in _FEEL_KINDS:
            return _Fact("", _FEEL_KINDS[type_ref], is_list=collection)
        item = self.items.get(type_ref)
        if item is None:
            self.fail(element, f'typeRef "{type_ref}" is geen FEEL-type en geen itemDefinition van dit model')
            return None
        if item.find(_d("itemComponent")) is not None or item.find(_d("functionItem")) is not None:
            self.fail(item, "een samengesteld type (itemComponent) of functietype kent de celtaal niet")
            return None
        base = item.find(_d("typeRef"))
        inner = self._kind(item, base.text if base is not None else None, item.get("isCollection") == "true")
        if inner is None:
            return None
        allowed = item.find(_d("allowedValues"))
        if allowed is not None:
            values = self._values(item, _text(allowed))
            if values is None:
                return None
            if inner.kind is not Kind.TEKST:
                self.fail(item, "allowedValues kan nareis alleen lezen bij een string (als keuze)")
                return None
            inner = _Fact("", Kind.KEUZE, values, inner.is_list)
        inner.is_list = inner.is_list or collection
        return inner

    def _values(self, element: ET.Element, text: str) -> tuple[str, ...] | None:
        values = re.findall(r'"((?:[^"\\]|\\.)*)"', text)
        rest = re.sub(r'"((?:[^"\\]|\\.)*)"|,|\s', "", text)
        bad = [v for v in values if not re.fullmatch(r"[a-z][a-z0-9_]*", v)]
        if rest or not values or bad:
            self.fail(
                element,
                f'toegestane waarden "{text}" kent nareis niet: schrijf ze als "a","b", elk met kleine letters, '
                "cijfers en _" + (f" (niet: {', '.join(bad)})" if bad else ""),
            )
            return None
        return tuple(values)

    # ---- a model nareis wrote

    def _nareis(self, extension: ET.Element) -> list[WorkbookGrid]:
        by_id = {d.get("id"): d for d in self._decisions()}
        names: dict[str, str] = {}
        for element in self.root.iter():
            if element.tag in (_d("inputData"), _d("decision")) and element.get("name"):
                names[element.get("name", "")] = element.get("name", "")
            if element.tag == _d("output") and element.get("name"):
                names[element.get("name", "")] = element.get("name", "")
        for decision in by_id.values():
            table = decision.find(_d("decisionTable"))
            if table is not None and table.get("outputLabel"):
                for output in table.findall(_d("output")):
                    names[f"{decision.get('name')}.{output.get('name')}"] = output.get("name", "")
        placed: set[str] = set()
        books = []
        for werkmap in extension.findall(_n("werkmap")):
            book = WorkbookGrid(werkmap.get("naam", ""))
            for blad in werkmap.findall(_n("blad")):
                grid: Grid = {
                    (int(rij.get("nr", "0")), int(cel.get("kolom", "0"))): cel.text or ""
                    for rij in blad.findall(_n("rij"))
                    for cel in rij.findall(_n("cel"))
                }
                decision_id = blad.get("beslissing")
                if decision_id:
                    placed.add(decision_id)
                    target = by_id.get(decision_id)
                    if target is None:
                        self.problems.append(
                            f'werkmap {book.name}, blad "{blad.get("naam")}": de beslissing {decision_id} staat '
                            "niet in het model"
                        )
                        continue
                    self._nareis_table(target, grid, names)
                book.sheets.append((blad.get("naam", ""), grid))
            books.append(book)
        for decision_id, decision in by_id.items():
            calculation = decision.find(f"{_d('extensionElements')}/{_n('berekening')}")
            if calculation is not None:
                if _text(decision.find(_d("literalExpression"))) != calculation.get("feel"):
                    self.fail(
                        decision,
                        "de formule is in het DMN-model gewijzigd, maar nareis leest een berekening uit de werkmap "
                        f"(blad {calculation.get('blad')}, rij {calculation.get('rij')}): wijzig haar daar",
                    )
            elif decision_id not in placed:
                self._refuse_other(decision, nareis=True)
        for item in self.items.values():
            exported = item.find(f"{_d('extensionElements')}/{_n('waarden')}")
            if exported is not None and _text(item.find(_d("allowedValues"))) != (exported.text or ""):
                self.fail(
                    item,
                    "de toegestane waarden zijn in het DMN-model gewijzigd, maar nareis leest ze uit de werkmap "
                    "(blad Begrippen, kolom Waarden): wijzig ze daar",
                )
        return books

    def _nareis_table(self, decision: ET.Element, grid: Grid, names: dict[str, str]) -> None:
        self.current = decision
        table = decision.find(_d("decisionTable"))
        info = decision.find(f"{_d('extensionElements')}/{_n('tabel')}")
        if table is None or info is None:
            self._refuse_other(decision, nareis=True)
            return
        policy = self._policy(table)
        if policy is None:
            return
        for (row, col), cell_text in list(grid.items()):
            if col == 1 and cell_text == "Hitbeleid":
                policy_cell = grid.get((row, 2), "")
                if policy_cell.upper().replace("_", " ") not in (policy.value, _long_name(policy)):
                    grid[(row, 2)] = policy.value
        header = int(info.get("koprij", "0"))
        columns = [(int(k.get("nr", "0")), k.get("soort", ""), k.get("begrip", "")) for k in info.findall(_n("kolom"))]
        inputs = [c for c, kind, _ in columns if kind == "Invoer"]
        outputs = [c for c, kind, _ in columns if kind == "Uitvoer"]
        kinds = {kind: c for c, kind, _ in columns if kind in ("Bron", "Motivering", "Toon bij", "Annotatie")}
        input_clauses = table.findall(_d("input"))
        output_clauses = table.findall(_d("output"))
        if len(input_clauses) != len(inputs) or len(output_clauses) != len(outputs):
            self.fail(
                decision,
                "de invoer- en uitvoerkolommen verschillen van de kolommen die nareis bij de export vastlegde; "
                "voeg een kolom toe in de werkmap, niet in het DMN-model",
            )
            return
        input_kinds = [self._clause_kind(clause) for clause in input_clauses]
        output_kinds = [self._clause_kind(clause) for clause in output_clauses]
        annotation_columns = []
        for annotation in table.findall(_d("annotation")):
            label = annotation.get("name", "")
            label_kind = "Toon bij" if label.startswith("Toon bij") else label
            annotation_columns.append(1 if label_kind == "Regel" else kinds.get(label_kind))
        rules = table.findall(_d("rule"))
        rows = [self._rule_row(rule) for rule in rules]
        if any(r <= header + 1 for r in rows) or rows != sorted(set(rows)):
            rows = list(range(header + 2, header + 2 + len(rules)))
        for rule, row in zip(rules, rows, strict=True):
            written = self._written(rule)
            entries = rule.findall(_d("inputEntry"))
            results = rule.findall(_d("outputEntry"))
            if len(entries) != len(inputs) or len(results) != len(outputs):
                self.fail(rule, "het aantal invoer- of uitvoercellen van deze regel klopt niet met de tabel")
                continue
            cells: Grid = {}
            facts = {c: fact for c, _, fact in columns}
            for entry, at, entry_kind in zip(entries, inputs, input_kinds, strict=True):
                where = f"invoer {facts[at]}"
                cells[(row, at)] = self._cell(rule, entry, written.get(at), names, entry_kind, where)
            for result, at, entry_kind in zip(results, outputs, output_kinds, strict=True):
                where = f"uitvoer {facts[at]}"
                cells[(row, at)] = self._cell(rule, result, written.get(at), names, entry_kind, where)
            for annotation, place in zip(rule.findall(_d("annotationEntry")), annotation_columns, strict=False):
                if place is not None:
                    cells[(row, place)] = _text(annotation)
            for at, (_, stray) in written.items():
                if (row, at) not in cells:
                    cells[(row, at)] = stray
            grid.update({key: text for key, text in cells.items() if text})

    def _rule_row(self, rule: ET.Element) -> int:
        info = rule.find(f"{_d('extensionElements')}/{_n('regel')}")
        try:
            return int(info.get("rij", "0")) if info is not None else 0
        except ValueError:
            return 0

    def _written(self, rule: ET.Element) -> dict[int, tuple[str | None, str]]:
        """The cells of the rule's row as the workbook had them: column -> (FEEL exported, text)."""
        info = rule.find(f"{_d('extensionElements')}/{_n('regel')}")
        if info is None:
            return {}
        return {int(cel.get("kolom", "0")): (cel.get("feel"), cel.text or "") for cel in info.findall(_n("cel"))}

    def _cell(
        self,
        rule: ET.Element,
        entry: ET.Element,
        written: tuple[str | None, str] | None,
        names: dict[str, str],
        kind: Kind | None,
        where: str,
    ) -> str:
        feel = _text(entry)
        if written is not None and written[0] is not None and written[0] == feel:
            return written[1]  # untouched since the export: the cell as it was written
        try:
            if where.startswith("invoer"):
                return unary_tests_to_cell(feel, names, kind)
            return expression_to_cell(feel, names, kind)
        except FeelError as error:
            self.fail(rule, f"{where}: {error}")
            return ""

    def _clause_kind(self, clause: ET.Element) -> Kind | None:
        expression = clause.find(_d("inputExpression"))
        type_ref = (expression if expression is not None else clause).get("typeRef", "")
        if clause.find(_d("inputValues")) is not None or clause.find(_d("outputValues")) is not None:
            return Kind.KEUZE
        item = self.items.get(type_ref)
        if item is not None and item.find(_d("allowedValues")) is not None:
            return Kind.KEUZE
        return _FEEL_KINDS.get(type_ref)

    def _policy(self, table: ET.Element) -> HitPolicy | None:
        policy_text = table.get("hitPolicy", "UNIQUE")
        aggregation = table.get("aggregation")
        policy = _POLICIES.get((policy_text, aggregation))
        if policy is None:
            if (policy_text, None) not in _POLICIES:
                self.fail(table, f'onbekend hitbeleid "{policy_text}"; DMN kent {_POLICY_WORDS}')
            elif policy_text != "COLLECT":
                self.fail(table, f'aggregation "{aggregation}" hoort alleen bij hitbeleid COLLECT')
            else:
                self.fail(table, f'onbekende aggregation "{aggregation}"; DMN kent {_AGGREGATIONS}')
        return policy

    def _refuse_other(self, decision: ET.Element, nareis: bool = False) -> None:
        if decision.find(_d("literalExpression")) is not None:
            self.fail(
                decision,
                "een beslissing met een literal expression (geen beslistabel) kan nareis niet inlezen; "
                "maak er een beslistabel van",
            )
            return
        children = [c.tag.rsplit("}", 1)[-1] for c in decision if c.tag.startswith(f"{{{DMN_NS}}}")]
        logic = [c for c in children if c not in _DECISION_PARTS]
        if logic:
            self.fail(decision, f"een beslissing met een {logic[0]} (geen beslistabel) kan nareis niet inlezen")
        elif decision.find(_d("decisionTable")) is None:
            self.fail(decision, "deze beslissing heeft geen beslislogica (geen decisionTable)")
        elif nareis:
            self.fail(decision, "deze beslistabel mist de nareis-gegevens (werkmap, blad, kolommen)")

    # ---- any other DMN model

    def _foreign(self) -> list[WorkbookGrid]:
        facts: dict[str, _Fact] = {}
        names: dict[str, str] = {}  # FEEL name -> fact name

        def define(element: ET.Element, dmn_name: str, fact: _Fact | None) -> None:
            try:
                name = fact_name(dmn_name)
            except FeelError as error:
                self.fail(element, str(error))
                return
            if fact is None:
                return
            if name in facts:
                self.fail(element, f'de naam "{dmn_name}" wordt als begrip "{name}" al door een ander element gebruikt')
                return
            fact.name = name
            facts[name] = fact
            names[dmn_name] = name

        for element in self.root:
            tag = element.tag.rsplit("}", 1)[-1]
            if tag in ("businessKnowledgeModel", "decisionService"):
                self.fail(element, f"een {tag} kan nareis niet inlezen; alleen beslissingen met een beslistabel")
        for data in self.root.findall(_d("inputData")):
            variable = data.find(_d("variable"))
            fact = self._kind(data, (variable if variable is not None else data).get("typeRef"))
            if fact is not None:
                fact.description = (data.findtext(_d("description")) or "").strip()
            define(data, data.get("name", ""), fact)
        tables = []
        for decision in self._decisions():
            table = decision.find(_d("decisionTable"))
            if table is None:
                self._refuse_other(decision)
                continue
            policy = self._policy(table)
            if policy is None:
                continue
            outputs = table.findall(_d("output"))
            variable = decision.find(_d("variable"))
            output_facts = []
            for output in outputs:
                dmn_name = output.get("name") or (decision.get("name", "") if len(outputs) == 1 else "")
                if not dmn_name:
                    self.fail(output, "een uitvoer van een tabel met meer uitvoer heeft een name nodig")
                    continue
                type_ref = output.get("typeRef") or (
                    variable.get("typeRef") if variable is not None and len(outputs) == 1 else None
                )
                fact = self._kind(output, type_ref)
                if fact is not None:
                    values = output.find(_d("outputValues"))
                    if values is not None and fact.kind is Kind.TEKST:
                        allowed = self._values(output, _text(values))
                        if allowed is None:
                            continue
                        fact = _Fact("", Kind.KEUZE, allowed)
                    fact.is_input = False
                    fact.is_list = fact.is_list or policy.gives_list
                    if policy is HitPolicy.COLLECT_COUNT:
                        fact = _Fact("", Kind.GETAL, is_input=False)
                    fact.description = (decision.findtext(_d("description")) or "").strip()
                define(output, dmn_name, fact)
                if fact is not None and fact.name:
                    output_facts.append(fact.name)
                    if len(outputs) > 1:
                        names[f"{decision.get('name')}.{dmn_name}"] = fact.name
            tables.append((decision, table, policy, output_facts))
        book = WorkbookGrid(_book_name(self.root))
        book.sheets.append(("Begrippen", _glossary(facts)))
        used_sheets: set[str] = {"Begrippen"}
        for decision, table, policy, output_facts in tables:
            grid = self._foreign_table(decision, table, policy, output_facts, facts, names)
            if grid is not None:
                book.sheets.append((_sheet_name(decision, used_sheets), grid))
        return [book]

    def _foreign_table(
        self,
        decision: ET.Element,
        table: ET.Element,
        policy: HitPolicy,
        output_facts: list[str],
        facts: dict[str, _Fact],
        names: dict[str, str],
    ) -> Grid | None:
        self.current = decision
        name = decision.get("label") or decision.get("name") or decision.get("id") or ""
        source = f"DMN-model {self.source}, beslissing {decision.get('id') or name}"
        grid: Grid = {(1, 1): "Tabel", (1, 2): name, (2, 1): "Entiteit", (2, 2): "aanvraag"}
        grid |= {(3, 1): "Hitbeleid", (3, 2): policy.value, (4, 1): "Bron", (4, 2): source}
        description = (decision.findtext(_d("description")) or "").strip()
        if description:
            grid |= {(5, 1): "Omschrijving", (5, 2): description}
        input_facts = []
        for clause in table.findall(_d("input")):
            expression = _text(clause.find(_d("inputExpression"))).strip()
            if expression not in names:
                self.fail(
                    clause,
                    f'de invoerexpressie "{expression}" is geen naam van een inputData of beslissing; '
                    "een kolom van nareis toetst één begrip",
                )
                return None
            input_facts.append(names[expression])
        if len(output_facts) != len(table.findall(_d("output"))):
            return None
        annotations = [a.get("name", "") for a in table.findall(_d("annotation"))]
        header = 7
        column = 2
        layout: list[tuple[int, str, str]] = []
        for fact in input_facts:
            layout.append((column, "Invoer", fact))
            column += 1
        for fact in output_facts:
            layout.append((column, "Uitvoer", fact))
            column += 1
        extra = {"Bron": column}
        layout.append((column, "Bron", ""))
        column += 1
        for label in annotations:
            if label.lower() in ("regel", "bron"):
                continue
            kind = label if label in ("Motivering", "Annotatie") else None
            if kind is None or kind in extra:
                continue
            extra[kind] = column
            layout.append((column, kind, ""))
            column += 1
        if "Annotatie" not in extra:
            extra["Annotatie"] = column
            layout.append((column, "Annotatie", ""))
        grid[(header, 1)] = "Regel"
        for column, kind, fact in layout:
            grid[(header, column)] = kind
            if fact:
                grid[(header + 1, column)] = fact
        seen: set[str] = set()
        for number, rule in enumerate(table.findall(_d("rule")), start=1):
            row = header + 1 + number
            notes = dict(zip(annotations, (_text(a) for a in rule.findall(_d("annotationEntry"))), strict=False))
            rule_id = next((notes[k] for k in notes if k.lower() in ("regel", "rule", "id") and notes[k]), "")
            rule_id = rule_id or rule.get("id") or f"{decision.get('id')}-{number}"
            if rule_id in seen:
                rule_id = f"{rule_id}-{number}"
            seen.add(rule_id)
            grid[(row, 1)] = rule_id
            entries = rule.findall(_d("inputEntry"))
            results = rule.findall(_d("outputEntry"))
            if len(entries) != len(input_facts) or len(results) != len(output_facts):
                self.fail(rule, "het aantal invoer- of uitvoercellen van deze regel klopt niet met de tabel")
                continue
            for entry, (column, _, fact) in zip(entries, layout, strict=False):
                try:
                    text = unary_tests_to_cell(_text(entry), names, facts[fact].kind)
                except FeelError as error:
                    self.fail(rule, f"invoer {fact}: {error}")
                    continue
                if text != "-":
                    grid[(row, column)] = text
            for result, (column, _, fact) in zip(results, layout[len(input_facts) :], strict=False):
                try:
                    grid[(row, column)] = expression_to_cell(_text(result), names, facts[fact].kind)
                except FeelError as error:
                    self.fail(rule, f"uitvoer {fact}: {error}")
            grid[(row, extra["Bron"])] = next((notes[k] for k in notes if k.lower() == "bron" and notes[k]), source)
            for label, text in notes.items():
                target = extra.get(label) if label in ("Motivering", "Annotatie") else None
                if target is None and label.lower() not in ("regel", "rule", "id", "bron"):
                    target = extra["Annotatie"]
                    text = f"{label}: {text}" if text else ""
                if target is not None and text:
                    previous = grid.get((row, target))
                    grid[(row, target)] = f"{previous}; {text}" if previous else text
            description = (rule.findtext(_d("description")) or "").strip()
            if description:
                previous = grid.get((row, extra["Annotatie"]))
                grid[(row, extra["Annotatie"])] = f"{previous}; {description}" if previous else description
        return grid


_DECISION_PARTS = {
    "description",
    "extensionElements",
    "question",
    "allowedAnswers",
    "variable",
    "informationRequirement",
    "knowledgeRequirement",
    "authorityRequirement",
    "supportedObjective",
    "impactedPerformanceIndicator",
    "decisionMaker",
    "decisionOwner",
    "usingProcess",
    "usingTask",
}


def _long_name(policy: HitPolicy) -> str:
    return policy.name.replace("_", " ")


def _glossary(facts: dict[str, _Fact]) -> Grid:
    grid: Grid = {}
    for column, label in enumerate(("Begrip", "Entiteit", "Type", "Waarden", "Omschrijving", "Soort"), start=1):
        grid[(1, column)] = label
    for row, fact in enumerate(facts.values(), start=2):
        grid[(row, 1)] = fact.name
        grid[(row, 2)] = "aanvraag"
        grid[(row, 3)] = fact.type_text()
        if fact.values:
            grid[(row, 4)] = ", ".join(fact.values)
        if fact.description:
            grid[(row, 5)] = fact.description
        grid[(row, 6)] = "invoer" if fact.is_input else "afgeleid"
    return grid


def _book_name(root: ET.Element) -> str:
    name = re.sub(r"[^A-Za-z0-9_\-]+", "_", root.get("name", "") or "dmn_model").strip("_") or "dmn_model"
    return f"{name[:80]}.xlsx"


def _sheet_name(decision: ET.Element, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("_", decision.get("label") or decision.get("name") or decision.get("id") or "Tabel")
    base = base.strip("'")[:31] or "Tabel"
    name, number = base, 2
    while name.lower() in {u.lower() for u in used} or name in ("Uitleg", "Tests", "Berekeningen", "Geen regels"):
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name)
    return name
