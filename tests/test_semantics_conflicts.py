"""A U or A violation is scoped to its table: the decision comes back, with the conflict in it."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import TABLES, base_spec
from factory import write_workbook

from engine.api import decide, load_rule_base
from engine.case import Case, Member
from engine.errors import RuleConflictError
from engine.trace import Decision, refuse_conflicts

BESLISDATUM = dt.date(2026, 11, 1)

# Uitkomst as a U table with a row that overlaps E-02 (identity not plausible) when the term is met.
UNIQUE_UITKOMST = replace(
    TABLES[1],
    hit_policy="U",
    rows=[*TABLES[1].rows, ("E-05", "op_tijd", "nee", "herstel_verzuim", "§1.3")],
)


@pytest.fixture
def conflicting_tables(tmp_path: Path) -> Path:
    write_workbook(tmp_path, base_spec(tables=[TABLES[0], UNIQUE_UITKOMST, TABLES[2]]))
    return tmp_path


def family(*members: Member) -> Case:
    return Case(
        BESLISDATUM,
        {"beslisdatum": BESLISDATUM, "zaaknummer": "Z-7", "datum_indiening": dt.date(2026, 7, 1)},
        {"status_referent": "vluchteling", "datum_verlening": dt.date(2026, 5, 1)},
        members,
        label="Z-7",
    )


def facts(decision: Decision, key: str) -> dict[str, object]:
    return dict(next(m for m in decision.gezinsleden if m.key == key).facts)


def test_a_conflict_leaves_that_members_outcome_unknown_and_the_rest_of_the_case_decided(
    conflicting_tables: Path,
) -> None:
    decision = decide(
        family(
            Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "nee"}),
            Member("zoon", {"relatie": "kind", "identiteit_aannemelijk": "ja"}),
        ),
        load_rule_base(conflicting_tables),
    )
    vrouw, zoon = facts(decision, "vrouw"), facts(decision, "zoon")
    assert (vrouw["termijn"], "uitkomst" in vrouw, "eindoordeel" in vrouw) == ("op_tijd", False, False)
    assert (zoon["uitkomst"], zoon["eindoordeel"]) == ("inwilligen", "inwilligen")
    assert [(r.table, r.rule_id) for r in decision.gezinsleden[0].fired] == [("Nareistermijn", "2.2-02")]
    (conflict,) = decision.conflicts
    assert (conflict.table, conflict.workbook, conflict.sheet, conflict.hit_policy) == (
        "Uitkomst",
        "H2_test.xlsx",
        "Uitkomst",
        "U",
    )
    assert (conflict.entity, conflict.key) == ("gezinslid", "vrouw")
    assert [(r.rule_id, r.row, dict(r.set)) for r in conflict.rules] == [
        ("E-02", 9, {"uitkomst": "afwijzen"}),
        ("E-05", 12, {"uitkomst": "herstel_verzuim"}),
    ]
    assert conflict.facts == {"identiteit_aannemelijk": "nee", "termijn": "op_tijd"}
    assert conflict.unknown == ("vrouw.uitkomst", "vrouw.eindoordeel")
    assert conflict.message("nl") == (
        'tabel "Uitkomst" (H2_test.xlsx, blad "Uitkomst"): hitbeleid U staat hoogstens één passende regel toe, '
        'maar de regels E-02 (rij 9) en E-05 (rij 12) passen, voor gezinslid "vrouw" in zaak Z-7; '
        "onbekend gebleven: vrouw.uitkomst, vrouw.eindoordeel"
    )
    assert conflict.message("en") == (
        'table "Uitkomst" (H2_test.xlsx, sheet "Uitkomst"): hit policy U allows at most one matching rule, '
        'but rules E-02 (row 9) and E-05 (row 12) match, for gezinslid "vrouw" in case Z-7; '
        "left unknown: vrouw.uitkomst, vrouw.eindoordeel"
    )


def test_what_depends_on_a_conflict_through_the_family_is_unknown_too(conflicting_tables: Path) -> None:
    """The sibling's refusal depends on every parent being refused; the mother's outcome is in conflict, so it is
    not known whether all parents are refused, and the sibling's final outcome waits on the conflict too."""
    decision = decide(
        family(
            Member("moeder", {"relatie": "ouder", "identiteit_aannemelijk": "nee"}),
            Member("zus", {"relatie": "kind", "identiteit_aannemelijk": "ja"}),
        ),
        load_rule_base(conflicting_tables),
    )
    zus = facts(decision, "zus")
    assert zus["uitkomst"] == "inwilligen"
    assert "ouders_afgewezen" not in zus and "eindoordeel" not in zus
    (conflict,) = decision.conflicts
    assert conflict.unknown == ("moeder.uitkomst", "zus.ouders_afgewezen", "moeder.eindoordeel", "zus.eindoordeel")


