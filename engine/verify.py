"""Check the rule base as a whole (who sets which fact, scopes, hit policies), order it into strata; find unused
facts and citations of paragraphs the WI does not have."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.errors import Location, NareisError, WorkbookError
from engine.findings import ERROR, WARNING, Finding, location_text
from engine.model import Calculated, DecisionTable, Fact, HitPolicy, RuleBase
from engine.types import Kind

Node = DecisionTable | Calculated
_ENTITY_NL = {"gezinslid": "een gezinslid", "aanvraag": "de aanvraag", "referent": "de referent"}


@dataclass(frozen=True)
class Order:
    tables: tuple[DecisionTable, ...]
    calculations: tuple[Calculated, ...]
    levels: dict[str, int]


def node_name(node: Node) -> str:
    return node.name if isinstance(node, DecisionTable) else node.fact


def verify(
    glossary: Mapping[str, Fact],
    tables: Sequence[DecisionTable],
    calculations: Sequence[Calculated],
    problems: list[NareisError],
) -> Order:
    """Append every problem found to `problems`; return tables and calculations in evaluation order."""
    loaded_cleanly = not problems  # a table that failed to load may be the one that sets a fact
    producers: dict[str, Node] = {}
    seen_tables: dict[str, DecisionTable] = {}
    seen_rules: dict[str, DecisionTable] = {}

    def problem(message: str, dutch: str, node: Node) -> None:
        problems.append(WorkbookError(message, node.location, dutch=dutch))

    for table in tables:
        if table.name in seen_tables:
            used = seen_tables[table.name].location
            problem(
                f'table name "{table.name}" is also used at {used}',
                f'de tabelnaam "{table.name}" wordt ook gebruikt in {location_text(used)}',
                table,
            )
        seen_tables[table.name] = table
        for rule in table.rules:
            if rule.rule_id in seen_rules:
                other = seen_rules[rule.rule_id]
                problems.append(
                    WorkbookError(
                        f'rule id "{rule.rule_id}" is also used in table "{other.name}" ({other.workbook}, '
                        f'sheet "{other.sheet}"); rule ids are unique across all workbooks',
                        rule.location,
                        dutch=f'regel-id "{rule.rule_id}" komt ook voor in tabel "{other.name}" (werkmap '
                        f'{other.workbook}, blad "{other.sheet}"); een regel-id is uniek over alle werkmappen',
                    )
                )
            seen_rules[rule.rule_id] = table
        _check_table(table, glossary, problems)
    all_nodes: list[Node] = [*tables, *calculations]
    for node in all_nodes:
        outputs = node.output_facts if isinstance(node, DecisionTable) else (node.fact,)
        for fact in outputs:
            if glossary[fact].is_input:
                problem(
                    f'{fact} is an input fact (Soort invoer) and cannot be set by "{node_name(node)}"; '
                    "make it afgeleid in Begrippen",
                    f'{fact} is invoer (Soort invoer) en kan niet gezet worden door "{node_name(node)}"; '
                    "maak het afgeleid in Begrippen",
                    node,
                )
            elif fact in producers:
                where = producers[fact].location
                problem(
                    f'{fact} is already set by "{node_name(producers[fact])}" at {where}; '
                    "every derived fact is set by one table or calculation",
                    f'{fact} wordt al gezet door "{node_name(producers[fact])}" in {location_text(where)}; '
                    "elk afgeleid begrip wordt door één tabel of berekening gezet",
                    node,
                )
            else:
                producers[fact] = node
    for calculation in calculations:
        _check_calculation(calculation, glossary, problems)
    for name, entry in glossary.items():
        if loaded_cleanly and not entry.is_input and name not in producers:
            problems.append(
                WorkbookError(
                    f"{name} is afgeleid but no table or calculation sets it; set it, or make it invoer",
                    entry.location,
                    dutch=f"{name} is afgeleid, maar geen tabel of berekening zet het; zet het, of maak het invoer",
                )
            )
    return _order(tables, calculations, producers, problems)


def _check_table(table: DecisionTable, glossary: Mapping[str, Fact], problems: list[NareisError]) -> None:
    def problem(message: str, dutch: str) -> None:
        problems.append(WorkbookError(message, table.location, dutch=dutch))

    policy = table.hit_policy
    for fact in table.output_facts:
        entity = glossary[fact].entity
        if (table.entity == "gezinslid") != (entity == "gezinslid"):
            problem(
                f"{fact} belongs to the {entity}; a table with Entiteit {table.entity} cannot set it",
                f"{fact} hoort bij {_ENTITY_NL[entity]}; een tabel met Entiteit {table.entity} kan het niet zetten",
            )
        fact_type = glossary[fact].type
        described = fact_type.describe()
        if policy.gives_list and not fact_type.is_list:
            problem(
                f"hit policy {policy.value} gives a list for every output, but {fact} is a "
                f"{described}; make it a lijst van {fact_type.kind.value}",
                f"hitbeleid {policy.value} geeft een lijst voor elke uitvoer, maar {fact} is van het type "
                f"{described}; maak het een lijst van {fact_type.kind.value}",
            )
        if not policy.gives_list and fact_type.is_list:
            problem(
                f"hit policy {policy.value} gives one value, but {fact} is a {described}",
                f"hitbeleid {policy.value} geeft één waarde, maar {fact} is van het type {described}",
            )
        if policy in (HitPolicy.COLLECT_SUM, HitPolicy.COLLECT_COUNT) and not fact_type.is_numeric:
            problem(
                f"hit policy {policy.value} gives a number, but {fact} is a {described}",
                f"hitbeleid {policy.value} geeft een getal, maar {fact} is van het type {described}",
            )
        if policy in (HitPolicy.COLLECT_MIN, HitPolicy.COLLECT_MAX) and not (
            fact_type.is_numeric or fact_type.kind is Kind.DATUM
        ):
            problem(
                f"hit policy {policy.value} needs numbers or dates, but {fact} is a {described}",
                f"hitbeleid {policy.value} werkt alleen met getallen of datums, maar {fact} is van het type "
                f"{described}",
            )
    if policy.aggregates and len(table.output_facts) != 1:
        problem(
            f"hit policy {policy.value} aggregates a single output; this table has {len(table.output_facts)}",
            f"hitbeleid {policy.value} voegt één uitvoer samen; deze tabel heeft er {len(table.output_facts)}",
        )
    if policy in (HitPolicy.PRIORITY, HitPolicy.OUTPUT_ORDER) and not any(
        glossary[f].type.kind is Kind.KEUZE for f in table.output_facts
    ):
        problem(
            f"hit policy {policy.value} ranks by the order of an output's allowed values: "
            "at least one output must be a keuze",
            f"hitbeleid {policy.value} rangschikt op de volgorde van de toegestane waarden van een uitvoer: "
            "minstens één uitvoer moet een keuze zijn",
        )
    show_reads = {table.show_fact} if table.show_fact else set()
    show_reads |= {f for rule in table.rules if rule.show_when for f in rule.show_when.reads}
    for fact in sorted(show_reads):
        if table.entity == "aanvraag" and glossary[fact].entity == "gezinslid":
            problem(
                f"Toon bij: {fact} belongs to a gezinslid; a table with Entiteit aanvraag can only show its "
                "motivations by a fact of the aanvraag or the referent",
                f"Toon bij: {fact} hoort bij een gezinslid; een tabel met Entiteit aanvraag kan haar motiveringen "
                "alleen tonen op grond van een begrip van de aanvraag of de referent",
            )
    if table.entity == "aanvraag":
        for fact in sorted(table.reads()):
            if glossary[fact].entity == "gezinslid":
                problem(
                    f"{fact} belongs to a gezinslid; a table with Entiteit aanvraag cannot read it "
                    "(use enig_gezinslid, elk_gezinslid or aantal_gezinsleden in a Berekening)",
                    f"{fact} hoort bij een gezinslid; een tabel met Entiteit aanvraag kan het niet lezen "
                    "(gebruik enig_gezinslid, elk_gezinslid of aantal_gezinsleden in een Berekening)",
                )


def _check_calculation(calculation: Calculated, glossary: Mapping[str, Fact], problems: list[NareisError]) -> None:
    if glossary[calculation.fact].entity != "gezinslid":
        for fact in sorted(calculation.reads):
            if glossary[fact].entity == "gezinslid":
                problems.append(
                    WorkbookError(
                        f"{fact} belongs to a gezinslid; {calculation.fact} belongs to the "
                        f"{glossary[calculation.fact].entity} and can read it only through enig_gezinslid, "
                        "elk_gezinslid or aantal_gezinsleden",
                        calculation.location,
                        dutch=f"{fact} hoort bij een gezinslid; {calculation.fact} hoort bij "
                        f"{_ENTITY_NL[glossary[calculation.fact].entity]} en kan het alleen lezen via enig_gezinslid, "
                        "elk_gezinslid of aantal_gezinsleden",
                    )
                )


def _order(
    tables: Sequence[DecisionTable],
    calculations: Sequence[Calculated],
    producers: Mapping[str, Node],
    problems: list[NareisError],
) -> Order:
    """Stratify: a node's level is one more than the highest level of the nodes that set what it reads."""
    nodes: list[Node] = [*tables, *calculations]
    depends: dict[str, list[Node]] = {}
    for node in nodes:
        reads = node.reads() if isinstance(node, DecisionTable) else node.reads | node.reads_of_others
        found = {node_name(producers[f]): producers[f] for f in reads if f in producers}
        depends[node_name(node)] = [found[n] for n in sorted(found)]
    levels: dict[str, int] = {}
    visiting: list[str] = []

    def level(node: Node) -> int:
        name = node_name(node)
        if name in levels:
            return levels[name]
        if name in visiting:
            cycle = [*visiting[visiting.index(name) :], name]
            raise _Cycle(cycle, node)
        visiting.append(name)
        result = 1 + max((level(d) for d in depends[name]), default=0)
        visiting.pop()
        levels[name] = result
        return result

    for node in nodes:
        try:
            level(node)
        except _Cycle as cycle:
            problems.append(
                WorkbookError(
                    "these tables and calculations depend on each other in a circle: "
                    + " -> ".join(cycle.names)
                    + "; split one of them so that a fact is never needed to derive itself",
                    cycle.node.location,
                    dutch="deze tabellen en berekeningen hangen in een kring van elkaar af: "
                    + " -> ".join(cycle.names)
                    + "; splits er één, zodat een begrip nooit nodig is om zichzelf af te leiden",
                )
            )
            return Order(tuple(tables), tuple(calculations), {})
    by_level = sorted(range(len(tables)), key=lambda i: (levels[tables[i].name], i))
    calc_order = sorted(range(len(calculations)), key=lambda i: (levels[calculations[i].fact], i))
    return Order(tuple(tables[i] for i in by_level), tuple(calculations[i] for i in calc_order), levels)


