"""The `nareis` command: a thin layer that parses arguments, calls the library and turns its errors into exit codes."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import json
import os
import platform
import sys
import tempfile
import traceback
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from engine.api import Rules
from engine.case import CaseLimits, case_schema, current_case_limits, set_case_limits
from engine.errors import (
    EXIT_CASE,
    EXIT_INTERNAL,
    EXIT_RULES,
    DecisionFileError,
    Location,
    NareisError,
    UsageError,
    WorkbookError,
    WorkbookProblems,
)
from engine.model import RuleBase

if TYPE_CHECKING:
    from engine.compiler import Network
from engine.trace import Decision, value_json
from engine.workbook import WorkbookLimits, current_limits, read_workbook, scan_directory, set_limits

DEFAULT_TABLES = Path("decision_tables")
DOCUMENTS = ("beschikking", "herstelverzuim", "beslisnotitie")


def _fail(error: NareisError, code: int) -> NoReturn:
    click.echo(f"Error: {error}", err=True)
    sys.exit(code)


class _MotivationChecker:
    """The documents' check of a motivation text (renderers.environment.check_motivation), passed to the loader.

    The engine never imports the renderers; the command (the application) does, and only when a workbook is
    actually read: with a warm cache nothing is checked, so Jinja is not imported. The cache key names the checker
    (engine.cache.checker_name): this stand-in carries the name of the function it calls."""

    cache_name = "renderers.environment.check_motivation"

    def __call__(self, text: str, names: Collection[str]) -> str | None:
        from renderers.environment import check_motivation

        return check_motivation(text, names)


def _motivation_checker() -> Callable[[str, Collection[str]], str | None]:
    return _MotivationChecker()


def _loaded(tables: Path, cache: bool = True) -> tuple[RuleBase, Network | None]:
    """Load the tables; the files are checked first (formats, FIFOs, links, count), so that reading cannot hang.
    The rule base comes from the user's cache when it holds this exact content (see engine/cache.py).

    For `check` and `coverage`, a workbook with decision tables but no scenarios (a deleted Tests sheet) is a problem:
    it would otherwise pass unseen.
    """
    from engine.cache import default_cache_dir, load_compiled

    if tables.is_dir():
        problems = scan_directory(tables)
        if problems:
            raise WorkbookProblems(problems)
    rule_base, network = load_compiled(tables, _motivation_checker(), default_cache_dir() if cache else None)
    # One command, one rule base for the life of the process: the collector need not scan its ~100,000 objects
    # again and again (a full collection while the first case is decided cost a quarter of `nareis decide`).
    gc.freeze()
    context = click.get_current_context(silent=True)
    if context is not None and context.info_name in ("check", "coverage"):
        tested = {scenario.location.workbook for scenario in rule_base.scenarios}
        untested = sorted({table.workbook for table in rule_base.tables} - tested)
        if untested:
            raise WorkbookProblems(
                WorkbookError(
                    "this workbook has decision tables but no scenarios: its Tests sheet is missing or empty, "
                    "and every chapter must be tested",
                    Location(workbook),
                )
                for workbook in untested
            )
    return rule_base, network


def _rule_base(tables: Path, cache: bool = True) -> RuleBase:
    return _loaded(tables, cache)[0]


def _rules(tables: Path, cache: bool = True) -> Rules:
    """The tables loaded (see _loaded) and compiled, with the network from the cache when it holds one."""
    return Rules(*_loaded(tables, cache))


_LIMIT_NAMES = {f.name: "case" for f in dataclasses.fields(CaseLimits)} | {
    f.name: "workbook" for f in dataclasses.fields(WorkbookLimits)
}


def _apply_limits(settings: Iterable[str]) -> None:
    case_changes: dict[str, int] = {}
    workbook_changes: dict[str, int] = {}
    for setting in settings:
        name, _, number = setting.partition("=")
        if name not in _LIMIT_NAMES or not number.isdigit() or len(number) > 12:
            raise click.BadParameter(
                f"{setting!r}: write NAME=N with NAME one of {', '.join(sorted(_LIMIT_NAMES))}", param_hint="--limit"
            )
        (case_changes if _LIMIT_NAMES[name] == "case" else workbook_changes)[name] = int(number)
    set_case_limits(dataclasses.replace(current_case_limits(), **case_changes))
    set_limits(dataclasses.replace(current_limits(), **workbook_changes))


class _Guarded(click.Group):
    """The one error boundary: a NareisError becomes `Error: ...` with its exit code; anything else is a bug in nareis
    and becomes "internal error" with exit code 3 and what to report, never a traceback (NAREIS_DEBUG=1 shows it)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NareisError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted; no output file was changed.", err=True)
            ctx.exit(130)
        except Exception as error:
            if os.environ.get("NAREIS_DEBUG"):
                traceback.print_exc()
            click.echo(
                f"Internal error (a bug in nareis, not a problem of your input): {type(error).__name__}: {error}\n"
                f"Please report it with this message, the command (nareis {ctx.invoked_subcommand or ''}) and its "
                f"input: nareis {version('nareis')}, Python {platform.python_version()}. "
                "Set NAREIS_DEBUG=1 to see the traceback.",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Guarded)
