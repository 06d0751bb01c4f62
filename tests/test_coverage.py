"""nareis coverage: paragraphs cited, paragraphs explained, rules without a scenario."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_cli import scenario_tables

from engine.api import load_rule_base
from engine.cli import main
from engine.coverage import cited_paragraphs, paragraph_coverage


def test_citations_are_read_from_the_bron_text() -> None:
    assert cited_paragraphs("§2.2; art. 29c lid 1 Vw") == ["2.2"]
    assert cited_paragraphs("§ 3.1.2 en §3.2; C5/1.5 Vc") == ["3.1.2", "3.2"]
    assert cited_paragraphs("Inleiding (Peilmoment)") == ["Inleiding"]


def test_every_paragraph_of_the_table_of_contents_is_listed(tmp_path: Path) -> None:
    coverage = {c.paragraph: c for c in paragraph_coverage(load_rule_base(scenario_tables(tmp_path)))}
    assert coverage["2.2"].rules == ("2.2-01", "2.2-02", "E-01", "nareistermijn_einde")
    assert coverage["4.1"].rules == ("4.1-01", "4.1-02", "ouders_afgewezen")
    assert not coverage["5.2"].covered
    assert len(coverage) == 43


def test_the_command_lists_uncovered_paragraphs_and_rules_without_a_scenario(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["coverage", str(scenario_tables(tmp_path))])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "§2.2       Nareistermijn" in lines[11]
    assert lines[11].endswith("4 rules: 2.2-01, 2.2-02, E-01, nareistermijn_einde")
    assert lines[-2] == "rules no scenario fires (4): 2.2-01, 2.2-03, E-01, E-03"
    assert lines[-1] == "6 of 43 paragraphs covered; 4 rules without a scenario"
