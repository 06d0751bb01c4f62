"""The `nareis` command: a thin layer that parses arguments, calls the library and turns its errors into exit codes."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any, NoReturn

import click

from engine.api import Rules, engine_for, read_case_file
from engine.api import decide as decide_case
from engine.case import case_schema
from engine.coverage import paragraph_coverage, unfired_rules
from engine.errors import CaseError, NareisError, RuleConflictError, WorkbookError, WorkbookProblems
from engine.model import RuleBase
from engine.scenarios import run_scenario
from engine.trace import Decision, value_json
from engine.workbook import read_workbook

EXIT_RULES = 1  # the decision tables have a problem (loading, a scenario, a hit-policy conflict)
EXIT_CASE = 2  # the case file (or the command line) is not valid

DEFAULT_TABLES = Path("decision_tables")
DOCUMENTS = ("beschikking", "herstelverzuim", "beslisnotitie")


def _fail(error: NareisError, code: int) -> NoReturn:
    click.echo(f"Error: {error}", err=True)
    sys.exit(code)


def _rule_base(tables: Path, cache: bool = True) -> RuleBase:
    """The rule base of `tables`, from the user's cache when it holds this exact content (see engine/cache.py)."""
    from engine.cache import default_cache_dir, load_cached
    from renderers.environment import check_motivation

    try:
        return load_cached(tables, check_motivation, default_cache_dir() if cache else None)
    except WorkbookProblems as error:
        _fail(error, EXIT_RULES)


@click.group()
@click.version_option(version("nareis"), prog_name="nareis")
def main() -> None:
    """Decide nareis applications (WI 2026/11) with decision tables kept in Excel workbooks."""


@main.command()
@click.argument("case", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--tables",
    type=click.Path(path_type=Path),
    default=DEFAULT_TABLES,
    show_default=True,
    help="Directory with the decision-table workbooks.",
)
@click.option(
    "--beslisdatum",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Decision date (YYYY-MM-DD). Default: the case's beslisdatum, else today.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text", "html", "pdf", "docx", "md"]),
    default=None,
    help="Output format: json or text for the decision; html, pdf, docx or md for a --document.",
)
@click.option("--document", type=click.Choice(DOCUMENTS), default=None, help="Write this document instead.")
@click.option("--no-cache", is_flag=True, help="Read the workbooks even when a cached copy is valid.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def decide(
    case: Path,
    tables: Path,
    beslisdatum: dt.datetime | None,
    fmt: str | None,
    document: str | None,
    output: Path | None,
    no_cache: bool,
) -> None:
    """Decide CASE (a JSON or YAML case file) and print the decision.

    Without a beslisdatum in the case or on the command line, today is used and recorded in the decision.

    Example: nareis decide examples/vluchteling_gezin.yaml --format text
    """
    rule_base = _rule_base(tables, cache=not no_cache)
    try:
        given = beslisdatum.date() if beslisdatum else None
        # The one place that reads the clock: the default decision date, recorded in the decision.
        parsed = read_case_file(case, rule_base, given, default_beslisdatum=dt.date.today())
    except CaseError as error:
        _fail(error, EXIT_CASE)
    try:
        decision = decide_case(parsed, rule_base)
    except RuleConflictError as error:
        _fail(error, EXIT_RULES)
    if document:
        _write_document(decision.to_json(), document, fmt or "html", output)
        return
    if fmt not in (None, "json", "text"):
        raise click.UsageError(f"--format {fmt} needs --document (one of {', '.join(DOCUMENTS)})")
    text = _decision_text(decision) if fmt == "text" else _decision_json(decision)
    _emit(text.encode(), output)


@main.command()
@click.argument("decision_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--document", type=click.Choice(DOCUMENTS), required=True)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "docx", "md"]), default="html", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def render(decision_file: Path, document: str, fmt: str, output: Path | None) -> None:
    """Render a document from a decision saved as JSON (`nareis decide CASE --format json -o DECISION.json`).

    Example: nareis render out/besluit.json --document beschikking --format pdf -o beschikking.pdf
    """
    try:
        data = json.loads(decision_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        click.echo(f"Error: {decision_file}: not a saved decision (JSON): {error}", err=True)
        sys.exit(EXIT_CASE)
    _write_document(data, document, fmt, output)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), default=DEFAULT_TABLES)
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="Language of messages.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write JUnit XML: every scenario a test case, every finding a failing case named after its cell.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(directory: Path, lang: str, fmt: str, junit: Path | None, strict: bool) -> None:
    """Check every workbook in DIRECTORY in one pass: load and type-check, analyse every table (overlaps, gaps,
    rows that can never win, untested values, unused facts, citations), run all scenarios, measure coverage.

    Errors come before warnings, grouped by workbook and sheet, then a summary line. Exit code 0 when sound,
    1 for errors or failing scenarios, 2 when DIRECTORY cannot be checked (no such directory, not a workbook).
    With GITHUB_ACTIONS set, every finding is also printed as a GitHub Actions annotation.

    Example: nareis check decision_tables --junit out/nareis.xml
    """
    from engine.check import UnusableInput, check_directory
    from engine.report import github_annotations, json_report, junit_report, text_report

    try:
        result = check_directory(directory, strict=strict)
    except UnusableInput as error:
        dutch, english = str(error).split("|")
        click.echo(f"Fout: {dutch}" if lang == "nl" else f"Error: {english}", err=True)
        sys.exit(EXIT_CASE)
    click.echo(json_report(result, lang) if fmt == "json" else text_report(result, lang), nl=False)
    if os.environ.get("GITHUB_ACTIONS"):
        click.echo(github_annotations(result, directory, lang), nl=False)
    if junit is not None:
        try:
            junit.parent.mkdir(parents=True, exist_ok=True)
            junit.write_text(junit_report(result, lang), encoding="utf-8")
        except OSError as error:
            click.echo(f"Error: cannot write {junit}: {error.strerror}", err=True)
            sys.exit(EXIT_CASE)
    sys.exit(0 if result.sound else EXIT_RULES)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), default=DEFAULT_TABLES)
