"""Hardening (issue 12): a motivation that prints a fact a valid case may leave out is found without a scenario."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conftest import TABLES, base_spec
from factory import write_workbook
from jinja2 import meta

from engine.api import load_rule_base
from engine.case import case_schema
from engine.optional_facts import motivation_gaps
from renderers.environment import MOTIVATION_ENV, render_motivation


def printed(text: str) -> set[str]:
    return set(meta.find_undeclared_variables(MOTIVATION_ENV.parse(text)))


def tables_with_motivation(directory: Path, motivation: str) -> Path:
    uitkomst = TABLES[1]
    rows = [(*uitkomst.rows[0], motivation), *((*row, "") for row in uitkomst.rows[1:])]
    table = dataclasses.replace(uitkomst, kinds=(*uitkomst.kinds, "Motivering"), facts=(*uitkomst.facts, ""), rows=rows)
    write_workbook(directory, base_spec(tables=[TABLES[0], table, TABLES[2]]))
    return directory


def test_a_motivation_printing_an_untested_optional_fact_is_a_located_problem(tmp_path: Path) -> None:
    rule_base = load_rule_base(tables_with_motivation(tmp_path, "Ingediend op {{ datum_indiening|datum }}."))
    problems = motivation_gaps(rule_base, render_motivation, printed)
    assert [str(p) for p in problems] == [
        'H2_test.xlsx, sheet "Uitkomst", cell F8: rule E-01: the motivation prints datum_indiening (an input a case '
        "may leave out), and the row does not test it: a letter for a case without it cannot be made; test "
        "datum_indiening in the row, or write {% if datum_indiening is defined %}...{% endif %} around it"
    ]


def test_a_motivation_that_handles_the_absence_passes(tmp_path: Path) -> None:
    text = "{% if datum_indiening is defined %}Ingediend op {{ datum_indiening|datum }}.{% endif %}"
    rule_base = load_rule_base(tables_with_motivation(tmp_path, text))
    assert motivation_gaps(rule_base, render_motivation, printed) == []


def test_a_fact_the_row_tests_is_known_when_it_fires(tables_dir: Path) -> None:
    # 2.2-01 prints datum_indiening and tests it.
    assert motivation_gaps(load_rule_base(tables_dir), render_motivation, printed) == []


def test_the_case_schema_requires_the_name_the_letters_print() -> None:
    rule_base = load_rule_base(Path(__file__).resolve().parent.parent / "decision_tables")
    assert case_schema(rule_base)["properties"]["gezinsleden"]["items"]["required"] == ["id", "naam"]
    gaps = motivation_gaps(rule_base, render_motivation, printed)
    assert not [g for g in gaps if "prints naam " in g.message]
