"""A failing scenario explains itself: every row of the deciding table matched or not, for a row that did not match
the first test that was false or unknown with the facts it saw, and an unknown derived fact followed upstream."""

from __future__ import annotations

from pathlib import Path

from conftest import base_spec
from factory import write_workbook

from engine.check import check_directory
from engine.findings import location_text, message

KINDS = ("Invoer", "Invoer", "Invoer", "Invoer", "Invoer", "Verwacht")
FACTS = ("status_referent", "datum_indiening", "datum_verlening", "relatie", "identiteit_aannemelijk", "uitkomst")


def explained(directory: Path, lang: str) -> list[str]:
    lines = []
    for finding in check_directory(directory, documents=False).findings:
        if finding.kind == "scenario":
            lines.append(f"{location_text(finding.location, lang)}: {message(finding, lang)}")
            lines.extend(nl if lang == "nl" else en for nl, en in finding.details)
    return lines


def test_an_unknown_outcome_is_traced_to_the_unknown_fact_upstream(tmp_path: Path) -> None:
    # No datum_verlening: nareistermijn_einde is unknown, so no Nareistermijn row can decide, so termijn is unknown.
    scenario = (
        "S-1",
        "kind",
        "Zonder verleningsdatum",
        "§2.2",
        "vluchteling",
        "2026-03-01",
        "",
        "kind",
        "ja",
        "inwilligen",
    )
    write_workbook(tmp_path, base_spec(scenarios=[scenario], scenario_kinds=KINDS, scenario_facts=FACTS))
    assert explained(tmp_path, "nl") == [
        'werkmap H2_test.xlsx, blad "Tests", cel J3: scenario S-1, kind: verwacht uitkomst = inwilligen, gekregen '
        "null (onbekend)",
        'tabel "Uitkomst" (werkmap H2_test.xlsx, blad "Uitkomst", hitbeleid P) zet uitkomst:',
        "  regel E-01 (rij 8) past niet: cel B8 'te_laat' is onbekend bij termijn onbekend",
        "  regel E-02 (rij 9) past niet: cel C9 'nee' is onwaar bij identiteit_aannemelijk = ja",
        "  regel E-03 (rij 10) past niet: cel C10 'onbekend' is onwaar bij identiteit_aannemelijk = ja",
        "  regel E-04 (rij 11) past niet: cel B11 'op_tijd' is onbekend bij termijn onbekend",
        '  tabel "Nareistermijn" (werkmap H2_test.xlsx, blad "Nareistermijn", hitbeleid U) zet termijn:',
        "    regel 2.2-01 (rij 8) past niet: cel C8 '> nareistermijn_einde + 2 weken' is onbekend bij "
        "datum_indiening = 2026-03-01, nareistermijn_einde onbekend",
        "    regel 2.2-02 (rij 9) past niet: cel C9 '<= nareistermijn_einde + 2 weken' is onbekend bij "
        "datum_indiening = 2026-03-01, nareistermijn_einde onbekend",
        "    regel 2.2-03 (rij 10) past niet: cel B10 'subsidiair' is onwaar bij status_referent = vluchteling",
    ]
    english = explained(tmp_path, "en")
    assert english[:3] == [
        'H2_test.xlsx, sheet "Tests", cell J3: scenario S-1, kind: expected uitkomst = inwilligen, got null (unknown)',
        'table "Uitkomst" (H2_test.xlsx, sheet "Uitkomst", hit policy P) sets uitkomst:',
        "  rule E-01 (row 8) does not match: cell B8 'te_laat' is unknown at termijn unknown",
    ]
    assert english[7] == (
        "    rule 2.2-01 (row 8) does not match: cell C8 '> nareistermijn_einde + 2 weken' is unknown at "
        "datum_indiening = 2026-03-01, nareistermijn_einde unknown"
    )


def test_the_row_that_decided_is_named_with_the_facts_it_matched(tmp_path: Path) -> None:
    scenario = ("S-2", "kind", "Op tijd", "§2.2", "vluchteling", "2026-03-01", "2026-01-01", "kind", "ja", "afwijzen")
    write_workbook(tmp_path, base_spec(scenarios=[scenario], scenario_kinds=KINDS, scenario_facts=FACTS))
    assert explained(tmp_path, "nl") == [
        'werkmap H2_test.xlsx, blad "Tests", cel J3: scenario S-2, kind: verwacht uitkomst = afwijzen, gekregen '
        "inwilligen",
        'tabel "Uitkomst" (werkmap H2_test.xlsx, blad "Uitkomst", hitbeleid P) zet uitkomst:',
        "  regel E-01 (rij 8) past niet: cel B8 'te_laat' is onwaar bij termijn = op_tijd",
        "  regel E-02 (rij 9) past niet: cel C9 'nee' is onwaar bij identiteit_aannemelijk = ja",
        "  regel E-03 (rij 10) past niet: cel C10 'onbekend' is onwaar bij identiteit_aannemelijk = ja",
        "  regel E-04 (rij 11) past en besliste bij identiteit_aannemelijk = ja, termijn = op_tijd",
    ]
    assert explained(tmp_path, "en")[-1] == (
        "  rule E-04 (row 11) matches and decided at identiteit_aannemelijk = ja, termijn = op_tijd"
    )
