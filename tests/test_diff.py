"""nareis diff: two versions of a workbook built here, compared as directories and as git revisions, with impact."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import CALCULATIONS, GLOSSARY, TABLES, base_spec
from factory import write_workbook

from engine.cli import main

KINDS = ("Invoer", "Invoer", "Invoer", "Invoer", "Invoer", "Invoer", "Verwacht")
FACTS = (
    "beslisdatum",
    "datum_indiening",
    "status_referent",
    "datum_verlening",
    "relatie",
    "identiteit_aannemelijk",
    "uitkomst",
)
SCENARIOS = [
    (
        "S-1",
        "vrouw",
        "Tijdig, identiteit aannemelijk",
        "§2.2",
        "2026-11-01",
        "2026-08-01",
        "vluchteling",
        "2026-05-01",
        "echtgenoot",
        "ja",
        "inwilligen",
    ),
    (
        "S-2",
        "kind",
        "Identiteit onbekend",
        "§1.3",
        "2026-11-01",
        "2026-08-01",
        "vluchteling",
        "2026-05-01",
        "kind",
        "onbekend",
        "herstel_verzuim",
    ),
]


def old_spec() -> object:
    return base_spec(scenarios=SCENARIOS, scenario_kinds=KINDS, scenario_facts=FACTS)


def new_spec() -> object:
    """The edit a policy officer makes: a longer margin in 2.2-01/2.2-02 and a metadata change, 2.2-03 removed,
    a new priority rule E-05 inserted between E-02 and E-03 (an unknown identity now refuses), a new keuze value,
    a calculation changed, a scenario reworded and one added."""
    nareistermijn, uitkomst, broers = TABLES
    nareistermijn = replace(
        nareistermijn,
        source="§2.2; art. 29c lid 1 Vw",
        rows=[
            (
                "2.2-01",
                "vluchteling",
                "> nareistermijn_einde + 3 weken",
                "te_laat",
                "§2.2; art. 29c lid 1 Vw",
                "U heeft de aanvraag op {{ datum_indiening|datum }} ingediend.",
            ),
            ("2.2-02", "vluchteling", "<= nareistermijn_einde + 3 weken", "op_tijd", "§2.2", ""),
        ],
    )
    rows = list(uitkomst.rows)
    rows.insert(2, ("E-05", "-", "onbekend", "afwijzen", "§2.5"))
    uitkomst = replace(uitkomst, rows=rows)
    glossary = [
        (
            "identiteit_aannemelijk",
            "gezinslid",
            "keuze",
            "ja, nee, onbekend, twijfel",
            "Identiteit aannemelijk",
            "invoer",
        )
        if row[0] == "identiteit_aannemelijk"
        else row
        for row in GLOSSARY
    ]
    calculations = [
        ("nareistermijn_einde", "einde_termijn(datum_verlening, 4 maanden)", "§2.2")
        if c[0] == "nareistermijn_einde"
        else c
        for c in CALCULATIONS
    ]
    scenarios = [
        ("S-1", "vrouw", "Tijdig en identiteit aannemelijk", *SCENARIOS[0][3:]),
        (*SCENARIOS[1][:10], "afwijzen"),
        (
            "S-3",
            "man",
            "Echtgenoot",
            "§2.2",
            "2026-11-01",
            "2026-08-01",
            "vluchteling",
            "2026-05-01",
            "echtgenoot",
            "ja",
            "inwilligen",
        ),
    ]
    return base_spec(
        glossary=glossary,
        tables=[nareistermijn, uitkomst, broers],
        calculations=calculations,
        scenarios=scenarios,
        scenario_kinds=KINDS,
        scenario_facts=FACTS,
    )


def versions(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "oud", tmp_path / "nieuw"
    old.mkdir()
    new.mkdir()
    write_workbook(old, old_spec())  # type: ignore[arg-type]
    write_workbook(new, new_spec())  # type: ignore[arg-type]
    return old, new


TABLE_LINES = [
    "",
    "Werkmap H2_test.xlsx",
    '  Tabel "Nareistermijn" (blad "Nareistermijn"):',
    "    Bron: §2.2 → §2.2; art. 29c lid 1 Vw",
    "    regel 2.2-01 gewijzigd:",
    "      datum_indiening: > nareistermijn_einde + 2 weken → > nareistermijn_einde + 3 weken",
    "    regel 2.2-02 gewijzigd:",
    "      datum_indiening: <= nareistermijn_einde + 2 weken → <= nareistermijn_einde + 3 weken",
    "    regel 2.2-03 verwijderd: status_referent: subsidiair | datum_indiening: - | → termijn: op_tijd | Bron: §2.3",
    '  Tabel "Uitkomst" (blad "Uitkomst"):',
    "    regel E-05 toegevoegd: termijn: - | identiteit_aannemelijk: onbekend | → uitkomst: afwijzen | Bron: §2.5",
    "  Begrippen:",
    "    begrip identiteit_aannemelijk gewijzigd:",
    "      Waarden: ja, nee, onbekend → ja, nee, onbekend, twijfel",
    "  Berekeningen:",
    "    berekening nareistermijn_einde gewijzigd:",
    "      Formule: einde_termijn(datum_verlening, 3 maanden) → einde_termijn(datum_verlening, 4 maanden)",
    "  Tests:",
    "    scenario S-1 gewijzigd:",
    "      vrouw: Omschrijving: Tijdig, identiteit aannemelijk → Tijdig en identiteit aannemelijk",
    "    scenario S-2 gewijzigd:",
    "      kind: → uitkomst: herstel_verzuim → afwijzen",
    "    scenario S-3 toegevoegd: Lid: man | Omschrijving: Echtgenoot | Bron: §2.2 | beslisdatum: 2026-11-01 | "
    "datum_indiening: 2026-08-01 | status_referent: vluchteling | datum_verlening: 2026-05-01 | relatie: echtgenoot | "
    "identiteit_aannemelijk: ja | → uitkomst: inwilligen",
    "",
    "Samenvatting: tabellen: 2 gewijzigd; regels: 1 toegevoegd, 1 verwijderd, 2 gewijzigd; begrippen: 1 gewijzigd; "
    "berekeningen: 1 gewijzigd; scenario's: 1 toegevoegd, 2 gewijzigd",
]


def test_diff_of_two_directories_in_dutch_with_the_impact_on_scenarios(tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Verschillen in de beslistabellen: {old} → {new}",
        *TABLE_LINES,
        "",
        "Impact op de scenario's: 1 van 3 scenario's geven een andere uitkomst",
        "  S-2, kind: uitkomst: herstel_verzuim → afwijzen",
    ]


def test_diff_in_english(tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--lang", "en", "--no-impact"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        f"Differences in the decision tables: {old} → {new}",
        "",
        "Workbook H2_test.xlsx",
        '  Table "Nareistermijn" (sheet "Nareistermijn"):',
        "    Bron: §2.2 → §2.2; art. 29c lid 1 Vw",
    ]
    assert (
        "    rule 2.2-03 removed: status_referent: subsidiair | datum_indiening: - | → termijn: op_tijd | Bron: §2.3"
        in lines
    )
    assert lines[-1] == (
        "Summary: tables: 2 changed; rules: 1 added, 1 removed, 2 changed; facts: 1 changed; calculations: 1 changed; "
        "scenarios: 1 added, 2 changed"
    )


def test_impact_in_english(tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    directory = tmp_path / "zaken"
    directory.mkdir()
    (directory / "a.json").write_text(_case(1, ["twijfel"]), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--lang", "en", "--cases", str(directory)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-7:] == [
        "",
        "Impact on the scenarios: 1 of 3 scenarios give a different outcome",
        "  S-2, kind: uitkomst: herstel_verzuim → afwijzen",
        "",
        "Impact on the cases (zaken): 1 of 1 cases, 1 of 1 family members with a different outcome",
        "  error → unknown: 1",
        "  a.json, lid1: error → unknown",
    ]


def test_identical_versions_have_no_differences_and_exit_0(tmp_path: Path) -> None:
    old, _ = versions(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(old), str(old)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"Verschillen in de beslistabellen: {old} → {old}",
        "Geen verschillen in de beslistabellen.",
        "",
        "Impact op de scenario's: geen van de 2 scenario's geeft een andere uitkomst",
    ]


def test_a_changed_hit_policy_and_a_moved_column(tmp_path: Path) -> None:
    old, new = tmp_path / "oud", tmp_path / "nieuw"
    old.mkdir()
    new.mkdir()
    write_workbook(old, base_spec())
    tables = list(TABLES)
    tables[2] = replace(tables[2], hit_policy="R")
    write_workbook(new, base_spec(tables=tables))
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--no-impact"])
    assert result.exit_code == 0
    assert result.output.splitlines()[2:5] == [
        "Werkmap H2_test.xlsx",
        '  Tabel "Broers en zussen" (blad "Broers"):',
        "    Hitbeleid: F → R",
    ]


def test_json_report(tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["differences"] is True
    nareistermijn = report["tables"][0]
    assert nareistermijn["table"] == "Nareistermijn"
    assert nareistermijn["rules"][0] == {
        "key": "2.2-01",
        "status": "changed",
        "workbook": "H2_test.xlsx",
        "cells": [
            {
                "column": "datum_indiening",
                "before": "> nareistermijn_einde + 2 weken",
                "after": "> nareistermijn_einde + 3 weken",
            }
        ],
    }
    assert report["impact"]["scenarios"] == [
        {"scenario": "S-2", "member": "kind", "fact": "uitkomst", "before": "herstel_verzuim", "after": "afwijzen"}
    ]


def _case(number: int, identities: list[str]) -> str:
    members = [
        {"id": f"lid{i}", "relatie": "kind", "identiteit_aannemelijk": identity}
        for i, identity in enumerate(identities, 1)
    ]
    return json.dumps(
        {
            "beslisdatum": "2026-11-01",
            "aanvraag": {"zaaknummer": f"Z-{number}", "datum_indiening": "2026-08-01"},
            "referent": {"status_referent": "vluchteling", "datum_verlening": "2026-05-01"},
            "gezinsleden": members,
        }
    )


def test_impact_on_a_jsonl_of_cases_counts_each_transition(tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    cases = tmp_path / "zaken.jsonl"
    lines = [
        _case(1, ["ja"]),
        _case(2, ["onbekend"]),
        _case(3, ["onbekend", "ja", "onbekend"]),
        "not json",
        _case(5, ["nee"]),
        _case(6, ["onbekend"]),
    ]
    cases.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--cases", str(cases)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-7:] == [
        "",
        "Impact op de zaken (zaken.jsonl): 3 van 6 zaken, 4 van 7 gezinsleden met een andere uitkomst",
        "  herstel_verzuim → afwijzen: 4",
        "  zaken.jsonl:2, lid1: herstel_verzuim → afwijzen",
        "  zaken.jsonl:3, lid1: herstel_verzuim → afwijzen",
        "  zaken.jsonl:3, lid3: herstel_verzuim → afwijzen",
        "  zaken.jsonl:6, lid1: herstel_verzuim → afwijzen",
    ]
    report = json.loads(
        CliRunner().invoke(main, ["diff", str(old), str(new), "--cases", str(cases), "--format", "json"]).output
    )
    assert report["impact"]["cases"]["transitions"] == [{"before": "herstel_verzuim", "after": "afwijzen", "count": 4}]


def test_impact_on_a_directory_of_case_files_with_a_new_keuze_value(tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    directory = tmp_path / "zaken"
    directory.mkdir()
    (directory / "a.json").write_text(_case(1, ["twijfel"]), encoding="utf-8")  # a value only the new glossary has
    (directory / "b.json").write_text(_case(2, ["ja"]), encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--cases", str(directory)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-3:] == [
        "Impact op de zaken (zaken): 1 van 2 zaken, 1 van 2 gezinsleden met een andere uitkomst",
        "  fout → onbekend: 1",
        "  a.json, lid1: fout → onbekend",
    ]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose main branch holds the old workbook; the working tree holds the new one."""
    root = tmp_path / "repo"
    tables = root / "decision_tables"
    tables.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    write_workbook(tables, old_spec())  # type: ignore[arg-type]
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "old")
    write_workbook(tables, new_spec())  # type: ignore[arg-type]
    monkeypatch.chdir(root)
    return root


