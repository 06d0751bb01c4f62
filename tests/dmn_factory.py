"""A small rule base for the DMN tests: every hit policy the S-FEEL readers know, chained tables, scenarios."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

from factory import TableSpec, WorkbookSpec, write_workbook

from engine.dmn.export import export_dmn

DMN = "{https://www.omg.org/spec/DMN/20230324/MODEL/}"

GLOSSARY = [
    ("leeftijd_aanvrager", "aanvraag", "getal", "", "Leeftijd van de aanvrager", "invoer"),
    ("status_referent", "aanvraag", "keuze", "vluchteling, subsidiair", "Status van de referent", "invoer"),
    ("inkomen", "aanvraag", "bedrag", "", "Inkomen per maand", "invoer"),
    ("datum_indiening", "aanvraag", "datum", "", "Datum van indiening", "invoer"),
    ("document_aanwezig", "aanvraag", "ja/nee", "", "Document aanwezig", "invoer"),
    ("categorie", "aanvraag", "keuze", "minderjarig, meerderjarig", "Categorie", "afgeleid"),
    ("oordeel", "aanvraag", "keuze", "afwijzen, nader_onderzoek, inwilligen", "Oordeel", "afgeleid"),
    ("tijdig", "aanvraag", "ja/nee", "", "Tijdig ingediend", "afgeleid"),
    ("punten", "aanvraag", "getal", "", "Punten", "afgeleid"),
    ("aantal_signalen", "aanvraag", "getal", "", "Aantal signalen", "afgeleid"),
    ("laagste_punten", "aanvraag", "getal", "", "Laagste punten", "afgeleid"),
]

TABLES = [
    TableSpec(
        "Categorie",
        entity="aanvraag",
        hit_policy="U",
        kinds=("Invoer", "Uitvoer", "Bron", "Motivering", "Annotatie"),
        facts=("leeftijd_aanvrager", "categorie", "", "", ""),
        rows=[
            ("c-01", "< 18", "minderjarig", "§2.2", "U bent minderjarig.", "Leeftijd op de beslisdatum"),
            ("c-02", ">= 18", "meerderjarig", "§2.2", "", ""),
        ],
    ),
    TableSpec(
        "Tijdig",
        entity="aanvraag",
        hit_policy="F",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("datum_indiening", "tijdig", ""),
        rows=[
            ("t-01", "< 2026-07-01", "ja", "§2.2"),
            ("t-02", "-", "nee", "§2.2"),
        ],
    ),
    TableSpec(
        "Oordeel",
        entity="aanvraag",
        hit_policy="P",
        kinds=("Invoer", "Invoer", "Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("categorie", "status_referent", "inkomen", "tijdig", "oordeel", ""),
        rows=[
            ("o-01", "minderjarig", "-", "-", "ja", "inwilligen", "§2.2"),
            ("o-02", "meerderjarig", "vluchteling", "-", "ja", "inwilligen", "§2.2"),
            ("o-03", "meerderjarig", "subsidiair", "[0..1000)", "-", "afwijzen", "§2.3"),
            ("o-04", "meerderjarig", "subsidiair", ">= 1000", "-", "nader_onderzoek", "§2.3"),
            ("o-05", "-", "-", "-", "nee", "afwijzen", "§2.2"),
        ],
    ),
    TableSpec(
        "Punten",
        entity="aanvraag",
        hit_policy="C+",
        kinds=("Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("categorie", "document_aanwezig", "punten", ""),
        rows=[
            ("p-01", "minderjarig", "-", "10", "§2.4"),
            ("p-02", "-", "ja", "5", "§2.4"),
            ("p-03", "-", "-", "1", "§2.4"),
        ],
    ),
    TableSpec(
        "Signalen",
        entity="aanvraag",
        hit_policy="C#",
        kinds=("Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("status_referent", "document_aanwezig", "aantal_signalen", ""),
        rows=[
            ("s-01", "subsidiair", "-", "7", "§2.4"),
            ("s-02", "-", "nee", "7", "§2.4"),
            ("s-03", "-", "-", "7", "§2.4"),
        ],
    ),
    TableSpec(
        "Laagste punten",
        entity="aanvraag",
        hit_policy="C<",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("status_referent", "laagste_punten", ""),
        rows=[
            ("l-01", "vluchteling, subsidiair", "3", "§2.4"),
            ("l-02", "not(subsidiair)", "2", "§2.4"),
        ],
    ),
]

INPUTS = ("leeftijd_aanvrager", "status_referent", "inkomen", "datum_indiening", "document_aanwezig")
OUTPUTS = ("categorie", "tijdig", "oordeel", "punten", "aantal_signalen", "laagste_punten")
SCENARIOS = [
    ("S-01", "lid1", "Minderjarig kind", "§2.2", 12, "vluchteling", "0", "2026-06-01", "ja",
     "minderjarig", "ja", "inwilligen", "16", "1", "2"),
    ("S-02", "lid1", "Meerderjarig, subsidiair, weinig inkomen", "§2.3", 30, "subsidiair", "500.50", "2026-06-01",
     "nee", "meerderjarig", "ja", "afwijzen", "1", "3", "3"),
    ("S-03", "lid1", "Meerderjarig, subsidiair, genoeg inkomen", "§2.3", 30, "subsidiair", "2000", "2026-06-01",
     "ja", "meerderjarig", "ja", "nader_onderzoek", "6", "2", "3"),
    ("S-04", "lid1", "Te laat", "§2.2", 40, "vluchteling", "2000", "2026-09-01", "ja",
     "meerderjarig", "nee", "afwijzen", "6", "1", "2"),
]  # fmt: skip


def write_small_model(directory: Path) -> Path:
    """The small rule base in `directory` (one workbook), returned."""
    directory.mkdir(parents=True, exist_ok=True)
    write_workbook(
        directory,
        WorkbookSpec(
            "Klein.xlsx",
            glossary=GLOSSARY,
            tables=TABLES,
            scenarios=SCENARIOS,
            scenario_kinds=("Invoer",) * len(INPUTS) + ("Verwacht",) * len(OUTPUTS),
            scenario_facts=INPUTS + OUTPUTS,
        ),
    )
    return directory


def without_annotations(xml: bytes) -> str:
    """The model without rule annotations and extension elements: pyDMNrules 1.4.5 raises KeyError 'annotation' on
    any decisionTable with an annotation clause (DMNrules.py, useXML: `XMLdecisions[-1]['annotation']`, a key it
    never set), so the independent reader gets the model without them."""
    root = ET.fromstring(xml)
    for parent in root.iter():
        for child in list(parent):
            if child.tag in (f"{DMN}annotation", f"{DMN}annotationEntry", f"{DMN}extensionElements"):
                parent.remove(child)
    return ET.tostring(root, encoding="unicode")


@cache
def exported_decision_tables() -> bytes:
    """decision_tables/ as DMN, exported once per test session."""
    return export_dmn(TABLES_DIRECTORY)


TABLES_DIRECTORY = Path(__file__).resolve().parent.parent / "decision_tables"

# A model as a DMN modeller writes it: names with spaces and capitals, FEEL literals, two chained tables, a
# collect table with a list output, rule annotations. Every construct is one the cell language has.
FOREIGN_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="loans" name="Loan approval"
             namespace="https://example.org/loans">
  <itemDefinition id="t_risk" name="tRisk">
    <typeRef>string</typeRef>
    <allowedValues><text>"high","medium","low"</text></allowedValues>
  </itemDefinition>
  <inputData id="i_age" name="Applicant Age">
    <description>Age of the applicant</description>
    <variable id="i_age_v" name="Applicant Age" typeRef="number"/>
  </inputData>
  <inputData id="i_employed" name="Employed">
    <variable id="i_employed_v" name="Employed" typeRef="boolean"/>
  </inputData>
  <inputData id="i_start" name="Start Date">
    <variable id="i_start_v" name="Start Date" typeRef="date"/>
  </inputData>
  <decision id="d_risk" name="Risk Category">
    <variable id="d_risk_v" name="Risk Category" typeRef="tRisk"/>
    <informationRequirement id="ir1"><requiredInput href="#i_age"/></informationRequirement>
    <informationRequirement id="ir2"><requiredInput href="#i_employed"/></informationRequirement>
    <decisionTable id="dt_risk" hitPolicy="PRIORITY">
      <input id="in_age" label="Age">
        <inputExpression id="ie_age" typeRef="number"><text>Applicant Age</text></inputExpression>
      </input>
      <input id="in_emp" label="Employed">
        <inputExpression id="ie_emp" typeRef="boolean"><text>Employed</text></inputExpression>
      </input>
      <output id="out_risk" typeRef="tRisk"><outputValues><text>"high","medium","low"</text></outputValues></output>
      <annotation name="Bron"/>
      <rule id="r1">
        <inputEntry id="r1i1"><text>&lt; 18</text></inputEntry>
        <inputEntry id="r1i2"><text>-</text></inputEntry>
        <outputEntry id="r1o1"><text>"high"</text></outputEntry>
        <annotationEntry><text>§2.2</text></annotationEntry>
      </rule>
      <rule id="r2">
        <inputEntry id="r2i1"><text>[18..65]</text></inputEntry>
        <inputEntry id="r2i2"><text>true</text></inputEntry>
        <outputEntry id="r2o1"><text>"low"</text></outputEntry>
        <annotationEntry><text>§2.2</text></annotationEntry>
      </rule>
      <rule id="r3">
        <inputEntry id="r3i1"><text>&gt;= 18</text></inputEntry>
        <inputEntry id="r3i2"><text>-</text></inputEntry>
        <outputEntry id="r3o1"><text>"medium"</text></outputEntry>
        <annotationEntry><text>§2.3</text></annotationEntry>
      </rule>
    </decisionTable>
  </decision>
  <decision id="d_approved" name="Approved" label="Approval">
    <variable id="d_approved_v" name="Approved" typeRef="boolean"/>
    <informationRequirement id="ir3"><requiredDecision href="#d_risk"/></informationRequirement>
    <informationRequirement id="ir4"><requiredInput href="#i_start"/></informationRequirement>
    <decisionTable id="dt_approved" hitPolicy="FIRST">
      <input id="in_risk">
        <inputExpression id="ie_risk" typeRef="tRisk"><text>Risk Category</text></inputExpression>
      </input>
      <input id="in_start">
        <inputExpression id="ie_start" typeRef="date"><text>Start Date</text></inputExpression>
      </input>
      <output id="out_ok" typeRef="boolean"/>
      <rule id="a1">
        <inputEntry id="a1i1"><text>not("high")</text></inputEntry>
        <inputEntry id="a1i2"><text>&lt;= date("2026-12-31")</text></inputEntry>
        <outputEntry id="a1o1"><text>true</text></outputEntry>
      </rule>
      <rule id="a2">
        <inputEntry id="a2i1"><text>-</text></inputEntry>
        <inputEntry id="a2i2"><text>-</text></inputEntry>
        <outputEntry id="a2o1"><text>false</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
  <decision id="d_points" name="Points">
    <variable id="d_points_v" name="Points" typeRef="number"/>
    <decisionTable id="dt_points" hitPolicy="COLLECT" aggregation="SUM">
      <input id="in_age2">
        <inputExpression id="ie_age2" typeRef="number"><text>Applicant Age</text></inputExpression>
      </input>
      <output id="out_points" typeRef="number"/>
      <rule id="p1"><inputEntry id="p1i1"><text>&gt; 30</text></inputEntry>
        <outputEntry id="p1o1"><text>10 + 5</text></outputEntry>
      </rule>
      <rule id="p2"><inputEntry id="p2i1"><text>-</text></inputEntry>
        <outputEntry id="p2o1"><text>1</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""
