"""A small rule base for the DMN tests: every hit policy the S-FEEL readers know, chained tables, scenarios."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from factory import TableSpec, WorkbookSpec, write_workbook

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