@click.version_option(version("nareis"), prog_name="nareis")
@click.option(
    "--limit",
    "limits",
    multiple=True,
    metavar="NAME=N",
    help="Raise a bound on the input, e.g. --limit members=200. Defaults: case_bytes=5000000, members=50, "
    "text=10000 (characters per value), depth=12, aliases=10 (YAML), digits=30; workbooks=100, "
    "file_bytes=20000000, unpacked_bytes=100000000, cells=200000 (per sheet), rows=10000, columns=1000.",
)
def main(limits: tuple[str, ...]) -> None:
    """Decide nareis applications (WI 2026/11) with decision tables kept in Excel workbooks.

    Exit codes: 0 done; 1 the decision tables have a problem; 2 the case, a saved decision or the command line is
    not valid; 3 an internal error (a bug in nareis: report it).
    """
    _apply_limits(limits)


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
    inputs = (case, tables)
    _refuse_input_as_output(output, inputs)  # before any work, so that nothing is decided for nothing
    rules = _rules(tables, cache=not no_cache)
    given = beslisdatum.date() if beslisdatum else None
    # The one place that reads the clock: the default decision date, recorded in the decision.
    decision = rules.decide(rules.read_case_file(case, given, default_beslisdatum=dt.date.today()))
    conflict = decision.conflict_error()  # a hit-policy violation: the decision is shown, but no document, exit 1
    if document:
        if conflict is not None:
            raise conflict
        _write_document(decision.to_json(), document, fmt or "html", output, inputs)
        return
    if fmt not in (None, "json", "text"):
        raise click.UsageError(f"--format {fmt} needs --document (one of {', '.join(DOCUMENTS)})")
    text = _decision_text(decision) if fmt == "text" else _decision_json(decision)
    _emit(text.encode(), output, inputs)
    if conflict is not None:
        raise conflict


