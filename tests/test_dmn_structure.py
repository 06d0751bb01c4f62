"""The exported model has the structure DMN 1.5 requires (DMN15.xsd, namespace 20230324/MODEL) and the spec's
constraints on names and references: elements in the XSD's order, required attributes, enumerations, ids unique
NCNames, every href and typeRef resolving, entry counts matching their table, a requirement graph without cycles."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from dmn_factory import DMN, FOREIGN_DMN, exported_decision_tables, write_small_model

from engine.dmn.export import export_dmn
from engine.dmn.importer import import_dmn

_DMN_ELEMENT = [["description"], ["extensionElements"]]  # tDMNElement's sequence, first in every subtype
_EXPRESSIONS = [
    "decisionTable",
    "literalExpression",
    "context",
    "invocation",
    "relation",
    "list",
    "functionDefinition",
    "for",
    "every",
    "some",
    "conditional",
    "filter",
]
_DRG = ["decision", "inputData", "businessKnowledgeModel", "knowledgeSource", "decisionService"]
_LEAF: list[list[str]] = []

# Child sequences of DMN15.xsd for the elements an export uses: each group is one position of the xsd:sequence.
ORDER: dict[str, list[list[str]]] = {
    "definitions": [*_DMN_ELEMENT, ["import"], ["itemDefinition"], _DRG, ["textAnnotation", "association", "group"],
                    ["elementCollection"], ["performanceIndicator", "organizationUnit"], ["DMNDI"]],
    "itemDefinition": [*_DMN_ELEMENT, ["typeRef"], ["allowedValues"], ["typeConstraint"]],
    "inputData": [*_DMN_ELEMENT, ["variable"]],
    "decision": [*_DMN_ELEMENT, ["question"], ["allowedAnswers"], ["variable"], ["informationRequirement"],
                 ["knowledgeRequirement"], ["authorityRequirement"], ["supportedObjective"],
                 ["impactedPerformanceIndicator"], ["decisionMaker"], ["decisionOwner"], ["usingProcess"],
                 ["usingTask"], _EXPRESSIONS],
    "variable": _DMN_ELEMENT,
    "informationRequirement": [*_DMN_ELEMENT, ["requiredDecision", "requiredInput"]],
    "requiredDecision": _LEAF,
    "requiredInput": _LEAF,
    "decisionTable": [*_DMN_ELEMENT, ["input"], ["output"], ["annotation"], ["rule"]],
    "input": [*_DMN_ELEMENT, ["inputExpression"], ["inputValues"]],
    "output": [*_DMN_ELEMENT, ["outputValues"], ["defaultOutputEntry"]],
    "annotation": _LEAF,
    "rule": [*_DMN_ELEMENT, ["inputEntry"], ["outputEntry"], ["annotationEntry"]],
    "annotationEntry": [["text"]],
    "inputExpression": [*_DMN_ELEMENT, ["text", "importedValues"]],
    "literalExpression": [*_DMN_ELEMENT, ["text", "importedValues"]],
    "outputEntry": [*_DMN_ELEMENT, ["text", "importedValues"]],
    "defaultOutputEntry": [*_DMN_ELEMENT, ["text", "importedValues"]],
    "inputEntry": [*_DMN_ELEMENT, ["text"]],
    "inputValues": [*_DMN_ELEMENT, ["text"]],
    "outputValues": [*_DMN_ELEMENT, ["text"]],
    "allowedValues": [*_DMN_ELEMENT, ["text"]],
    "typeConstraint": [*_DMN_ELEMENT, ["text"]],
    "text": _LEAF,
    "typeRef": _LEAF,
    "description": _LEAF,
    "question": _LEAF,
}  # fmt: skip
# Elements with maxOccurs="unbounded" in their parent's sequence; every other child appears at most once.
REPEATS = {*_DRG, "import", "itemDefinition", "textAnnotation", "association", "group", "elementCollection",
           "performanceIndicator", "organizationUnit", "informationRequirement", "knowledgeRequirement",
           "authorityRequirement", "supportedObjective", "impactedPerformanceIndicator", "decisionMaker",
           "decisionOwner", "usingProcess", "usingTask", "input", "output", "annotation", "rule", "inputEntry",
           "outputEntry", "annotationEntry"}  # fmt: skip
# Children that must be there (minOccurs 1): at least one of them.
REQUIRED_CHILD = {
    "informationRequirement": ("requiredDecision", "requiredInput"),
    "decisionTable": ("output",),
    "input": ("inputExpression",),
    "rule": ("outputEntry",),
    "inputEntry": ("text",),
    "inputValues": ("text",),
    "outputValues": ("text",),
    "allowedValues": ("text",),
}
_ID = {"id", "label"}  # tDMNElement's attributes
ATTRIBUTES: dict[str, tuple[set[str], set[str]]] = {  # element -> (required, allowed) unqualified attributes
    "definitions": ({"name", "namespace"},
                    _ID | {"name", "namespace", "expressionLanguage", "typeLanguage", "exporter", "exporterVersion"}),
    "itemDefinition": ({"name"}, _ID | {"name", "typeLanguage", "isCollection"}),
    "inputData": ({"name"}, _ID | {"name"}),
    "decision": ({"name"}, _ID | {"name"}),
    "variable": ({"name"}, _ID | {"name", "typeRef"}),
    "informationRequirement": (set(), _ID),
    "requiredDecision": ({"href"}, {"href"}),
    "requiredInput": ({"href"}, {"href"}),
    "decisionTable": (set(), _ID | {"typeRef", "hitPolicy", "aggregation", "preferredOrientation", "outputLabel"}),
    "input": (set(), _ID),
    "output": (set(), _ID | {"name", "typeRef"}),
    "annotation": (set(), {"name"}),
    "rule": (set(), _ID),
    "annotationEntry": (set(), set()),
    "inputExpression": (set(), _ID | {"typeRef", "expressionLanguage"}),
    "literalExpression": (set(), _ID | {"typeRef", "expressionLanguage"}),
    "outputEntry": (set(), _ID | {"typeRef", "expressionLanguage"}),
    "inputEntry": (set(), _ID | {"typeRef", "expressionLanguage"}),
    "inputValues": (set(), _ID | {"typeRef", "expressionLanguage"}),
    "outputValues": (set(), _ID | {"typeRef", "expressionLanguage"}),
    "allowedValues": (set(), _ID | {"typeRef", "expressionLanguage"}),
}  # fmt: skip
ENUMERATIONS = {
    "hitPolicy": {"UNIQUE", "FIRST", "PRIORITY", "ANY", "COLLECT", "RULE ORDER", "OUTPUT ORDER"},
    "aggregation": {"SUM", "COUNT", "MIN", "MAX"},
    "preferredOrientation": {"Rule-as-Row", "Rule-as-Column", "CrossTable"},
    "isCollection": {"true", "false"},
}
FEEL_TYPES = {"boolean", "number", "string", "date", "time", "date and time", "duration",
              "days and time duration", "years and months duration", "context", "list", "Any"}  # fmt: skip
_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*\Z")


def _local(element: ET.Element) -> str:
    return element.tag.removeprefix(DMN)


def problems(xml: bytes) -> list[str]:
    """Every way the model departs from DMN15.xsd and the spec's reference rules; empty when it conforms."""
    root = ET.fromstring(xml)
    found: list[str] = []
    if root.tag != f"{DMN}definitions":
        return [f"root is {root.tag}"]
    ids: dict[str, ET.Element] = {}
    for element in root.iter():
        if not element.tag.startswith(DMN):
            continue  # inside extensionElements: another namespace, processContents lax
        name = _local(element)
        if name == "extensionElements":
            strays = [c.tag for c in element if c.tag.startswith(DMN) or not c.tag.startswith("{")]
            found += [f"extensionElements holds {tag}: only elements of another namespace" for tag in strays]
            continue
        if name not in ORDER:
            found.append(f"unexpected element {name}")
            continue
        groups = ORDER[name]
        position = -1
        for child in element:
            child_name = _local(child) if child.tag.startswith(DMN) else None
            index = next((i for i, group in enumerate(groups) if child_name in group), None)
            if index is None or index < position or (index == position and child_name not in REPEATS):
                found.append(f"{name} {element.get('id')}: child {child_name} out of place")
            else:
                position = index
        if name in REQUIRED_CHILD and not any(element.find(f"{DMN}{c}") is not None for c in REQUIRED_CHILD[name]):
            found.append(f"{name} {element.get('id')}: needs one of {REQUIRED_CHILD[name]}")
        required, allowed = ATTRIBUTES.get(name, (set(), _ID))
        plain = {key for key in element.attrib if not key.startswith("{")}
        found += [f"{name} {element.get('id')}: missing attribute {a}" for a in sorted(required - plain)]
        found += [f"{name} {element.get('id')}: attribute {a} not in the XSD" for a in sorted(plain - allowed)]
        for attribute, values in ENUMERATIONS.items():
            if attribute in element.attrib and element.get(attribute) not in values:
                found.append(f"{name} {element.get('id')}: {attribute}={element.get(attribute)!r}")
        element_id = element.get("id")
        if element_id is not None:
            if not _NCNAME.match(element_id):
                found.append(f"id {element_id!r} is no NCName")
            if element_id in ids:
                found.append(f"id {element_id!r} twice")
            ids[element_id] = element
    found += _references(root, ids)
    return found


