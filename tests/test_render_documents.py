"""Documents of the sample decision: golden files, applicability, escaping and traceability."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from renderers.documents import DOCUMENTS, DocumentNotApplicable, applicable_documents, render_document

SAMPLE = Path(__file__).parent.parent / "renderers" / "samples" / "decision_example.json"
GOLDEN = Path(__file__).parent / "golden" / "render"
# NAREIS_REGENERATE_GOLDEN=1 pytest tests/test_render_documents.py rewrites the golden files; review the diff.
REGENERATE = os.environ.get("NAREIS_REGENERATE_GOLDEN") == "1"


def sample() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SAMPLE.read_text(encoding="utf-8"))
    return result


def with_outcomes(*outcomes: str) -> dict[str, Any]:
    decision = sample()
    template = decision["gezinsleden"][1]
    decision["gezinsleden"] = []
    for index, outcome in enumerate(outcomes):
        member = copy.deepcopy(template)
        member["id"] = f"kind{index + 1}"
        member["feiten"]["uitkomst"] = outcome
        decision["gezinsleden"].append(member)
    return decision


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_golden_text_formats(document: str, fmt: str) -> None:
    golden(f"{document}.{fmt}", render_document(sample(), document, fmt).decode("utf-8"))


def test_html_escapes_a_script_name() -> None:
    html = render_document(sample(), "beschikking", "html").decode("utf-8")
    assert "<script>" not in html
    assert "<h2>&lt;script&gt;alert(1)&lt;/script&gt;, geboren op 1 juni 2015</h2>" in html
    assert (
        "Voor &lt;script&gt;alert(1)&lt;/script&gt; ontbreekt een ondertekende antecedentenverklaring."
        in html
    )


def test_markdown_escapes_a_script_name() -> None:
    md = render_document(sample(), "beslisnotitie", "md").decode("utf-8")
    assert "<script>" not in md
    assert "| kind1 | \\<script\\>alert(1)\\</script\\> | kind | herstel verzuim | – | – |" in md


def test_a_motivation_cannot_inject_html() -> None:
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][1]["motivering"] = (
        '<img src=x onerror="alert(1)"> {{ naam }}'
    )
    html = render_document(decision, "beschikking", "html").decode("utf-8")
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; S. Tesfay" in html


def test_letters_carry_rule_and_paragraph_but_show_the_legal_basis() -> None:
    html = render_document(sample(), "beschikking", "html").decode("utf-8")
    assert (
        '<p class="motivering" data-regel="2.2-04" data-bron="§2.2">U heeft de aanvraag op 20 augustus 2026'
        in html
    )
    assert "Wij baseren deze beslissing op art. 29c lid 1 Vw." in html
    visible = re.sub(r"<[^>]*>", "", html)
    assert "§" not in visible


def test_toelichting_sits_with_the_rule_that_read_its_fact() -> None:
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][1]["gematcht"]["termijnoverschrijding_verschoonbaar"] = (
        "nee"
    )
    html = render_document(decision, "beschikking", "html").decode("utf-8")
    assert (
        '<p class="motivering" data-regel="E-01" data-bron="§2.2">De overschrijding van de termijn is niet '
        'verschoonbaar.</p>\n<blockquote class="toelichting" data-feit="termijnoverschrijding_verschoonbaar" '
        'data-regel="E-01" data-bron="§2.2">'
    ) in html


def test_grant_says_what_happens_next() -> None:
    decision = sample()
    decision["gezinsleden"][0]["feiten"].update(uitkomst="inwilligen", afwijzingsgronden=[])
    md = render_document(decision, "beschikking", "md").decode("utf-8")
    assert (
        "- S. Tesfay haalt de mvv op bij de Nederlandse ambassade in Addis Abeba. "
        "Dat moet binnen drie maanden na deze beslissing, dus uiterlijk op 23 februari 2027. "
        "Maak hiervoor eerst een afspraak bij de ambassade.\n"
    ) in md
    assert "- De mvv is 90 dagen geldig." in md
    assert "zich binnen drie dagen bij de IND in Ter Apel" in md
    assert "bezwaar" not in md


def test_herstelverzuim_reply_date_defaults_to_four_weeks_after_the_decision() -> None:
    decision = sample()
    del decision["aanvraag"]["feiten"]["herstel_verzuim_reactiedatum"]
    md = render_document(decision, "herstelverzuim", "md").decode("utf-8")
    assert "Stuur de gegevens en documenten uiterlijk op **21 december 2026**." in md
    note = render_document(decision, "beslisnotitie", "md").decode("utf-8")
    assert (
        "| reactiedatum herstel verzuim | 21 december 2026 "
        "| beslisdatum + 4 weken (§1.3), berekend voor de brief |" in note
    )


def test_herstelverzuim_for_a_missing_form_warns_of_buiten_behandeling() -> None:
    decision = sample()
    decision["gezinsleden"][1]["feiten"]["herstel_verzuim_punten"] = ["aanvraagformulier"]
    md = render_document(decision, "herstelverzuim", "md").decode("utf-8")
    assert "- een volledig ingevuld en ondertekend aanvraagformulier\n" in md
    assert "Dan nemen wij de aanvraag niet in behandeling.\n<!-- bron=§1.1 §5.8 -->" in md


def test_no_beschikking_while_everyone_awaits_herstel() -> None:
    with pytest.raises(
        DocumentNotApplicable,
        match=(
            r"^No beschikking: every family member awaits herstel verzuim. Make the herstelverzuim letter.$"
        ),
    ):
        render_document(with_outcomes("herstel_verzuim", "herstel_verzuim"), "beschikking", "html")


def test_no_beschikking_without_any_decision() -> None:
    with pytest.raises(
        DocumentNotApplicable,
        match=(
            r"^No beschikking: no family member has a decision yet "
            r"\(kind1: herstel_verzuim, kind2: nader_onderzoek\).$"
        ),
    ):
        render_document(with_outcomes("herstel_verzuim", "nader_onderzoek"), "beschikking", "md")


def test_no_herstelverzuim_letter_without_herstel() -> None:
    with pytest.raises(
        DocumentNotApplicable,
        match=(r"^No herstelverzuim letter: no family member has uitkomst herstel_verzuim.$"),
    ):
        render_document(with_outcomes("inwilligen", "afwijzen"), "herstelverzuim", "html")


def test_applicable_documents() -> None:
    assert applicable_documents(sample()) == ("beschikking", "herstelverzuim", "beslisnotitie")
    assert applicable_documents(with_outcomes("inwilligen")) == ("beschikking", "beslisnotitie")
    assert applicable_documents(with_outcomes("herstel_verzuim")) == ("herstelverzuim", "beslisnotitie")


def test_unknown_document_and_format() -> None:
    with pytest.raises(
        Exception, match=r'^unknown document "brief"; choose one of beschikking, herstelverzuim, '
    ):
        render_document(sample(), "brief", "html")
    with pytest.raises(Exception, match=r'^unknown format "odt"; choose one of html, pdf, docx, md$'):
        render_document(sample(), "beschikking", "odt")


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(" ".join(page.extract_text().split()) for page in pages) + "\n"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_golden_pdf_text(document: str) -> None:
    data = render_document(sample(), document, "pdf")
    assert data.startswith(b"%PDF-")
    golden(f"{document}.pdf.txt", pdf_text(data))


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    import docx

    document = docx.Document(io.BytesIO(data))
    return [
        (paragraph.style.name if paragraph.style else "", paragraph.text) for paragraph in document.paragraphs
    ]


def test_docx_beschikking_carries_decision_grounds_and_basis() -> None:
    paragraphs = docx_paragraphs(render_document(sample(), "beschikking", "docx"))
    assert ("Heading 2", "S. Tesfay, geboren op 14 maart 1990") in paragraphs
    assert (
        "Normal",
        "Beslissing: wij wijzen de aanvraag af. "
        "S. Tesfay krijgt geen machtiging tot voorlopig verblijf (mvv).",
    ) in paragraphs
    assert (
        "Normal",
        "De grond voor de afwijzing is: "
        "de aanvraag is niet binnen de nareistermijn van drie maanden ingediend.",
    ) in paragraphs
    assert ("Normal", "Wij baseren deze beslissing op art. 29c lid 1 Vw.") in paragraphs
    assert (
        "Quote",
        "Toelichting van de medewerker die uw aanvraag beoordeelt: "
        "De referent heeft geen stukken overgelegd die de vertraging verklaren.",
    ) in paragraphs
    assert ("Heading 2", "Bent u het niet eens met deze beslissing?") in paragraphs


def test_docx_keeps_a_script_name_as_text_in_valid_xml() -> None:
    data = render_document(sample(), "beschikking", "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml")
    ElementTree.fromstring(xml)  # well-formed
    assert b"<script>" not in xml
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert ("Heading 2", "<script>alert(1)</script>, geboren op 1 juni 2015") in docx_paragraphs(data)
    assert b"{{" not in xml and b"{%" not in xml


def test_docx_herstelverzuim_and_note() -> None:
    letter = docx_paragraphs(render_document(sample(), "herstelverzuim", "docx"))
    assert ("List Bullet", "een ondertekende antecedentenverklaring") in letter
    assert any(
        text.startswith("Stuur de gegevens en documenten uiterlijk op 21 december 2026.")
        for _, text in letter
    )
    import docx

    note = docx.Document(io.BytesIO(render_document(sample(), "beslisnotitie", "docx")))
    rows = [[cell.text for cell in row.cells] for table in note.tables for row in table.rows]
    assert [
        "1",
        "2.2-04",
        "Nareistermijn",
        "H2_algemene_voorwaarden.xlsx, Nareistermijn, rij 12",
        "§2.2; art. 29c lid 1 Vw",
        "datum_indiening = 2026-08-20; status_referent = vluchteling",
        "grond_nareistermijn = ja",
    ] in rows
    assert [
        "echtgenote",
        "S. Tesfay",
        "echtgenoot",
        "afwijzen",
        "nareistermijn",
        "Ambtshalve toets aan artikel 8 EVRM",
    ] in rows