def coverage(directory: Path) -> None:
    """Show, for every paragraph of WI 2026/11, the rule rows that cite it, and the rows no scenario fires.

    A paragraph without rules needs a reason in a `Geen regels` sheet. Exit code 0 when every paragraph is covered
    or explained and every rule row is fired by a scenario, 1 otherwise.

    Example: nareis coverage decision_tables
    """
    rule_base = _rule_base(directory)
    engine = engine_for(rule_base)
    fired = [rule for scenario in rule_base.scenarios for rule in run_scenario(scenario, engine).fired]
    paragraphs = paragraph_coverage(rule_base)
    for item in paragraphs:
        label = "Inleiding" if item.paragraph == "Inleiding" else f"§{item.paragraph}"
        if item.rules:
            shown = ", ".join(item.rules[:6]) + (", ..." if len(item.rules) > 6 else "")
            status = f"{len(item.rules)} rules: {shown}"
        elif item.reason:
            status = f"no rules: {item.reason}"
        else:
            status = "NOT COVERED: no rule cites it and no reason is given in a Geen regels sheet"
        click.echo(f"{label:<10} {item.title[:48]:<48} {status}")
    unfired = unfired_rules(rule_base, fired)
    if unfired:
        click.echo(f"rules no scenario fires ({len(unfired)}): {', '.join(unfired)}")
    uncovered = [p for p in paragraphs if not p.covered]
    click.echo(
        f"{len(paragraphs) - len(uncovered)} of {len(paragraphs)} paragraphs covered; "
        f"{len(unfired)} rules without a scenario"
    )
    sys.exit(EXIT_RULES if uncovered or unfired else 0)


@main.command()
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def dump(workbook: Path) -> None:
    """Print a workbook as text for readable diffs: each rule one line keyed by its rule id, each cell with its
    column name (`2.2-03 | status_referent: vluchteling | → termijn_oordeel: tijdig | Bron: §2.2`), so that
    inserting a row shows as one added line. Every non-empty cell appears; a line break in a cell shows as \\n.

    Set it up once per clone: git config diff.nareis.textconv "nareis dump" (.gitattributes already
    marks *.xlsx with diff=nareis).

    Example: nareis dump decision_tables/H2_algemene_voorwaarden.xlsx
    """
    from engine.dump import dump_lines

    try:
        book = read_workbook(workbook)
    except WorkbookError as error:
        _fail(error, EXIT_RULES)
    click.echo("\n".join(dump_lines(book)))


@main.command()
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--tables",
    type=click.Path(path_type=Path),
    default=DEFAULT_TABLES,
    show_default=True,
    help="The working tree's tables: NEW when it is left out, and the path read from a git revision.",
)
@click.option(
    "--cases",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Also decide these cases (a JSONL file or a directory of case files) with both versions.",
)
@click.option("--no-impact", is_flag=True, help="Only the differences in the tables; decide no scenarios or cases.")
@click.option("--lang", type=click.Choice(["nl", "en"]), default="nl", show_default=True, help="Report language.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-cache", is_flag=True, help="Read the workbooks even when a cached copy is valid.")
def diff(
    old: str, new: str | None, tables: Path, cases: Path | None, no_impact: bool, lang: str, fmt: str, no_cache: bool
) -> None:
    """Show what changed between two versions of the decision tables, and what it changes in the outcomes.

    OLD and NEW are each a directory of workbooks or a git revision (branch, tag, commit), whose copy of --tables
    is read; without NEW, the working tree's --tables. Per table: rules added, removed and changed (matched by rule
    id), each changed cell with its column; changed hit policies and table properties, glossary entries,
    calculations, scenarios. Then the impact: the scenarios whose outcome changes and, with --cases, the cases
    whose outcome per family member changes, with counts per transition.

    Exit code 0 whether or not there are differences; 1 when a version does not load, so that its impact cannot
    be decided (the differences are still shown); 2 when OLD or NEW cannot be read.

    Example: nareis diff main --cases zaken.jsonl
    """
    from engine.diff_command import run_diff

    sys.exit(run_diff(old, new, tables, cases, not no_impact, lang, fmt, not no_cache))


