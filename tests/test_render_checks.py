"""Issue 7 §3: checks over every scenario's letters, and the labels every glossary value needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.api import engine_for, load_rule_base
from engine.scenarios import run_scenario
from renderers import checks
from renderers.checks import LetterError, check_letters, wi_citations
from renderers.environment import document_environment

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "renderers" / "samples" / "decision_example.json"


def sample() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


@pytest.fixture(scope="module")
def rule_base() -> Any:
    return load_rule_base(ROOT / "decision_tables")


def test_every_scenario_letter_passes_the_letter_checks(rule_base: Any) -> None:
    engine = engine_for(rule_base)
    failures: list[str] = []
    for scenario in rule_base.scenarios:
        result = run_scenario(scenario, engine, lambda decision: check_letters(decision.to_json()))
        failures.extend(failure for failure in result.failures if "expected" not in failure)
    assert failures == []


def test_a_refusal_that_asks_for_documents_fails() -> None:
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][0]["motivering"] = "Stuur ons de huwelijksakte."
    with pytest.raises(
        LetterError,
        match=r'^beschikking, echtgenote: a refusal asks for documents or information: "Stuur ons de huwelijksakte."$',
    ):
        check_letters(decision)


def test_a_motivation_whose_toon_bij_does_not_hold_must_not_reach_a_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][1]["in_brief"] = False
    check_letters(decision)  # the templates leave it out
    leaky = (
        '<section class="gezinslid" data-gezinslid="echtgenote">'
        "<p>De overschrijding van de termijn is niet verschoonbaar.</p></section>"
    )
    monkeypatch.setattr(checks, "render_html", lambda decision, document: leaky)
    with pytest.raises(
        LetterError,
        match=(
            r"^beschikking, echtgenote: the motivation of rule E-01 is in the letter, but its Toon bij test does "
            r"not hold for uitkomst = afwijzen; "
        ),
    ):
        check_letters(decision)


def labels() -> Any:
    return document_environment("html").get_template("_labels.j2").module


@pytest.mark.parametrize(
    ("fact", "table"),
    [
        ("afwijzingsgronden", "afwijzingsgronden"),
        ("herstel_verzuim_punten", "herstelpunten"),
        ("vervolgacties", "vervolgacties"),
        ("uitkomst", "uitkomsten"),
    ],
)
def test_every_value_of_the_glossary_has_a_label(rule_base: Any, fact: str, table: str) -> None:
    values = rule_base.glossary[fact].type.values
    assert [value for value in values if value not in getattr(labels(), table)] == []


def test_ground_labels_are_plain_and_true() -> None:
    grounds = labels().afwijzingsgronden
    assert grounds["openbare_orde"] == "het gezinslid is een gevaar voor de openbare orde"
    assert grounds["feitelijke_gezinsband"] == "u en het gezinslid vormen in werkelijkheid geen gezin (meer)"
    for code, text in grounds.items():
        assert "_" not in text and code.replace("_", " ") != text, code
        assert len(text.split()) <= 25, code


def test_wi_citations_finds_a_letter_that_cites_the_wi_instead_of_the_law() -> None:
    assert wi_citations(sample()) == []
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][0]["motivering"] = (
        "Aan de voorwaarden is voldaan (hoofdstuk 2 van de werkinstructie). Dat is goed."
    )
    assert wi_citations(decision) == ["Aan de voorwaarden is voldaan (hoofdstuk 2 van de werkinstructie)."]


@pytest.mark.parametrize(
    ("motivation", "sentence"),
    [
        ("Dat volgt uit WI 2026/11. Wij wijzen de aanvraag af.", "Dat volgt uit WI 2026/11."),
        ("Zo staat het in paragraaf 3.2. Wij wijzen de aanvraag af.", "Zo staat het in paragraaf 3.2."),
        ("De nareistermijn is verstreken (§2.2).", "De nareistermijn is verstreken (§2.2)."),
        ("Regel 2.2-04 is toegepast.", "Regel 2.2-04 is toegepast."),
    ],
)
def test_a_letter_that_cites_the_wi_fails_the_letter_check(motivation: str, sentence: str) -> None:
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][0]["motivering"] = motivation
    with pytest.raises(LetterError) as raised:
        check_letters(decision)
    assert str(raised.value) == f'beschikking: the letter cites the WI instead of the law: "{sentence}"'


def test_a_letter_may_cite_a_paragraph_of_the_vreemdelingencirculaire() -> None:
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][0]["motivering"] = (
        "Wij baseren dit op paragraaf C5/1.2 van de Vreemdelingencirculaire 2000 "
        "en artikel 29c van de Vreemdelingenwet 2000."
    )
    check_letters(decision)
    assert wi_citations(decision) == []


def test_nareis_check_reports_a_scenario_whose_letter_cites_the_wi(rule_base: Any) -> None:
    """The same check_letters runs for every scenario in `nareis check` (engine.check._document_check)."""
    engine = engine_for(rule_base)
    scenario = next(s for s in rule_base.scenarios if s.scenario_id == "S1.3-02")

    def cite_the_wi(decision: Any) -> None:
        data = decision.to_json()
        for member in data["gezinsleden"]:
            for rule in member["gevuurde_regels"]:
                if rule["regel"] == "1.3-40":
                    rule["motivering"] = "Zo staat het in paragraaf 3.2 van WI 2026/11."
        check_letters(data)

    result = run_scenario(scenario, engine, cite_the_wi)
    assert [failure.text.nl for failure in result.failure_details] == [
        "scenario S1.3-02: de brieven van dit scenario kloppen niet: beschikking: the letter cites the WI instead of "
        "the law: "
        '"Zo staat het in paragraaf 3.2 van WI 2026/11."'
    ]
