"""`nareis check` in one pass: load, verify, analyse every table, run every scenario, measure coverage."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from engine.analysis import analyse
from engine.api import engine_for, load_rule_base
from engine.coverage import ParagraphCoverage, paragraph_coverage, unfired_rules
from engine.errors import Location, WorkbookError, WorkbookProblems
from engine.findings import ERROR, NOTE, WARNING, Finding
from engine.loader import workbook_paths
from engine.model import RuleBase
from engine.optional_facts import find_motivation_gaps
from engine.scenarios import ScenarioResult, run_scenario
from engine.trace import Decision
from engine.verify import citation_findings, usage_findings
from engine.workbook import Workbook, read_workbook

# Kinds that may be reported as warnings for a while, when the analysis learns a new kind of finding that the
# workbooks still have; --strict reports them as errors. Empty: an overlap is an error (the 24 U overlaps of H2
# "Middelen van bestaan" were fixed with hit policy F, missing evidence first).
PROVISIONAL_WARNINGS: frozenset[str] = frozenset()


class UnusableInput(Exception):
    """The directory cannot be checked at all: it does not exist, holds no workbooks, or a file is no workbook."""


@dataclass
class CheckResult:
    rule_base: RuleBase | None
    findings: list[Finding]
    scenarios: list[ScenarioResult] = field(default_factory=list)
    paragraphs: list[ParagraphCoverage] = field(default_factory=list)
    unfired: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def failed_scenarios(self) -> int:
        return sum(1 for s in self.scenarios if not s.passed)

    @property
    def sound(self) -> bool:
        return not self.count(ERROR) and not self.failed_scenarios


def check_directory(directory: Path, *, strict: bool = False, documents: bool = True) -> CheckResult:
    """Every finding about the workbooks in `directory`. Raises UnusableInput when there is nothing to check."""
    if not directory.is_dir():
        raise UnusableInput(f"{directory} is geen map met werkmappen|{directory} is not a directory of workbooks")
    paths = workbook_paths(directory)
    if not paths:
        raise UnusableInput(f"geen werkmappen (*.xlsx) in {directory}|no workbooks (*.xlsx) in {directory}")
    for path in paths:
        if not zipfile.is_zipfile(path):
            raise UnusableInput(
                f"{path.name} is geen Excel-werkmap (.xlsx)|{path.name} is not an Excel workbook (.xlsx)"
            )
    seconds: dict[str, float] = {}
    start = time.process_time()
    try:
        rule_base = load_rule_base(directory)
    except WorkbookProblems as problems:
        findings = [
            Finding("load", ERROR, p.location or Location(), {"nl": p.text("nl"), "en": p.message})
            for p in problems.problems
        ]
        return CheckResult(None, findings, seconds={"load": time.process_time() - start})
    seconds["load"] = time.process_time() - start

    start = time.process_time()
    used = documents_use()
    complete, complete_findings = completeness(directory, rule_base)
    findings = [
        f.with_severity(WARNING) if f.kind in PROVISIONAL_WARNINGS and not strict else f
        for report in analyse(rule_base, used, complete)
        for f in report.findings
    ]
    findings += complete_findings
    findings += usage_findings(rule_base, used)
    findings += citation_findings(rule_base)
    findings += untested_workbooks(rule_base)
    seconds["analysis"] = time.process_time() - start
    if documents:
        start = time.process_time()
        findings += motivation_gap_findings(rule_base)
        seconds["motivations"] = time.process_time() - start

    start = time.process_time()
    engine = engine_for(rule_base)
    seconds["compile"] = time.process_time() - start
    start = time.process_time()
    letters = 0.0  # CPU seconds spent rendering and reading back letters, reported apart from deciding
    check_letters = _document_check() if documents else None

    def render(decision: Decision) -> object:
        nonlocal letters
        assert check_letters is not None
        begin = time.process_time()
        try:
            return check_letters(decision)
        finally:
            letters += time.process_time() - begin

    results = [run_scenario(s, engine, render if documents else None) for s in rule_base.scenarios]
    for result in results:
        for failure in result.failure_details:
            findings.append(
                Finding(
                    "scenario",
                    ERROR,
                    failure.location,
                    {"nl": failure.text.nl, "en": failure.text.en},
                    details=tuple((line.nl, line.en) for line in failure.explanation),
                )
            )
    seconds["scenarios"] = time.process_time() - start - letters
    if documents:
        seconds["letters"] = letters

    start = time.process_time()
    paragraphs = paragraph_coverage(rule_base)
    uncovered = [p.paragraph if p.paragraph == "Inleiding" else f"§{p.paragraph}" for p in paragraphs if not p.covered]
    if uncovered:
        findings.append(
            Finding(
                "uncovered_paragraph",
                ERROR,
                Location(),
                {"count": str(len(uncovered)), "paragraphs": ", ".join(uncovered)},
            )
        )
    unfired = unfired_rules(rule_base, (rule for result in results for rule in result.fired))
    location_of = {r.rule_id: r.location for t in rule_base.tables for r in t.rules}
    for rule_id in unfired:
        findings.append(Finding("unfired_rule", ERROR, location_of[rule_id], {"rule": rule_id}, rules=(rule_id,)))
    seconds["coverage"] = time.process_time() - start
    if strict:
        findings = [f.with_severity(ERROR) if f.severity == WARNING else f for f in findings]
    return CheckResult(rule_base, findings, results, paragraphs, unfired, seconds)


def completeness(directory: Path, rule_base: RuleBase) -> tuple[dict[str, bool], list[Finding]]:
    """Each table's `Volledig` key above its Regel row (ja: it covers every input, nee: gaps are intended), read
    from the workbooks' grids (the loader checks the keys it knows and lets this one through)."""
    marks: dict[str, bool] = {}
    findings: list[Finding] = []
    grids: dict[str, Workbook | None] = {}
    for table in rule_base.tables:
        if table.workbook not in grids:
            try:
                grids[table.workbook] = read_workbook(directory / table.workbook)
            except WorkbookError:
                grids[table.workbook] = None  # it loaded a moment ago; changed since: the next check reads it
        grid = grids[table.workbook]
        sheet = next((s for s in grid.sheets if s.name == table.sheet), None) if grid is not None else None
        if sheet is None:
            continue
        for row in sorted(sheet.rows):
            if sheet.text(row, 1) == "Regel":
                break
            if sheet.text(row, 1) == "Volledig":
                value = sheet.text(row, 2)
                if value.lower() in ("ja", "nee"):
                    marks[table.name] = value.lower() == "ja"
                else:
                    findings.append(Finding("bad_complete", ERROR, sheet.location(row, 2), {"value": value}))
    return marks, findings