def test_what_does_not_depend_on_the_conflict_is_decided(conflicting_tables: Path) -> None:
    """A spouse is not a parent: whatever her outcome, whether all parents are refused does not depend on it
    (Kleene logic), so the sibling's final outcome stands."""
    decision = decide(
        family(
            Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "nee"}),
            Member("moeder", {"relatie": "ouder", "identiteit_aannemelijk": "onbekend"}),
            Member("zus", {"relatie": "kind", "identiteit_aannemelijk": "ja"}),
        ),
        load_rule_base(conflicting_tables),
    )
    assert [c.key for c in decision.conflicts] == ["vrouw"]
    assert facts(decision, "moeder")["eindoordeel"] == "herstel_verzuim"
    zus = facts(decision, "zus")
    assert (zus["ouders_afgewezen"], zus["eindoordeel"]) == (False, "inwilligen")
    assert decision.conflicts[0].unknown == ("vrouw.uitkomst", "vrouw.eindoordeel")


def test_a_decision_with_a_conflict_says_so_in_its_json_and_refuses_documents(conflicting_tables: Path) -> None:
    decision = decide(
        family(Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "nee"})),
        load_rule_base(conflicting_tables),
    )
    data = json.loads(json.dumps(decision.to_json()))
    assert data["conflicten"] == [
        {
            "tabel": "Uitkomst",
            "werkboek": "H2_test.xlsx",
            "blad": "Uitkomst",
            "hitbeleid": "U",
            "entiteit": "gezinslid",
            "id": "vrouw",
            "regels": [
                {"regel": "E-02", "rij": 9, "gezet": {"uitkomst": "afwijzen"}},
                {"regel": "E-05", "rij": 12, "gezet": {"uitkomst": "herstel_verzuim"}},
            ],
            "feiten": {"identiteit_aannemelijk": "nee", "termijn": "op_tijd"},
            "onbekend": ["vrouw.uitkomst", "vrouw.eindoordeel"],
            "melding": decision.conflicts[0].message_nl,
        }
    ]
    with pytest.raises(RuleConflictError) as refused:
        refuse_conflicts(data)
    assert str(refused.value) == (
        'H2_test.xlsx, sheet "Uitkomst": het besluit bevat een conflict in de beslistabellen; er wordt geen '
        "document van gemaakt:\n"
        f"- {decision.conflicts[0].message_nl}\n"
        "Los het conflict op in de tabel (of pas het hitbeleid aan) en beslis de zaak opnieuw."
    )
    error = decision.conflict_error()
    assert error is not None and str(error) == str(refused.value) and error.exit_code == 1
    assert pickle.loads(pickle.dumps(decision)).conflicts == decision.conflicts


def test_a_decision_without_conflicts_has_none(tables_dir: Path) -> None:
    decision = decide(
        family(Member("vrouw", {"relatie": "echtgenoot", "identiteit_aannemelijk": "nee"})),
        load_rule_base(tables_dir),
    )
    assert decision.conflicts == ()
    assert decision.conflict_error() is None
    assert decision.to_json()["conflicten"] == []
    refuse_conflicts(decision.to_json())  # nothing to refuse


def _case_file(tmp_path: Path) -> Path:
    path = tmp_path / "zaak.json"
    path.write_text(
        json.dumps(
            {
                "beslisdatum": "2026-11-01",
                "aanvraag": {"zaaknummer": "Z-7", "datum_indiening": "2026-07-01"},
                "referent": {"status_referent": "vluchteling", "datum_verlening": "2026-05-01"},
                "gezinsleden": [{"id": "vrouw", "relatie": "echtgenoot", "identiteit_aannemelijk": "nee"}],
            }
        )
    )
    return path


# Needs the change to engine/cli.py's `decide` described in helper H's report (raise decision.conflict_error()
# after writing the decision, and before writing a document); remove this mark when it is applied.
def test_nareis_decide_shows_the_decision_and_exits_1_with_the_conflict_in_dutch(
    conflicting_tables: Path, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from engine.cli import main

    case = _case_file(tmp_path)
    result = CliRunner().invoke(main, ["decide", str(case), "--tables", str(conflicting_tables)])
    assert result.exit_code == 1
    shown = json.loads(result.stdout)
    assert [c["tabel"] for c in shown["conflicten"]] == ["Uitkomst"]
    assert result.stderr == (
        'Error: H2_test.xlsx, sheet "Uitkomst": het besluit bevat een conflict in de beslistabellen; er wordt geen '
        "document van gemaakt:\n"
        '- tabel "Uitkomst" (H2_test.xlsx, blad "Uitkomst"): hitbeleid U staat hoogstens één passende regel toe, '
        'maar de regels E-02 (rij 9) en E-05 (rij 12) passen, voor gezinslid "vrouw" in zaak Z-7; '
        "onbekend gebleven: vrouw.uitkomst, vrouw.eindoordeel\n"
        "Los het conflict op in de tabel (of pas het hitbeleid aan) en beslis de zaak opnieuw.\n"
    )
    document = CliRunner().invoke(
        main,
        [
            "decide",
            str(case),
            "--tables",
            str(conflicting_tables),
            "--document",
            "beslisnotitie",
            "-o",
            str(tmp_path / "notitie.html"),
        ],
    )
    assert document.exit_code == 1
    assert not (tmp_path / "notitie.html").exists()
    assert document.stderr == result.stderr
