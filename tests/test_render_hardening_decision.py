"""Hardening (issue 12): a decision the renderer is given (a saved, possibly hand-edited file) is checked for what
the documents read; a decision that lacks it is refused with the place in it, never a KeyError traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.errors import EXIT_CASE
from renderers.documents import DecisionError, check_decision, render_document

SAMPLE = Path(__file__).parent.parent / "renderers" / "samples" / "decision_example.json"


def sample() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


def refusal(decision: Any) -> str:
    with pytest.raises(DecisionError) as caught:
        render_document(decision, "beschikking", "html")
    assert caught.value.exit_code == EXIT_CASE
    return caught.value.message


def test_a_saved_decision_passes() -> None:
    check_decision(sample())


def test_an_empty_object_names_every_missing_part() -> None:
    assert refusal({}) == (
        "de beslissing kan geen document worden:\n"
        "beslissing: beslisdatum ontbreekt\n"
        "beslissing: tabellen_hash ontbreekt\n"
        "beslissing: aanvraag ontbreekt\n"
        "beslissing: referent ontbreekt\n"
        "beslissing: gezinsleden ontbreekt"
    )


def test_not_an_object() -> None:
    assert refusal([1, 2]) == "de beslissing kan geen document worden:\nbeslissing: moet een object zijn"


def test_a_place_deep_in_the_decision_is_named_by_its_json_path() -> None:
    decision = sample()
    decision["beslisdatum"] = "23-11-2026"
    decision["gezinsleden"][0]["feiten"]["naam"] = 5
    del decision["gezinsleden"][1]["gevuurde_regels"][0]["rij"]
    decision["gezinsleden"][1]["toelichtingen"]["x"] = ["lijst"]
    decision["referent"]["berekeningen"] = {}
    assert refusal(decision) == (
        "de beslissing kan geen document worden:\n"
        "beslissing.beslisdatum: moet een datum JJJJ-MM-DD zijn\n"
        "beslissing.gezinsleden[0].feiten.naam: moet tekst zijn\n"
        "beslissing.gezinsleden[1].gevuurde_regels[0]: rij ontbreekt\n"
        "beslissing.gezinsleden[1].toelichtingen.x: moet tekst zijn\n"
        "beslissing.referent.berekeningen: moet een lijst zijn"
    )


def test_a_fact_value_that_is_an_object_is_refused() -> None:
    decision = sample()
    decision["aanvraag"]["feiten"]["dagen_te_laat"] = {"a": 1}
    assert refusal(decision) == (
        "de beslissing kan geen document worden:\n"
        "beslissing.aanvraag.feiten.dagen_te_laat: moet tekst of een getal of true of false of een lijst of null zijn"
    )


def test_more_than_ten_problems_are_counted() -> None:
    decision = sample()
    for index in range(12):
        decision["aanvraag"]["feiten"][f"naam{index:02}"] = {}
    message = refusal(decision)
    assert message.startswith("de beslissing kan geen document worden (en nog 2):\n")
    assert len(message.splitlines()) == 11


def test_a_value_the_templates_cannot_use_is_a_decision_error_not_a_traceback() -> None:
    decision = sample()
    decision["gezinsleden"][0]["feiten"]["uitkomst"] = ["afwijzen"]  # a list where one outcome belongs
    decision["gezinsleden"][1]["feiten"]["uitkomst"] = "afwijzen"
    message = refusal(decision)
    assert message.startswith("de beslissing kan geen beschikking (html) worden: TypeError: ")
    assert message.endswith("; maak de beslissing opnieuw met nareis decide")
