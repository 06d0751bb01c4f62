"""nareis preview: one rule's motivation rendered with the facts of the scenarios or a case that fire it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import TABLES, base_spec
from factory import TableSpec, write_workbook

from engine.cli import main

MOTIVATION = (
    '{% if relatie == "kind" %}Uw kind{% else %}Uw gezinslid{% endif %} is te laat aangemeld: '
    "op {{ datum_indiening|datum }}."
)
NARES = TableSpec(
    "Nareistermijn",
    sheet="Nareistermijn",
    kinds=("Invoer", "Invoer", "Uitvoer", "Bron", "Motivering"),
    facts=("status_referent", "datum_indiening", "termijn", "", ""),
    rows=[
        ("2.2-01", "vluchteling", "> nareistermijn_einde + 2 weken", "te_laat", "§2.2", MOTIVATION),
        ("2.2-02", "vluchteling", "<= nareistermijn_einde + 2 weken", "op_tijd", "§2.2", ""),
        ("2.2-03", "subsidiair", "-", "op_tijd", "§2.3", ""),
    ],
)
KINDS = ("Invoer", "Invoer", "Invoer", "Invoer", "Invoer", "Verwacht")
FACTS = ("datum_indiening", "datum_verlening", "status_referent", "relatie", "identiteit_aannemelijk", "termijn")


def _dir(tmp_path: Path) -> Path:
    spec = base_spec(
        tables=[NARES, *TABLES[1:]],
        scenarios=[
            ("S-01", "zoon", "Te laat", "§2.2", "2026-09-01", "2026-05-01", "vluchteling", "kind", "ja", "te_laat"),
            ("S-01", "vrouw", "", "", "", "", "", "echtgenoot", "ja", "te_laat"),
            ("S-02", "dochter", "Te laat", "§2.2", "2026-10-01", "2026-05-01", "vluchteling", "kind", "ja", "te_laat"),
            ("S-03", "kind", "Op tijd", "§2.2", "2026-06-01", "2026-05-01", "vluchteling", "kind", "ja", "op_tijd"),
        ],
        scenario_kinds=KINDS,
        scenario_facts=FACTS,
    )
    write_workbook(tmp_path, spec)
    return tmp_path


def test_each_text_is_shown_once_with_the_scenarios_and_members_that_get_it(tmp_path: Path) -> None:
    workbook = _dir(tmp_path) / "H2_test.xlsx"
    result = CliRunner().invoke(main, ["preview", str(workbook), "2.2-01"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        'regel 2.2-01 (H2_test.xlsx, blad "Nareistermijn", rij 8)\n'
        "\n"
        "S-01, zoon:\n"
        "  Uw kind is te laat aangemeld: op 1 september 2026.\n"
        "\n"
        "S-01, vrouw:\n"
        "  Uw gezinslid is te laat aangemeld: op 1 september 2026.\n"
        "\n"
        "S-02, dochter:\n"
        "  Uw kind is te laat aangemeld: op 1 oktober 2026.\n"
    )


def test_one_scenario_only(tmp_path: Path) -> None:
    workbook = _dir(tmp_path) / "H2_test.xlsx"
    result = CliRunner().invoke(main, ["preview", str(workbook), "2.2-01", "--scenario", "S-02"])
    assert result.output.splitlines()[2:] == ["S-02, dochter:", "  Uw kind is te laat aangemeld: op 1 oktober 2026."]


def test_a_case_file(tmp_path: Path) -> None:
    workbook = _dir(tmp_path) / "H2_test.xlsx"
    case = tmp_path / "zaak.yaml"
    case.write_text(
        "beslisdatum: 2026-11-01\n"
        "aanvraag:\n  datum_indiening: 2026-09-15\n"
        "referent:\n  status_referent: vluchteling\n  datum_verlening: 2026-05-01\n"
        "gezinsleden:\n  - id: oma\n    relatie: ouder\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["preview", str(workbook), "2.2-01", "--case", str(case)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2:] == [
        "zaak.yaml, oma:",
        "  Uw gezinslid is te laat aangemeld: op 15 september 2026.",
    ]


def test_unknown_rule_no_motivation_and_nothing_fires(tmp_path: Path) -> None:
    workbook = _dir(tmp_path) / "H2_test.xlsx"
    runner = CliRunner()
    unknown = runner.invoke(main, ["preview", str(workbook), "2.2-0l"])
    assert (unknown.exit_code, unknown.output) == (
        2,
        "Fout: H2_test.xlsx heeft geen regel 2.2-0l; bedoelt u 2.2-01 of 2.2-02 of 2.2-03?\n",
    )
    silent = runner.invoke(main, ["preview", str(workbook), "2.2-02"])
    assert (silent.exit_code, silent.output) == (
        1,
        'Fout: H2_test.xlsx, sheet "Nareistermijn", cell A9: regel 2.2-02 heeft geen motivering\n',
    )
