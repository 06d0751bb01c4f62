"""What a DMN model may hold that nareis cannot import: each is named with its element and id, in Dutch."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli import main
from engine.dmn.importer import DmnImportProblems, DmnUnreadable, import_dmn

HEAD = '<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="m" name="m" namespace="urn:x">'
INPUT = '<inputData id="i_a" name="Age"><variable id="v_a" name="Age" typeRef="number"/></inputData>'
HEADER = "model.dmn: 1 element kan niet worden ingelezen:\n"
RULE = 'rule (id r1) van decision "Result" (id d1): '


def _model(body: str) -> bytes:
    return (HEAD + body + "</definitions>").encode()


def _table(
    policy: str = 'hitPolicy="UNIQUE"', entry: str = "&lt; 18", output: str = '"ja"', typ: str = "string"
) -> bytes:
    return _model(
        INPUT + f'<decision id="d1" name="Result"><variable id="d1v" name="Result" typeRef="{typ}"/>'
        f'<decisionTable id="dt1" {policy}><input id="in1"><inputExpression id="e1" typeRef="number">'
        f'<text>Age</text></inputExpression></input><output id="o1" typeRef="{typ}"/><rule id="r1">'
        f'<inputEntry id="r1i"><text>{entry}</text></inputEntry><outputEntry id="r1o"><text>{output}</text>'
        "</outputEntry></rule></decisionTable></decision>"
    )


def _problems(data: bytes) -> str:
    with pytest.raises(DmnImportProblems) as raised:
        import_dmn(data, "model.dmn")
    assert raised.value.exit_code == 1
    return str(raised.value)


def test_a_well_formed_table_imports() -> None:
    assert sorted(import_dmn(_table(), "model.dmn")) == ["m.xlsx"]


def test_unknown_hit_policy() -> None:
    assert _problems(_table('hitPolicy="SOMETIMES"')) == HEADER + (
        'decisionTable (id dt1): onbekend hitbeleid "SOMETIMES"; DMN kent UNIQUE, FIRST, PRIORITY, ANY, COLLECT, '
        "RULE ORDER, OUTPUT ORDER"
    )


def test_aggregation_without_collect() -> None:
    assert _problems(_table('hitPolicy="FIRST" aggregation="SUM"')) == HEADER + (
        'decisionTable (id dt1): aggregation "SUM" hoort alleen bij hitbeleid COLLECT'
    )


def test_literal_expression_decision() -> None:
    body = (
        INPUT + '<decision id="d2" name="Double"><variable id="d2v" name="Double" typeRef="number"/>'
        '<literalExpression id="le"><text>Age * 2</text></literalExpression></decision>'
    )
    assert _problems(_model(body)) == HEADER + (
        'decision "Double" (id d2): een beslissing met een literal expression (geen beslistabel) kan nareis niet '
        "inlezen; maak er een beslistabel van"
    )


def test_context_decision_and_business_knowledge_model() -> None:
    body = (
        '<businessKnowledgeModel id="b1" name="Helper"/>'
        '<decision id="d3" name="Ctx"><variable id="d3v" name="Ctx" typeRef="number"/><context id="c"/></decision>'
    )
    assert _problems(_model(body)) == (
        "model.dmn: 2 elementen kunnen niet worden ingelezen:\n"
        'businessKnowledgeModel "Helper" (id b1): een businessKnowledgeModel kan nareis niet inlezen; alleen '
        "beslissingen met een beslistabel\n"
        'decision "Ctx" (id d3): een beslissing met een context (geen beslistabel) kan nareis niet inlezen'
    )


@pytest.mark.parametrize(
    ("entry", "output", "typ", "reason"),
    [
        (
            "for x in [1,2] return x",
            '"ja"',
            "string",
            'invoer age: "for x in [1,2] return x": de FEEL-constructie "for ... in ... return (een lus)" kent de '
            "celtaal niet",
        ),
        ("-", 'string length("abc")', "number", 'uitvoer result: "string length("abc")": de functie "string length" '
         "kent de celtaal niet"),
        ("-", "null", "string", 'uitvoer result: "null": null kent de celtaal niet; een onbekend feit is gewoon niet '
         "ingevuld"),
        ("[1, 2, 3]", '"ja"', "string", 'invoer age: "[1, 2, 3]": onverwacht "[" (een lijst of filter): de celtaal '
         "kent dit niet"),
        ("&gt; Applicant.age", '"ja"', "string", 'invoer age: "> Applicant.age": een pad naar een onderdeel '
         "(Applicant.…) kent de celtaal niet"),
        ("some x in [1] satisfies x > 1", '"ja"', "string", 'invoer age: "some x in [1] satisfies x > 1": de '
         'FEEL-constructie "some ... satisfies" kent de celtaal niet'),
        ("-", '"a \\" b"', "string", 'uitvoer result: ""a \\" b"": een tekst met een aanhalingsteken of '
         "regelovergang kent de celtaal niet"),
        ("-", 'duration("PT2H")', "duration", 'uitvoer result: "duration("PT2H")": duration("PT2H") kent de '
         "celtaal niet; alleen jaren, maanden, weken en dagen (P1Y2M, P14D), zonder tijd"),
        ("&gt; Salary", '"ja"', "string", 'invoer age: "> Salary": onbekende naam "Salary"; het model heeft geen '
         "invoer of beslissing zo genoemd"),
    ],
)  # fmt: skip
def test_feel_the_cell_language_lacks(entry: str, output: str, typ: str, reason: str) -> None:
    assert _problems(_table(entry=entry, output=output, typ=typ)) == HEADER + RULE + reason


def test_missing_type_ref() -> None:
    body = '<inputData id="i_b" name="Name"><variable id="v_b" name="Name"/></inputData>'
    assert _problems(_model(body)) == HEADER + (
        'inputData "Name" (id i_b): typeRef ontbreekt: zonder type kan nareis het begrip niet in Begrippen opnemen'
    )


def test_a_name_that_is_no_fact_name() -> None:
    body = '<inputData id="i_c" name="1st Applicant"><variable id="v_c" name="1st Applicant" typeRef="string"/>'
    assert _problems(_model(body + "</inputData>")) == HEADER + (
        'inputData "1st Applicant" (id i_c): de naam "1st Applicant" past niet als begrip: een begrip bestaat uit '
        'kleine letters, cijfers en _ en begint met een letter (gelezen als "1st_applicant"); hernoem het in het '
        "DMN-model"
    )


ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    b'<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="&lol2;" namespace="x"/>'
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY file SYSTEM "file:///etc/passwd">]>'
    b'<definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" name="&file;" namespace="x"/>'
)
REFUSED = (
    "model.dmn: het bestand bevat een DTD of entiteiten (<!DOCTYPE ...> of <!ENTITY ...>); die worden geweigerd, "
    "omdat ze bestanden kunnen laten inlezen of het geheugen kunnen laten vollopen"
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ENTITIES, REFUSED),
        (EXTERNAL, REFUSED),
        (b"<definitions", "model.dmn: geen geldige XML (unclosed token: line 1, column 0)"),
        (
            b'<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" name="x" namespace="x"/>',
            "model.dmn: geen DMN 1.5-model: het hoofdelement moet definitions zijn in de namespace "
            "https://www.omg.org/spec/DMN/20230324/MODEL/ (gevonden: "
            "{http://www.omg.org/spec/DMN/20151101/dmn.xsd}definitions)",
        ),
    ],
)
def test_files_that_are_no_dmn_model(data: bytes, message: str) -> None:
    with pytest.raises(DmnUnreadable) as raised:
        import_dmn(data, "model.dmn")
    assert (str(raised.value), raised.value.exit_code) == (message, 2)


def test_cli_exit_codes_and_nothing_written(tmp_path: Path) -> None:
    runner = CliRunner()
    bomb = tmp_path / "model.dmn"
    bomb.write_bytes(ENTITIES)
    result = runner.invoke(main, ["import-dmn", str(bomb), "-o", str(tmp_path / "uit")])
    assert (result.exit_code, result.output) == (2, f"Error: {REFUSED}\n")
    bomb.write_bytes(_table('hitPolicy="SOMETIMES"'))
    result = runner.invoke(main, ["import-dmn", str(bomb), "-o", str(tmp_path / "uit")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: model.dmn: 1 element kan niet worden ingelezen:\ndecisionTable (id dt1)")
    assert not (tmp_path / "uit").exists()