def untested_workbooks(rule_base: RuleBase) -> list[Finding]:
    """A workbook with decision tables but no scenarios (its Tests sheet deleted or emptied) must not pass unseen."""
    tested = {scenario.location.workbook for scenario in rule_base.scenarios}
    untested = sorted({table.workbook for table in rule_base.tables} - tested)
    return [Finding("no_scenarios", ERROR, Location(workbook), {"workbook": workbook}) for workbook in untested]


def motivation_gap_findings(rule_base: RuleBase) -> list[Finding]:
    """A warning per row and fact: the motivation prints a fact that may be unknown when the row fires (a valid
    case would get no letter). Scenarios cannot show it, since every scenario gives the facts it prints."""
    from jinja2 import meta

    from renderers.environment import MOTIVATION_ENV, render_motivation

    def printed(text: str) -> set[str]:
        return set(meta.find_undeclared_variables(MOTIVATION_ENV.parse(text)))

    return [
        Finding(
            "optional_fact_printed" if gap.is_input else "unknown_fact_printed",
            WARNING,
            gap.location,
            {"rule": gap.rule_id, "fact": gap.fact},
            rules=(gap.rule_id,),
        )
        for gap in find_motivation_gaps(rule_base, render_motivation, printed)
    ]


def _document_check() -> Callable[[Decision], object]:
    """Every scenario's letters are rendered and read back: a motivation must render with the scenario's facts, no
    letter may carry a motivation whose Toon bij test does not hold, and no refusal may ask for documents."""
    from renderers.checks import check_letters

    def render(decision: Decision) -> object:
        check_letters(decision.to_json())
        return None

    return render


@cache
def documents_use() -> frozenset[str]:
    """Every name the documents' templates and the renderers' code mention: facts they read count as used."""
    root = Path(__file__).resolve().parent.parent / "renderers"
    names: set[str] = set()
    for path in sorted(root.rglob("*")):
        if path.is_file() and (path.suffix in (".py", ".j2") or path.name.endswith(".j2")):
            names |= set(re.findall(r"[a-z][a-z0-9_]*", path.read_text(encoding="utf-8", errors="replace")))
    return frozenset(names)


__all__ = [
    "NOTE",
    "PROVISIONAL_WARNINGS",
    "CheckResult",
    "UnusableInput",
    "check_directory",
    "completeness",
    "documents_use",
    "motivation_gap_findings",
    "untested_workbooks",
]