@main.command()
@click.argument("decision_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--document", type=click.Choice(DOCUMENTS), required=True)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "docx", "md"]), default="html", show_default=True)
@click.option(
    "--tables",
    type=click.Path(path_type=Path),
    default=DEFAULT_TABLES,
    show_default=True,
    help="The decision tables the decision was made with (its tabellen_hash must match).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def render(decision_file: Path, document: str, fmt: str, tables: Path, output: Path | None) -> None:
    """Render a document from a decision saved as JSON (`nareis decide CASE --format json -o DECISION.json`).

    The decision must have been made with the current tables (its tabellen_hash); the motivations are taken from
    the tables, never from the file.

    Example: nareis render out/besluit.json --document beschikking --format pdf -o beschikking.pdf
    """
    inputs = (decision_file, tables)
    _refuse_input_as_output(output, inputs)
    data = _read_decision_file(decision_file)
    rule_base = _rule_base(tables)
    _check_saved_decision(decision_file, data, rule_base)
    _write_document(data, document, fmt, output, inputs)


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
    from engine.coverage import paragraph_coverage, unfired_rules
    from engine.scenarios import run_scenario

    rules = _rules(directory)
    rule_base, engine = rules.rule_base, rules.engine
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

    sys.exit(run_diff(old, new, tables, cases, not no_impact, lang, fmt, not no_cache, _motivation_checker()))


@main.command()
@click.option("--tables", type=click.Path(path_type=Path), default=DEFAULT_TABLES, show_default=True)
def schema(tables: Path) -> None:
    """Print the JSON Schema of a case file, generated from the glossary.

    Example: nareis schema > case.schema.json
    """
    click.echo(json.dumps(case_schema(_rule_base(tables)), indent=2, ensure_ascii=False))


def _write_document(
    decision: dict[str, Any], document: str, fmt: str, output: Path | None, inputs: Iterable[Path]
) -> None:
    if fmt in ("json", "text"):
        raise click.UsageError("a --document is written as html, pdf, docx or md")
    if fmt in ("pdf", "docx") and output is None:
        raise click.UsageError(f"a {fmt} document needs -o FILE")
    from renderers.documents import render_document

    try:
        content = render_document(decision, document, fmt)
    except NareisError as error:
        _fail(error, EXIT_CASE)
    _emit(content, output, inputs)


def _emit(content: bytes, output: Path | None, inputs: Iterable[Path] = ()) -> None:
    if output is None:
        click.echo(content.decode(), nl=not content.endswith(b"\n"))
    else:
        write_atomically(output, content, inputs)
        click.echo(f"{output}", err=True)


def _refuse_input_as_output(output: Path | None, inputs: Iterable[Path]) -> None:
    """-o may not name one of the command's inputs: a case file, a saved decision, or a workbook in a tables directory
    (an existing one would be overwritten, a new one would be read as a workbook next time)."""
    if output is None:
        return
    target = output.resolve()
    for given in inputs:
        source = given.resolve()
        same = target == source or (output.exists() and given.exists() and os.path.samefile(output, given))
        workbook = target.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".xlsb", ".xltx", ".xltm", ".ods")
        if same or (given.is_dir() and target.is_relative_to(source) and workbook):
            what = f"a workbook of the tables directory {given}" if given.is_dir() else f"the input {given}"
            raise UsageError(f"-o {output}: this would overwrite {what}; write the output elsewhere")
    if output.exists() and not output.is_file():
        raise UsageError(f"-o {output}: not a regular file; write the output to a file")


def write_atomically(output: Path, content: bytes, inputs: Iterable[Path] = ()) -> None:
    """Write `content` to `output` through a temporary file in the same directory, synced, then renamed over it.

    A write that fails or is killed leaves the previous file as it was (and no temporary file behind, except after
    a kill); `output` may not be one of `inputs` (see _refuse_input_as_output).
    """
    _refuse_input_as_output(output, inputs)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    except OSError as error:
        raise UsageError(f"-o {output}: cannot write there: {error.strerror}") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        mode = output.stat().st_mode & 0o777 if output.exists() else 0o666 & ~_umask()
        os.chmod(temporary, mode)
        os.replace(temporary, output)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise UsageError(
                f"-o {output}: the write failed ({error.strerror}); the previous file, if any, is unchanged"
            ) from error
        raise
    try:
        directory = os.open(output.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)  # the rename itself survives a crash
    except OSError:
        pass
    finally:
        os.close(directory)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_MAX_DECISION_BYTES = 50_000_000


def _read_decision_file(path: Path) -> dict[str, Any]:
    """A saved decision: a regular JSON file of bounded size whose shape is that of Decision.to_json()."""
    from jsonschema import Draft202012Validator

    try:
        if not path.is_file():
            raise DecisionFileError(f"{path}: not a regular file")
        if path.stat().st_size > _MAX_DECISION_BYTES:
            raise DecisionFileError(f"{path}: larger than {_MAX_DECISION_BYTES:,} bytes; not a saved decision")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as error:
        raise DecisionFileError(f"{path}: not a saved decision (JSON): {error}") from error
    problems = [
        f"{''.join(f'[{p}]' if isinstance(p, int) else f'.{p}' for p in e.absolute_path).lstrip('.') or 'decision'}"
        f": {e.message}"
        for e in sorted(Draft202012Validator(_DECISION_SCHEMA).iter_errors(data), key=lambda e: list(e.path))
    ]
    if problems:
        raise DecisionFileError("\n".join([f"{path}: not a decision saved by nareis decide:", *problems[:20]]))
    assert isinstance(data, dict)
    return data


