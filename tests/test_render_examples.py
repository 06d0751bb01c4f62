"""The documents of the example cases, decided with the real decision tables, against their golden files.

The golden files are written only by `python tests/golden/regenerate.py`; this test always compares. They hold
content (tables hash, row numbers and firing order replaced by placeholders); those three are checked separately.
"""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from golden.goldenlib import GOLDEN, example_decision, example_names, golden_files, normalise, pdf_text

from renderers import blocks
from renderers.checks import check_letters
from renderers.documents import applicable_documents, render_document, render_html

EXAMPLES = example_names()


def test_every_golden_file_matches() -> None:
    expected = dict(golden_files())
    on_disk = {
        str(path.relative_to(GOLDEN)): path.read_text(encoding="utf-8")
        for path in GOLDEN.rglob("*")
        if path.is_file() and path.suffix in (".html", ".md", ".txt")
    }
    assert sorted(on_disk) == sorted(expected), "golden files missing or stale: run tests/golden/regenerate.py"
    different = [name for name in expected if expected[name] != on_disk[name]]
    assert different == [], f"differ from their golden files (read the diff, then regenerate): {different}"


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_beslisnotitie_names_the_tables_hash_and_every_fired_row(example: str) -> None:
    decision = example_decision(example)
    # the full trace is in the HTML note (here read as Markdown); the printed note lists the rule ids
    printed = render_document(decision, "beslisnotitie", "md").decode("utf-8")
    for member in decision["gezinsleden"]:
        assert ", ".join(rule["regel"] for rule in member["gevuurde_regels"]) in printed
    note = blocks.to_markdown(blocks.parse(render_html(decision, "beslisnotitie", full_trace=True)))
    assert f"| Beslistabellen | {decision['tabellen_hash']} |" in note
    for entity in [decision["aanvraag"], decision["referent"], *decision["gezinsleden"]]:
        for rule in entity["gevuurde_regels"]:
            row = f"| {rule['volgorde']} | {rule['regel']} | {rule['tabel']} | {rule['werkboek']}, {rule['blad']}, "
            assert f"{row}rij {rule['rij']} |" in note
    assert normalise(note, decision).count("<tabellen-hash>") == 1


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_format_of_every_document_names_every_member(example: str) -> None:
    decision = example_decision(example)
    documents = applicable_documents(decision)
    assert "beslisnotitie" in documents
    check_letters(decision)
    for document in documents:
        text = pdf_text(render_document(decision, document, "pdf"))
        word_document = docx.Document(io.BytesIO(render_document(decision, document, "docx")))
        word = "\n".join(paragraph.text for paragraph in word_document.paragraphs)
        members: list[Any] = decision["gezinsleden"]
        if document == "herstelverzuim":
            members = [m for m in members if m["feiten"].get("uitkomst") == "herstel_verzuim"]
        for member in members:
            name = member["feiten"].get("naam", member["id"])
            assert name in " ".join(text.split()) and name in word, f"{name} missing from the {document}"


EXPECTED_OUTCOMES = {
    # Refugee with spouse and two children, everything shown: grant (§2, §3).
    "vluchteling_gezin": {"echtgenote": "inwilligen", "kind1": "inwilligen", "kind2": "inwilligen"},
    # Subsidiary protection, two years waited, durable means not yet shown: herstel verzuim (§2.3.1, §1.3).
    "subsidiair_referent": {"echtgenote": "herstel_verzuim", "zoon": "herstel_verzuim", "dochter": "herstel_verzuim"},
    # Unaccompanied minor: mother and brother granted; father's relation needs DNA research (§4.1, §3.1).
    "nbm_ouders_broer": {"moeder": "inwilligen", "vader": "nader_onderzoek", "broer": "inwilligen"},
}


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_examples_give_the_outcomes_the_wi_requires(example: str) -> None:
    outcomes = {m["id"]: m["feiten"].get("uitkomst") for m in example_decision(example)["gezinsleden"]}
    assert outcomes == EXPECTED_OUTCOMES[example]


def test_a_note_the_case_marks_for_the_letter_appears_there_and_the_others_do_not() -> None:
    import yaml
    from golden.goldenlib import EXAMPLE_DATE, ROOT

    from engine.api import decide, load_rule_base
    from engine.case import read_case

    rule_base = load_rule_base(ROOT / "decision_tables")
    data = yaml.safe_load((ROOT / "examples" / "vluchteling_gezin.yaml").read_text(encoding="utf-8"))
    member = data["gezinsleden"][0]
    marked = "Uw huwelijksakte is echt bevonden."
    member["identiteit_aannemelijk"] = {"waarde": "ja", "toelichting": marked, "in_brief": True}
    decision = decide(read_case(data, rule_base, EXAMPLE_DATE), rule_base).to_json()
    letter = render_document(decision, "beschikking", "md").decode("utf-8")
    assert f"> {marked}" in letter
    assert "Toelichting van de medewerker" not in letter
    assert "Register beëdigde tolken" not in letter  # an internal note of the same case
    note = render_document(decision, "beslisnotitie", "md").decode("utf-8")
    assert f"{marked}; feit: identiteit_aannemelijk |" in note
