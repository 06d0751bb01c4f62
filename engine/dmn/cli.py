"""The commands `nareis export-dmn` and `nareis import-dmn`: parse the arguments, call engine.dmn, write atomically."""

from __future__ import annotations

from pathlib import Path

import click

from engine.errors import UsageError


@click.command("export-dmn")
@click.argument("directory", type=click.Path(path_type=Path), default=Path("decision_tables"))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The .dmn file.")
def export_dmn_command(directory: Path, output: Path) -> None:
    """Write the decision tables in DIRECTORY as one DMN 1.5 XML model.

    Every table becomes a decision with a decisionTable (FEEL entries, hit policy, rule annotations Regel, Bron,
    Motivering, Toon bij, Annotatie), every input fact an inputData, every keuze an itemDefinition with its allowed
    values, every calculation a decision with a literalExpression. What DMN cannot say (entity scope, the cells as
    written, the other sheets) is kept in extension elements, so that `nareis import-dmn` gives the same workbooks.
    The same tables always give the same bytes. Exit code 1 when the tables do not load.

    Example: nareis export-dmn decision_tables -o nareis.dmn
    """
    from engine.cli import _refuse_input_as_output, _rule_base, write_atomically
    from engine.dmn.export import export_dmn

    _refuse_input_as_output(output, (directory,))
    rule_base = _rule_base(directory)  # the same checks as every command: file kinds, sizes, every load problem
    write_atomically(output, export_dmn(directory, rule_base), (directory,))
    click.echo(f"{output}", err=True)


@click.command("import-dmn")
@click.argument("model", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, help="Directory for workbooks."
)
@click.option("--overwrite", is_flag=True, help="Replace workbooks of the same name in the output directory.")
def import_dmn_command(model: Path, output: Path, overwrite: bool) -> None:
    """Turn the DMN model MODEL into workbooks in the format of decision_tables/, written to the directory -o.

    A model that nareis wrote comes back as the workbooks it was made of (with the edits made to its decision
    tables). Any other model becomes one workbook with a Begrippen sheet (its inputData and decision outputs) and a
    sheet per decision table. What cannot be imported is named with its element and id and the reason; then
    nothing is written. Exit code 1 for a model with elements that cannot be imported, 2 for a file that is no
    DMN model (not XML, a DTD or entities, another namespace) or an output directory that already has them.

    Example: nareis import-dmn nareis.dmn -o tabellen_uit_dmn
    """
    from engine.cli import write_atomically
    from engine.dmn.importer import import_dmn

    workbooks = import_dmn(model.read_bytes(), model.name)
    if output.exists() and not output.is_dir():
        raise UsageError(f"-o {output}: not a directory")
    existing = sorted(name for name in workbooks if (output / name).exists())
    if existing and not overwrite:
        raise UsageError(
            f"-o {output}: already has {', '.join(existing)}; choose an empty directory or give --overwrite"
        )
    for name, content in sorted(workbooks.items()):
        write_atomically(output / name, content, (model,))
        click.echo(f"{output / name}", err=True)
