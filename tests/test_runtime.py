"""Deciding cases: chaining across tables and family members, unknown facts, determinism, many cases."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from engine.api import decide, engine_for, load_rule_base
from engine.case import Case, Member, read_case
from engine.trace import Decision

BESLISDATUM = dt.date(2026, 11, 1)


def case(*members: Member, indiening: dt.date | None = dt.date(2026, 8, 1)) -> Case:
    aanvraag: dict[str, object] = {"beslisdatum": BESLISDATUM, "zaaknummer": "Z-1"}
    if indiening:
        aanvraag["datum_indiening"] = indiening
    return Case(
        BESLISDATUM,
        aanvraag,  # type: ignore[arg-type]
        {"status_referent": "vluchteling", "datum_verlening": dt.date(2026, 5, 1)},
        members,
        label="Z-1",
    )


def outcome(decision: Decision, key: str, fact: str) -> object:
    return next(m for m in decision.gezinsleden if m.key == key).facts.get(fact)


def test_a_table_reads_what_an_earlier_table_and_a_calculation_derived(tables_dir: Path) -> None:
    decision = decide(
        case(Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "ja"})),
        load_rule_base(tables_dir),
    )
    assert decision.aanvraag.facts["nareistermijn_einde"] == dt.date(2026, 8, 1)
    member = decision.gezinsleden[0]
    assert (member.facts["termijn"], member.facts["uitkomst"], member.facts["eindoordeel"]) == (
        "op_tijd",
        "inwilligen",
        "inwilligen",
    )
    assert [(r.table, r.rule_id) for r in member.fired] == [
        ("Nareistermijn", "2.2-02"),
        ("Uitkomst", "E-04"),
        ("Broers en zussen", "4.1-02"),
    ]


def test_the_trace_names_workbook_sheet_row_source_and_facts(tables_dir: Path) -> None:
    decision = decide(
        case(Member("vrouw", {"relatie": "echtgenoot"}), indiening=dt.date(2026, 8, 20)),
        load_rule_base(tables_dir),
    )
    fired = decision.gezinsleden[0].fired[0]
    assert (
        fired.order,
        fired.table,
        fired.rule_id,
        fired.workbook,
        fired.sheet,
        fired.row,
        fired.source,
    ) == (1, "Nareistermijn", "2.2-01", "H2_test.xlsx", "Nareistermijn", 8, "§2.2; art. 29c lid 1 Vw")
    assert fired.matched == {
        "datum_indiening": dt.date(2026, 8, 20),
        "nareistermijn_einde": dt.date(2026, 8, 1),
        "status_referent": "vluchteling",
    }
    assert fired.set == {"termijn": "te_laat"}
    assert fired.motivation == "U heeft de aanvraag op {{ datum_indiening|datum }} ingediend."


def test_a_sibling_is_refused_when_the_parents_refusal_is_derived_later_in_the_chain(
    tables_dir: Path,
) -> None:
    # The sibling comes first in the case and is fine on its own; the parents' refusal is only known after two
    # tables have run for them. The sibling's rule must wait for it.
    members = (
        Member("zus", {"relatie": "kind", "identiteit_aannemelijk": "ja"}),
        Member("moeder", {"relatie": "ouder", "identiteit_aannemelijk": "nee"}),
        Member("vader", {"relatie": "ouder", "identiteit_aannemelijk": "nee"}),
    )
    decision = decide(case(*members), load_rule_base(tables_dir))
    assert outcome(decision, "moeder", "uitkomst") == "afwijzen"
    assert outcome(decision, "zus", "uitkomst") == "inwilligen"
    assert outcome(decision, "zus", "ouders_afgewezen") is True
    assert outcome(decision, "zus", "eindoordeel") == "afwijzen"
    assert [r.rule_id for r in decision.gezinsleden[0].fired][-1] == "4.1-01"


def test_a_sibling_is_not_refused_when_one_parent_is_granted(tables_dir: Path) -> None:
    members = (
        Member("zus", {"relatie": "kind", "identiteit_aannemelijk": "ja"}),
        Member("moeder", {"relatie": "ouder", "identiteit_aannemelijk": "ja"}),
        Member("vader", {"relatie": "ouder", "identiteit_aannemelijk": "nee"}),
    )
    decision = decide(case(*members), load_rule_base(tables_dir))
    assert outcome(decision, "zus", "ouders_afgewezen") is False
    assert outcome(decision, "zus", "eindoordeel") == "inwilligen"


def test_an_unknown_fact_blocks_its_rules_and_is_listed_as_missing(tables_dir: Path) -> None:
    decision = decide(case(Member("vrouw", {"relatie": "echtgenoot"})), load_rule_base(tables_dir))
    member = decision.gezinsleden[0]
    assert "uitkomst" not in member.facts
    assert member.missing == ("identiteit_aannemelijk",)


def test_missing_derived_facts_are_traced_back_to_the_inputs_behind_them(tables_dir: Path) -> None:
    decision = decide(
        case(Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "ja"}), indiening=None),
        load_rule_base(tables_dir),
    )
    member = decision.gezinsleden[0]
    assert "termijn" not in member.facts
    assert member.missing == ("datum_indiening",)


def test_onbekend_is_a_value_not_a_missing_fact(tables_dir: Path) -> None:
    decision = decide(
        case(Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "onbekend"})),
        load_rule_base(tables_dir),
    )
    assert outcome(decision, "vrouw", "uitkomst") == "herstel_verzuim"
    assert decision.gezinsleden[0].missing == ()


def test_the_same_case_and_tables_give_byte_identical_results(tables_dir: Path, tmp_path: Path) -> None:
    rule_base = load_rule_base(tables_dir)
    data = {
        "beslisdatum": "2026-11-01",
        "aanvraag": {"datum_indiening": "2026-08-20"},
        "referent": {"status_referent": "vluchteling", "datum_verlening": "2026-05-01"},
        "gezinsleden": [
            {"id": "b", "relatie": "kind"},
            {"id": "a", "relatie": "ouder", "identiteit_aannemelijk": "nee"},
        ],
    }
    first = json.dumps(decide(read_case(data, rule_base), rule_base).to_json(), sort_keys=True)
    copy = tmp_path / "kopie"
    shutil.copytree(tables_dir, copy)
    again = load_rule_base(copy)
    assert again == rule_base  # the same content is loaded and compiled once
    second = json.dumps(decide(read_case(data, again), again).to_json(), sort_keys=True)
    assert first == second


def _resident_kib() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4


def test_five_thousand_cases_in_one_process_with_flat_memory(tables_dir: Path) -> None:
    rule_base = load_rule_base(tables_dir)
    engine = engine_for(rule_base)
    members = (
        Member("zus", {"relatie": "kind", "identiteit_aannemelijk": "ja"}),
        Member("moeder", {"relatie": "ouder", "identiteit_aannemelijk": "nee"}),
    )
    outcomes = set()
    for _ in range(500):
        engine.decide(case(*members))
    before = _resident_kib()
    for _ in range(4500):
        decision = engine.decide(case(*members))
        outcomes.add(outcome(decision, "zus", "eindoordeel"))
    growth = _resident_kib() - before
    assert outcomes == {"afwijzen"}
    assert growth < 8 * 1024, f"resident memory grew by {growth} KiB over 4,500 cases"


def test_an_unknown_fact_is_not_missing_once_the_outcome_stands_without_it(tables_dir: Path) -> None:
    # The filing date is unknown, so the term cannot be judged; but identity is not plausible, so the refusal
    # stands whatever the date is: nothing is missing for the outcome.
    decision = decide(
        case(Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "nee"}), indiening=None),
        load_rule_base(tables_dir),
    )
    member = decision.gezinsleden[0]
    assert "termijn" not in member.facts
    assert member.facts["eindoordeel"] == "afwijzen"
    assert member.missing == ()
