"""Motivation texts: checked at load time, rendered in the sandbox with a case's facts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.errors import NareisError
from renderers.documents import with_paragraphs
from renderers.environment import MotivationError, check_motivation, render_motivation

SAMPLE = Path(__file__).parent.parent / "renderers" / "samples" / "decision_example.json"
KNOWN = ["datum_indiening", "dagen_te_laat", "nareistermijn_einde", "naam", "beslisdatum"]


def sample() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


def test_a_valid_motivation_passes() -> None:
    text = "U heeft de aanvraag op {{ datum_indiening|datum }} ingediend, {{ dagen_te_laat }} dagen te laat."
    assert check_motivation(text, KNOWN) is None


def test_a_loop_variable_is_not_a_fact() -> None:
    assert check_motivation("{% for x in [1, 2] %}{{ x }}{% endfor %}", KNOWN) is None


def test_unknown_fact_names_close_matches() -> None:
    assert check_motivation("Dat is {{ dagen_te_laaat }} dagen te laat.", KNOWN) == (
        'motivation refers to unknown fact "dagen_te_laaat"; close known facts: dagen_te_laat'
    )


def test_unknown_facts_without_close_matches() -> None:
    assert check_motivation("{{ zzz }} {{ qqq }}", KNOWN) == (
        'motivation refers to unknown facts "qqq", "zzz"; no known fact is close to it'
    )


def test_invalid_jinja() -> None:
    assert check_motivation("U heeft {{ datum_indiening|datum ingediend.", KNOWN) == (
        "motivation is not valid Jinja: expected token 'end of print statement', got 'ingediend'"
    )


def test_unclosed_block() -> None:
    assert check_motivation("{% if naam %}tekst", KNOWN) == (
        "motivation is not valid Jinja: Unexpected end of template. "
        "Jinja was looking for the following tags: "
        "'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'."
    )


def test_unknown_filter() -> None:
    assert check_motivation("{{ datum_indiening|datun }}", KNOWN) == (
        'motivation uses unknown filter "datun"; known filters: datum'
    )


def test_no_globals_in_a_motivation() -> None:
    assert check_motivation("{{ range(3) }}", KNOWN) == (
        'motivation refers to unknown fact "range"; no known fact is close to it'
    )


def test_render_motivation_is_plain_text() -> None:
    facts = {"naam": "<b>Ali</b>", "datum_indiening": "2026-08-20"}
    assert render_motivation("Voor {{ naam }}: {{ datum_indiening|datum }}.", facts) == (
        "Voor <b>Ali</b>: 20 augustus 2026."
    )


def test_render_motivation_with_every_filter() -> None:
    facts = {
        "d": "2026-10-01",
        "t": "P3M",
        "b": "2300",
        "l": ["A", "B", "C"],
        "g": "2014-06-01",
        "n": " ALI  HAILE",
    }
    text = "{{ d|datum }}; {{ t|duur }}; {{ b|bedrag }}; {{ l|lijst }}; {{ g|leeftijd(d) }}; {{ n|naam }}"
    assert render_motivation(text, facts) == "1 oktober 2026; drie maanden; € 2.300,00; A, B en C; 12 jaar; Ali Haile"


def test_render_motivation_sandbox_blocks_internals() -> None:
    with pytest.raises(MotivationError, match=r"^motivation could not be rendered: access to attribute '__class__'"):
        render_motivation("{{ naam.__class__ }}", {"naam": "x"})


def test_render_motivation_missing_fact() -> None:
    with pytest.raises(MotivationError, match=r"^motivation could not be rendered: 'dagen_te_laat' is undefined$"):
        render_motivation("{{ dagen_te_laat }}", {})


def test_render_motivation_bad_value() -> None:
    with pytest.raises(
        MotivationError,
        match=(r"^motivation could not be rendered: datum: 'gisteren' is not a date \(expected YYYY-MM-DD\)$"),
    ):
        render_motivation("{{ d|datum }}", {"d": "gisteren"})


def test_with_paragraphs_renders_with_merged_facts_and_keeps_firing_order_without_tabelvolgorde() -> None:
    decided = with_paragraphs(sample())
    assert decided["gezinsleden"][0]["motiveringen"] == [
        {
            "regel": "2.2-04",
            "tabel": "Nareistermijn",
            "bron": "§2.2; art. 29c lid 1 Vw",
            "tekst": "U heeft de aanvraag op 20 augustus 2026 ingediend. Dat is 17 dagen na het einde van de "
            "nareistermijn van drie maanden (3 augustus 2026).",
            "in_brief": True,
            "conclusie": False,
        },
        {
            "regel": "E-01",
            "tabel": "Afwijzingsgronden",
            "bron": "§2.2; art. 29c lid 1 Vw",
            "tekst": "De overschrijding van de termijn is niet verschoonbaar.",
            "in_brief": True,
            "conclusie": False,
        },
    ]
    assert decided["aanvraag"]["motiveringen"] == []
    assert "motiveringen" not in sample()["gezinsleden"][0]


def test_with_paragraphs_follows_the_toetsingsvolgorde_and_puts_the_outcome_last() -> None:
    decision = sample()
    first, second = decision["gezinsleden"][0]["gevuurde_regels"][:2]
    first["tabelvolgorde"], second["tabelvolgorde"] = 20, 3  # the second rule's table comes earlier in the WI
    assert [m["regel"] for m in with_paragraphs(decision)["gezinsleden"][0]["motiveringen"]] == ["E-01", "2.2-04"]
    second["gezet"]["uitkomst"] = "afwijzen"  # the row that sets the final outcome concludes
    paragraphs = with_paragraphs(decision)["gezinsleden"][0]["motiveringen"]
    assert [(m["regel"], m["conclusie"]) for m in paragraphs] == [("2.2-04", False), ("E-01", True)]


def test_with_paragraphs_names_the_rule_that_fails() -> None:
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][1]["motivering"] = "Dat is {{ onbekend_feit }}."
    with pytest.raises(
        NareisError,
        match=(
            r'^Eindoordeel.xlsx, sheet "Afwijzingsgronden", row 9: '
            r"rule E-01: motivation could not be rendered: "
            r"'onbekend_feit' is undefined$"
        ),
    ):
        with_paragraphs(decision)


def test_an_unknown_fact_is_false_in_a_test_but_cannot_be_printed() -> None:
    from renderers.environment import render_motivation

    text = "Ophalen{% if ambassade %} in {{ ambassade }}{% endif %}."
    assert render_motivation(text, {}) == "Ophalen."
    assert render_motivation(text, {"ambassade": "Addis Abeba"}) == "Ophalen in Addis Abeba."
    with pytest.raises(Exception, match="'ambassade' is undefined"):
        render_motivation("In {{ ambassade }}.", {})
