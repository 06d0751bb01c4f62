"""`nareis diff`: resolve both sides, compare them, decide the impact, print the report; returns the exit code."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from engine.diff import DiffInputError, compare, read_version, resolve_side, text_report
from engine.errors import WorkbookProblems
from engine.loader import MotivationChecker

EXIT_LOAD = 1  # a version does not load: its impact cannot be decided
EXIT_INPUT = 2  # OLD or NEW cannot be read


def _error(lang: str, message: str) -> None:
    click.echo(f"Fout: {message}" if lang == "nl" else f"Error: {message}", err=True)


def run_diff(
    old: str,
    new: str | None,
    tables: Path,
    cases: Path | None,
    impact: bool,
    lang: str,
    fmt: str,
    cache: bool,
    check_motivation: MotivationChecker | None = None,
) -> int:
    """The report of `nareis diff`; both versions are loaded with `check_motivation` (the command passes the
    documents' checker)."""
    try:
        with contextlib.ExitStack() as stack:
            old_side = stack.enter_context(resolve_side(old, tables))
            new_side = stack.enter_context(resolve_side(new if new is not None else str(tables), tables))
            old_version, new_version = read_version(old_side.directory), read_version(new_side.directory)
            difference = compare(old_version, new_version, old_side.label, new_side.label)
            report: dict[str, Any] = difference.to_json()
            lines = text_report(difference, lang)
            code = 0
            if impact:
                code = _impact(
                    old_side.directory,
                    new_side.directory,
                    (old_side.label, new_side.label),
                    cases,
                    lang,
                    cache,
                    report,
                    lines,
                    check_motivation,
                )
    except DiffInputError as error:
        _error(lang, error.text(lang))
        return EXIT_INPUT
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(lines))
    return code


def _impact(
    old: Path,
    new: Path,
    labels: tuple[str, str],
    cases: Path | None,
    lang: str,
    cache: bool,
    report: dict[str, Any],
    lines: list[str],
    check_motivation: MotivationChecker | None = None,
) -> int:
    from engine.api import Rules
    from engine.batch import case_sources
    from engine.cache import default_cache_dir
    from engine.impact import case_impact, case_lines, scenario_impact, scenario_lines

    cache_dir = default_cache_dir() if cache else None
    loaded = []
    for directory, label in zip((old, new), labels, strict=True):
        try:
            loaded.append(Rules.load(directory, cache_dir, check_motivation=check_motivation))
        except WorkbookProblems as error:
            count = len(error.problems)
            text = (
                f"Impact niet bepaald: de tabellen van {label} laden niet "
                f"({count} {'probleem' if count == 1 else 'problemen'}; zie nareis check)"
                if lang == "nl"
                else f"Impact not decided: the tables of {label} do not load "
                f"({count} problem{'' if count == 1 else 's'}; see nareis check)"
            )
            lines.extend(["", text])
            report["impact"] = {"error": text}
            return EXIT_LOAD
    before, after = loaded
    changes, total = scenario_impact(before, after, lang)
    lines.extend(["", *scenario_lines(changes, total, lang)])
    report["impact"] = {"scenarios_run": total, "scenarios": [c.to_json() for c in changes]}
    if cases is not None:
        # The one place that reads the clock: the decision date of cases that give none (the same for both).
        today = dt.date.today()
        with _progress(_count(cases), "impact" if lang == "en" else "zaken beslissen") as advance:
            result = case_impact(before, after, case_sources(cases), today, lang, advance)
        lines.extend(["", *case_lines(result, cases.name, lang)])
        report["impact"]["cases"] = result.to_json()
    return 0


def _count(cases: Path) -> int | None:
    """How many cases there are, for the progress bar (None when counting would cost a second read of a big file)."""
    if cases.is_dir():
        return sum(1 for p in cases.iterdir() if p.suffix.lower() in (".json", ".yaml", ".yml") and p.is_file())
    try:
        with cases.open("rb") as file:
            return sum(1 for line in file if line.strip())
    except OSError:
        return None


@contextlib.contextmanager
def _progress(total: int | None, description: str) -> Iterator[Callable[[int], None]]:
    """A rich progress bar with rate and time left when stderr is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)
