"""A tidied rule base survives a LibreOffice round trip: the dump stays identical and `nareis check` stays green."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from engine.check import check_directory
from engine.dump import dump_lines
from engine.tidy import tidy_directory
from engine.workbook import read_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
DECISION_TABLES = Path(__file__).resolve().parent.parent / "decision_tables"

pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (soffice) is not installed here, so the round trip through it cannot run; "
    "install libreoffice-calc to run it",
)


def test_a_libreoffice_round_trip_of_the_tidied_rule_base_keeps_dump_and_check(tmp_path: Path) -> None:
    assert SOFFICE is not None
    tidied, saved = tmp_path / "tidied", tmp_path / "saved"
    shutil.copytree(DECISION_TABLES, tidied)
    tidy_directory(tidied)
    saved.mkdir()
    for path in sorted(tidied.glob("*.xlsx")):
        subprocess.run(
            [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "xlsx",
             "--outdir", str(saved), str(path)],
            check=True,
            capture_output=True,
            timeout=300,
        )  # fmt: skip
    names = sorted(p.name for p in tidied.glob("*.xlsx"))
    assert sorted(p.name for p in saved.glob("*.xlsx")) == names
    for name in names:
        assert dump_lines(read_workbook(saved / name)) == dump_lines(read_workbook(tidied / name)), name
    result = check_directory(saved)
    assert result.sound, [f.kind for f in result.findings if f.severity == "error"]
