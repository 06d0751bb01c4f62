"""Hardening (issue 12): a seeded corpus of broken case files and workbooks, each a located error, never a crash.

For every input: no traceback, exit code 0 (a mutation that is still valid), 1 (workbook) or 2 (case), a message
that says where, no input file changed, and done within a generous time bound (a hang detector, not a benchmark).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from test_cli import CASE

from engine.cli import main

CASES = 300
WORKBOOKS = 120
NASTY = [
    "&a ",
    "*a",
    "!!python/name:os.system ",
    "\\u0000",
    "\x00",
    "9" * 60,
    "[" * 40,
    "2026-02-30",
    "no",
    "on",
    "010",
    "{",
    "}",
    ": ",
    "- ",
    "\n  - ",
    "1e999",
    "-0",
    "0x10",
    "1:20",
    '"',
    "'",
    "\\ud800",
    "\u202e",
    "null",
    "[]",
    "{}",
    "<<: *a",
    "? ",
    "%YAML 1.1\n",
    "---\n",
    "...",
    "\t",
    "~",
    "NaN",
    "Infinity",
    "2026-11-01T00:00:00",
    "1_000",
]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        position = rng.randrange(len(text) + 1)
        choice = rng.random()
        if choice < 0.3:
            text = text[:position] + text[position + rng.randint(1, 12) :]
        elif choice < 0.8:
            text = text[:position] + rng.choice(NASTY) + text[position:]
        else:
            start = rng.randrange(len(text) + 1)
            text = text[:position] + text[start : start + rng.randint(1, 40)] + text[position:]
    return text


def assert_handled(result: Result, elapsed: float, codes: tuple[int, ...], where: str) -> None:
    assert elapsed < 10, "a hang"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in codes, result.output
    if result.exit_code:
        # `check` reports a workbook it cannot read in its own report (errors first, then the summary line).
        assert result.output.startswith(("Error: ", "Fout: ", "Fouten (")), result.output
        assert where in result.output, result.output


def case_texts() -> list[tuple[str, str]]:
    rng = random.Random(12)
    sources = {".json": json.dumps(CASE, indent=1), ".yaml": yaml.safe_dump(CASE, sort_keys=False)}
    return [(suffix, mutate(sources[suffix], rng)) for suffix in (".json", ".yaml") * (CASES // 2)]


def test_mutated_case_files(tables_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    checksums = {p: hashlib.sha256(p.read_bytes()).digest() for p in tables_dir.glob("*.xlsx")}
    for index, (suffix, text) in enumerate(case_texts()):
        case = tmp_path / f"zaak{index}{suffix}"
        case.write_text(text, encoding="utf-8", errors="surrogatepass")
        before = case.read_bytes()
        started = time.monotonic()
        result = runner.invoke(main, ["decide", str(case), "--tables", str(tables_dir), "--format", "text"])
        assert_handled(result, time.monotonic() - started, (0, 2), "")
        if result.exit_code == 2:
            lines = result.output.splitlines()
            assert lines[0] in ("Error: The case is not valid:", f"Error: -o {case}") or lines[0].startswith(
                "Error: Invalid value"
            ), result.output
            assert len(lines) > 1 and ": " in lines[1], result.output  # the first problem names its path or line
        assert case.read_bytes() == before
    assert {p: hashlib.sha256(p.read_bytes()).digest() for p in tables_dir.glob("*.xlsx")} == checksums


def broken_workbook(original: bytes, rng: random.Random) -> bytes:
    choice = rng.random()
    if choice < 0.25:  # bytes of the archive itself
        data = bytearray(original)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if choice < 0.35:
        return original[: rng.randrange(len(original))]
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    name = rng.choice([n for n in parts if n.endswith(".xml")])
    text = parts[name].decode("utf-8")
    tokens = ["<", ">", "</c>", "<c r='XFD1048576'><v>1</v></c>", "&lol;", "<!DOCTYPE x>", 'r="0"', 't="d"', "<v>x</v>"]
    for _ in range(rng.randint(1, 4)):
        position = rng.randrange(len(text) + 1)
        if rng.random() < 0.4:
            text = text[:position] + text[position + rng.randint(1, 30) :]
        else:
            text = text[:position] + rng.choice(tokens) + text[position:]
    parts[name] = text.encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    return buffer.getvalue()


@pytest.mark.parametrize("command", ["dump", "check"])
def test_mutated_workbooks(tables_dir: Path, command: str) -> None:
    path = tables_dir / "H2_test.xlsx"
    original = path.read_bytes()
    rng = random.Random(7 if command == "dump" else 8)
    runner = CliRunner()
    for _ in range(WORKBOOKS if command == "dump" else WORKBOOKS // 3):
        data = broken_workbook(original, rng)
        path.write_bytes(data)
        started = time.monotonic()
        result = runner.invoke(main, [command, str(path if command == "dump" else tables_dir)])
        # `check` says exit 2 for a file that is no workbook at all (unusable input, issue 8), 1 for a broken table.
        codes = (0, 1, 2) if command == "check" else (0, 1)
        assert_handled(result, time.monotonic() - started, codes, "H2_test.xlsx")
        assert path.read_bytes() == data
