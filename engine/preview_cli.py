"""The `nareis preview` command: a thin layer over engine/preview.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.errors import NareisError


@click.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("rule_id")
@click.option(
    "--case",
    "case",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Render with the facts of this case file (JSON or YAML) instead of the scenarios.",
)
@click.option("--scenario", "scenarios", multiple=True, help="Only this scenario (may be repeated).")
def preview(workbook: Path, rule_id: str, case: Path | None, scenarios: tuple[str, ...]) -> None:
    """Render the motivation of rule RULE_ID of WORKBOOK as a letter would have it: with the facts of every scenario
    that fires it (the workbook's own first), or of the case given with --case. Each distinct text is shown once,
    with the scenarios and family members that get it. The rules of every workbook next to WORKBOOK are loaded.

    Example: nareis preview decision_tables/H2_algemene_voorwaarden.xlsx 2.2-14
    """
    from engine.cache import default_cache_dir, load_cached
    from engine.preview import preview_case, preview_scenarios
    from renderers.environment import check_motivation

    try:
        rule_base = load_cached(workbook.parent, check_motivation, default_cache_dir())
        if case is not None:
            result = preview_case(rule_base, workbook.name, rule_id, case)
        else:
            result = preview_scenarios(rule_base, workbook.name, rule_id, scenarios)
    except NareisError as error:
        click.echo(f"Fout: {error}", err=True)
        sys.exit(error.exit_code)
    click.echo("\n".join(result.lines()))
