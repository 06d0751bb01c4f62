"""`make bench`: every speed and memory figure of issue 9 in one table, each with its target, the measured value and
its ratio to a plain-Python baseline measured in the same run (so that figures from a loaded machine can be read).

The machine is shared: read the ratios, not the absolute values. Counts that would take too long on a loaded machine
(10,000 batch cases, 30,000 decisions for memory) are scaled down to a time budget and the figure is extrapolated to
the stated count; the row says how many were run. NAREIS_BENCH_FULL=1 runs the full counts.
"""

from __future__ import annotations

import cProfile
import dataclasses
import datetime as dt
import gc
import importlib
import json
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import durable_rules_engine
from dateutil.relativedelta import relativedelta

from engine.api import Rules
from engine.cache import load_compiled
from engine.case import Case, load_case_file
from engine.loader import load_directory

ROOT = Path(__file__).resolve().parent.parent
TABLES = ROOT / "decision_tables"
FAMILY = ROOT / "examples" / "vluchteling_gezin.yaml"  # referent, spouse, two children
FULL = os.environ.get("NAREIS_BENCH_FULL") == "1"
MS = 1e-3
US = 1e-6


@dataclass
class Row:
    figure: str
    target: float | None  # seconds; None: no target, shown for reading the others
    measured: float  # seconds
    note: str = ""
    at_most: bool = True  # the target is an upper bound


def shown(seconds: float) -> str:
    if seconds < 1 * MS:
        return f"{seconds / US:.1f} µs"
    if seconds < 1:
        return f"{seconds / MS:.2f} ms"
    return f"{seconds:.2f} s"


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


# The baseline: the nareistermijn question (one table, four rules) as a plain Python function.


def baseline_python(status: str, received: dt.date, filed: dt.date) -> str:
    end = received + relativedelta(months=3)
    if status == "subsidiair":
        return "niet_van_toepassing"
    if filed <= end:
        return "binnen"
    return "marge" if filed <= end + relativedelta(weeks=2) else "buiten"


def baseline_seconds() -> float:
    arguments = [
        ("vluchteling" if i % 5 else "subsidiair", dt.date(2026, 1, 15), dt.date(2026, 1, 1) + dt.timedelta(i % 200))
        for i in range(2000)
    ]
    iterator = iter(arguments * 2)
    return median_seconds(lambda: baseline_python(*next(iterator)), 2000)


# durable-rules' floor: the C calls runtime.py makes for one case, recorded once and replayed alone.

_DURABLE_CALLS = ("assert_fact", "start_action_for_state", "complete_and_start_action", "delete_state")


def record_durable_calls(action: Callable[[], object]) -> list[tuple[str, tuple[Any, ...]]]:
    """The calls into durable_rules_engine while `action` runs (runtime.py calls them through the module)."""
    calls: list[tuple[str, tuple[Any, ...]]] = []
    originals = {name: getattr(durable_rules_engine, name) for name in _DURABLE_CALLS}

    def recording(name: str) -> Callable[..., Any]:
        function = originals[name]

        def call(*args: Any) -> Any:
            calls.append((name, args))
            return function(*args)

        return call

    for name in _DURABLE_CALLS:
        setattr(durable_rules_engine, name, recording(name))
    try:
        action()
    finally:
        for name, function in originals.items():
            setattr(durable_rules_engine, name, function)
    return calls


def replay(calls: list[tuple[str, tuple[Any, ...]]]) -> None:
    """The same C calls for the same facts (already encoded as JSON), in a session of the same name."""
    state: Any = None
    assert_fact = durable_rules_engine.assert_fact
    start = durable_rules_engine.start_action_for_state
    complete = durable_rules_engine.complete_and_start_action
    for name, args in calls:
        if name == "assert_fact":
            _, state = assert_fact(*args)
        elif name == "start_action_for_state":
            start(args[0], state)
        elif name == "complete_and_start_action":
            complete(args[0], state)
        else:
            durable_rules_engine.delete_state(*args)


def resident_bytes() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def python_env(cache: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache)}


