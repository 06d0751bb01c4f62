"""`nareis batch` and Rules.decide_many: many cases, one line each, in input order, errors in their own line."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.api import Rules
from engine.batch import CaseSource, case_sources, decide_source, result_line
from engine.case import load_case_file, read_case
from engine.cli import main

EXAMPLES = Path(__file__).parent.parent / "examples"
TABLES = Path(__file__).parent.parent / "decision_tables"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules.load(TABLES)


def _jsonl(path: Path, cases: list[object]) -> Path:
    path.write_text("".join(json.dumps(c, default=str) + "\n" for c in cases), encoding="utf-8")
    return path


def test_each_line_equals_deciding_that_case_alone(rules: Rules, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["batch", str(EXAMPLES), "-o", str(tmp_path / "r.jsonl"), "--workers", "2", "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    expected = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        decision = rules.decide(read_case(load_case_file(path), rules.rule_base, label=path.name))
        expected.append(result_line(path.name, decision))
    assert lines == expected
    assert [json.loads(line)["uitkomsten"] for line in lines][2] == {
        "echtgenote": "inwilligen",
        "kind1": "inwilligen",
        "kind2": "inwilligen",
    }


def test_a_bad_case_in_the_middle_gets_its_own_line_and_the_rest_go_on(tmp_path: Path) -> None:
    good = load_case_file(EXAMPLES / "vluchteling_gezin.yaml")
    cases = _jsonl(tmp_path / "cases.jsonl", [good, {"aanvraag": {}}, good])
    with (tmp_path / "cases.jsonl").open("a", encoding="utf-8") as file:
        file.write("{not json\n")
    result = CliRunner().invoke(main, ["batch", str(cases), "-o", str(tmp_path / "r.jsonl"), "--workers", "1"])
    assert result.exit_code == 2
    assert "4 zaken: 2 beslist, 2 met een fout" in result.output
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["zaak"] for line in lines] == ["cases.jsonl:1", "cases.jsonl:2", "cases.jsonl:3", "cases.jsonl:4"]
    assert "fout" not in lines[0] and "fout" not in lines[2]
    assert lines[1]["fout"] == "The case is not valid:\ncase: 'referent' is missing\ncase: 'gezinsleden' is missing"
    assert lines[3] == {
        "zaak": "cases.jsonl:4",
        "fout": "cases.jsonl:4: not a JSON object: Expecting property name enclosed in double quotes (column 2)",
    }


def test_output_never_overwrites_the_cases(tmp_path: Path) -> None:
    cases = _jsonl(tmp_path / "cases.jsonl", [load_case_file(EXAMPLES / "vluchteling_gezin.yaml")])
    before = cases.read_bytes()
    result = CliRunner().invoke(main, ["batch", str(cases), "-o", str(cases)])
    assert result.exit_code == 2
    assert "would overwrite the cases it reads" in result.output
    assert cases.read_bytes() == before


def test_decide_many_with_a_process_pool_equals_deciding_here(rules: Rules) -> None:
    cases = [
        read_case(load_case_file(path), rules.rule_base, label=path.name) for path in sorted(EXAMPLES.glob("*.yaml"))
    ] * 3
    here = [json.dumps(d.to_json()) for d in rules.decide_many(cases)]
    with ProcessPoolExecutor(2) as pool:
        there = [json.dumps(d.to_json()) for d in rules.decide_many(cases, pool, chunk_size=2)]
    assert there == here


def test_a_directory_source_reports_an_unreadable_file_in_its_line(rules: Rules, tmp_path: Path) -> None:
    (tmp_path / "kapot.yaml").write_text("a: [1, 2\n", encoding="utf-8")
    sources = list(case_sources(tmp_path))
    assert [s.label for s in sources] == ["kapot.yaml"]
    line, decision = decide_source(rules, sources[0], TODAY)
    assert decision is None
    assert json.loads(line)["fout"].startswith(f"The case is not valid:\n{tmp_path / 'kapot.yaml'}: not valid YAML")
    assert decide_source(rules, CaseSource("x", None, "kapot"), TODAY)[0] == '{"zaak":"x","fout":"kapot"}'


def test_documents_are_written_for_each_case_by_the_workers(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["batch", str(EXAMPLES), "-o", str(tmp_path / "r.jsonl"), "--workers", "2", "--documents", str(tmp_path / "d")],
    )
    assert result.exit_code == 0, result.output
    written = sorted(str(p.relative_to(tmp_path / "d")) for p in (tmp_path / "d").rglob("*.html"))
    assert written == [
        "nbm_ouders_broer/beschikking.html",
        "nbm_ouders_broer/beslisnotitie.html",
        "subsidiair_referent/beslisnotitie.html",
        "subsidiair_referent/herstelverzuim.html",
        "vluchteling_gezin/beschikking.html",
        "vluchteling_gezin/beslisnotitie.html",
    ]
    assert "IND-2026-004711" in (tmp_path / "d" / "vluchteling_gezin" / "beschikking.html").read_text(encoding="utf-8")
