"""Table analysis: every finding kind on a workbook with exactly that defect, with its exact message; a clean one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from factory import TableSpec, WorkbookSpec, write_workbook

from engine.analysis import analyse
from engine.api import load_rule_base
from engine.findings import Finding, location_text, message
from engine.verify import citation_findings, usage_findings

GLOSSARY = [
    ("status", "referent", "keuze", "vluchteling, subsidiair", "Status", "invoer"),
    ("datum_a", "aanvraag", "datum", "", "Datum a", "invoer"),
    ("datum_b", "aanvraag", "datum", "", "Datum b", "invoer"),
    ("geboortedatum", "gezinslid", "datum", "", "Geboortedatum", "invoer"),
    ("bedrag_x", "referent", "bedrag", "", "Een bedrag", "invoer"),
    ("dagen", "gezinslid", "getal", "", "Dagen te laat", "afgeleid"),
    ("leeftijd_lid", "gezinslid", "getal", "", "Leeftijd", "afgeleid"),
    ("oordeel", "gezinslid", "keuze", "a, b, c", "Oordeel", "afgeleid"),
    ("uitkomst", "gezinslid", "keuze", "afwijzen, inwilligen", "Uitkomst", "afgeleid"),
]
CALCULATIONS = [
    ("dagen", "dagen_tussen(datum_a, datum_b)", "§2.2"),
    ("leeftijd_lid", "leeftijd(geboortedatum, datum_a)", "Inleiding"),
]
UITKOMST = TableSpec(
    "Uitkomst",
    kinds=("Invoer", "Uitvoer", "Bron"),
    facts=("oordeel", "uitkomst", ""),
    rows=[("U-1", "a, b", "inwilligen", "§2.2"), ("U-2", "c", "afwijzen", "§2.2")],
)
TERMIJN_ROWS = [
    ("T-1", "vluchteling", "<= 0", "a", "§2.2"),
    ("T-2", "vluchteling", "[1..14]", "b", "§2.2"),
    ("T-3", "vluchteling", "> 14", "c", "§2.2"),
    ("T-4", "subsidiair", "-", "a", "§2.3"),
]


def termijn(rows: Sequence[Sequence[object]] = TERMIJN_ROWS, policy: str = "U") -> TableSpec:
    return TableSpec(
        "Termijn",
        hit_policy=policy,
        kinds=("Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("status", "dagen", "oordeel", ""),
        rows=rows,
    )


def findings(tmp_path: Path, *tables: TableSpec, glossary: Sequence[Sequence[object]] = GLOSSARY) -> list[str]:
    spec = WorkbookSpec("H9_test.xlsx", glossary=glossary, tables=[*tables, UITKOMST], calculations=CALCULATIONS)
    write_workbook(tmp_path, spec)
    rule_base = load_rule_base(tmp_path)
    return [_line(f) for report in analyse(rule_base) for f in report.findings]


def _line(finding: Finding, lang: str = "nl") -> str:
    return f"{finding.severity}: {location_text(finding.location, lang)}: {message(finding, lang)}"


def test_a_clean_table_gives_no_finding(tmp_path: Path) -> None:
    assert findings(tmp_path, termijn()) == []


def test_overlap_under_u_names_both_rules_and_an_example(tmp_path: Path) -> None:
    rows = [list(r) for r in TERMIJN_ROWS]
    rows[1][2] = "[1..21]"
    assert findings(tmp_path, termijn(rows)) == [
        'error: werkmap H9_test.xlsx, blad "Termijn", cel C9: regels T-2 en T-3 overlappen bij status = vluchteling, '
        "dagen = 18; hitbeleid U staat maar één passende regel toe"
    ]


def test_overlap_in_english(tmp_path: Path) -> None:
    rows = [list(r) for r in TERMIJN_ROWS]
    rows[1][2] = "[1..21]"
    write_workbook(tmp_path, WorkbookSpec("H9_test.xlsx", GLOSSARY, [termijn(rows), UITKOMST], CALCULATIONS))
    (finding,) = (f for report in analyse(load_rule_base(tmp_path)) for f in report.findings)
    assert _line(finding, "en") == (
        'error: H9_test.xlsx, sheet "Termijn", cell C9: rules T-2 and T-3 overlap at status = vluchteling, '
        "dagen = 18; hit policy U allows only one matching rule"
    )


def test_a_any_table_with_two_rules_that_disagree(tmp_path: Path) -> None:
    rows = [
        ("T-1", "vluchteling", "> 0", "a", "§2.2"),
        ("T-2", "vluchteling", "> 10", "b", "§2.2"),
        ("T-4", "subsidiair", "-", "c", "§2.3"),
    ]
    assert findings(tmp_path, termijn(rows, "A")) == [
        'error: werkmap H9_test.xlsx, blad "Termijn", cel C8: regels T-1 en T-2 passen allebei bij status = '
        "vluchteling, dagen = 11 maar geven verschillende uitkomsten (oordeel = a tegenover oordeel = b); "
        "hitbeleid A eist dezelfde uitkomst",
        'warning: werkmap H9_test.xlsx, blad "Termijn", cel B1: geen regel past bij status = vluchteling, dagen = 0; '
        'dan blijft oordeel onbekend, terwijl regel U-1 van tabel "Uitkomst" het test',
    ]


def test_a_any_table_with_a_redundant_row(tmp_path: Path) -> None:
    rows = [*TERMIJN_ROWS, ("T-5", "subsidiair", "> 3", "a", "§2.3")]
    assert findings(tmp_path, termijn(rows, "A")) == [
        'warning: werkmap H9_test.xlsx, blad "Termijn", cel A12: regel T-5 is overbodig: regel T-4 past overal '
        "waar T-5 past en geeft dezelfde uitkomst"
    ]


def test_a_row_masked_under_first_hit(tmp_path: Path) -> None:
    rows = [("T-0", "vluchteling", "> 10", "c", "§2.2"), *TERMIJN_ROWS]
    assert findings(tmp_path, termijn(rows, "F")) == [
        'warning: werkmap H9_test.xlsx, blad "Termijn", cel A11: regel T-3 kan nooit winnen: waar zij past, wint al '
        "regel T-0 (hitbeleid F)"
    ]


def test_a_row_masked_by_two_rows_together_under_priority(tmp_path: Path) -> None:
    rows = [
        ("T-1", "vluchteling", "< 5", "a", "§2.2"),
        ("T-2", "vluchteling", ">= 5", "a", "§2.2"),
        ("T-3", "vluchteling", "> 2", "b", "§2.2"),  # `-` would also match an unknown dagen, where it wins
        ("T-4", "subsidiair", "-", "c", "§2.3"),
    ]
    assert findings(tmp_path, termijn(rows, "P")) == [
        'warning: werkmap H9_test.xlsx, blad "Termijn", cel A10: regel T-3 kan nooit winnen: waar zij past, wint al '
        "de regels T-1 en T-2 (hitbeleid P)"
    ]


def test_a_gap_a_later_table_needs(tmp_path: Path) -> None:
    rows = [list(r) for r in TERMIJN_ROWS]
    rows[1][2] = "[2..14]"
    assert findings(tmp_path, termijn(rows)) == [
        'warning: werkmap H9_test.xlsx, blad "Termijn", cel B1: geen regel past bij status = vluchteling, dagen = 1; '
        'dan blijft oordeel onbekend, terwijl regel U-1 van tabel "Uitkomst" het test'
    ]


def test_a_gap_nothing_needs_is_not_reported(tmp_path: Path) -> None:
    uitkomst = TableSpec(
        "Uitkomst",
        kinds=("Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("status", "oordeel", "uitkomst", ""),
        rows=[("U-1", "subsidiair", "a", "inwilligen", "§2.2"), ("U-2", "vluchteling", "-", "afwijzen", "§2.2")],
    )
    rows = [("T-4", "subsidiair", "-", "a", "§2.3")]  # leaves vluchteling open: Uitkomst does not ask then
    spec = WorkbookSpec("H9_test.xlsx", GLOSSARY, [termijn(rows), uitkomst], CALCULATIONS)
    write_workbook(tmp_path, spec)
    assert [_line(f) for r in analyse(load_rule_base(tmp_path)) for f in r.findings] == []


def test_a_keuze_value_no_row_tests(tmp_path: Path) -> None:
    glossary = [*GLOSSARY, ("huisvesting", "referent", "keuze", "huur, koop, geen, kamerhuur", "", "invoer")]
    table = TableSpec(
        "Huisvesting",
        kinds=("Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("status", "huisvesting", "oordeel", ""),
        rows=[
            ("H-1", "vluchteling", "-", "a", "§2.3.2"),
            ("H-2", "subsidiair", "huur, koop", "a", "§2.3.2"),
            ("H-3", "subsidiair", "geen", "c", "§2.3.2"),
        ],
    )
    assert findings(tmp_path, table, glossary=glossary) == [
        'warning: werkmap H9_test.xlsx, blad "Huisvesting", cel C9: geen regel test de waarde kamerhuur van '
        "huisvesting (wel: huur, koop, geen); bij status = subsidiair, huisvesting = kamerhuur blijft oordeel "
        'onbekend, terwijl regel U-1 van tabel "Uitkomst" het test'
    ]


def test_conditions_that_can_never_be_true(tmp_path: Path) -> None:
    table = TableSpec(
        "Leeftijd",
        kinds=("Invoer", "Invoer", "Uitvoer", "Bron"),
        facts=("leeftijd_lid", "dagen", "oordeel", ""),
        rows=[
            ("L-1", "< 0", "-", "a", "§2.4"),
            ("L-2", ">= 0", "[5..3]", "b", "§2.4"),
            ("L-3", ">= 0", "-", "c", "§2.4"),
        ],
        hit_policy="F",
    )
    assert findings(tmp_path, table) == [
        'error: werkmap H9_test.xlsx, blad "Leeftijd", cel B8: de voorwaarde < 0 op leeftijd_lid kan nooit waar '
        "zijn (leeftijd_lid is nooit kleiner dan 0); regel L-1 vuurt dus nooit",
        'error: werkmap H9_test.xlsx, blad "Leeftijd", cel C9: de voorwaarde [5..3] op dagen kan nooit waar zijn; '
        "regel L-2 vuurt dus nooit",
    ]


def test_a_value_no_table_sets_can_never_be_tested_true(tmp_path: Path) -> None:
    uitkomst = TableSpec(
        "Uitkomst",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("oordeel", "uitkomst", ""),
        rows=[("U-1", "a", "inwilligen", "§2.2"), ("U-2", "c", "afwijzen", "§2.2")],
    )
    rows = [("T-1", "-", "-", "a", "§2.2")]
    spec = WorkbookSpec("H9_test.xlsx", GLOSSARY, [termijn(rows), uitkomst], CALCULATIONS)
    write_workbook(tmp_path, spec)
    assert [_line(f) for r in analyse(load_rule_base(tmp_path)) for f in r.findings] == [
        'error: werkmap H9_test.xlsx, blad "Uitkomst", cel B9: de voorwaarde c op oordeel kan nooit waar zijn '
        "(oordeel krijgt alleen de waarden a); regel U-2 vuurt dus nooit"
    ]


def test_a_duplicate_row_in_a_collect_table(tmp_path: Path) -> None:
    glossary = [*GLOSSARY, ("gronden", "gezinslid", "lijst van keuze", "a, b, c", "", "afgeleid")]
    table = TableSpec(
        "Gronden",
        hit_policy="C",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("status", "gronden", ""),
        rows=[("G-1", "vluchteling", "a", "§2.2"), ("G-2", "vluchteling, vluchteling", "a", "§2.2")],
    )
    assert findings(tmp_path, termijn(), table, glossary=glossary) == [
        'warning: werkmap H9_test.xlsx, blad "Gronden", cel A9: regel G-2 is gelijk aan regel G-1: dezelfde '
        "voorwaarden en dezelfde uitkomst"
    ]


def test_a_comparison_with_one_fact_is_analysed_exactly(tmp_path: Path) -> None:
    glossary = [*GLOSSARY, ("te_laat", "gezinslid", "ja/nee", "", "", "afgeleid")]
    table = TableSpec(
        "Te laat",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("datum_b", "te_laat", ""),
        rows=[("D-1", "<= datum_a + 14 dagen", "nee", "§2.2"), ("D-2", ">= datum_a + 14 dagen", "ja", "§2.2")],
    )
    assert findings(tmp_path, termijn(), table, glossary=glossary) == [
        'error: werkmap H9_test.xlsx, blad "Te laat", cel B8: regels D-1 en D-2 overlappen bij datum_b = datum_a + '
        "14 dagen; hitbeleid U staat maar één passende regel toe"
    ]


def test_what_cannot_be_analysed_exactly_is_said(tmp_path: Path) -> None:
    glossary = [*GLOSSARY, ("te_laat", "gezinslid", "ja/nee", "", "", "afgeleid")]
    table = TableSpec(
        "Te laat",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("datum_b", "te_laat", ""),
        rows=[("D-1", "<= datum_a", "nee", "§2.2"), ("D-2", "> 2026-01-01", "ja", "§2.2")],
    )
    assert findings(tmp_path, termijn(), table, glossary=glossary) == [
        'note: werkmap H9_test.xlsx, blad "Te laat", cel B8: niet exact te analyseren: 1 paar regels met datum_b, '
        "dat vergelijkt met datum_a; controleer overlap en ontbrekende gevallen hier zelf met scenario's"
    ]


def test_unused_facts_and_unknown_paragraphs(tmp_path: Path) -> None:
    glossary = [
        *GLOSSARY,
        ("ongebruikt", "gezinslid", "ja/nee", "", "", "invoer"),
        ("te_laat", "gezinslid", "ja/nee", "", "", "afgeleid"),
    ]
    table = TableSpec(
        "Te laat",
        kinds=("Invoer", "Uitvoer", "Bron"),
        facts=("dagen", "te_laat", ""),
        rows=[("D-1", "> 0", "ja", "§2.2"), ("D-2", "<= 0", "nee", "§2.22")],
    )
    write_workbook(tmp_path, WorkbookSpec("H9_test.xlsx", glossary, [termijn(), table, UITKOMST], CALCULATIONS))
    rule_base = load_rule_base(tmp_path)
    assert [_line(f) for f in usage_findings(rule_base, frozenset({"uitkomst"}))] == [
        'warning: werkmap H9_test.xlsx, blad "Begrippen", cel A6: bedrag_x is invoer, maar geen tabel, berekening, '
        "motivering of document leest het",
        'warning: werkmap H9_test.xlsx, blad "Begrippen", cel A8: leeftijd_lid wordt gezet door een berekening, maar '
        "geen tabel, berekening, motivering of document leest het",
        'warning: werkmap H9_test.xlsx, blad "Begrippen", cel A11: ongebruikt is invoer, maar geen tabel, berekening, '
        "motivering of document leest het",
        'warning: werkmap H9_test.xlsx, blad "Begrippen", cel A12: te_laat wordt gezet door tabel "Te laat", maar '
        "geen tabel, berekening, motivering of document leest het",
    ]
    assert [_line(f) for f in citation_findings(rule_base)] == [
        'error: werkmap H9_test.xlsx, blad "Te laat", cel A9: Bron van regel D-2 noemt §2.22, maar die paragraaf '
        "staat niet in de inhoudsopgave van WI 2026/11"
    ]