def test_diff_against_a_git_revision_reads_its_workbooks(repo: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "main"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[: len(TABLE_LINES) + 1] == [
        "Verschillen in de beslistabellen: main → decision_tables",
        *TABLE_LINES,
    ]
    assert "  S-2, kind: uitkomst: herstel_verzuim → afwijzen" in result.output.splitlines()


def test_diff_between_two_revisions(repo: Path) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "new")
    result = CliRunner().invoke(main, ["diff", "main~1", "main", "--no-impact"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["Verschillen in de beslistabellen: main~1 → main", *TABLE_LINES]


def test_a_revision_that_does_not_exist_is_exit_2(repo: Path) -> None:
    result = CliRunner().invoke(main, ["diff", "geen-tak"])
    assert result.exit_code == 2
    assert result.output == "Fout: geen-tak is geen map en geen git-revisie (branch, tag of commit)\n"
    english = CliRunner().invoke(main, ["diff", "geen-tak", "--lang", "en"])
    assert english.exit_code == 2
    assert english.output == "Error: geen-tak is neither a directory nor a git revision (branch, tag or commit)\n"


def test_a_revision_without_the_tables_is_exit_2(repo: Path) -> None:
    (repo / "README").write_text("x", encoding="utf-8")
    _git(repo, "add", "README")
    _git(repo, "commit", "-q", "-m", "readme")
    _git(repo, "checkout", "-q", "--orphan", "leeg")
    _git(repo, "read-tree", "--empty")
    _git(repo, "add", "README")
    _git(repo, "commit", "-q", "-m", "no tables")
    result = CliRunner().invoke(main, ["diff", "leeg", "main"])
    assert result.exit_code == 2
    assert result.output == "Fout: revisie leeg heeft geen werkmappen (*.xlsx) in decision_tables\n"


def test_not_a_directory_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old, _ = versions(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notities.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", "notities.txt", str(old)])
    assert result.exit_code == 2
    assert result.output == "Fout: notities.txt is een bestand, geen map met werkmappen of git-revisie\n"
    (tmp_path / "leeg").mkdir()
    result = CliRunner().invoke(main, ["diff", "leeg", str(old)])
    assert result.exit_code == 2
    assert result.output == "Fout: in de map leeg staan geen werkmappen (*.xlsx)\n"
    result = CliRunner().invoke(main, ["diff", "bestaat-niet", str(old)])
    assert result.exit_code == 2
    assert result.output == (
        f"Fout: bestaat-niet is geen map, en {tmp_path.resolve()} ligt niet in een git-repository om het als "
        "revisie te lezen\n"
    )


def test_a_file_that_is_not_a_workbook_is_exit_2(tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    (new / "kapot.xlsx").write_text("geen werkmap", encoding="utf-8")
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 2
    assert result.output.startswith("Fout: werkmap kapot.xlsx is geen leesbare Excel-werkmap (.xlsx): ")


def test_a_version_that_does_not_load_shows_the_diff_and_exits_1(tmp_path: Path) -> None:
    old, new = versions(tmp_path)
    tables = list(TABLES)
    tables[0] = replace(tables[0], rows=[("2.2-01", "vluchteling", "> onbekend_feit", "te_laat", "§2.2")])
    write_workbook(new, base_spec(tables=tables))
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "      datum_indiening: > nareistermijn_einde + 2 weken → > onbekend_feit" in lines
    assert lines[-1] == f"Impact niet bepaald: de tabellen van {new} laden niet (1 probleem; zie nareis check)"


def test_the_edits_of_issue_8_on_a_copy_of_the_rule_base(tmp_path: Path) -> None:
    """The margin [1..14] widened to [1..21] in H2 "Nareistermijn" and a new keuze value kamerhuur: on a copy of
    decision_tables/, so the real workbooks are never touched."""
    old = Path(__file__).parent.parent / "decision_tables"
    new = tmp_path / "decision_tables"
    shutil.copytree(old, new)
    path = new / "H2_algemene_voorwaarden.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["Nareistermijn"]
    rule = next(row for row in sheet.iter_rows() if any(c.value == "[1..14]" for c in row))
    rule_id = rule[0].value
    next(c for c in rule if c.value == "[1..14]").value = "[1..21]"
    glossary = book["Begrippen"]
    fact = next(row for row in glossary.iter_rows() if row[0].value == "soort_huisvesting")
    values = fact[3].value
    fact[3].value = f"{values}, kamerhuur"
    book.save(path)
    result = CliRunner().invoke(main, ["diff", str(old), str(new), "--no-impact"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"Verschillen in de beslistabellen: {old} → {new}",
        "",
        "Werkmap H2_algemene_voorwaarden.xlsx",
        '  Tabel "Nareistermijn" (blad "Nareistermijn"):',
        f"    regel {rule_id} gewijzigd:",
        "      dagen_te_laat: [1..14] → [1..21]",
        "  Begrippen:",
        "    begrip soort_huisvesting gewijzigd:",
        f"      Waarden: {values} → {values}, kamerhuur",
        "",
        "Samenvatting: tabellen: 1 gewijzigd; regels: 1 gewijzigd; begrippen: 1 gewijzigd",
    ]
