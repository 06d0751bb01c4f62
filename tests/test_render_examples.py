"""The documents of the example cases, decided with the real decision tables: golden files in every format.

A rule change in decision_tables/ changes these letters on purpose: regenerate with
NAREIS_REGENERATE_GOLDEN=1 pytest tests/test_render_examples.py and review the diff like any other change.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from engine.api import decide, load_rule_base, read_case_file
from renderers.documents import FORMATS, applicable_documents, render_document

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden" / "examples"
REGENERATE = os.environ.get("NAREIS_REGENERATE_GOLDEN") == "1"
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))


def decision_of(example: str) -> dict[str, Any]:
    rule_base = load_rule_base(ROOT / "decision_tables")
    case = read_case_file(ROOT / "examples" / f"{example}.yaml", rule_base, dt.date(2026, 11, 23))
    return decide(case, rule_base).to_json()


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {name}: run with NAREIS_REGENERATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_applicable_document_in_every_format(example: str) -> None:
    decision = decision_of(example)
    documents = applicable_documents(decision)
    assert "beslisnotitie" in documents
    for document in documents:
        for fmt in ("html", "md"):
            golden(f"{example}/{document}.{fmt}", render_document(decision, document, fmt).decode("utf-8"))
        pdf_text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(render_document(decision, document, "pdf"))).pages
        )
        word_text = "\n".join(
            p.text for p in docx.Document(io.BytesIO(render_document(decision, document, "docx"))).paragraphs
        )
        for member in decision["gezinsleden"]:
            name = member["feiten"].get("naam", member["id"])
            assert name in pdf_text and name in word_text, f"{name} missing from the {document}"
    assert set(FORMATS) == {"html", "pdf", "docx", "md"}


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
    outcomes = {m["id"]: m["feiten"].get("uitkomst") for m in decision_of(example)["gezinsleden"]}
    assert outcomes == EXPECTED_OUTCOMES[example]