class _Cycle(Exception):
    def __init__(self, names: list[str], node: Node) -> None:
        self.names = names
        self.node = node
        super().__init__(" -> ".join(names))


# ---- findings on a loaded rule base (nareis check) ---------------------------------------------------------


def usage_findings(rule_base: RuleBase, used_elsewhere: frozenset[str]) -> list[Finding]:
    """Facts declared but never used: input facts nothing reads, derived facts set but never read.

    "Read" counts tables, calculations, motivations (their Jinja text) and the documents (`used_elsewhere`:
    the names the renderers' templates and code mention)."""
    read: set[str] = set()
    for table in rule_base.tables:
        read |= table.reads()
        for rule in table.rules:
            read |= set(_NAME_TOKEN.findall(rule.motivation))
    for calculation in rule_base.calculations:
        read |= calculation.reads | calculation.reads_of_others
    producer = {f: (f'tabel "{t.name}"', f'table "{t.name}"') for t in rule_base.tables for f in t.output_facts}
    producer |= {c.fact: ("een berekening", "a calculation") for c in rule_base.calculations}
    findings = []
    for name, fact in rule_base.glossary.items():
        if name in read or name in used_elsewhere or name in BUILT_IN_FACTS:
            continue
        if fact.is_input:
            findings.append(Finding("unused_input", WARNING, fact.location, {"fact": name}))
        else:
            findings.append(
                Finding(
                    "unused_derived",
                    WARNING,
                    fact.location,
                    {"fact": name, "producer": producer[name][0], "producer_en": producer[name][1]},
                )
            )
    return findings


def citation_findings(rule_base: RuleBase) -> list[Finding]:
    """Bron cells citing a paragraph that is not in WI 2026/11's table of contents."""
    from engine.coverage import PARAGRAPHS, cited_paragraphs

    known = {paragraph for paragraph, _ in PARAGRAPHS}
    findings = []

    def check(source: str, location: Location, what: str, what_en: str) -> None:
        for paragraph in cited_paragraphs(source):
            if paragraph not in known:
                findings.append(
                    Finding(
                        "unknown_paragraph",
                        ERROR,
                        location,
                        {"what": what, "what_en": what_en, "paragraph": paragraph},
                    )
                )

    for table in rule_base.tables:
        check(table.source, table.location, f'van tabel "{table.name}"', f'of table "{table.name}"')
        for rule in table.rules:
            check(rule.source, rule.location, f"van regel {rule.rule_id}", f"of rule {rule.rule_id}")
    for calculation in rule_base.calculations:
        check(
            calculation.source,
            calculation.location,
            f"van de berekening van {calculation.fact}",
            f"of the calculation of {calculation.fact}",
        )
    return findings


_NAME_TOKEN = re.compile(r"[a-z][a-z0-9_]*")
BUILT_IN_FACTS = frozenset({"beslisdatum"})
