"""A CheckResult -> what people and tools read: text (Dutch or English), JSON, JUnit XML, GitHub annotations."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.check import CheckResult
from engine.findings import ERROR, NOTE, SEVERITIES, SEVERITY_WORDS, WARNING, Finding, location_text, message

_HEADINGS = {
    "nl": {ERROR: "Fouten", WARNING: "Waarschuwingen", NOTE: "Opmerkingen"},
    "en": {ERROR: "Errors", WARNING: "Warnings", NOTE: "Notes"},
}


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Errors before warnings before notes; within each, by workbook, sheet and cell (B9 before B10)."""
    rank = {severity: index for index, severity in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (rank[f.severity], f.location.sort_key(), f.kind, f.rules))


def text_report(result: CheckResult, lang: str = "nl") -> str:
    lines: list[str] = []
    for severity in SEVERITIES:
        group = [f for f in ordered(result.findings) if f.severity == severity]
        if not group:
            continue
        lines.append(f"{_HEADINGS[lang][severity]} ({len(group)}):")
        current: tuple[str, str] | None = None
        for finding in group:
            where = (finding.location.workbook, finding.location.sheet)
            if where != current:
                current = where
                heading = location_text(finding.location.__class__(*where), lang) or "WI 2026/11"
                lines.append(f"  {heading}")
            lines.append(f"    {_line(finding, lang)}")
            lines.extend(f"      {nl if lang == 'nl' else en}" for nl, en in finding.details)
    lines.append(summary(result, lang))
    return "\n".join(lines) + "\n"


def _line(finding: Finding, lang: str) -> str:
    where = location_text(finding.location, lang)
    return f"{SEVERITY_WORDS[lang][finding.severity]}: " + (f"{where}: " if where else "") + message(finding, lang)


def summary(result: CheckResult, lang: str = "nl") -> str:
    errors, warnings, notes = (result.count(s) for s in SEVERITIES)
    passed = len(result.scenarios) - result.failed_scenarios
    base = result.rule_base
    if lang == "nl":
        text = (
            f"{errors} {'fout' if errors == 1 else 'fouten'}, {warnings} "
            f"{'waarschuwing' if warnings == 1 else 'waarschuwingen'}, {notes} "
            f"{'opmerking' if notes == 1 else 'opmerkingen'}"
        )
        if base is None:
            return text + "; de werkmappen zijn niet geladen"
        covered = sum(1 for p in result.paragraphs if p.covered)
        return (
            f"{text}; {len(base.workbooks)} werkmappen, {len(base.glossary)} begrippen, {len(base.tables)} tabellen, "
            f"{sum(len(t.rules) for t in base.tables)} regels, {len(base.calculations)} berekeningen; "
            f"scenario's: {passed} geslaagd, {result.failed_scenarios} mislukt; dekking: {covered} van "
            f"{len(result.paragraphs)} paragrafen, {len(result.unfired)} regels zonder scenario"
        )
    text = (
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}, "
        f"{notes} note{'s' if notes != 1 else ''}"
    )
    if base is None:
        return text + "; the workbooks did not load"
    covered = sum(1 for p in result.paragraphs if p.covered)
    return (
        f"{text}; {len(base.workbooks)} workbooks, {len(base.glossary)} facts, {len(base.tables)} tables, "
        f"{sum(len(t.rules) for t in base.tables)} rules, {len(base.calculations)} calculations; "
        f"scenarios: {passed} passed, {result.failed_scenarios} failed; coverage: {covered} of "
        f"{len(result.paragraphs)} paragraphs, {len(result.unfired)} rules without a scenario"
    )


