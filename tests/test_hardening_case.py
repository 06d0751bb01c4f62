"""Hardening (issue 12), case files: every bad case is a located error with exit code 2, found before work."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.api import load_rule_base
from engine.case import DEFAULT_CASE_LIMITS, read_case, set_case_limits
from engine.cli import main
from engine.errors import CaseError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "vluchteling_gezin.yaml"
TABLES = ROOT / "decision_tables"


@pytest.fixture(autouse=True)
def default_limits() -> object:
    yield
    set_case_limits(DEFAULT_CASE_LIMITS)


def example() -> dict[str, object]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


def decide(path: Path, *options: str) -> Result:
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    started = time.monotonic()
    result = CliRunner().invoke(main, [*options, "decide", str(path), "--tables", str(TABLES), "--format", "text"])
    assert time.monotonic() - started < 30, "a hang"
    assert "Traceback" not in result.output
    if digest:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, "the case file was changed"
    return result


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def yaml_case(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return write(tmp_path, "zaak.yaml", text.replace(old, new, 1))


def json_case(tmp_path: Path, data: object) -> Path:
    return write(tmp_path, "zaak.json", json.dumps(data))


def test_the_example_decides(tmp_path: Path) -> None:
    result = decide(EXAMPLE)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("date", ["1990-02-30", "1990-13-01"])
def test_an_impossible_yaml_date_is_located_by_line(tmp_path: Path, date: str) -> None:
    result = decide(yaml_case(tmp_path, "geboortedatum: 1990-03-14", f"geboortedatum: {date}"))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The case is not valid:\n{tmp_path / 'zaak.yaml'}: line 31, column 20: {date} is not a date: "
        "there is no such day\n"
    )


def test_an_impossible_json_date_is_located_by_path(tmp_path: Path) -> None:
    data = example()
    data["gezinsleden"][0]["geboortedatum"] = "1990-02-30"  # type: ignore[index]
    result = decide(json_case(tmp_path, data))
    assert result.exit_code == 2
    assert result.output == (
        "Error: The case is not valid:\n"
        'gezinsleden[0].geboortedatum: expected a date like 2012-05-01, got "1990-02-30"\n'
    )


def test_a_5000_digit_integer_in_json(tmp_path: Path) -> None:
    text = json.dumps(example()).replace('"IND-2026-004711"', "9" * 5000, 1)
    assert "9" * 5000 in text
    result = decide(write(tmp_path, "zaak.json", text))
    assert result.exit_code == 2
    assert result.output == (
        "Error: The case is not valid:\naanvraag.zaaknummer: a number of 5,000 digits; at most 30 are read\n"
    )


def test_a_5000_digit_integer_in_yaml(tmp_path: Path) -> None:
    result = decide(yaml_case(tmp_path, "zaaknummer: IND-2026-004711", "zaaknummer: " + "9" * 5000))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The case is not valid:\n{tmp_path / 'zaak.yaml'}: line 7, column 15: a number of 5,000 digits; "
        "at most 30 are read\n"
    )


def test_deeply_nested_json(tmp_path: Path) -> None:
    deep = write(tmp_path, "zaak.json", '{"aanvraag": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = decide(deep)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The case is not valid:\n{deep}: nested more deeply than a case can be (at most 12 levels)\n"
    )
    result = decide(write(tmp_path, "zaak.json", '{"aanvraag": ' + "[" * 50 + "]" * 50 + "}"))
    assert result.exit_code == 2
    assert result.output == (
        "Error: The case is not valid:\n"
        f"aanvraag{'[0]' * 12}: nested more deeply than a case can be (at most 12 levels)\n"
    )


def test_a_yaml_billion_laughs_is_refused_at_its_eleventh_alias(tmp_path: Path) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        name, previous = chr(97 + level), chr(96 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    bomb = write(tmp_path, "zaak.yaml", "\n".join(lines) + "\n")
    result = decide(bomb)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The case is not valid:\n{bomb}: line 3, column 12: more than 10 YAML aliases (*name); write the "
        "values out (raise it with --limit aliases=N)\n"
    )


def test_python_tags_are_refused(tmp_path: Path) -> None:
    case = yaml_case(tmp_path, "zaaknummer: IND-2026-004711", 'zaaknummer: !!python/object/apply:os.system ["true"]')
    result = decide(case)
    assert result.exit_code == 2
    assert result.output.startswith(
        f"Error: The case is not valid:\n{case}: not valid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    )


@pytest.mark.parametrize("count", [1_000, 10_000])
def test_too_many_family_members(tmp_path: Path, count: int) -> None:
    data = example()
    data["gezinsleden"] = [{"id": f"m{i}", "relatie": "kind"} for i in range(count)]
    result = decide(json_case(tmp_path, data))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The case is not valid:\ngezinsleden: {count:,} family members; at most 50 are decided in one case "
        "(raise it with --limit members=N)\n"
    )


def test_a_20_mb_toelichting_is_refused_by_the_file_size(tmp_path: Path) -> None:
    data = example()
    data["aanvraag"]["aanvraagformulier"] = {"waarde": "volledig", "toelichting": "x" * 20_000_000}  # type: ignore[index]
    case = json_case(tmp_path, data)
    result = decide(case)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The case is not valid:\n{case}: the file is {case.stat().st_size:,} bytes; at most 5,000,000 are "
        "read (raise it with --limit case_bytes=N)\n"
    )


def test_a_long_text_is_refused_and_the_limit_can_be_raised(tmp_path: Path) -> None:
    data = example()
    data["aanvraag"]["aanvraagformulier"] = {"waarde": "volledig", "toelichting": "x" * 20_000}  # type: ignore[index]
    case = json_case(tmp_path, data)
    result = decide(case)
    assert result.exit_code == 2
    assert result.output == (
        "Error: The case is not valid:\naanvraag.aanvraagformulier.toelichting: a text of 20,000 characters; at most "
        "10,000 are read (raise it with --limit text=N)\n"
    )
    assert decide(case, "--limit", "text=30000").exit_code == 0


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "zaak.yaml"
    os.mkfifo(fifo)
    result = decide(fifo)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The case is not valid:\n{fifo}: not a regular file (a FIFO, device or directory is not read)\n"
    )


def test_duplicate_keys_are_reported(tmp_path: Path) -> None:
    text = json.dumps(example()).replace('"beslisdatum"', '"beslisdatum": "2026-01-01", "beslisdatum"', 1)
    case = write(tmp_path, "zaak.json", text)
    result = decide(case)
    assert result.exit_code == 2
    assert result.output == (
        f'Error: The case is not valid:\n{case}: the key "beslisdatum" is given twice in one object; give each '
        "fact once\n"
    )
    case = yaml_case(tmp_path, "  zaaknummer: IND-2026-004711", "  zaaknummer: IND-2026-004711\n  zaaknummer: X")
    result = decide(case)
    assert result.exit_code == 2
    assert result.output == (
        f'Error: The case is not valid:\n{case}: line 8, column 3: the key "zaaknummer" is given twice in one '
        "mapping; give each fact once\n"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "signaal_1f: nee",
            "signaal_1f: no",
            'YAML reads no as false; write ja or nee, or quote it ("no") if it is a text',
        ),
        (
            "signaal_1f: nee",
            "signaal_1f: on",
            'YAML reads on as true; write ja or nee, or quote it ("on") if it is a text',
        ),
        (
            "naam: S. Tesfay",
            "naam: 010",
            'YAML 1.1 reads 010 as the number 8; write it in plain decimal digits, or quote it ("010") if it is a text',
        ),
        (
            "naam: S. Tesfay",
            "naam: 1:20",
            'YAML 1.1 reads 1:20 as the number 80; write it in plain decimal digits, or quote it ("1:20") if it is '
            "a text",
        ),
    ],
)
def test_yaml_1_1_surprises_are_reported(tmp_path: Path, old: str, new: str, message: str) -> None:
    case = yaml_case(tmp_path, old, new)
    result = decide(case)
    assert result.exit_code == 2
    line = next(n for n, text in enumerate(case.read_text().splitlines(), 1) if new in text)
    column = case.read_text().splitlines()[line - 1].index(new) + len(new.split(": ")[0]) + 3
    assert result.output == f"Error: The case is not valid:\n{case}: line {line}, column {column}: {message}\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("A\u202eB", "U+202E (right-to-left override)"),
        ("A\u0000B", "U+0000 (a control character or lone surrogate)"),
        ("A\ud800B", "U+D800 (a control character or lone surrogate)"),
        ("A\u2066B", "U+2066 (left-to-right isolate)"),
    ],
)
def test_nul_lone_surrogates_and_bidi_controls_are_refused(tmp_path: Path, text: str, shown: str) -> None:
    data = example()
    data["gezinsleden"][0]["naam"] = text  # type: ignore[index]
    result = decide(write(tmp_path, "zaak.json", json.dumps(data)))  # ASCII JSON: \\ud800 survives as an escape
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The case is not valid:\ngezinsleden[0].naam: the text holds {shown}, which a letter cannot show; "
        "remove it\n"
    )


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01"])
def test_far_dates_are_bounded_by_the_case_schema(tmp_path: Path, date: str) -> None:
    data = example()
    data["gezinsleden"][0]["geboortedatum"] = date  # type: ignore[index]
    result = decide(json_case(tmp_path, data))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: The case is not valid:\ngezinsleden[0].geboortedatum: {date} is not between 1800-01-01 and "
        "2299-12-31\n"
    )


def test_a_far_beslisdatum_is_bounded(tmp_path: Path) -> None:
    data = {**example(), "beslisdatum": "9999-12-31"}
    result = decide(json_case(tmp_path, data))
    assert result.exit_code == 2
    assert result.output == (
        "Error: The case is not valid:\nbeslisdatum: 9999-12-31 is not between 1800-01-01 and 2299-12-31\n"
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0.000000004", "0.000000004 cannot be decided exactly"),
        ("12345678901.5", "12345678901.5 cannot be decided exactly"),
    ],
)
def test_numbers_the_network_cannot_carry_exactly_are_refused(amount: str, message: str) -> None:
    data = example()
    data["referent"]["inkomen_referent"] = amount  # type: ignore[index]
    with pytest.raises(CaseError) as raised:
        read_case(data, load_rule_base(TABLES))
    assert raised.value.problems == [
        f"referent.inkomen_referent: {message}: a number has at most 10 digits before the decimal point and 8 after it"
    ]


def test_every_date_a_case_may_give_decides(tmp_path: Path) -> None:
    """The edges of the schema's date range, through every date calculation of the real tables."""
    rule_base = load_rule_base(TABLES)
    from engine.api import decide as decide_case

    for date in ("1800-01-01", "2299-12-31"):
        data = copy.deepcopy(example())
        data["aanvraag"]["datum_indiening"] = date  # type: ignore[index]
        data["referent"]["datum_verlening_asielvergunning"] = date  # type: ignore[index]
        data["gezinsleden"][0]["geboortedatum"] = date  # type: ignore[index]
        decision = decide_case(read_case(data, rule_base), rule_base)
        assert decision.gezinsleden[0].facts["uitkomst"]


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=40))
def test_any_text_in_a_text_fact_is_accepted_or_refused_with_its_path(text: str) -> None:
    data = example()
    data["gezinsleden"][0]["naam"] = text  # type: ignore[index]
    try:
        case = read_case(data, load_rule_base(TABLES))
    except CaseError as error:
        assert all(problem.startswith("gezinsleden[0].naam: ") for problem in error.problems), error.problems
    else:
        assert case.members[0].facts.get("naam", "") == text.strip()


def test_limits_outside_the_cli_are_the_defaults() -> None:
    assert DEFAULT_CASE_LIMITS.members == 50
    assert sys.get_int_max_str_digits() in (0, 4300)