def cli_wall(arguments: list[str], cache: Path, repeat: int) -> float:
    command = [sys.executable, "-m", "engine.cli", *arguments]
    subprocess.run(command, cwd=ROOT, env=python_env(cache), check=True, capture_output=True)  # warm the cache
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=python_env(cache), check=True, capture_output=True)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def profile_split(rules: Rules, case: Case, runs: int) -> list[tuple[str, float]]:
    """Where decide() spends its time, by cProfile's own time per function grouped by what it does (cProfile slows
    Python code more than C calls: read it as a split, not as times)."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(runs):
        rules.decide(case)
    profile.disable()
    stats = pstats.Stats(profile)
    groups: dict[str, float] = {}
    for (filename, _, function), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        if function.startswith("<built-in method durable_rules_engine") or "durable_rules_engine" in filename:
            group = "durable-rules C calls"
        elif "json" in filename or "encoder" in function or function.startswith("<built-in method _json"):
            group = "JSON encoding (json.dumps of views)"
        elif filename.endswith("trace.py"):
            group = "trace records (trace.py)"
        elif filename == "<string>":
            group = "dataclass __init__s (FiredRule, Hit, Scope, ...)"
        elif filename.endswith("hitpolicy.py"):
            group = "hit policies (hitpolicy.py)"
        elif filename.endswith(("evaluate.py", "expressions.py", "types.py")) or "relativedelta" in filename:
            group = "evaluation (evaluate.py, dates)"
        elif filename.endswith("compiler.py"):
            group = "value encoding (compiler.encode)"
        elif filename.endswith("runtime.py"):
            group = "runtime glue (runtime.py)"
        else:
            group = "other (dataclasses, builtins)"
        groups[group] = groups.get(group, 0.0) + own
    total = sum(groups.values()) or 1.0
    return sorted(((g, s / total) for g, s in groups.items()), key=lambda item: -item[1])


def check_rows() -> list[Row]:
    """`nareis check`'s figures from bench/check_bench.py (helper C's), when it exists."""
    try:
        module = importlib.import_module("bench.check_bench")
    except ImportError:
        print("  nareis check: bench/check_bench.py is not there; skipped", file=sys.stderr)
        return []
    for name in ("check_rows", "measure", "bench", "run", "main"):
        function = getattr(module, name, None)
        if callable(function):
            break
    else:
        return []
    start = time.perf_counter()
    result = function()
    wall = time.perf_counter() - start
    rows = []
    if isinstance(result, (int, float)):
        rows.append(Row("nareis check decision_tables (bench/check_bench.py)", 5.0, float(result)))
    elif isinstance(result, dict):
        rows.extend(
            Row(f"check: {key}", None, float(value)) for key, value in result.items() if isinstance(value, int | float)
        )
    elif isinstance(result, list):
        for item in result:
            if isinstance(item, Row):
                rows.append(item)
            elif isinstance(item, tuple) and len(item) >= 2 and isinstance(item[-1], (int, float)):
                rows.append(Row(f"check: {item[0]}", None, float(item[-1])))
    if not rows:
        rows.append(Row(f"nareis check (bench/check_bench.py {name}(), wall)", 5.0, wall))
    return rows


def progress(rows: list[Row]) -> None:
    """The figure just measured, on stderr, so a slow run shows where it is."""
    row = rows[-1]
    print(f"  {row.figure}: {row.measured:.6g}{' MiB' if row.note == 'MiB' else ' s'}", file=sys.stderr, flush=True)


def main() -> None:
    began = time.perf_counter()
    rows: list[Row] = []
    baselines = [baseline_seconds()]

    # Load: cold (reading every workbook, then compiling) and from the cache on disk.
    gc.collect()
    cold = []
    for _ in range(3 if FULL else 1):
        start = time.perf_counter()
        Rules(load_directory(TABLES))
        cold.append(time.perf_counter() - start)
    rows.append(Row(f"load + compile all workbooks, cold (median of {len(cold)})", 1.0, statistics.median(cold)))
    progress(rows)
    with tempfile.TemporaryDirectory() as scratch:
        store = Path(scratch) / "nareis"
        load_compiled(TABLES, None, store)
        cached = median_seconds(lambda: Rules(*load_compiled(TABLES, None, store)), 5)
    rows.append(Row("load + compile from the cache on disk (median of 5)", 0.3, cached))
    progress(rows)

    rules = Rules.load(TABLES)
    data = load_case_file(FAMILY)
    case = rules.read_case(data)
    members = len(case.members)
    rows.append(Row(f"read_case: validate + convert a family of {members + 1} (median of 2000)", 0.2 * MS,
                    median_seconds(lambda: rules.read_case(data), 2000)))
    rows.append(Row("read_case_file: YAML file read + parsed + validated", None,
                    median_seconds(lambda: rules.read_case_file(FAMILY), 200)))

    for _ in range(50):
        rules.decide(case)
    decide = median_seconds(lambda: rules.decide(case), 500)
    fired = sum(len(m.fired) for m in rules.decide(case).gezinsleden)
    rows.append(
        Row(f"decide(): family of {members + 1}, full trace ({fired} fired rows; median of 500)", 1 * MS, decide)
    )
    calls = record_durable_calls(lambda: rules.decide(case))
    floor = median_seconds(lambda: replay(calls), 500)
    counts = {name: sum(1 for c in calls if c[0] == name) for name in _DURABLE_CALLS}
    rows.append(Row(
        f"durable-rules floor: its {len(calls)} C calls for the same facts, replayed alone "
        f"({counts['assert_fact']} asserts)", None, floor,
    ))
    rows.append(Row("decide() within 1.5x of durable-rules' floor (target: 1.5x floor)", 1.5 * floor, decide))
    progress(rows)

    # Memory and sessions: many decisions in one process (durable-rules allows 1,024 live sessions).
    count = 30_000 if FULL else max(2_000, min(30_000, int(15.0 / max(decide, 1e-6)) // 1000 * 1000))
    step = count // 3
    for _ in range(step):
        rules.decide(case)
    gc.collect()
    before = resident_bytes()
    for _ in range(count - step):
        rules.decide(case)
    gc.collect()
    growth = (resident_bytes() - before) * 10_000 / (count - step)
    rows.append(Row(f"memory growth per 10,000 decisions (measured over {count:,}; MiB)", None, growth / 2**20,
                    note="MiB"))
    progress(rows)

    # Reloading edited tables in one process: each reload has a new content hash, so a new network and ruleset.
    reloads = 20
    base = rules.rule_base
    gc.collect()
    before = resident_bytes()
    for number in range(reloads):
        edited = Rules(dataclasses.replace(base, content_hash=f"{base.content_hash[:56]}{number:08d}"))
        edited.decide(case)
        del edited
    gc.collect()
    rows.append(Row(f"resident growth per reload of edited tables ({reloads} reloads, old Rules dropped; MiB)", None,
                    (resident_bytes() - before) / reloads / 2**20, note="MiB"))
    progress(rows)

    # The command line and the batch, in fresh processes with a warm cache of their own.
    runs = 5 if FULL else 3
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        rows.append(Row(f"nareis decide CASE (JSON), wall, warm cache (median of {runs})", 0.5,
                        cli_wall(["decide", str(FAMILY)], cache, runs)))
        rows.append(Row(f"nareis decide CASE --format text, wall, warm cache (median of {runs})", 0.5,
                        cli_wall(["decide", str(FAMILY), "--format", "text"], cache, runs)))
        progress(rows)
        per_case = decide + 0.2 * MS
        families = 10_000 if FULL else max(1_000, min(10_000, int(2 * 10.0 / per_case) // 1000 * 1000))
        cases = Path(scratch) / "cases.jsonl"
        with cases.open("w", encoding="utf-8") as file:
            for number in range(families):
                variant = json.loads(json.dumps(data, default=str))
                variant["aanvraag"]["zaaknummer"] = f"IND-2026-{number:06d}"
                file.write(json.dumps(variant) + "\n")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "engine.cli", "batch", str(cases), "-o", str(Path(scratch) / "out.jsonl"),
             "--workers", "2"],
            cwd=ROOT, env=python_env(cache), check=True, capture_output=True,
        )
        wall = time.perf_counter() - start
        rows.append(Row(f"nareis batch: 10,000 families on 2 workers, wall (ran {families:,}, scaled)", 10.0,
                        wall * 10_000 / families))
        progress(rows)

    # Documents.
    try:
        from renderers.documents import render_document
    except ImportError:  # pragma: no cover - the renderers are part of the project
        render_document = None
    if render_document is not None:
        decision = rules.decide(case).to_json()
        render_document(decision, "beschikking", "pdf")
        rows.append(Row("letter (beschikking) as PDF (median of 3)", 1.0,
                        median_seconds(lambda: render_document(decision, "beschikking", "pdf"), 3)))
        rows.append(Row("beslisnotitie as PDF (once)", 3.0,
                        median_seconds(lambda: render_document(decision, "beslisnotitie", "pdf"), 1)))
        progress(rows)

    rows.extend(check_rows())
    baselines.append(baseline_seconds())
    baseline = statistics.median(baselines)
    split = profile_split(rules, case, 100)
    print_table(rows, baseline, split, time.perf_counter() - began)


def print_table(rows: list[Row], baseline: float, split: list[tuple[str, float]], seconds: float) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"nareis benchmark ({'full counts' if FULL else 'counts scaled to a time budget'})")
    for column, justify in (("figure", "left"), ("target", "right"), ("measured", "right"),
                            ("× baseline", "right"), ("met", "center")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        if row.note == "MiB":
            table.add_row(row.figure, "flat", f"{row.measured:.2f} MiB", "", "yes" if row.measured < 1 else "no")
            continue
        target = shown(row.target) if row.target is not None else ""
        met = "" if row.target is None else ("yes" if row.measured <= row.target else "no")
        table.add_row(row.figure, target, shown(row.measured), f"{row.measured / baseline:,.0f}", met)
    table.add_row("baseline: nareistermijn as a plain Python function (median)", "", shown(baseline), "1", "")
    console = Console(width=160)
    console.print(table)
    profile = Table(title="decide() split (cProfile own time, family case)")
    profile.add_column("part")
    profile.add_column("share", justify="right")
    for group, share in split:
        profile.add_row(group, f"{share:.0%}")
    console.print(profile)
    console.print(f"bench ran {seconds:.0f} s")


if __name__ == "__main__":
    main()