def _references(root: ET.Element, ids: dict[str, ET.Element]) -> list[str]:
    found: list[str] = []
    items = {item.get("name") for item in root.findall(f"{DMN}itemDefinition")}
    for kind, target in (("requiredDecision", "decision"), ("requiredInput", "inputData")):
        for reference in root.iter(f"{DMN}{kind}"):
            href = reference.get("href", "")
            element = ids.get(href.removeprefix("#")) if href.startswith("#") else None
            if element is None or _local(element) != target:
                found.append(f"{kind} href {href!r} does not resolve to a {target}")
    for element in root.iter():
        type_ref = element.get("typeRef")
        if element.tag == f"{DMN}typeRef":
            type_ref = element.text
        if type_ref is not None and type_ref not in FEEL_TYPES and type_ref not in items:
            found.append(f"typeRef {type_ref!r} of {element.get('id')} resolves to nothing")
    for kind in ("decision", "inputData"):
        for element in root.findall(f"{DMN}{kind}"):
            variable = element.find(f"{DMN}variable")
            if variable is not None and variable.get("name") != element.get("name"):
                found.append(f"{kind} {element.get('id')}: variable name differs from the element's name")
    for table in root.iter(f"{DMN}decisionTable"):
        counts = [len(table.findall(f"{DMN}{tag}")) for tag in ("input", "output", "annotation")]
        if counts[1] > 1 and any(o.get("name") is None for o in table.findall(f"{DMN}output")):
            found.append(f"decisionTable {table.get('id')}: with several outputs each needs a name")
        if table.get("aggregation") and table.get("hitPolicy") != "COLLECT":
            found.append(f"decisionTable {table.get('id')}: aggregation without COLLECT")
        for rule in table.findall(f"{DMN}rule"):
            got = [len(rule.findall(f"{DMN}{tag}")) for tag in ("inputEntry", "outputEntry", "annotationEntry")]
            if got != counts:
                found.append(f"rule {rule.get('id')}: entries {got}, table has {counts}")
    graph = {
        d.get("id"): [r.get("href", "")[1:] for r in d.iter(f"{DMN}requiredDecision")]
        for d in root.findall(f"{DMN}decision")
    }
    state: dict[str | None, int] = {}

    def visit(node: str | None) -> bool:
        if state.get(node) == 1:
            return False
        if state.get(node) == 2:
            return True
        state[node] = 1
        ok = all(visit(n) for n in graph.get(node, []))
        state[node] = 2
        return ok

    if not all(visit(node) for node in graph):
        found.append("the informationRequirements form a cycle")
    return found


