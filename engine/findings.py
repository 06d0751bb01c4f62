"""What `nareis check` reports: findings with a kind, a severity and a cell, and their words in Dutch and English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.errors import Location

ERROR = "error"
WARNING = "warning"
NOTE = "note"
SEVERITIES = (ERROR, WARNING, NOTE)


@dataclass(frozen=True)
class Finding:
    """One problem found in the rule base (or a scenario that failed), with everything a message needs.

    `params` fill the message templates of `kind`; `example` is an input (fact, value as written in a cell) that
    shows the problem. Messages are made by `message(finding, lang)`, never stored, so both languages agree.
    """

    kind: str
    severity: str
    location: Location
    params: Mapping[str, str] = field(default_factory=dict)
    rules: tuple[str, ...] = ()
    example: tuple[tuple[str, str], ...] = ()
    details: tuple[tuple[str, str], ...] = ()  # extra lines (a scenario's explanation): (Dutch, English)

    def with_severity(self, severity: str) -> Finding:
        return Finding(self.kind, severity, self.location, self.params, self.rules, self.example, self.details)


# kind -> (Dutch, English). Placeholders: see the analysis that makes each kind. {example} is the example input.
MESSAGES: dict[str, tuple[str, str]] = {
    "overlap": (
        "regels {first} en {second} overlappen bij {example}; hitbeleid U staat maar één passende regel toe",
        "rules {first} and {second} overlap at {example}; hit policy U allows only one matching rule",
    ),
    "conflict": (
        "regels {first} en {second} passen allebei bij {example} maar geven verschillende uitkomsten "
        "({first_output} tegenover {second_output}); hitbeleid A eist dezelfde uitkomst",
        "rules {first} and {second} both match at {example} but set different outputs "
        "({first_output} versus {second_output}); hit policy A requires the same outputs",
    ),
    "masked": (
        "regel {rule} kan nooit winnen: waar zij past, wint al {by} (hitbeleid {policy})",
        "rule {rule} can never win: wherever it matches, {by_en} already wins (hit policy {policy})",
    ),
    "gap": (
        "geen regel past bij {example}; dan blijft {outputs} onbekend, terwijl {needed}{hint}",
        "no rule matches at {example}; {outputs} then stays unknown, while {needed_en}{hint_en}",
    ),
    "untested_value": (
        "geen regel test de waarde {value} van {fact} (wel: {tested}); bij {example} blijft {outputs} onbekend, "
        "terwijl {needed}",
        "no rule tests the value {value} of {fact} (tested: {tested}); at {example}, {outputs} stays unknown, "
        "while {needed_en}",
    ),
    "incomplete": (
        "de tabel is volledig verklaard (Volledig: ja), maar geen regel past bij {example}: onvolledig; dan blijft "
        "{outputs} onbekend",
        "the table is marked complete (Volledig: ja), but no rule matches at {example}: incomplete; {outputs_en} "
        "then stays unknown",
    ),
    "incomplete_value": (
        "de tabel is volledig verklaard (Volledig: ja), maar geen regel test de waarde {value} van {fact} (wel: "
        "{tested}): onvolledig bij {example}",
        "the table is marked complete (Volledig: ja), but no rule tests the value {value} of {fact} (tested: "
        "{tested}): incomplete at {example}",
    ),
    "bad_complete": (
        'Volledig is "ja" (de tabel dekt elke invoer) of "nee" (ontbrekende gevallen zijn bedoeld), niet "{value}"',
        'Volledig is "ja" (the table covers every input) or "nee" (missing cases are intended), not "{value}"',
    ),
    "duplicate": (
        "regel {second} is gelijk aan regel {first}: dezelfde voorwaarden en dezelfde uitkomst",
        "rule {second} is the same as rule {first}: the same conditions and the same outputs",
    ),
    "subsumed": (
        "regel {second} is overbodig: regel {first} past overal waar {second} past en geeft dezelfde uitkomst",
        "rule {second} is redundant: rule {first} matches wherever {second} does and sets the same outputs",
    ),
    "never_true": (
        "de voorwaarde {text} op {fact} kan nooit waar zijn{reason}; regel {rule} vuurt dus nooit",
        "the condition {text} on {fact} can never be true{reason_en}; rule {rule} therefore never fires",
    ),
    "unused_input": (
        "{fact} is invoer, maar geen tabel, berekening, motivering of document leest het",
        "{fact} is an input fact, but no table, calculation, motivation or document reads it",
    ),
    "unused_derived": (
        "{fact} wordt gezet door {producer}, maar geen tabel, berekening, motivering of document leest het",
        "{fact} is set by {producer_en}, but no table, calculation, motivation or document reads it",
    ),
    "unknown_paragraph": (
        "Bron {what} noemt §{paragraph}, maar die paragraaf staat niet in de inhoudsopgave van WI 2026/11",
        "Bron {what_en} cites §{paragraph}, which is not in the table of contents of WI 2026/11",
    ),
    "uncovered_paragraph": (
        "{count} paragrafen van WI 2026/11 zonder regel die ze noemt en zonder reden in een blad Geen regels: "
        "{paragraphs}",
        "{count} paragraphs of WI 2026/11 that no rule cites and no Geen regels sheet explains: {paragraphs}",
    ),
    "unfired_rule": (
        "regel {rule} vuurt in geen enkel scenario; voeg een scenario toe dat haar test",
        "rule {rule} fires in no scenario; add a scenario that tests it",
    ),
    "inexact": (
        "niet exact te analyseren: {count} {pairs} met {column}, dat vergelijkt met {what}; "
        "controleer overlap en ontbrekende gevallen hier zelf met scenario's",
        "cannot analyse exactly: {count} {pairs_en} with {column}, which compares with {what}; "
        "check overlaps and missing cases here with scenarios",
    ),
    "no_scenarios": (
        "deze werkmap heeft beslistabellen maar geen scenario's: het blad Tests ontbreekt of is leeg, en elk "
        "hoofdstuk moet getest zijn",
        "this workbook has decision tables but no scenarios: its Tests sheet is missing or empty, and every chapter "
        "must be tested",
    ),
    "optional_fact_printed": (
        "regel {rule}: de motivering drukt {fact} af, maar dat is invoer die een zaak mag weglaten en de regel test "
        "het niet: voor zo'n zaak kan de brief niet worden gemaakt; test {fact} in de regel, of zet "
        "{{% if {fact} is defined %}}...{{% endif %}} eromheen",
        "rule {rule}: the motivation prints {fact}, an input a case may leave out, and the row does not test it: a "
        "letter for such a case cannot be made; test {fact} in the row, or write "
        "{{% if {fact} is defined %}}...{{% endif %}} around it",
    ),
    "unknown_fact_printed": (
        "regel {rule}: de motivering drukt {fact} af, maar dat is afgeleid en kan onbekend zijn, en de regel test "
        "het niet: voor een zaak waarin het onbekend blijft kan de brief niet worden gemaakt; test {fact} in de "
        "regel, of zet {{% if {fact} is defined %}}...{{% endif %}} eromheen",
        "rule {rule}: the motivation prints {fact}, which is derived and may be unknown, and the row does not test "
        "it: a letter for a case where it stays unknown cannot be made; test {fact} in the row, or write "
        "{{% if {fact} is defined %}}...{{% endif %}} around it",
    ),
    "scenario": ("{nl}", "{en}"),
    "load": ("{nl}", "{en}"),
}

SEVERITY_WORDS = {
    "nl": {ERROR: "fout", WARNING: "waarschuwing", NOTE: "opmerking"},
    "en": {ERROR: "error", WARNING: "warning", NOTE: "note"},
}
UNKNOWN_WORD = {"nl": "(onbekend)", "en": "(unknown)"}


def example_text(example: tuple[tuple[str, str], ...], lang: str) -> str:
    if not example:
        return "elke invoer" if lang == "nl" else "every input"
    return ", ".join(f"{fact} = {value}" for fact, value in example)


def message(finding: Finding, lang: str = "nl") -> str:
    """The finding's message (without its location) in Dutch (`nl`) or English (`en`)."""
    dutch, english = MESSAGES[finding.kind]
    template = dutch if lang == "nl" else english
    values = {key: value for key, value in finding.params.items()}
    shown = [(fact, UNKNOWN_WORD[lang] if value == "?" else value) for fact, value in finding.example]
    values["example"] = example_text(tuple(shown), lang)
    return template.format_map(_Missing(values))


class _Missing(dict[str, str]):
    def __missing__(self, key: str) -> str:
        # An English template may name a parameter the analysis only gives in Dutch: fall back to it.
        base = key.removesuffix("_en")
        return str(self[base]) if base != key and base in self else "{" + key + "}"


def location_text(location: Location | None, lang: str = "nl") -> str:
    """`werkmap H2.xlsx, blad "Nareistermijn", cel D11` (nl) or `H2.xlsx, sheet "Nareistermijn", cell D11` (en)."""
    if location is None:
        return ""
    if lang == "en":
        return str(location)
    parts = []
    if location.workbook:
        parts.append(f"werkmap {location.workbook}")
    if location.sheet:
        parts.append(f'blad "{location.sheet}"')
    if location.cell:
        parts.append(f"rij {location.cell[4:]}" if location.cell.startswith("row ") else f"cel {location.cell}")
    return ", ".join(parts)


__all__ = [
    "ERROR",
    "MESSAGES",
    "NOTE",
    "SEVERITIES",
    "SEVERITY_WORDS",
    "WARNING",
    "Finding",
    "example_text",
    "location_text",
    "message",
]
