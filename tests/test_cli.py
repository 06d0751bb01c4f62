"""The nareis command: exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import base_spec
from factory import write_workbook

from engine.cli import main

SCENARIO_KINDS = ("Invoer", "Invoer", "Invoer", "Invoer", "Invoer", "Invoer", "Verwacht", "Verwacht")
SCENARIO_FACTS = (
    "beslisdatum",
    "datum_indiening",
    "status_referent",
    "datum_verlening",
    "relatie",
    "identiteit_aannemelijk",
    "uitkomst",
    "eindoordeel",
)


def scenario_tables(tmp_path: Path, expected_sibling: str = "afwijzen") -> Path:
    rows = [
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
            "inwilligen",
        ),
        (
            "S-2",
            "zus",
            "Ouders afgewezen",
            "§4.1",
            "2026-11-01",
            "2026-08-01",
            "vluchteling",
            "2026-05-01",
            "kind",
            "ja",
            "inwilligen",
            expected_sibling,
        ),
        ("S-2", "vader", "", "", None, None, None, None, "ouder", "nee", "afwijzen", None),
    ]
    write_workbook(tmp_path, base_spec(scenarios=rows, scenario_kinds=SCENARIO_KINDS, scenario_facts=SCENARIO_FACTS))
    return tmp_path


CASE = {
    "beslisdatum": "2026-11-01",
    "aanvraag": {"zaaknummer": "Z-9", "datum_indiening": "2026-08-20"},
    "referent": {"status_referent": "vluchteling", "datum_verlening": "2026-05-01"},
    "gezinsleden": [{"id": "vrouw", "relatie": "echtgenoot", "identiteit_aannemelijk": "ja"}],
}


def test_check_ends_with_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(scenario_tables(tmp_path)), "--lang", "en"])
    assert result.exit_code == 1, result.output  # the small rule base leaves paragraphs and rules uncovered
    assert result.output.splitlines()[-1] == (
        "5 errors, 1 warning, 0 notes; 1 workbooks, 12 facts, 3 tables, 9 rules, 2 calculations; "
        "scenarios: 2 passed, 0 failed; coverage: 6 of 43 paragraphs, 4 rules without a scenario"
    )


def test_check_reports_a_failing_scenario_with_its_cell(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["check", str(scenario_tables(tmp_path, expected_sibling="inwilligen")), "--lang", "en"]
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    start = lines.index(
        '    error: H2_test.xlsx, sheet "Tests", cell L4: scenario S-2, zus: expected eindoordeel = inwilligen, '
        "got afwijzen"
    )
    assert lines[start + 1 : start + 4] == [
        '      table "Broers en zussen" (H2_test.xlsx, sheet "Broers", hit policy F) sets eindoordeel:',
        "        rule 4.1-01 (row 8) matches and decided at ouders_afgewezen = ja, relatie = kind",
        "        rule 4.1-02 (row 9) matches, but another rule took precedence",
    ]
    assert lines[-1].endswith("scenarios: 1 passed, 1 failed; coverage: 6 of 43 paragraphs, 4 rules without a scenario")


def test_check_reports_a_file_that_is_no_workbook_with_exit_code_2(tmp_path: Path) -> None:
    (tmp_path / "kapot.xlsx").write_text("geen excel")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == "Fout: kapot.xlsx is geen Excel-werkmap (.xlsx)\n"
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--lang", "en"])
    assert result.output == "Error: kapot.xlsx is not an Excel workbook (.xlsx)\n"


def test_decide_prints_json_with_the_whole_trace(tables_dir: Path, tmp_path: Path) -> None:
    case = tmp_path / "zaak.json"
    case.write_text(json.dumps(CASE))
    result = CliRunner().invoke(main, ["decide", str(case), "--tables", str(tables_dir)])
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    member = decision["gezinsleden"][0]
    assert member["feiten"]["uitkomst"] == "afwijzen"
    assert [r["regel"] for r in member["gevuurde_regels"]] == ["2.2-01", "E-01", "4.1-02"]
    assert member["motiveringen"][0]["tekst"] == "U heeft de aanvraag op 20 augustus 2026 ingediend."


def test_decide_text(tables_dir: Path, tmp_path: Path) -> None:
    case = tmp_path / "zaak.json"
    case.write_text(json.dumps(CASE))
    result = CliRunner().invoke(
        main,
        ["decide", str(case), "--tables", str(tables_dir), "--format", "text", "--beslisdatum", "2026-11-02"],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("Beslisdatum 2026-11-02  (tabellen ")
    assert result.output.splitlines()[1:] == [
        "",
        "vrouw: afwijzen",
        "    1. 2.2-01     Nareistermijn (§2.2; art. 29c lid 1 Vw)",
        "    2. E-01       Uitkomst (§2.2)",
        "    3. 4.1-02     Broers en zussen (§4.1)",
    ]


def test_a_bad_case_exits_2_and_decides_nothing(tables_dir: Path, tmp_path: Path) -> None:
    case = tmp_path / "zaak.json"
    case.write_text(json.dumps({**CASE, "aanvraag": {"datum_indiening": "20-08-2026"}}))
    result = CliRunner().invoke(main, ["decide", str(case), "--tables", str(tables_dir)])
    assert result.exit_code == 2
    assert result.output == (
        'Error: The case is not valid:\naanvraag.datum_indiening: expected a date like 2012-05-01, got "20-08-2026"\n'
    )


def test_a_bad_beslisdatum_on_the_command_line_is_a_usage_error(tables_dir: Path, tmp_path: Path) -> None:
    case = tmp_path / "zaak.json"
    case.write_text(json.dumps(CASE))
    result = CliRunner().invoke(main, ["decide", str(case), "--tables", str(tables_dir), "--beslisdatum", "2026-02-31"])
    assert result.exit_code == 2
    assert "Invalid value for '--beslisdatum'" in result.output


def test_schema_is_json(tables_dir: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "--tables", str(tables_dir)])
    assert result.exit_code == 0
    assert json.loads(result.output)["required"] == ["aanvraag", "referent", "gezinsleden"]


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.output == "nareis, version 0.1.0\n"


@pytest.mark.parametrize("command", ["decide", "check", "schema", "render"])
def test_every_command_is_documented_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: nareis " + command in result.output


def test_without_a_beslisdatum_the_cli_uses_today_and_records_it(tables_dir: Path, tmp_path: Path) -> None:
    import datetime as dt

    case = tmp_path / "zaak.json"
    case.write_text(json.dumps({k: v for k, v in CASE.items() if k != "beslisdatum"}))
    result = CliRunner().invoke(main, ["decide", str(case), "--tables", str(tables_dir)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["beslisdatum"] == dt.date.today().isoformat()


def test_a_missing_tables_directory_is_reported_not_a_traceback(tmp_path: Path) -> None:
    case = tmp_path / "zaak.json"
    case.write_text(json.dumps(CASE))
    result = CliRunner().invoke(main, ["decide", str(case), "--tables", str(tmp_path / "geen")])
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: 1 problem in the decision tables:\n{tmp_path / 'geen'} is geen map met werkmappen\n"
    )


def test_decide_writes_a_document_and_render_reads_a_saved_decision(tables_dir: Path, tmp_path: Path) -> None:
    case = tmp_path / "zaak.json"
    case.write_text(json.dumps(CASE))
    saved = tmp_path / "besluit.json"
    runner = CliRunner()
    assert runner.invoke(main, ["decide", str(case), "--tables", str(tables_dir), "-o", str(saved)]).exit_code == 0
    letter = tmp_path / "brief.md"
    result = runner.invoke(
        main,
        [
            "decide",
            str(case),
            "--tables",
            str(tables_dir),
            "--document",
            "beschikking",
            "--format",
            "md",
            "-o",
            str(letter),
        ],
    )
    assert result.exit_code == 0, result.output
    again = tmp_path / "opnieuw.md"
    result = runner.invoke(
        main,
        [
            *("render", str(saved), "--tables", str(tables_dir), "--document", "beschikking"),
            *("--format", "md", "-o", str(again)),
        ],
    )
    assert result.exit_code == 0, result.output
    assert letter.read_text() == again.read_text()
    assert "U heeft de aanvraag op 20 augustus 2026 ingediend." in letter.read_text()


def test_a_document_the_outcome_does_not_call_for_is_refused(tables_dir: Path, tmp_path: Path) -> None:
    case = tmp_path / "zaak.json"
    case.write_text(json.dumps(CASE))
    result = CliRunner().invoke(
        main, ["decide", str(case), "--tables", str(tables_dir), "--document", "herstelverzuim", "--format", "html"]
    )
    assert result.exit_code == 2
    assert result.output.startswith("Error: No herstelverzuim letter")


def test_pdf_needs_an_output_file(tables_dir: Path, tmp_path: Path) -> None:
    case = tmp_path / "zaak.json"
    case.write_text(json.dumps(CASE))
    result = CliRunner().invoke(
        main, ["decide", str(case), "--tables", str(tables_dir), "--document", "beschikking", "--format", "pdf"]
    )
    assert result.exit_code == 2
    assert "a pdf document needs -o FILE" in result.output


def test_dump_prints_a_workbook_as_text_for_diffs(tables_dir: Path) -> None:
    result = CliRunner().invoke(main, ["dump", str(tables_dir / "H2_test.xlsx")])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "== Nareistermijn" in lines
    assert (
        "2.2-01 | status_referent: vluchteling | datum_indiening: > nareistermijn_einde + 2 weken | → termijn: te_laat"
        " | Bron: §2.2; art. 29c lid 1 Vw | Motivering: U heeft de aanvraag op {{ datum_indiening|datum }} ingediend."
        in lines
    )


def test_check_renders_the_motivations_of_every_scenario(tmp_path: Path) -> None:
    from dataclasses import replace

    from conftest import TABLES

    tables = list(TABLES)
    rows = [list(r) for r in tables[0].rows]
    rows[1][5] = "Tijdig; identiteit: {{ identiteit_aannemelijk }}."  # printed, but unknown in a scenario below
    tables[0] = replace(tables[0], rows=[tuple(r) for r in rows])
    scenarios = [
        (
            "S-1",
            "vrouw",
            "",
            "§2.2",
            "2026-11-01",
            "2026-08-01",
            "vluchteling",
            "2026-05-01",
            "echtgenoot",
            None,
            None,
            None,
        )
    ]
    write_workbook(
        tmp_path,
        base_spec(tables=tables, scenarios=scenarios, scenario_kinds=SCENARIO_KINDS, scenario_facts=SCENARIO_FACTS),
    )
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 1
    assert (
        '    error: H2_test.xlsx, sheet "Tests", cell A3: scenario S-1: H2_test.xlsx, sheet "Nareistermijn", row 9: '
        "rule 2.2-02: motivation could not be rendered: 'identiteit_aannemelijk' is undefined"
    ) in result.output.splitlines()
