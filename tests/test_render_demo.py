"""The demo decides every example and writes each applicable document in every format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from renderers import demo

SAMPLE = Path(__file__).parent.parent / "renderers" / "samples" / "decision_example.json"


class FakeDecision:
    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
        return result


def test_demo_writes_every_applicable_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "s01_late.yaml").write_text("{}\n", encoding="utf-8")
    seen: list[Path] = []

    def load_rule_base(directory: Path) -> str:
        seen.append(directory)
        return "rules"

    monkeypatch.setattr(demo, "load_rule_base", load_rule_base)
    monkeypatch.setattr(demo, "read_case_file", lambda path, rule_base: path.name)
    monkeypatch.setattr(demo, "decide", lambda case, rule_base: FakeDecision())

    assert demo.main([str(examples), str(tmp_path / "out")]) == 0

    assert seen == [tmp_path / "decision_tables"]
    names = sorted(path.name for path in (tmp_path / "out" / "s01_late").iterdir())
    assert names == sorted(
        f"{document}.{fmt}"
        for document in ("beschikking", "herstelverzuim", "beslisnotitie")
        for fmt in ("html", "pdf", "docx", "md")
    )
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == str(tmp_path / "out" / "s01_late" / "beschikking.html")
    assert len(printed) == 12


def test_demo_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main([]) == 2
    assert capsys.readouterr().err.startswith("Decide every example case")