_FIRED_RULE = {
    "type": "object",
    "required": ["volgorde", "tabel", "regel", "bron", "motivering", "gematcht", "gezet"],
    "properties": {
        "volgorde": {"type": "integer"},
        "tabel": {"type": "string"},
        "regel": {"type": "string"},
        "bron": {"type": "string"},
        "motivering": {"type": "string"},
        "gematcht": {"type": "object"},
        "gezet": {"type": "object"},
    },
}
_ENTITY = {
    "type": "object",
    "required": ["entiteit", "id", "feiten", "toelichtingen", "gevuurde_regels"],
    "properties": {
        "entiteit": {"enum": ["aanvraag", "referent", "gezinslid"]},
        "id": {"type": "string"},
        "feiten": {"type": "object"},
        "toelichtingen": {"type": "object", "additionalProperties": {"type": "string"}},
        "gevuurde_regels": {"type": "array", "items": _FIRED_RULE},
    },
}
_DECISION_SCHEMA = {
    "type": "object",
    "required": ["beslisdatum", "tabellen_hash", "aanvraag", "referent", "gezinsleden"],
    "properties": {
        "beslisdatum": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "tabellen_hash": {"type": "string"},
        "aanvraag": _ENTITY,
        "referent": _ENTITY,
        "gezinsleden": {"type": "array", "items": _ENTITY, "minItems": 1},
    },
}


def _check_saved_decision(path: Path, data: Mapping[str, Any], rule_base: RuleBase) -> None:
    """The decision was made with these tables, and every motivation in it is the one the tables hold.

    The documents render motivations from the tables (which passed the loader's checks), so an edited motivation in
    the file is refused rather than rendered.
    """
    if data["tabellen_hash"] != rule_base.content_hash:
        raise DecisionFileError(
            f"{path}: the decision was made with other tables ({str(data['tabellen_hash'])[:12]}) than the current "
            f"ones ({rule_base.content_hash[:12]}); decide the case again with nareis decide"
        )
    motivations = {rule.rule_id: rule.motivation for table in rule_base.tables for rule in table.rules}
    for entity in [data["aanvraag"], data["referent"], *data["gezinsleden"]]:
        for fired in entity["gevuurde_regels"]:
            if motivations.get(fired["regel"]) != fired["motivering"]:
                raise DecisionFileError(
                    f"{path}: the motivation of rule {fired['regel']} for {entity['id']} is not the one the tables "
                    "hold; the file was changed after nareis wrote it: decide the case again"
                )


def _decision_json(decision: Decision) -> str:
    from renderers.context import with_paragraphs  # the motivations as paragraphs (Jinja), not the documents

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

    if output.resolve() == cases.resolve() or cases.resolve() in output.resolve().parents:
        raise click.UsageError(f"-o {output} would overwrite the cases it reads")
    # Through _rule_base like every command: the directory is scanned first (FIFOs, links, formats), so it cannot hang.
    rules = _rules(tables, cache=not no_cache)
    count = workers or os.cpu_count() or 1
    # The one place that reads the clock: the default decision date, recorded in each decision.
    today = dt.date.today()
    total, failed = 0, 0
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=output.parent, prefix=".tmp-", delete=False) as file:
        pool = worker_pool(count, rules) if count > 1 else None
        try:
            with _progress() as advance:
                writer = functools.partial(write_case_documents, documents) if documents is not None else None
                for line, decided in decide_batch(rules, case_sources(cases), today, pool, writer, progress=advance):
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


def write_case_documents(directory: Path, decision: Decision, name: str) -> None:
    """Every document the decision calls for, as HTML, in DIRECTORY/<name>/ (for `nareis batch --documents`)."""
    from renderers.documents import applicable_documents, render_document

    data = decision.to_json()
    target = directory / name
    target.mkdir(parents=True, exist_ok=True)
    for document in applicable_documents(data):
        (target / f"{document}.html").write_bytes(render_document(data, document, "html"))


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


from engine.dmn.cli import export_dmn_command, import_dmn_command  # noqa: E402

main.add_command(export_dmn_command)
main.add_command(import_dmn_command)
from engine.new_workbook_cli import new  # noqa: E402
from engine.preview_cli import preview  # noqa: E402
from engine.tidy_cli import tidy  # noqa: E402

main.add_command(tidy)
main.add_command(preview)
main.add_command(new)

if __name__ == "__main__":
    main()
