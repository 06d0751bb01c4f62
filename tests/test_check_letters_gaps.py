"""nareis check: motivations that print a fact a case may lack (issue 12), and a chapter whose Tests sheet is gone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from conftest import TABLES, base_spec
from factory import write_workbook
from test_check_cli import sound_spec

from engine.check import check_directory
from engine.cli import main
from engine.findings import location_text, message


def tables_with_motivation(directory: Path, motivation: str) -> Path:
    uitkomst = TABLES[1]
    rows = [(*uitkomst.rows[0], motivation), *((*row, "") for row in uitkomst.rows[1:])]
    table = dataclasses.replace(uitkomst, kinds=(*uitkomst.kinds, "Motivering"), facts=(*uitkomst.facts, ""), rows=rows)
    write_workbook(directory, base_spec(tables=[TABLES[0], table, TABLES[2]]))
    return directory


def printed_fact_lines(directory: Path, lang: str, strict: bool = False) -> list[str]:
    result = check_directory(directory, strict=strict)
    return [
        f"{f.severity}: {location_text(f.location, lang)}: {message(f, lang)}"
        for f in result.findings
        if f.kind in ("optional_fact_printed", "unknown_fact_printed")
    ]


def test_a_motivation_printing_an_optional_input_is_a_warning_at_its_cell(tmp_path: Path) -> None:
    tables_with_motivation(tmp_path, "Ingediend op {{ datum_indiening|datum }}.")
    assert printed_fact_lines(tmp_path, "nl") == [
        'warning: werkmap H2_test.xlsx, blad "Uitkomst", cel F8: regel E-01: de motivering drukt datum_indiening '
        "af, maar dat is invoer die een zaak mag weglaten en de regel test het niet: voor zo'n zaak kan de brief "
        "niet worden gemaakt; test datum_indiening in de regel, of zet {% if datum_indiening is defined %}..."
        "{% endif %} eromheen"
    ]
    assert printed_fact_lines(tmp_path, "en") == [
        'warning: H2_test.xlsx, sheet "Uitkomst", cell F8: rule E-01: the motivation prints datum_indiening, an '
        "input a case may leave out, and the row does not test it: a letter for such a case cannot be made; test "
        "datum_indiening in the row, or write {% if datum_indiening is defined %}...{% endif %} around it"
    ]


def test_with_strict_it_is_an_error(tmp_path: Path) -> None:
    tables_with_motivation(tmp_path, "Ingediend op {{ datum_indiening|datum }}.")
    lines = printed_fact_lines(tmp_path, "en", strict=True)
    assert len(lines) == 1
    assert lines[0].startswith('error: H2_test.xlsx, sheet "Uitkomst", cell F8: rule E-01: the motivation prints ')


def test_a_motivation_printing_a_derived_fact_that_may_be_unknown(tmp_path: Path) -> None:
    tables_with_motivation(tmp_path, "De termijn eindigde op {{ nareistermijn_einde|datum }}.")
    assert printed_fact_lines(tmp_path, "en") == [
        'warning: H2_test.xlsx, sheet "Uitkomst", cell F8: rule E-01: the motivation prints nareistermijn_einde, '
        "which is derived and may be unknown, and the row does not test it: a letter for a case where it stays "
        "unknown cannot be made; test nareistermijn_einde in the row, or write "
        "{% if nareistermijn_einde is defined %}...{% endif %} around it"
    ]


def test_a_motivation_that_handles_the_absence_gives_no_finding(tmp_path: Path) -> None:
    text = "{% if datum_indiening is defined %}Ingediend op {{ datum_indiening|datum }}.{% endif %}"
    tables_with_motivation(tmp_path, text)
    assert printed_fact_lines(tmp_path, "nl") == []


def test_a_printed_fact_the_row_tests_gives_no_finding(tables_dir: Path) -> None:
    # 2.2-01 prints datum_indiening and tests it: when the row fires, the fact is known.
    assert printed_fact_lines(tables_dir, "nl") == []


def test_the_check_command_shows_the_warning(tmp_path: Path) -> None:
    spec = sound_spec()
    table = spec.tables[0]
    spec.tables = [
        dataclasses.replace(
            table,
            kinds=(*table.kinds, "Motivering"),
            facts=(*table.facts, ""),
            rows=[(*table.rows[0], "Gezin van {{ naam_referent }}."), (*table.rows[1], "")],
        )
    ]
    spec.glossary = [*spec.glossary, ("naam_referent", "referent", "tekst", "", "Naam", "invoer")]
    spec.scenario_kinds = ("Invoer", "Invoer", "Verwacht")
    spec.scenario_facts = ("status_referent", "naam_referent", "uitkomst")
    spec.scenarios = [(*row[:5], "Jansen", row[5]) for row in spec.scenarios]
    write_workbook(tmp_path, spec)
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "Warnings (1):",
        '  H2_test.xlsx, sheet "Termijn"',
        '    warning: H2_test.xlsx, sheet "Termijn", cell E8: rule T-1: the motivation prints naam_referent, an '
        "input a case may leave out, and the row does not test it: a letter for such a case cannot be made; test "
        "naam_referent in the row, or write {% if naam_referent is defined %}...{% endif %} around it",
    ]
    assert CliRunner().invoke(main, ["check", str(tmp_path), "--strict"]).exit_code == 1


def test_a_chapter_whose_tests_sheet_was_deleted_fails_check(tmp_path: Path) -> None:
    path = write_workbook(tmp_path, sound_spec())
    assert CliRunner().invoke(main, ["check", str(tmp_path)]).exit_code == 0
    book = openpyxl.load_workbook(path)
    del book["Tests"]
    book.save(path)
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:3] == [
        "Fouten (3):",
        "  werkmap H2_test.xlsx",
        "    fout: werkmap H2_test.xlsx: deze werkmap heeft beslistabellen maar geen scenario's: het blad Tests "
        "ontbreekt of is leeg, en elk hoofdstuk moet getest zijn",
    ]
    english = CliRunner().invoke(main, ["check", str(tmp_path), "--lang", "en"]).output.splitlines()
    assert english[2] == (
        "    error: H2_test.xlsx: this workbook has decision tables but no scenarios: its Tests sheet is missing or "
        "empty, and every chapter must be tested"
    )


def test_a_scenario_whose_letter_cannot_be_made_says_so_in_dutch(tmp_path: Path) -> None:
    spec = sound_spec()
    table = spec.tables[0]
    spec.tables = [
        dataclasses.replace(
            table,
            kinds=(*table.kinds, "Motivering"),
            facts=(*table.facts, ""),
            rows=[(*table.rows[0], "Gezin van {{ naam_referent }}."), (*table.rows[1], "")],
        )
    ]
    spec.glossary = [*spec.glossary, ("naam_referent", "referent", "tekst", "", "Naam", "invoer")]
    write_workbook(tmp_path, spec)
    lines = CliRunner().invoke(main, ["check", str(tmp_path)]).output.splitlines()
    assert lines[:3] == [
        "Fouten (1):",
        '  werkmap H2_test.xlsx, blad "Tests"',
        '    fout: werkmap H2_test.xlsx, blad "Tests", cel A3: scenario S-1: de brieven van dit scenario kloppen niet: '
        "H2_test.xlsx, sheet \"Termijn\", row 8: rule T-1: motivation could not be rendered: 'naam_referent' is "
        "undefined",
    ]
