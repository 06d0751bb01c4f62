"""The `nareis new` command: a thin layer over engine/new_workbook.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.errors import NareisError


@click.command("new")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("name")
def new(directory: Path, name: str) -> None:
    """Write a new workbook DIRECTORY/NAME.xlsx: an Uitleg, a glossary, Parameters, an example decision table and
    Tests, tidy and ready for `nareis check`. The example's facts, table and rule ids carry NAME, so they collide with
    nothing in the directory; when the rule base has a final outcome, each example scenario states what it decides.

    Example: nareis new decision_tables H6_nieuw
    """
    from engine.new_workbook import new_workbook

    try:
        path = new_workbook(directory, name)
    except NareisError as error:
        click.echo(f"Fout: {error}", err=True)
        sys.exit(error.exit_code)
    click.echo(f"{path} geschreven; vervang het voorbeeld en draai nareis check {directory}")