def json_report(result: CheckResult, lang: str = "nl") -> str:
    def finding_json(finding: Finding) -> dict[str, Any]:
        return {
            "severity": finding.severity,
            "kind": finding.kind,
            "workbook": finding.location.workbook,
            "sheet": finding.location.sheet,
            "cell": finding.location.cell,
            "rules": list(finding.rules),
            "example": {fact: value for fact, value in finding.example},
            "message": message(finding, lang),
            "details": [nl if lang == "nl" else en for nl, en in finding.details],
        }

    document = {
        "sound": result.sound,
        "counts": {
            "errors": result.count(ERROR),
            "warnings": result.count(WARNING),
            "notes": result.count(NOTE),
            "scenarios_passed": len(result.scenarios) - result.failed_scenarios,
            "scenarios_failed": result.failed_scenarios,
            "rules_without_scenario": len(result.unfired),
        },
        "findings": [finding_json(f) for f in ordered(result.findings)],
        "scenarios": [
            {
                "id": s.scenario.scenario_id,
                "workbook": s.scenario.location.workbook,
                "cell": s.scenario.location.cell,
                "passed": s.passed,
            }
            for s in result.scenarios
        ],
        "coverage": [
            {"paragraph": p.paragraph, "title": p.title, "rules": list(p.rules), "reason": p.reason}
            for p in result.paragraphs
        ],
        "summary": summary(result, lang),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def junit_report(result: CheckResult, lang: str = "nl") -> str:
    """JUnit XML: a suite of scenarios (one test case each) and a suite of findings (one failing case each,
    named after its cell)."""
    suites = ET.Element("testsuites", name="nareis check")
    scenario_suite = ET.SubElement(suites, "testsuite", name="scenario's" if lang == "nl" else "scenarios")
    failed = 0
    for scenario in result.scenarios:
        location = scenario.scenario.location
        case = ET.SubElement(
            scenario_suite, "testcase", classname=f"{location.workbook}.Tests", name=scenario.scenario.scenario_id
        )
        if not scenario.passed:
            failed += 1
            for failure in scenario.failure_details:
                text = failure.text.get(lang)
                element = ET.SubElement(case, "failure", message=text, type="scenario")
                element.text = "\n".join(
                    [f"{location_text(failure.location, lang)}: {text}", *(e.get(lang) for e in failure.explanation)]
                )
    scenario_suite.set("tests", str(len(result.scenarios)))
    scenario_suite.set("failures", str(failed))
    finding_suite = ET.SubElement(suites, "testsuite", name="verificatie" if lang == "nl" else "verification")
    others = [f for f in ordered(result.findings) if f.kind != "scenario"]
    for finding in others:
        where = finding.location
        name = "/".join(part for part in (where.workbook, where.sheet, where.cell) if part) or finding.kind
        case = ET.SubElement(finding_suite, "testcase", classname=where.workbook or "nareis", name=name)
        text = message(finding, lang)
        element = ET.SubElement(case, "failure", message=text, type=f"{finding.severity}:{finding.kind}")
        element.text = f"{location_text(where, lang)}: {text}"
    finding_suite.set("tests", str(len(others)))
    finding_suite.set("failures", str(len(others)))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def github_annotations(result: CheckResult, directory: Path, lang: str = "nl") -> str:
    """GitHub Actions workflow commands: one `::error` or `::warning` (or `::notice`) line per finding."""
    command = {ERROR: "error", WARNING: "warning", NOTE: "notice"}
    lines = []
    for finding in ordered(result.findings):
        where = finding.location
        properties = []
        if where.workbook:
            properties.append(f"file={_property((directory / where.workbook).as_posix())}")
        title = ", ".join(part for part in (where.sheet, where.cell) if part) or finding.kind
        properties.append(f"title={_property(title)}")
        text = message(finding, lang)
        details = [nl if lang == "nl" else en for nl, en in finding.details]
        lines.append(f"::{command[finding.severity]} {','.join(properties)}::{_data(chr(10).join([text, *details]))}")
    return "\n".join(lines) + ("\n" if lines else "")


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


__all__ = ["github_annotations", "json_report", "junit_report", "ordered", "summary", "text_report"]
