"""Benchmark: load+compile of the workbooks, decide() per case, and a plain-Python baseline of one table."""

from __future__ import annotations

import datetime as dt
import gc
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
from dateutil.relativedelta import relativedelta
from rich.console import Console
from rich.table import Table

from engine.api import Rules
from engine.case import Case, Member
from engine.compiler import compile_network
from engine.loader import load_directory
from engine.runtime import Engine

ROOT = Path(__file__).resolve().parent.parent
CASES = 1000


def median_us(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1e6


def check_one_core(directory: Path) -> tuple[float, float]:
    """`nareis check DIRECTORY` as a user runs it (a fresh process: imports, load, verification, scenarios,
    coverage), pinned to one core: wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "engine.cli", "check", str(directory)],
        check=False,
        stdout=subprocess.DEVNULL,
        preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}),
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def check_stages(directory: Path) -> dict[str, float]:
    """CPU seconds of each stage of one check pass (load, analysis, compile, scenarios) in this process."""
    from engine.check import check_directory

    return check_directory(directory).seconds


def load_and_compile(directory: Path) -> float:
    gc.collect()
    start = time.perf_counter()
    compile_network(load_directory(directory))
    return time.perf_counter() - start


def one_table_workbook(directory: Path) -> Path:
    """The nareistermijn question as one U table: the baseline's rule base."""
    book = openpyxl.Workbook()
    glossary = book.active
    assert glossary is not None
    glossary.title = "Begrippen"
    glossary.append(("Begrip", "Entiteit", "Type", "Waarden", "Omschrijving", "Soort"))
    glossary.append(("status_referent", "referent", "keuze", "vluchteling, subsidiair", "", "invoer"))
    glossary.append(("datum_ontvangst_vergunning", "referent", "datum", "", "", "invoer"))
    glossary.append(("datum_indiening", "aanvraag", "datum", "", "", "invoer"))
    glossary.append(("termijn", "gezinslid", "keuze", "binnen, marge, buiten, niet_van_toepassing", "", "afgeleid"))
    sheet = book.create_sheet("Nareistermijn")
    for row in (
        ("Tabel", "Nareistermijn"),
        ("Entiteit", "gezinslid"),
        ("Hitbeleid", "U"),
        ("Bron", "§2.2"),
        (),
        ("Regel", "Invoer", "Invoer", "Uitvoer", "Bron"),
        ("", "status_referent", "datum_indiening", "termijn", ""),
        ("B-1", "vluchteling", "<= datum_ontvangst_vergunning + 3 maanden", "binnen", "§2.2"),
        (
            "B-2",
            "vluchteling",
            "(datum_ontvangst_vergunning + 3 maanden..datum_ontvangst_vergunning + 3 maanden + 2 weken]",
            "marge",
            "§2.2",
        ),
        ("B-3", "vluchteling", "> datum_ontvangst_vergunning + 3 maanden + 2 weken", "buiten", "§2.2"),
        ("B-4", "subsidiair", "-", "niet_van_toepassing", "§2.3"),
    ):
        sheet.append(row)
    book.save(directory / "baseline.xlsx")
    return directory


def baseline_python(status: str, received: dt.date, filed: dt.date) -> str:
    end = received + relativedelta(months=3)
    if status == "subsidiair":
        return "niet_van_toepassing"
    if filed <= end:
        return "binnen"
    return "marge" if filed <= end + relativedelta(weeks=2) else "buiten"


def baseline_cases() -> list[Case]:
    cases = []
    for i in range(CASES):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=i % 200)
        cases.append(
            Case(
                dt.date(2026, 11, 1),
                {"beslisdatum": dt.date(2026, 11, 1), "datum_indiening": day},
                {
                    "status_referent": "vluchteling" if i % 5 else "subsidiair",
                    "datum_ontvangst_vergunning": dt.date(2026, 1, 15),
                },
                (Member("lid", {}),),
            )
        )
    return cases


def decide_median(engine: Engine, cases: list[Case]) -> float:
    for case in cases[:50]:
        engine.decide(case)
    iterator = iter(cases * 2)
    return median_us(lambda: engine.decide(next(iterator)), len(cases))


def main() -> None:
    console = Console()
    tables = ROOT / "decision_tables"
    report = Table(title="nareis benchmark (one core; medians)")
    report.add_column("what")
    report.add_column("result", justify="right")

    runs = [check_one_core(tables) for _ in range(3)]
    wall, cpu = sorted(runs)[1]
    report.add_row(
        f"nareis check {tables.name}/ on one core, verification included (median of 3)",
        f"{wall:.2f} s wall, {cpu:.2f} s CPU",
    )
    for stage, seconds in check_stages(tables).items():
        report.add_row(f"  check stage: {stage}", f"{seconds * 1000:.0f} ms")

    load_times = [load_and_compile(tables) for _ in range(5)]
    report.add_row(
        f"load+compile all workbooks in {tables.name}/ (median of 5)",
        f"{statistics.median(load_times) * 1000:.0f} ms",
    )

    rules = Rules.load(tables)
    engine = rules.engine
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    cases = [rules.read_case_file(p) for p in examples]
    members = sum(len(c.members) for c in cases)
    if cases:
        per_case = decide_median(engine, [cases[i % len(cases)] for i in range(CASES)])
        report.add_row(
            f"decide() per example case ({len(cases)} cases, {members} members, {CASES} runs)",
            f"{per_case / 1000:.2f} ms",
        )

    with tempfile.TemporaryDirectory() as scratch:
        one = load_directory(one_table_workbook(Path(scratch)))
        one_engine = Engine(compile_network(one))
        sample = baseline_cases()
        engine_us = decide_median(one_engine, sample)
        arguments = [
            (
                c.referent["status_referent"],
                c.referent["datum_ontvangst_vergunning"],
                c.aanvraag["datum_indiening"],
            )
            for c in sample
        ]
        iterator = iter(arguments * 2)
        python_us = median_us(lambda: baseline_python(*next(iterator)), CASES)  # type: ignore[arg-type]
    report.add_row("one table (Nareistermijn, 4 rules): decide()", f"{engine_us:.0f} µs")
    report.add_row("one table: plain Python function", f"{python_us:.1f} µs")
    report.add_row("overhead ratio engine / plain Python", f"{engine_us / python_us:.0f}x")
    console.print(report)
    sys.exit(0)


if __name__ == "__main__":
    main()
