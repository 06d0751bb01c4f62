"""nareis check: the issue's three edits caught, exit codes, --strict, --format json, --junit, GitHub annotations."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from factory import TableSpec, WorkbookSpec, write_workbook

from engine.check import check_directory
from engine.cli import main
from engine.coverage import PARAGRAPHS
from engine.findings import location_text, message

# ---- a sound rule base: every paragraph cited or explained, every rule fired by a scenario -----------------

SOUND_GLOSSARY = [
    ("status_referent", "referent", "keuze", "vluchteling, subsidiair", "Status", "invoer"),
    ("uitkomst", "gezinslid", "keuze", "afwijzen, inwilligen", "Uitkomst", "afgeleid"),
]


def sound_spec(rows: Sequence[Sequence[object]] | None = None, values: str = "vluchteling, subsidiair") -> WorkbookSpec:
    glossary = [("status_referent", "referent", "keuze", values, "Status", "invoer"), SOUND_GLOSSARY[1]]
    table = TableSpec(
        "Termijn",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("status_referent", "uitkomst", ""),
        rows=rows or [("T-1", "vluchteling", "inwilligen", "§2.2"), ("T-2", "subsidiair", "afwijzen", "§2.3")],
    )
    explained = [
        (p if p == "Inleiding" else f"§{p}", "Buiten deze test") for p, _ in PARAGRAPHS if p not in ("2.2", "2.3")
    ]
    return WorkbookSpec(
        "H2_test.xlsx",
        glossary=glossary,
        tables=[table],
        scenarios=[
            ("S-1", "kind", "Vluchteling", "§2.2", "vluchteling", "inwilligen"),
            ("S-2", "kind", "Subsidiair", "§2.3", "subsidiair", "afwijzen"),
        ],
        scenario_kinds=("Invoer", "Verwacht"),
        scenario_facts=("status_referent", "uitkomst"),
        extra_sheets={"Geen regels": [("Paragraaf", "Reden"), *explained]},
    )


def test_a_sound_rule_base_exits_0_with_only_the_summary(tmp_path: Path) -> None:
    write_workbook(tmp_path, sound_spec())
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "0 fouten, 0 waarschuwingen, 0 opmerkingen; 1 werkmappen, 3 begrippen, 1 tabellen, 2 regels, 0 berekeningen; "
        "scenario's: 2 geslaagd, 0 mislukt; dekking: 43 van 43 paragrafen, 0 regels zonder scenario\n"
    )


def test_an_error_exits_1_and_errors_come_before_warnings(tmp_path: Path) -> None:
    rows = [
        ("T-1", "vluchteling", "inwilligen", "§2.2"),
        ("T-2", "subsidiair", "afwijzen", "§2.3"),
        ("T-3", "vluchteling", "afwijzen", "§2.2"),
    ]
    write_workbook(tmp_path, sound_spec(rows, values="vluchteling, subsidiair, onbekend"))
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Fouten (4):",
        '  werkmap H2_test.xlsx, blad "Termijn"',
        '    fout: werkmap H2_test.xlsx, blad "Termijn", cel A8: regels T-1 en T-3 overlappen bij '
        "status_referent = vluchteling; hitbeleid U staat maar één passende regel toe",
        '    fout: werkmap H2_test.xlsx, blad "Termijn", cel A8: regel T-1 vuurt in geen enkel scenario; voeg een '
        "scenario toe dat haar test",
        '    fout: werkmap H2_test.xlsx, blad "Termijn", cel A10: regel T-3 vuurt in geen enkel scenario; voeg een '
        "scenario toe dat haar test",
        '  werkmap H2_test.xlsx, blad "Tests"',
        '    fout: werkmap H2_test.xlsx, blad "Tests", cel A3: scenario S-1: tabel "Termijn" (H2_test.xlsx, blad '
        '"Termijn"): hitbeleid U staat hoogstens één passende regel toe, maar de regels T-1 (rij 8) en T-3 (rij 10) '
        'passen, voor gezinslid "kind" in zaak scenario S-1; onbekend gebleven: kind.uitkomst',
        "Waarschuwingen (1):",
        '  werkmap H2_test.xlsx, blad "Termijn"',
        '    waarschuwing: werkmap H2_test.xlsx, blad "Termijn", cel B8: geen regel test de waarde onbekend van '
        "status_referent (wel: vluchteling, subsidiair); bij status_referent = onbekend blijft uitkomst onbekend, "
        "terwijl de brieven of motiveringen het gebruiken",
        "4 fouten, 1 waarschuwing, 0 opmerkingen; 1 werkmappen, 3 begrippen, 1 tabellen, 3 regels, 0 berekeningen; "
        "scenario's: 1 geslaagd, 1 mislukt; dekking: 43 van 43 paragrafen, 2 regels zonder scenario",
    ]


def test_an_overlap_is_an_error_also_with_strict(tmp_path: Path) -> None:
    rows = [
        ("T-1", "vluchteling", "inwilligen", "§2.2"),
        ("T-2", "subsidiair", "afwijzen", "§2.3"),
        ("T-3", "vluchteling", "afwijzen", "§2.2"),
    ]
    write_workbook(tmp_path, sound_spec(rows))
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--strict"])
    assert (
        '    fout: werkmap H2_test.xlsx, blad "Termijn", cel A8: regels T-1 en T-3 overlappen bij status_referent = '
        "vluchteling; hitbeleid U staat maar één passende regel toe"
    ) in result.output.splitlines()


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    write_workbook(tmp_path, sound_spec(values="vluchteling, subsidiair, onbekend"))
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(tmp_path)]).exit_code == 0
    strict = runner.invoke(main, ["check", str(tmp_path), "--strict", "--lang", "en"])
    assert strict.exit_code == 1
    assert strict.output.splitlines()[0] == "Errors (1):"
    assert strict.output.splitlines()[-1].startswith("1 error, 0 warnings, 0 notes;")


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["geen_map"], "Fout: geen_map is geen map met werkmappen\n"),
        (["geen_map", "--lang", "en"], "Error: geen_map is not a directory of workbooks\n"),
    ],
)
def test_unusable_input_exits_2(
    tmp_path: Path, arguments: list[str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", *arguments])
    assert result.exit_code == 2
    assert result.output == expected


def test_an_empty_directory_is_unusable(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 2
    assert result.output == f"Error: no workbooks (*.xlsx) in {tmp_path}\n"


def test_json_report(tmp_path: Path) -> None:
    write_workbook(tmp_path, sound_spec(values="vluchteling, subsidiair, onbekend"))
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["sound"] is True
    assert report["counts"] == {
        "errors": 0,
        "warnings": 1,
        "notes": 0,
        "scenarios_passed": 2,
        "scenarios_failed": 0,
        "rules_without_scenario": 0,
    }
    (finding,) = report["findings"]
    assert {k: finding[k] for k in ("severity", "kind", "workbook", "sheet", "cell", "example")} == {
        "severity": "warning",
        "kind": "untested_value",
        "workbook": "H2_test.xlsx",
        "sheet": "Termijn",
        "cell": "B8",
        "example": {"status_referent": "onbekend"},
    }
    assert [s["id"] for s in report["scenarios"]] == ["S-1", "S-2"]


def test_junit_has_a_case_per_scenario_and_a_failing_case_per_finding(tmp_path: Path) -> None:
    rows = [
        ("T-1", "vluchteling", "inwilligen", "§2.2"),
        ("T-2", "subsidiair", "afwijzen", "§2.3"),
        ("T-3", "vluchteling", "afwijzen", "§2.2"),
    ]
    tables = tmp_path / "tabellen"
    tables.mkdir()
    write_workbook(tables, sound_spec(rows))
    junit = tmp_path / "out" / "nareis.xml"
    result = CliRunner().invoke(main, ["check", str(tables), "--junit", str(junit), "--strict"])
    assert result.exit_code == 1
    root = ET.parse(junit).getroot()
    scenarios, verification = root.findall("testsuite")
    assert scenarios.get("name") == "scenario's"
    assert [c.get("name") for c in scenarios.findall("testcase")] == ["S-1", "S-2"]
    assert scenarios.get("failures") == "1"  # S-1 meets the overlap at run time
    cases = verification.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "H2_test.xlsx/Termijn/A8",
        "H2_test.xlsx/Termijn/A8",
        "H2_test.xlsx/Termijn/A10",
    ]
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("type") == "error:overlap"
    assert failure.get("message") == (
        "regels T-1 en T-3 overlappen bij status_referent = vluchteling; hitbeleid U staat maar één passende regel toe"
    )


def test_junit_reports_a_failing_scenario(tmp_path: Path) -> None:
    spec = sound_spec()
    spec.scenarios = [
        ("S-1", "kind", "Vluchteling", "§2.2", "vluchteling", "afwijzen"),
        ("S-2", "kind", "Subsidiair", "§2.3", "subsidiair", "afwijzen"),
    ]
    tables = tmp_path / "tabellen"
    tables.mkdir()
    write_workbook(tables, spec)
    junit = tmp_path / "nareis.xml"
    result = CliRunner().invoke(main, ["check", str(tables), "--junit", str(junit), "--lang", "en"])
    assert result.exit_code == 1
    scenarios = ET.parse(junit).getroot().findall("testsuite")[0]
    assert scenarios.get("failures") == "1"
    failure = scenarios.findall("testcase")[0].find("failure")
    assert failure is not None
    assert failure.get("message") == "scenario S-1, kind: expected uitkomst = afwijzen, got inwilligen"
    assert (failure.text or "").splitlines()[1:] == [
        'table "Termijn" (H2_test.xlsx, sheet "Termijn", hit policy U) sets uitkomst:',
        "  rule T-1 (row 8) matches and decided at status_referent = vluchteling",
        "  rule T-2 (row 9) does not match: cell B9 'subsidiair' is false at status_referent = vluchteling",
    ]


def test_github_annotations_when_running_in_github_actions(tmp_path: Path) -> None:
    write_workbook(tmp_path, sound_spec(values="vluchteling, subsidiair, onbekend"))
    result = CliRunner(env={"GITHUB_ACTIONS": "true"}).invoke(main, ["check", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0
    annotation = result.output.splitlines()[-1]
    assert annotation == (
        f"::warning file={tmp_path.as_posix()}/H2_test.xlsx,title=Termijn%2C B8::no rule tests the value onbekend of "
        "status_referent (tested: vluchteling, subsidiair); at status_referent = onbekend, uitkomst stays unknown, "
        "while the letters or motivations use it"
    )


# ---- the three edits of issue 8, on a copy of H2's Nareistermijn and Huisvesting tables ---------------------

H2_GLOSSARY = [
    ("status_referent", "referent", "keuze", "vluchteling, subsidiair", "", "invoer"),
    ("dagen_te_laat", "gezinslid", "getal", "", "", "afgeleid"),
    ("datum_indiening", "aanvraag", "datum", "", "", "invoer"),
    ("nareistermijn_einde", "aanvraag", "datum", "", "", "invoer"),
    ("nareistermijn_veiliggesteld", "gezinslid", "ja/nee", "", "", "invoer"),
    ("verklaring_termijnoverschrijding", "gezinslid", "keuze", "gegeven, niet_gegeven", "", "invoer"),
    ("termijnoverschrijding_verschoonbaar", "gezinslid", "keuze", "ja, nee, onbekend", "", "invoer"),
    (
        "oordeel_nareistermijn",
        "gezinslid",
        "keuze",
        "niet_verschoonbaar, herstel_verzuim, nog_te_beoordelen, verschoonbaar, veiliggesteld, binnen_marge, tijdig, "
        "niet_van_toepassing",
        "",
        "afgeleid",
    ),
    ("referent_is_nbm", "referent", "ja/nee", "", "", "invoer"),
    ("soort_huisvesting", "referent", "keuze", "huurwoning, koopwoning, coa_opvang, geen", "", "invoer"),
    ("oordeel_huisvesting", "aanvraag", "keuze", "niet_voldaan, voldaan, niet_van_toepassing", "", "afgeleid"),
    ("uitkomst", "gezinslid", "keuze", "afwijzen, inwilligen", "", "afgeleid"),
]
NAREISTERMIJN_ROWS = [
    ("2.2-10", "subsidiair", "-", "-", "-", "-", "niet_van_toepassing", "§2.2"),
    ("2.2-11", "vluchteling", "<= 0", "-", "-", "-", "tijdig", "§2.2; art. 29c lid 1 Vw"),
    ("2.2-12", "vluchteling", "[1..14]", "-", "-", "-", "binnen_marge", "§2.2"),
    ("2.2-13", "vluchteling", "> 14", "ja", "-", "-", "veiliggesteld", "§2.2"),
    ("2.2-14", "vluchteling", "> 14", "nee", "niet_gegeven", "-", "herstel_verzuim", "§2.2, §1.3"),
    ("2.2-15", "vluchteling", "> 14", "nee", "gegeven", "ja", "verschoonbaar", "§2.2"),
    ("2.2-16", "vluchteling", "> 14", "nee", "gegeven", "nee", "niet_verschoonbaar", "§2.2; art. 29c lid 1 Vw"),
    ("2.2-17", "vluchteling", "> 14", "nee", "gegeven", "onbekend", "nog_te_beoordelen", "§2.2"),
]
HUISVESTING_ROWS = [
    ("2.3-20", "vluchteling", "-", "-", "niet_van_toepassing", "§2.3"),
    ("2.3-21", "subsidiair", "ja", "-", "niet_van_toepassing", "§2.3.2"),
    ("2.3-22", "subsidiair", "nee", "coa_opvang, geen", "niet_voldaan", "§2.3.2"),
    ("2.3-23", "subsidiair", "nee", "huurwoning, koopwoning", "voldaan", "§2.3.2"),
]


def h2_spec(
    nareistermijn: Sequence[Sequence[object]] = NAREISTERMIJN_ROWS, glossary: Sequence[Sequence[object]] = H2_GLOSSARY
) -> WorkbookSpec:
    return WorkbookSpec(
        "H2_algemene_voorwaarden.xlsx",
        glossary=glossary,
        calculations=[("dagen_te_laat", "dagen_tussen(nareistermijn_einde, datum_indiening)", "§2.2")],
        tables=[
            TableSpec(
                "Nareistermijn",
                kinds=("Invoer",) * 5 + ("Uitvoer", "Bron"),
                facts=(
                    "status_referent",
                    "dagen_te_laat",
                    "nareistermijn_veiliggesteld",
                    "verklaring_termijnoverschrijding",
                    "termijnoverschrijding_verschoonbaar",
                    "oordeel_nareistermijn",
                    "",
                ),
                rows=nareistermijn,
            ),
            TableSpec(
                "Huisvesting",
                entity="aanvraag",
                kinds=("Invoer", "Invoer", "Invoer", "Uitvoer", "Bron"),
                facts=("status_referent", "referent_is_nbm", "soort_huisvesting", "oordeel_huisvesting", ""),
                rows=HUISVESTING_ROWS,
            ),
            TableSpec(
                "Uitkomst H2",
                hit_policy="F",
                kinds=("Invoer", "Invoer", "Uitvoer", "Bron"),
                facts=("oordeel_nareistermijn", "oordeel_huisvesting", "uitkomst", ""),
                rows=[
                    ("2.0-01", "niet_verschoonbaar", "-", "afwijzen", "§2.2"),
                    ("2.0-02", "-", "niet_voldaan", "afwijzen", "§2.3.2"),
                    ("2.0-03", "not(niet_verschoonbaar)", "not(niet_voldaan)", "inwilligen", "§2"),
                ],
            ),
        ],
    )


def analysis_lines(tmp_path: Path, spec: WorkbookSpec) -> list[str]:
    write_workbook(tmp_path, spec)
    result = check_directory(tmp_path, documents=False)
    kinds = ("unfired_rule", "uncovered_paragraph", "unused_input", "unused_derived", "no_scenarios")
    return [f"{location_text(f.location)}: {message(f)}" for f in result.findings if f.kind not in kinds]


def test_the_h2_tables_as_they_are_give_no_finding(tmp_path: Path) -> None:
    assert analysis_lines(tmp_path, h2_spec()) == []


def test_edit_1_a_wider_margin_overlaps_the_rules_for_late_applications(tmp_path: Path) -> None:
    rows = [list(r) for r in NAREISTERMIJN_ROWS]
    rows[2][2] = "[1..21]"
    lines = analysis_lines(tmp_path, h2_spec(rows))
    assert (
        'werkmap H2_algemene_voorwaarden.xlsx, blad "Nareistermijn", cel C10: regels 2.2-12 en 2.2-16 overlappen bij '
        "status_referent = vluchteling, dagen_te_laat = 18, nareistermijn_veiliggesteld = nee, "
        "verklaring_termijnoverschrijding = gegeven, termijnoverschrijding_verschoonbaar = nee; hitbeleid U staat maar "
        "één passende regel toe"
    ) in lines
    assert len(lines) == 5  # 2.2-12 overlaps 2.2-13 .. 2.2-17


def test_edit_2_a_row_in_the_middle_that_contradicts_2_2_15(tmp_path: Path) -> None:
    rows = list(NAREISTERMIJN_ROWS)
    rows.insert(4, ("2.2-19", "vluchteling", ">= 15", "nee", "gegeven", "ja", "niet_verschoonbaar", "§2.2"))
    assert analysis_lines(tmp_path, h2_spec(rows)) == [
        'werkmap H2_algemene_voorwaarden.xlsx, blad "Nareistermijn", cel C12: regels 2.2-19 en 2.2-15 overlappen bij '
        "status_referent = vluchteling, dagen_te_laat = 15, nareistermijn_veiliggesteld = nee, "
        "verklaring_termijnoverschrijding = gegeven, termijnoverschrijding_verschoonbaar = ja; hitbeleid U staat maar "
        "één passende regel toe"
    ]


def test_edit_3_a_new_keuze_value_no_row_handles(tmp_path: Path) -> None:
    glossary = [list(row) for row in H2_GLOSSARY]
    huisvesting = next(row for row in glossary if row[0] == "soort_huisvesting")
    huisvesting[3] = str(huisvesting[3]) + ", kamerhuur"
    assert analysis_lines(tmp_path, h2_spec(glossary=glossary)) == [
        'werkmap H2_algemene_voorwaarden.xlsx, blad "Huisvesting", cel D10: geen regel test de waarde kamerhuur van '
        "soort_huisvesting (wel: huurwoning, koopwoning, coa_opvang, geen); bij status_referent = subsidiair, "
        "referent_is_nbm = nee, soort_huisvesting = kamerhuur blijft oordeel_huisvesting onbekend, terwijl regel "
        '2.0-02 van tabel "Uitkomst H2" het test'
    ]
