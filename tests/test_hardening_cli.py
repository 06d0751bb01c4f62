"""Hardening (issue 12), the command line: one error boundary, exit codes, -o that never destroys an input."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_cli import CASE

from engine import cli
from engine.cli import main
from engine.errors import (
    CaseError,
    CellError,
    DecisionFileError,
    Location,
    NareisError,
    RuleConflictError,
    UsageError,
    WorkbookError,
    WorkbookProblems,
)

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def digests(*paths: Path) -> dict[Path, str]:
    files = [f for p in paths for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    return {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


@pytest.fixture
def case(tmp_path: Path) -> Path:
    path = tmp_path / "zaken" / "zaak.json"
    path.parent.mkdir()
    path.write_text(json.dumps(CASE))
    return path


def test_o_naming_the_case_file_is_refused_and_the_case_is_intact(tables_dir: Path, case: Path) -> None:
    before = digests(case, tables_dir)
    result = run("decide", str(case), "--tables", str(tables_dir), "-o", str(case))
    assert result.exit_code == 2
    assert result.output == f"Error: -o {case}: this would overwrite the input {case}; write the output elsewhere\n"
    assert digests(case, tables_dir) == before


def test_o_naming_a_workbook_of_the_tables_is_refused(tables_dir: Path, case: Path) -> None:
    before = digests(case, tables_dir)
    for target in (tables_dir / "H2_test.xlsx", tables_dir / "Nieuw.XLSX"):
        result = run("decide", str(case), "--tables", str(tables_dir), "-o", str(target))
        assert result.exit_code == 2
        assert result.output == (
            f"Error: -o {target}: this would overwrite a workbook of the tables directory {tables_dir}; write the "
            "output elsewhere\n"
        )
    assert digests(case, tables_dir) == before


def test_o_through_another_path_to_the_same_file_is_refused(tables_dir: Path, case: Path) -> None:
    link = case.parent / "link.json"
    link.symlink_to(case)
    result = run("decide", str(case), "--tables", str(tables_dir), "-o", str(link))
    assert result.exit_code == 2
    assert result.output == f"Error: -o {link}: this would overwrite the input {case}; write the output elsewhere\n"
    assert json.loads(case.read_text()) == CASE


def test_render_o_naming_the_decision_is_refused(tables_dir: Path, case: Path) -> None:
    saved = case.parent / "besluit.json"
    assert run("decide", str(case), "--tables", str(tables_dir), "-o", str(saved)).exit_code == 0
    before = digests(saved, tables_dir, case)
    result = run("render", str(saved), "--tables", str(tables_dir), "--document", "beschikking", "-o", str(saved))
    assert result.exit_code == 2
    assert result.output == f"Error: -o {saved}: this would overwrite the input {saved}; write the output elsewhere\n"
    assert digests(saved, tables_dir, case) == before


def test_a_failed_write_leaves_the_previous_file_whole(
    tables_dir: Path, case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = case.parent / "besluit.json"
    letter.write_text("the previous complete decision\n")

    def disk_full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.os, "fsync", disk_full)
    result = run("decide", str(case), "--tables", str(tables_dir), "-o", str(letter))
    assert result.exit_code == 2
    assert result.output == (
        f"Error: -o {letter}: the write failed (No space left on device); the previous file, if any, is unchanged\n"
    )
    assert letter.read_text() == "the previous complete decision\n"
    assert sorted(p.name for p in letter.parent.iterdir()) == ["besluit.json", "zaak.json"]  # no temporary file


def test_a_killed_write_leaves_the_previous_file_whole(tables_dir: Path, case: Path, tmp_path: Path) -> None:
    """A real process killed by the file size limit (SIGXFSZ) while writing: the target keeps its old content."""
    letter = case.parent / "besluit.json"
    letter.write_text("old\n")
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))\n"
        "from engine.cli import write_atomically\n"
        "from pathlib import Path\n"
        "write_atomically(Path(sys.argv[1]), b'x' * 100_000)\n"
    )
    process = subprocess.run([sys.executable, "-c", script, str(letter)], capture_output=True, cwd=ROOT, check=False)
    assert process.returncode != 0
    assert letter.read_text() == "old\n"


def test_a_write_replaces_the_file_by_rename(tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    target.write_text("oud")
    os.chmod(target, 0o640)
    inode = target.stat().st_ino
    cli.write_atomically(target, b"nieuw")
    assert target.read_bytes() == b"nieuw"
    assert target.stat().st_ino != inode
    assert target.stat().st_mode & 0o777 == 0o640


def test_an_unexpected_exception_is_an_internal_error_with_exit_3(
    tables_dir: Path, case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli.Rules, "decide", broken)
    result = run("decide", str(case), "--tables", str(tables_dir))
    assert result.exit_code == 3
    version = result.output.split("nareis 0.1.0")[1].split(".")[0] if "nareis 0.1.0" in result.output else ""
    assert result.output.startswith(
        "Internal error (a bug in nareis, not a problem of your input): ZeroDivisionError: division by zero\n"
        "Please report it with this message, the command (nareis decide) and its input: nareis 0.1.0, Python "
    )
    assert result.output.endswith(". Set NAREIS_DEBUG=1 to see the traceback.\n")
    assert version == ", Python 3"


def test_a_rule_conflict_exits_1_and_a_case_error_2(
    tables_dir: Path, case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def conflict(*args: object) -> None:
        raise RuleConflictError("rules 2.2-01 and 2.2-02 both apply", Location("H2_test.xlsx", "Nareistermijn"))

    monkeypatch.setattr(cli.Rules, "decide", conflict)
    result = run("decide", str(case), "--tables", str(tables_dir))
    assert result.exit_code == 1
    assert result.output == 'Error: H2_test.xlsx, sheet "Nareistermijn": rules 2.2-01 and 2.2-02 both apply\n'


def test_render_validates_the_saved_decision(tables_dir: Path, case: Path) -> None:
    saved = case.parent / "besluit.json"
    saved.write_text("{}")
    result = run("render", str(saved), "--tables", str(tables_dir), "--document", "beschikking", "--format", "md")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {saved}: not a decision saved by nareis decide:\n"
        "decision: 'beslisdatum' is a required property\n"
        "decision: 'tabellen_hash' is a required property\n"
        "decision: 'aanvraag' is a required property\n"
        "decision: 'referent' is a required property\n"
        "decision: 'gezinsleden' is a required property\n"
    )


def test_render_refuses_a_decision_of_other_tables_and_an_edited_motivation(tables_dir: Path, case: Path) -> None:
    saved = case.parent / "besluit.json"
    assert run("decide", str(case), "--tables", str(tables_dir), "-o", str(saved)).exit_code == 0
    decision = json.loads(saved.read_text())
    render = ["render", str(saved), "--tables", str(tables_dir), "--document", "beschikking", "--format", "md"]
    assert run(*render).exit_code == 0
    saved.write_text(json.dumps({**decision, "tabellen_hash": "0" * 64}))
    result = run(*render)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {saved}: the decision was made with other tables (000000000000) than the current ones "
        f"({decision['tabellen_hash'][:12]}); decide the case again with nareis decide\n"
    )
    fired = decision["gezinsleden"][0]["gevuurde_regels"][0]
    fired["motivering"] = "{{ range(10**8)|list }}"
    saved.write_text(json.dumps(decision))
    result = run(*render)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {saved}: the motivation of rule {fired['regel']} for vrouw is not the one the tables hold; the file "
        "was changed after nareis wrote it: decide the case again\n"
    )


def test_a_bad_limit_option_is_a_usage_error() -> None:
    result = run("--limit", "members=veel", "schema")
    assert result.exit_code == 2
    assert "'members=veel': write NAME=N with NAME one of aliases, case_bytes, cells, columns" in result.output


@pytest.mark.parametrize(
    "error",
    [
        NareisError("m", Location("A.xlsx", "S", "B2")),
        WorkbookError("m", Location("A.xlsx")),
        CellError("m", Location("A.xlsx", "S", "C3"), column=4),
        WorkbookProblems([WorkbookError("één", Location("A.xlsx")), CellError("twee", column=2)]),
        CaseError(["a: x", "b: y"]),
        RuleConflictError("m"),
        DecisionFileError("m"),
        UsageError("m"),
    ],
)
def test_errors_pickle_with_their_fields(error: NareisError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.__dict__ == error.__dict__ or str(again.__dict__) == str(error.__dict__)
    assert again.exit_code == error.exit_code


def test_exit_codes_per_error_class() -> None:
    assert (WorkbookProblems([]).exit_code, CaseError([]).exit_code, DecisionFileError("").exit_code) == (1, 2, 2)


def test_an_exception_in_one_decision_leaves_the_next_correct(
    tables_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine import runtime
    from engine.api import decide, load_rule_base
    from engine.case import read_case

    rule_base = load_rule_base(tables_dir)
    case = read_case(CASE, rule_base)
    expected = decide(case, rule_base).to_json()
    original = runtime._Run.match
    calls = {"n": 0}

    def failing(self: runtime._Run, *args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise MemoryError("simulated")
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(runtime._Run, "match", failing)
    with pytest.raises(MemoryError):
        decide(case, rule_base)
    monkeypatch.setattr(runtime._Run, "match", original)
    assert decide(case, rule_base).to_json() == expected


def test_the_same_case_gives_byte_identical_json_across_processes_and_hash_seeds(tables_dir: Path, case: Path) -> None:
    outputs = []
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "engine.cli", "decide", str(case), "--tables", str(tables_dir)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for seed in ("1", "4242")
    ]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["gezinsleden"][0]["id"] == "vrouw"


def test_every_command_leaves_its_inputs_unchanged(tables_dir: Path, case: Path, tmp_path: Path) -> None:
    before = digests(case, tables_dir)
    saved = tmp_path / "uit" / "besluit.json"
    commands = [
        ["decide", str(case), "--tables", str(tables_dir), "-o", str(saved)],
        ["render", str(saved), "--tables", str(tables_dir), "--document", "beschikking", "--format", "md"],
        ["check", str(tables_dir)],
        ["coverage", str(tables_dir)],
        ["schema", "--tables", str(tables_dir)],
        ["dump", str(tables_dir / "H2_test.xlsx")],
    ]
    for command in commands:
        result = run(*command)
        assert result.exit_code in (0, 1), result.output
    assert digests(case, tables_dir) == before
