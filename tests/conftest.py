"""Shared fixtures: a small rule base built in a temporary directory, in the documented format."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from factory import TableSpec, WorkbookSpec, write_workbook

GLOSSARY = [
    ("zaaknummer", "aanvraag", "tekst", "", "Zaaknummer", "invoer"),
    ("status_referent", "referent", "keuze", "vluchteling, subsidiair", "Status", "invoer"),
    ("datum_indiening", "aanvraag", "datum", "", "Datum indiening", "invoer"),
    ("datum_verlening", "referent", "datum", "", "Datum verlening vergunning", "invoer"),
    ("nareistermijn_einde", "aanvraag", "datum", "", "Einde nareistermijn", "afgeleid"),
    ("relatie", "gezinslid", "keuze", "ouder, kind, echtgenoot", "Relatie tot referent", "invoer"),
    ("identiteit_aannemelijk", "gezinslid", "keuze", "ja, nee, onbekend", "Identiteit aannemelijk", "invoer"),
    ("termijn", "gezinslid", "keuze", "te_laat, op_tijd", "Termijnoordeel", "afgeleid"),
    ("uitkomst", "gezinslid", "keuze", "afwijzen, herstel_verzuim, inwilligen", "Uitkomst", "afgeleid"),
    ("ouders_afgewezen", "gezinslid", "ja/nee", "", "Alle ouders afgewezen", "afgeleid"),
    ("eindoordeel", "gezinslid", "keuze", "afwijzen, herstel_verzuim, inwilligen", "Eindoordeel", "afgeleid"),
]

TABLES = [
    TableSpec(
        "Nareistermijn",
        sheet="Nareistermijn",
        kinds=("Invoer", "Invoer", "Uitvoer", "Bron", "Motivering"),
        facts=("status_referent", "datum_indiening", "termijn", "", ""),
        rows=[
            (
                "2.2-01",
                "vluchteling",
                "> nareistermijn_einde + 2 weken",
                "te_laat",
                "§2.2; art. 29c lid 1 Vw",
                "U heeft de aanvraag op {{ datum_indiening|datum }} ingediend.",
            ),
            ("2.2-02", "vluchteling", "<= nareistermijn_einde + 2 weken", "op_tijd", "§2.2", ""),
            ("2.2-03", "subsidiair", "-", "op_tijd", "§2.3", ""),
        ],
    ),
    TableSpec(
        "Uitkomst",
        sheet="Uitkomst",
        hit_policy="P",
        kinds=("Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("termijn", "identiteit_aannemelijk", "uitkomst", ""),
        rows=[
            ("E-01", "te_laat", "-", "afwijzen", "§2.2"),
            ("E-02", "-", "nee", "afwijzen", "§2.5"),
            ("E-03", "-", "onbekend", "herstel_verzuim", "§1.3"),
            ("E-04", "op_tijd", "ja", "inwilligen", "§2"),
        ],
    ),
    TableSpec(
        "Broers en zussen",
        sheet="Broers",
        hit_policy="F",
        kinds=("Invoer", "Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("relatie", "ouders_afgewezen", "uitkomst", "eindoordeel", ""),
        rows=[
            ("4.1-01", "kind", "ja", "-", "afwijzen", "§4.1"),
            ("4.1-02", "-", "-", "-", "uitkomst", "§4.1"),
        ],
    ),
]

CALCULATIONS = [
    ("nareistermijn_einde", "einde_termijn(datum_verlening, 3 maanden)", "§2.2"),
    (
        "ouders_afgewezen",
        "aantal_gezinsleden(relatie = ouder) > 0 en elk_gezinslid(niet(relatie = ouder) of uitkomst = afwijzen)",
        "§4.1",
    ),
]


def base_spec(**changes: object) -> WorkbookSpec:
    spec = WorkbookSpec("H2_test.xlsx", glossary=list(GLOSSARY), tables=list(TABLES), calculations=list(CALCULATIONS))
    for key, value in changes.items():
        setattr(spec, key, value)
    return spec


@pytest.fixture
def tables_dir(tmp_path: Path) -> Path:
    write_workbook(tmp_path, base_spec())
    return tmp_path


@pytest.fixture(autouse=True)
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands cache rule bases in the user's cache directory: tests use one of their own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
