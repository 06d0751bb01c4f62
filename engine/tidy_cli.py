"""The `nareis tidy` command: a thin layer over engine/tidy.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.errors import EXIT_CASE, EXIT_RULES, WorkbookError


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--check", "only_check", is_flag=True, help="Only say what would change; exit code 1 when anything would."
)
@click.option(
    "--tests",
    "tests_layout",
    type=click.Choice(["per-rij", "per-kolom"]),
    default=None,
    help="Lay the Tests sheets out a family member per row (classic) or per column (a scenario reads top to bottom).",
)
def tidy(directory: Path, only_check: bool, tests_layout: str | None) -> None:
    """Rewrite the presentation of the workbooks in DIRECTORY from their content, never the content itself:
    dropdown lists for keuze and ja/nee facts (from the glossary's Waarden), entities, hit policies, types and
    soorten; a comment with its Omschrijving and allowed values on every fact-name cell; frozen header rows and
    rule-id column; column widths, wrapped text and row heights so that every cell can be read. With --tests
    per-kolom the Tests sheets get a column per family member and a row per fact (inputs first, expected outcomes
    below), so one scenario reads top to bottom; --tests per-rij turns them back. Both layouts load alike.

    Each workbook is written to a temporary file, read back, and replaces the old one only when `nareis dump` of
    both is identical. A second run finds nothing to do. A workbook open in Excel or LibreOffice (a lock file
    ~$name.xlsx or .~lock.name.xlsx# next to it) is left alone. Exit codes: 0 done, 1 a workbook was left alone
    (or, with --check, would change), 2 no such directory or no workbook.

    Example: nareis tidy decision_tables
    """
    from engine.cache import default_cache_dir
    from engine.tidy import TidyError, remember_tidy, tidy_directory

    try:
        results = tidy_directory(directory, write=not only_check, tests_layout=tests_layout)
    except TidyError as error:
        click.echo(f"Fout: {error}", err=True)
        sys.exit(EXIT_CASE if error.location is None else EXIT_RULES)
    except WorkbookError as error:
        click.echo(f"Fout: {error}", err=True)
        sys.exit(EXIT_RULES)
    for result in results:
        click.echo(result.line())
    if any(result.refused for result in results):
        sys.exit(EXIT_RULES)
    if only_check and any(result.changes for result in results):
        sys.exit(EXIT_RULES)
    if not only_check:
        remember_tidy(directory, default_cache_dir())
