"""Case files: validated against the schema generated from the glossary, every problem named by its path."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from engine.api import load_rule_base, read_case_file
from engine.case import case_schema, read_case
from engine.errors import CaseError

GOOD = {
    "beslisdatum": "2026-11-01",
    "aanvraag": {"zaaknummer": "Z-1", "datum_indiening": "2026-08-01"},
    "referent": {"status_referent": "vluchteling", "datum_verlening": "2026-05-01"},
    "gezinsleden": [
        {
            "id": "vrouw",
            "relatie": "echtgenoot",
            "identiteit_aannemelijk": {"waarde": "ja", "toelichting": "Paspoort echt bevonden."},
        },
    ],
}


def problems(data: object, tables_dir: Path) -> list[str]:
    with pytest.raises(CaseError) as caught:
        read_case(data, load_rule_base(tables_dir))  # type: ignore[arg-type]
    return caught.value.problems


def test_a_good_case_is_converted_with_its_toelichting(tables_dir: Path) -> None:
    case = read_case(GOOD, load_rule_base(tables_dir))
    assert case.beslisdatum == dt.date(2026, 11, 1)
    assert case.aanvraag == {
        "zaaknummer": "Z-1",
        "datum_indiening": dt.date(2026, 8, 1),
        "beslisdatum": dt.date(2026, 11, 1),
    }
    assert case.members[0].facts == {"relatie": "echtgenoot", "identiteit_aannemelijk": "ja"}
    assert case.members[0].toelichtingen == {"identiteit_aannemelijk": "Paspoort echt bevonden."}
    assert case.label == "Z-1"


def test_every_problem_is_named_by_its_path(tables_dir: Path) -> None:
    data = json.loads(json.dumps(GOOD))
    data["gezinsleden"].append(
        {"id": "kind", "relatie": "zoon", "geboortedatm": "2012-05-01", "identiteit_aannemlijk": "ja"}
    )
    data["aanvraag"]["datum_indiening"] = "31-02-2026"
    data["referent"]["termijn"] = "op_tijd"
    assert problems(data, tables_dir) == [
        'aanvraag.datum_indiening: expected a date like 2012-05-01, got "31-02-2026"',
        "gezinsleden[1].geboortedatm: unknown fact",
        'gezinsleden[1].identiteit_aannemlijk: unknown fact; did you mean "identiteit_aannemelijk"?',
        'gezinsleden[1].relatie: expected one of: ouder, kind, echtgenoot, got "zoon"',
        "referent.termijn: unknown fact (it is derived by the rules, not given)",
    ]


def test_an_impossible_date_that_looks_right(tables_dir: Path) -> None:
    data = json.loads(json.dumps(GOOD))
    data["aanvraag"]["datum_indiening"] = "2026-02-31"
    assert problems(data, tables_dir) == ['aanvraag.datum_indiening: expected a date like 2012-05-01, got "2026-02-31"']


def test_missing_parts_and_duplicate_ids(tables_dir: Path) -> None:
    assert problems({"aanvraag": {}, "gezinsleden": [{"relatie": "kind"}]}, tables_dir) == [
        "case: 'referent' is missing",
        "gezinsleden[0]: 'id' is missing",
    ]
    data = json.loads(json.dumps(GOOD))
    data["gezinsleden"].append({"id": "vrouw"})
    assert problems(data, tables_dir) == [
        'gezinsleden[1].id: "vrouw" is used twice; every family member needs its own id'
    ]


def test_beslisdatum_from_the_command_line_wins_and_a_missing_one_is_named(tables_dir: Path) -> None:
    rule_base = load_rule_base(tables_dir)
    data = {k: v for k, v in GOOD.items() if k != "beslisdatum"}
    assert read_case(data, rule_base, dt.date(2026, 12, 1)).beslisdatum == dt.date(2026, 12, 1)
    assert problems(data, tables_dir) == [
        "beslisdatum: missing; give it in the case or on the command line (--beslisdatum)"
    ]


def test_yaml_and_json_files(tables_dir: Path, tmp_path: Path) -> None:
    rule_base = load_rule_base(tables_dir)
    (tmp_path / "zaak.yaml").write_text(
        "beslisdatum: 2026-11-01\naanvraag: {datum_indiening: 2026-08-01}\n"
        "referent: {status_referent: vluchteling}\ngezinsleden:\n  - id: kind\n    relatie: kind\n"
    )
    (tmp_path / "zaak.json").write_text(json.dumps(GOOD))
    (tmp_path / "kapot.yaml").write_text("aanvraag: [\n")
    assert read_case_file(tmp_path / "zaak.yaml", rule_base).aanvraag["datum_indiening"] == dt.date(2026, 8, 1)
    assert read_case_file(tmp_path / "zaak.json", rule_base).label == "Z-1"
    with pytest.raises(CaseError, match=r"kapot.yaml: not valid YAML"):
        read_case_file(tmp_path / "kapot.yaml", rule_base)


def test_the_generated_schema_accepts_a_good_case_and_describes_facts(tables_dir: Path) -> None:
    schema = case_schema(load_rule_base(tables_dir))
    jsonschema.Draft202012Validator(schema).validate(GOOD)
    member = schema["properties"]["gezinsleden"]["items"]
    assert member["required"] == ["id"]
    assert member["properties"]["relatie"]["anyOf"][0] == {
        "type": "string",
        "enum": ["ouder", "kind", "echtgenoot"],
        "description": "Relatie tot referent",
    }
    assert "termijn" not in member["properties"]  # derived facts are not given