@main.command()
@click.option("--tables", type=click.Path(path_type=Path), default=DEFAULT_TABLES, show_default=True)
def schema(tables: Path) -> None:
    """Print the JSON Schema of a case file, generated from the glossary.

    Example: nareis schema > case.schema.json
    """
    click.echo(json.dumps(case_schema(_rule_base(tables)), indent=2, ensure_ascii=False))


def _write_document(decision: dict[str, Any], document: str, fmt: str, output: Path | None) -> None:
    if fmt in ("json", "text"):
        raise click.UsageError("a --document is written as html, pdf, docx or md")
    if fmt in ("pdf", "docx") and output is None:
        raise click.UsageError(f"a {fmt} document needs -o FILE")
    from renderers.documents import render_document

    try:
        content = render_document(decision, document, fmt)
    except NareisError as error:
        _fail(error, EXIT_CASE)
    _emit(content, output)


def _emit(content: bytes, output: Path | None) -> None:
    if output is None:
        click.echo(content.decode(), nl=not content.endswith(b"\n"))
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
        click.echo(f"{output}", err=True)


def _decision_json(decision: Decision) -> str:
    from renderers.documents import with_paragraphs

    return json.dumps(with_paragraphs(decision.to_json()), indent=2, ensure_ascii=False) + "\n"


def _decision_text(decision: Decision) -> str:
    lines = [f"Beslisdatum {decision.beslisdatum.isoformat()}  (tabellen {decision.tables_hash[:12]})"]
    for member in decision.gezinsleden:
        facts = member.facts
        lines.append("")
        lines.append(f"{member.key}: {value_json(facts.get('uitkomst', 'geen uitkomst'))}")
        for label, fact in (
            ("gronden", "afwijzingsgronden"),
            ("acties", "vervolgacties"),
            ("herstel verzuim", "herstel_verzuim_punten"),
        ):
            if facts.get(fact):
                lines.append(f"  {label}: {', '.join(value_json(facts[fact]))}")
        if member.missing:
            lines.append(f"  ontbreekt: {', '.join(member.missing)}")
        for rule in member.fired:
            lines.append(f"  {rule.order:>3}. {rule.rule_id:<10} {rule.table} ({rule.source})")
    return "\n".join(lines) + "\n"


@main.command()
@click.argument("cases", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The JSONL file.")
@click.option("--tables", type=click.Path(path_type=Path), default=DEFAULT_TABLES, show_default=True)
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: the cores).")
@click.option(
    "--documents",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write each case's documents (HTML) in DIR/<case>/.",
)
@click.option("--no-cache", is_flag=True, help="Read the workbooks even when a cached copy is valid.")
def batch(cases: Path, output: Path, tables: Path, workers: int | None, documents: Path | None, no_cache: bool) -> None:
    """Decide every case in CASES (a JSONL file, one case per line, or a directory of case files) and write one
    JSON line per case to -o, in input order: the outcome per member and the whole decision, or the case's error.
    A case with an error does not stop the run; the exit code is then 2.

    Example: nareis batch examples -o out/resultaten.jsonl
    """
    import os
    import tempfile

    from engine.batch import case_sources, decide_batch, worker_pool
    from engine.cache import default_cache_dir

    if output.resolve() == cases.resolve() or cases.resolve() in output.resolve().parents:
        raise click.UsageError(f"-o {output} would overwrite the cases it reads")
    cache_dir = None if no_cache else default_cache_dir()
    try:
        rules = Rules.load(tables, cache_dir)
    except WorkbookProblems as error:
        _fail(error, EXIT_RULES)
    count = workers or os.cpu_count() or 1
    # The one place that reads the clock: the default decision date, recorded in each decision.
    today = dt.date.today()
    total, failed = 0, 0
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=output.parent, prefix=".tmp-", delete=False) as file:
        pool = worker_pool(count, tables, cache_dir) if count > 1 else None
        try:
            with _progress() as advance:
                for line, decided in decide_batch(rules, case_sources(cases), today, pool, documents, progress=advance):
                    total += 1
                    failed += not decided
                    file.write(line + "\n")
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
    os.replace(file.name, output)
    click.echo(f"{total} zaken: {total - failed} beslist, {failed} met een fout -> {output}", err=True)
    if failed:
        sys.exit(EXIT_CASE)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int], None]]:
    """A progress bar with rate and time left on a terminal; nothing when stderr is not one."""
    if not sys.stderr.isatty():
        yield lambda _: None
        return
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeRemainingColumn

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        MofNCompleteColumn(),
        TextColumn("{task.speed} zaken/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("beslissen", total=None)
        yield lambda n: progress.advance(task, n)


if __name__ == "__main__":
    main()
