"""Round trips through DMN: export -> import gives the same workbooks; import -> export keeps every table."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from dmn_factory import DMN, FOREIGN_DMN, TABLES_DIRECTORY, exported_decision_tables, write_small_model
from factory import WorkbookSpec, write_workbook

from engine.cli import main
from engine.dmn.export import export_dmn
from engine.dmn.feel import expression_to_cell, unary_tests_to_cell
from engine.dmn.importer import DmnImportProblems, import_dmn
from engine.dump import dump_lines
from engine.loader import load_directory, workbook_paths
from engine.workbook import read_workbook


def _write(books: dict[str, bytes], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in books.items():
        (directory / name).write_bytes(content)
    return directory


def _dumps(directory: Path) -> dict[str, list[str]]:
    return {path.name: dump_lines(read_workbook(path)) for path in workbook_paths(directory)}


def test_decision_tables_export_import_gives_the_same_dump(tmp_path: Path) -> None:
    imported = _write(import_dmn(exported_decision_tables(), "nareis.dmn"), tmp_path / "terug")
    original = _dumps(TABLES_DIRECTORY)
    again = _dumps(imported)
    assert sorted(again) == sorted(original)
    for name, lines in original.items():
        assert again[name] == lines, name


def test_decision_tables_export_is_byte_identical_and_survives_import(tmp_path: Path) -> None:
    first = exported_decision_tables()
    assert export_dmn(TABLES_DIRECTORY) == first
    imported = _write(import_dmn(first, "nareis.dmn"), tmp_path / "terug")
    assert export_dmn(imported) == first


def test_an_edit_in_a_dmn_modeller_comes_back_in_the_workbook(tmp_path: Path) -> None:
    directory = write_small_model(tmp_path / "tabellen")
    root = ET.fromstring(export_dmn(directory))
    table = next(t for t in root.iter(f"{DMN}decisionTable") if t.get("id") == "d_categorie_dt")
    table.set("hitPolicy", "FIRST")
    first_rule = table.findall(f"{DMN}rule")[0]
    first_rule.findall(f"{DMN}inputEntry")[0].findall(f"{DMN}text")[0].text = "< 21"
    first_rule.findall(f"{DMN}outputEntry")[0].findall(f"{DMN}text")[0].text = '"meerderjarig"'
    edited = ET.tostring(root, encoding="unicode").encode()
    imported = _write(import_dmn(edited, "bewerkt.dmn"), tmp_path / "terug")
    lines = _dumps(imported)["Klein.xlsx"]
    start = lines.index("== Categorie")
    assert lines[start : start + 8] == [
        "== Categorie",
        "Tabel: Categorie",
        "Entiteit: aanvraag",
        "Hitbeleid: F",
        "Bron: §2.2",
        "kolommen: leeftijd_aanvrager | → categorie | Bron | Motivering | Annotatie",
        "c-01 | leeftijd_aanvrager: < 21 | → categorie: meerderjarig | Bron: §2.2 | Motivering: U bent minderjarig. | "
        "Annotatie: Leeftijd op de beslisdatum",
        "c-02 | leeftijd_aanvrager: >= 18 | → categorie: meerderjarig | Bron: §2.2",
    ]
    assert _dumps(imported)["Klein.xlsx"][start + 8 :] == _dumps(directory)["Klein.xlsx"][start + 8 :]


def _tables(xml: bytes) -> dict[str, tuple[str, str | None, list[str], list[tuple[list[str], list[str]]]]]:
    """Per decision table (by decision label or name): hit policy, aggregation, output types and every rule's
    entries, read into the cell language so that `Applicant Age` and applicant_age, `true` and ja compare equal."""
    root = ET.fromstring(xml)
    names: dict[str, str] = {}
    for element in root.iter():
        if element.tag in (f"{DMN}inputData", f"{DMN}decision") and element.get("name"):
            name = element.get("name", "")
            names[name] = name.lower().replace(" ", "_")
    result = {}
    for decision in root.iter(f"{DMN}decision"):
        table = decision.find(f"{DMN}decisionTable")
        if table is None:
            continue
        outputs = [o.get("typeRef", "") for o in table.findall(f"{DMN}output")]
        rules = []
        for rule in table.findall(f"{DMN}rule"):
            tests = [unary_tests_to_cell(_entry(e), names) for e in rule.findall(f"{DMN}inputEntry")]
            values = [expression_to_cell(_entry(e), names) for e in rule.findall(f"{DMN}outputEntry")]
            rules.append((tests, values))
        label = decision.get("label") or decision.get("name", "")
        result[label] = (table.get("hitPolicy", "UNIQUE"), table.get("aggregation"), outputs, rules)
    return result


def _entry(element: ET.Element) -> str:
    return element.findtext(f"{DMN}text", "")


def test_a_foreign_model_import_export_keeps_rules_hit_policies_and_outputs(tmp_path: Path) -> None:
    imported = _write(import_dmn(FOREIGN_DMN.encode(), "loans.dmn"), tmp_path / "leningen")
    rule_base = load_directory(imported)  # the workbooks load: names, types and every cell check out
    assert sorted(t.name for t in rule_base.tables) == ["Approval", "Points", "Risk Category"]
    before, after = _tables(FOREIGN_DMN.encode()), _tables(export_dmn(imported))
    assert sorted(after) == sorted(before)
    for label, (policy, aggregation, outputs, rules) in before.items():
        policy_after, aggregation_after, outputs_after, rules_after = after[label]
        assert (policy_after, aggregation_after) == (policy, aggregation), label
        assert len(outputs_after) == len(outputs), label
        assert rules_after == rules, label
    risk = next(t for t in rule_base.tables if t.name == "Risk Category")
    assert [r.rule_id for r in risk.rules] == ["r1", "r2", "r3"]
    assert [r.source for r in risk.rules] == ["§2.2", "§2.2", "§2.3"]


def test_cli_export_and_import(tmp_path: Path) -> None:
    directory = write_small_model(tmp_path / "tabellen")
    runner = CliRunner()
    model = tmp_path / "klein.dmn"
    result = runner.invoke(main, ["export-dmn", str(directory), "-o", str(model)])
    assert (result.exit_code, result.output) == (0, f"{model}\n")
    assert model.read_bytes() == export_dmn(directory)
    target = tmp_path / "terug"
    result = runner.invoke(main, ["import-dmn", str(model), "-o", str(target)])
    assert (result.exit_code, result.output) == (0, f"{target / 'Klein.xlsx'}\n")
    assert _dumps(target) == _dumps(directory)
    result = runner.invoke(main, ["import-dmn", str(model), "-o", str(target)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: -o {target}: already has Klein.xlsx; choose an empty directory or give --overwrite\n"
    )
    result = runner.invoke(main, ["import-dmn", str(model), "-o", str(target), "--overwrite"])
    assert result.exit_code == 0


def test_cli_export_of_tables_that_do_not_load_exits_1(tmp_path: Path) -> None:
    directory = write_small_model(tmp_path / "tabellen")
    (directory / "Kapot.xlsx").write_bytes(b"geen werkmap")
    result = CliRunner().invoke(main, ["export-dmn", str(directory), "-o", str(tmp_path / "x.dmn")])
    assert result.exit_code != 0
    assert not (tmp_path / "x.dmn").exists()


def test_rules_added_and_removed_in_a_dmn_modeller(tmp_path: Path) -> None:
    directory = write_small_model(tmp_path / "tabellen")
    root = ET.fromstring(export_dmn(directory))
    table = next(t for t in root.iter(f"{DMN}decisionTable") if t.get("id") == "d_tijdig_dt")
    first, second = table.findall(f"{DMN}rule")
    table.remove(first)
    added = ET.fromstring(ET.tostring(second))  # a modeller's new rule: no nareis extension
    added.remove(added.find(f"{DMN}extensionElements"))  # type: ignore[arg-type]
    added.set("id", "nieuw")
    added.find(f"{DMN}inputEntry/{DMN}text").text = '>= date("2027-01-01")'  # type: ignore[union-attr]
    added.findall(f"{DMN}annotationEntry/{DMN}text")[0].text = "t-03"
    table.insert(list(table).index(second), added)
    imported = _write(import_dmn(ET.tostring(root), "bewerkt.dmn"), tmp_path / "terug")
    lines = _dumps(imported)["Klein.xlsx"]
    start = lines.index("== Tijdig")
    assert lines[start + 6 : start + 8] == [
        "t-03 | datum_indiening: >= 2027-01-01 | → tijdig: nee | Bron: §2.2",
        "t-02 | datum_indiening: - | → tijdig: nee | Bron: §2.2",
    ]
    assert lines[start + 8] == "== Oordeel"


def test_glossary_and_calculation_edits_in_a_modeller_are_refused(tmp_path: Path) -> None:
    directory = write_small_model(tmp_path / "tabellen")
    write_workbook(
        directory,
        WorkbookSpec(
            "Rekenen.xlsx",
            glossary=[("dubbele_leeftijd", "aanvraag", "getal", "", "Twee keer de leeftijd", "afgeleid")],
            calculations=[("dubbele_leeftijd", "leeftijd_aanvrager * 2", "§2.2")],
        ),
    )
    root = ET.fromstring(export_dmn(directory))
    item = next(i for i in root.iter(f"{DMN}itemDefinition") if i.get("name") == "t_categorie")
    item.find(f"{DMN}allowedValues/{DMN}text").text = '"minderjarig","meerderjarig","onbekend"'  # type: ignore[union-attr]
    calculation = next(d for d in root.iter(f"{DMN}decision") if d.get("id") == "c_dubbele_leeftijd")
    calculation.find(f"{DMN}literalExpression/{DMN}text").text = "leeftijd_aanvrager * 3"  # type: ignore[union-attr]
    with pytest.raises(DmnImportProblems) as raised:
        import_dmn(ET.tostring(root), "bewerkt.dmn")
    assert str(raised.value) == (
        "bewerkt.dmn: 2 elementen kunnen niet worden ingelezen:\n"
        'decision "dubbele_leeftijd" (id c_dubbele_leeftijd): de formule is in het DMN-model gewijzigd, maar '
        "nareis leest een berekening uit de werkmap (blad Berekeningen, rij 2): wijzig haar daar\n"
        'itemDefinition "t_categorie" (id t_categorie): de toegestane waarden zijn in het DMN-model gewijzigd, '
        "maar nareis leest ze uit de werkmap (blad Begrippen, kolom Waarden): wijzig ze daar"
    )
