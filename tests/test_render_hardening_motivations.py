"""Hardening of motivation texts (issue 12): nothing runs at compile time, the sandbox bounds the work, every
failure is a located message (the cell at load, the rule when a decision is rendered), never a traceback."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import TABLES, base_spec
from factory import write_workbook

from engine.api import load_rule_base
from engine.errors import NareisError, WorkbookProblems
from renderers import environment
from renderers.context import with_paragraphs
from renderers.environment import MOTIVATION_ENV, MotivationError, check_motivation, render_motivation

SAMPLE = Path(__file__).parent.parent / "renderers" / "samples" / "decision_example.json"
KNOWN = ["naam", "dagen_te_laat", "datum_indiening", "afwijzingsgronden"]
CONSTANTS = "de motivering rekent met vaste waarden die niet kunnen: "
ALL_FILTERS = (
    "abs, bedrag, capitalize, count, d, datum, default, duur, first, float, int, join, last, leeftijd, length, lijst, "
    "list, lower, max, min, naam, reverse, round, sort, string, sum, title, trim, unique, upper, wet, wordcount"
)
CONSTRUCTS = "kan niet in een motivering: die leest feiten, met filters, {% if %} en {% for %}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ 9**(9**9) }}", CONSTANTS + "9 ** 387420489 wordt een getal van meer dan 100 cijfers"),
        ('{{ "a" * 10**9 }}', CONSTANTS + "'a' * 1000000000 wordt langer dan 50.000 tekens"),
        ("{{ [1, 2] * 10**8 }}", CONSTANTS + "[1, 2] * 100000000 wordt langer dan 50.000 tekens"),
        ("{{ 1/0 }}", CONSTANTS + "deling door nul"),
        ("{{ 7 // 0 }}", CONSTANTS + "deling door nul"),
        ("{{ -(2**400) }}", CONSTANTS + "2 ** 400 wordt een getal van meer dan 100 cijfers"),
        ("{{ '%0999999999d' % 1 }}", CONSTANTS + "tekst opmaken met % kan niet in een motivering: gebruik de filters"),
        ("{{ range(10**8)|list }}", 'motivation refers to unknown fact "range"; no known fact is close to it'),
        ("{{ '%0999999999d'|format(1) }}", 'motivation uses unknown filter "format"; known filters: float, sort'),
        ("{{ naam|xmlattr }}", 'motivation uses unknown filter "xmlattr"; known filters: ' + ALL_FILTERS),
        ("{{ naam|center(10**9) }}", 'motivation uses unknown filter "center"; known filters: ' + ALL_FILTERS),
        ("{{ naam|random }}", 'motivation uses unknown filter "random"; known filters: ' + ALL_FILTERS),
        ("{{ naam|attr('__class__') }}", 'motivation uses unknown filter "attr"; known filters: ' + ALL_FILTERS),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% macro %} " + CONSTRUCTS),
        ("{{ naam.upper() }}", "een aanroep met haakjes, zoals naam(), " + CONSTRUCTS),
        ("{% filter upper %}x{% endfilter %}", "{% filter %} " + CONSTRUCTS),
        ("{% autoescape false %}x{% endautoescape %}", "{% autoescape %} " + CONSTRUCTS),
        ("{% with a = 1 %}{{ a }}{% endwith %}", "{% with %} " + CONSTRUCTS),
        ("{{ naam.__class__ }}", 'een motivering mag geen interne eigenschap "__class__" lezen'),
        ('{{ naam["__init__"] }}', 'een motivering mag geen interne eigenschap "__init__" lezen'),
        (
            "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
            "de motivering is te diep genest (haakjes of blokken binnen elkaar)",
        ),
    ],
)
def test_a_motivation_that_would_do_unbounded_work_is_refused_at_load(text: str, message: str) -> None:
    assert check_motivation(text, KNOWN) == message


def test_what_the_workbooks_use_still_passes() -> None:
    for text in (
        "{% if dagen_te_laat|int > 0 %}{{ dagen_te_laat }} dagen te laat{% endif %}",
        "{{ 2**10 }} {{ 7 // 2 }} {{ -3 }} {{ 'ab' * 3 }}",
        "{% for grond in afwijzingsgronden %}{{ loop.index }}. {{ grond }}{% endfor %}",
        "{{ afwijzingsgronden|length }} {{ naam|upper }} {{ datum_indiening|datum }}",
    ):
        assert check_motivation(text, KNOWN) is None, text


def test_nothing_is_evaluated_while_a_motivation_compiles(monkeypatch: pytest.MonkeyPatch) -> None:
    # Jinja's own compiler would fold `6 * 7` into 42 and call a filter on a constant while compiling.
    calls: list[Any] = []

    def spy(value: Any) -> str:
        calls.append(value)
        return "x"

    monkeypatch.setitem(MOTIVATION_ENV.filters, "datum", spy)
    MOTIVATION_ENV.from_string("{{ '2026-01-01'|datum }} {{ 6 * 7 }}")
    assert calls == []
    source = MOTIVATION_ENV.compile("{{ 6 * 7 }}", raw=True)
    assert "environment.call_binop(context, '*', 6, 7)" in source


def test_render_bounds_stop_what_depends_on_facts() -> None:
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("{{ naam * n }}", {"naam": "ab", "n": 10**8}, "'ab' * 100000000 wordt langer dan 50.000 tekens"),
        ("{{ n / m }}", {"n": 1, "m": 0}, "deling door nul"),
        ("{{ n ** n }}", {"n": 99}, "99 ** 99 wordt een getal van meer dan 100 cijfers"),
        (
            "{{ naam % n }}",
            {"naam": "%0999999999d", "n": 1},
            "tekst opmaken met % kan niet in een motivering: gebruik de filters",
        ),
        (
            "{% for a in l %}{% for b in l %}{% for c in l %}x{% endfor %}{% endfor %}{% endfor %}",
            {"l": list(range(100))},
            "de motivering herhaalt meer dan 10.000 keer ({% for %}): te veel voor een brief",
        ),
        ("{{ t + t }}", {"t": "x" * 30_000}, "samengevoegd wordt de tekst langer dan 50.000 tekens"),
        ("{{ t }}{{ t }}", {"t": "x" * 30_000}, "de tekst wordt 60.000 tekens lang, meer dan 50.000"),
    ]
    for text, facts, message in cases:
        with pytest.raises(MotivationError) as caught:
            render_motivation(text, facts)
        assert caught.value.message == f"motivering kan niet worden gemaakt: {message}", text


def test_a_motivation_that_runs_past_its_time_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(environment, "MAX_RENDER_SECONDS", -1.0)  # every loop step is already late
    with pytest.raises(MotivationError) as caught:
        render_motivation("{% for x in l %}{{ x }}{% endfor %}", {"l": [1, 2]})
    assert (
        caught.value.message
        == "motivering kan niet worden gemaakt: de motivering is na -1 seconde nog niet klaar: gestopt"
    )


def test_no_function_is_called_from_a_text_even_when_the_load_check_was_skipped() -> None:
    with pytest.raises(MotivationError) as caught:
        render_motivation("{{ naam.upper() }}", {"naam": "ali"})
    assert caught.value.message == "motivering kan niet worden gemaakt: een motivering roept geen functies aan"


def test_any_other_failure_of_a_text_is_a_motivation_error() -> None:
    with pytest.raises(MotivationError) as caught:
        render_motivation("{{ l[5] }}", {"l": [1]})
    assert caught.value.message == "motivation could not be rendered: list object has no element 5"
    with pytest.raises(MotivationError) as caught:
        render_motivation("{{ n|int > t }}", {"n": "1", "t": "a"})
    assert caught.value.message == (
        "motivation could not be rendered: '>' not supported between instances of 'int' and 'str'"
    )


def tables_with_motivation(directory: Path, motivation: str) -> Path:
    uitkomst = TABLES[1]
    rows = [(*uitkomst.rows[0], motivation), *((*row, "") for row in uitkomst.rows[1:])]
    table = dataclasses.replace(uitkomst, kinds=(*uitkomst.kinds, "Motivering"), facts=(*uitkomst.facts, ""), rows=rows)
    write_workbook(directory, base_spec(tables=[TABLES[0], table, TABLES[2]]))
    return directory


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Te laat: {{ 9**(9**9) }}.", CONSTANTS + "9 ** 387420489 wordt een getal van meer dan 100 cijfers"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% macro %} " + CONSTRUCTS),
    ],
)
def test_the_loader_locates_a_refused_motivation_at_its_cell(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(WorkbookProblems) as caught:
        load_rule_base(tables_with_motivation(tmp_path, text))
    assert [str(problem) for problem in caught.value.problems] == [
        f'H2_test.xlsx, sheet "Uitkomst", cell F8: {message}'
    ]


def test_a_render_failure_names_the_rule_and_its_row() -> None:
    decision = json.loads(SAMPLE.read_text(encoding="utf-8"))
    decision["gezinsleden"][0]["gevuurde_regels"][1]["motivering"] = "{{ dagen_te_laat|int / 0 }}"
    with pytest.raises(NareisError) as caught:
        with_paragraphs(decision)
    assert str(caught.value) == (
        'Eindoordeel.xlsx, sheet "Afwijzingsgronden", row 9: rule E-01: motivering kan niet worden gemaakt: '
        "deling door nul"
    )
