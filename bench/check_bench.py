"""Where the time of `nareis check` goes: CPU seconds per stage of one check of a tables directory, on one core.

`python -m bench.check_bench [DIRECTORY]` prints the stages; `check_rows(directory)` gives them as rows for the
benchmark table of `make bench` (bench/run.py). Each figure is measured in a fresh process pinned to one core, so
imports count and no earlier load is reused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 5.0  # issue 8: check of all workbooks, verification included, on one core


def measure(directory: Path) -> dict[str, float]:
    """CPU seconds per stage of one check pass in this process (call it in a fresh one: imports count)."""
    start = time.process_time()
    from engine import workbook
    from engine.check import check_directory
    from engine.loader import workbook_paths

    imports = time.process_time() - start
    begin = time.process_time()
    for path in workbook_paths(directory):
        workbook.read_workbook(path)
    read = time.process_time() - begin
    workbook._RECENT.clear()  # the check below reads them again, as a user's check does
    result = check_directory(directory)
    stages = {"imports": imports, "read workbooks (part of load)": read, **result.seconds}
    stages["total"] = imports + sum(result.seconds.values())
    return stages


def measure_one_core(directory: Path) -> dict[str, float]:
    """`measure` in a fresh process pinned to one core."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.check_bench", "--json", str(directory)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}),
    )
    stages: dict[str, float] = json.loads(completed.stdout)
    return stages


def check_rows(directory: Path) -> list[tuple[str, str]]:
    """Rows for the benchmark table: the stages of `nareis check DIRECTORY` (CPU, one core) and the target."""
    stages = measure_one_core(directory)
    rows = [(f"  check CPU: {stage}", f"{seconds:.2f} s") for stage, seconds in stages.items() if stage != "total"]
    total = stages["total"]
    verdict = "met" if total < TARGET_SECONDS else "not met"
    rows.append(
        (f"nareis check {directory.name}/ CPU, one core (target < {TARGET_SECONDS:.0f} s: {verdict})", f"{total:.2f} s")
    )
    return rows


def main(arguments: list[str]) -> None:
    as_json = "--json" in arguments
    paths = [a for a in arguments if a != "--json"]
    directory = Path(paths[0]) if paths else ROOT / "decision_tables"
    if as_json:
        print(json.dumps(measure(directory)))
        return
    for what, result in check_rows(directory):
        print(f"{what:<72} {result:>8}")


if __name__ == "__main__":
    main(sys.argv[1:])