def test_decision_tables_export_conforms() -> None:
    xml = exported_decision_tables()
    assert problems(xml) == []
    root = ET.fromstring(xml)
    decisions = root.findall(f"{DMN}decision")
    assert len([d for d in decisions if d.find(f"{DMN}decisionTable") is not None]) > 40
    assert all(d.find(f"{DMN}variable") is not None for d in decisions)


def test_small_model_and_foreign_import_export_conform(tmp_path: Path) -> None:
    assert problems(export_dmn(write_small_model(tmp_path / "klein"))) == []
    directory = tmp_path / "leningen"
    directory.mkdir()
    for name, content in import_dmn(FOREIGN_DMN.encode(), "loans.dmn").items():
        (directory / name).write_bytes(content)
    assert problems(export_dmn(directory)) == []


def _variable_last(root: ET.Element) -> None:
    decision = root.find(f"{DMN}decision")
    assert decision is not None
    variable = decision.find(f"{DMN}variable")
    assert variable is not None
    decision.remove(variable)
    decision.append(variable)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda r: r.find(f"{DMN}decision").set("hitPolicy", "X"), "attribute hitPolicy not in the XSD"),
        (lambda r: r.find(f".//{DMN}requiredDecision").set("href", "#nergens"), "does not resolve to a decision"),
        (lambda r: r.find(f".//{DMN}rule").set("id", "2.2-01"), "is no NCName"),
        (lambda r: r.find(f".//{DMN}rule").remove(r.find(f".//{DMN}outputEntry")), "needs one of"),
        (lambda r: r.find(f".//{DMN}inputExpression").set("typeRef", "geen_type"), "resolves to nothing"),
        (lambda r: r.find(f".//{DMN}decisionTable").set("hitPolicy", "SOMS"), "hitPolicy='SOMS'"),
        (lambda r: r.find(f".//{DMN}rule").set("id", r.find(f".//{DMN}decision").get("id")), "twice"),
        (_variable_last, "child variable out of place"),
        (lambda r: r.find(f".//{DMN}rule").append(ET.Element(f"{DMN}inputEntry")), "child inputEntry out of place"),
    ],
)
def test_the_checker_finds_what_the_xsd_forbids(tmp_path: Path, change: object, problem: str) -> None:
    root = ET.fromstring(export_dmn(write_small_model(tmp_path / "klein")))
    change(root)  # type: ignore[operator]
    found = problems(ET.tostring(root))
    assert any(problem in line for line in found), found
