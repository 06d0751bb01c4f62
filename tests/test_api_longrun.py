"""Long runs in one process: sessions are never left behind (durable-rules allows 1,024 live ones), a decision that
fails leaves the next one correct, and reloading edited tables does not keep the old rule base."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import TABLES, base_spec
from factory import write_workbook

from engine.api import Rules

GOOD = {
    "beslisdatum": "2026-11-01",
    "aanvraag": {"datum_indiening": "2026-08-20"},
    "referent": {"status_referent": "subsidiair", "datum_verlening": "2026-05-01"},
    "gezinsleden": [{"id": "a", "relatie": "kind", "identiteit_aannemelijk": "ja"}],
}
# A vluchteling's term is judged by two overlapping rows of a U table (one added below): a conflict, raised in the
# middle of the decision, after its durable-rules session was started.
CONFLICT = {**GOOD, "referent": {"status_referent": "vluchteling", "datum_verlening": "2026-05-01"}}


@pytest.fixture
def rules(tmp_path: Path) -> Rules:
    term = TABLES[0]
    overlapping = dataclasses.replace(term, rows=[*term.rows, ("2.2-04", "vluchteling", "-", "op_tijd", "§2.2", "")])
    write_workbook(tmp_path, base_spec(tables=[overlapping, *TABLES[1:]]))
    return Rules.load(tmp_path)


def test_a_failed_decision_leaves_the_next_one_correct_over_more_failures_than_live_sessions(rules: Rules) -> None:
    good, conflict = rules.read_case(GOOD), rules.read_case(CONFLICT)
    expected = rules.decide(good).to_json()
    failures = 0
    for _ in range(1_100):  # more failed decisions than durable-rules' 1,024 live sessions
        # A hit-policy conflict stops its table in the middle of the decision (the decision comes back with it).
        assert rules.decide(conflict).conflicts
        failures += 1
        assert rules.decide(good).to_json() == expected
    assert failures == 1_100
    assert expected["gezinsleden"][0]["feiten"]["uitkomst"] == "inwilligen"
