"""Documents of the sample decision: applicability, escaping, traceability and the content of each letter."""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from golden.goldenlib import pdf_text

from engine.errors import NareisError
from renderers.documents import DOCUMENTS, DocumentNotApplicable, applicable_documents, render_document

SAMPLE = Path(__file__).parent.parent / "renderers" / "samples" / "decision_example.json"


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


def test_html_escapes_a_script_name() -> None:
    html = render_document(sample(), "beschikking", "html").decode("utf-8")
    assert "<script>" not in html
    assert "<h2>&lt;script&gt;alert(1)&lt;/script&gt;, geboren op 1 juni 2015</h2>" in html
    assert (
        "Voor &lt;script&gt;alert(1)&lt;/script&gt; ontbreekt een ondertekende antecedentenverklaring."
        in html
    )
    assert "Wij beslissen nu nog niet over de aanvraag voor &lt;script&gt;alert(1)&lt;/script&gt;." in html


def test_markdown_escapes_a_script_name() -> None:
    md = render_document(sample(), "beslisnotitie", "md").decode("utf-8")
    assert "<script>" not in md
    assert "| kind1 | \\<script\\>alert(1)\\</script\\> | kind | herstel verzuim | – | – |" in md
    assert "## \\<script\\>alert(1)\\</script\\> (kind1): herstel verzuim" in md


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
    assert "Wij baseren deze beslissing op artikel 29c lid 1 van de Vreemdelingenwet 2000.</p>" in html
    visible = re.sub(r"<[^>]*>", "", html)
    assert "§" not in visible
    assert "werkinstructie" not in visible and "WI 2026" not in visible


def test_a_caseworker_note_goes_to_the_beslisnotitie_only() -> None:
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][1]["gematcht"]["termijnoverschrijding_verschoonbaar"] = "nee"
    note = "De referent heeft geen stukken overgelegd die de vertraging verklaren."
    assert note not in render_document(decision, "beschikking", "html").decode("utf-8")
    beslisnotitie = render_document(decision, "beslisnotitie", "md").decode("utf-8")
    assert f"| E-01; §2.2 | {note}; feit: termijnoverschrijding_verschoonbaar |" in beslisnotitie


def test_a_note_marked_for_the_letter_sits_with_the_rule_that_read_its_fact() -> None:
    decision = sample()
    member = decision["gezinsleden"][0]
    member["gevuurde_regels"][1]["gematcht"]["termijnoverschrijding_verschoonbaar"] = "nee"
    member["toelichtingen"] = {"in_brief:termijnoverschrijding_verschoonbaar": "U stuurde geen stukken."}
    html = render_document(decision, "beschikking", "html").decode("utf-8")
    assert (
        '<p class="motivering" data-regel="E-01" data-bron="§2.2">De overschrijding van de termijn is niet '
        'verschoonbaar.</p>\n<blockquote class="toelichting" data-feit="termijnoverschrijding_verschoonbaar">'
        "U stuurde geen stukken.</blockquote>"
    ) in html
    note = render_document(decision, "beslisnotitie", "md").decode("utf-8")
    assert "| E-01; §2.2 ✓ | U stuurde geen stukken.; feit: termijnoverschrijding_verschoonbaar |" in note


def test_a_motivation_outside_its_toon_bij_stays_out_of_the_letter_but_not_out_of_the_note() -> None:
    decision = sample()
    decision["gezinsleden"][0]["gevuurde_regels"][0]["in_brief"] = False
    html = render_document(decision, "beschikking", "html").decode("utf-8")
    assert "U heeft de aanvraag op 20 augustus 2026 ingediend." not in html
    note = render_document(decision, "beslisnotitie", "md").decode("utf-8")
    assert "| 2.2-04 ✗; §2.2 | U heeft de aanvraag op 20 augustus 2026 ingediend." in note


def test_grant_says_what_happens_next_once_for_the_whole_letter() -> None:
    decision = with_outcomes("inwilligen", "inwilligen")
    decision["aanvraag"]["feiten"]["mvv_afgiftetermijn_duur"] = "P3M"
    decision["aanvraag"]["feiten"]["mvv_geldigheidsduur"] = "P90D"
    decision["gezinsleden"][1]["feiten"]["naam"] = "Y. Haile"
    decision["gezinsleden"][1]["feiten"]["oordeel_lp"] = "lp_aanvragen"
    md = render_document(decision, "beschikking", "md").decode("utf-8")
    assert md.count("## Wat gebeurt er nu?") == 1
    assert (
        "- \\<script\\>alert(1)\\</script\\> en Y. Haile halen de mvv op bij de Nederlandse ambassade in "
        "Addis Abeba. Maak daarvoor eerst een afspraak bij de ambassade.\n"
        "- De mvv moet worden opgehaald binnen drie maanden na de datum van deze brief, dus uiterlijk op "
        "23 februari 2027.\n"
    ) in md
    assert "- Y. Haile heeft geen geldig paspoort. Vraag bij de ambassade daarom ook een laissez-passer aan" in md
    assert "- \\<script\\>alert(1)\\</script\\>: neem een pasfoto en een geldig paspoort mee" in md
    assert "- De mvv is 90 dagen geldig." in md
    assert "zich binnen drie dagen bij de IND in Ter Apel" in md


def test_an_extended_mvv_term_reads_the_same_everywhere() -> None:
    decision = with_outcomes("inwilligen")
    decision["aanvraag"]["feiten"].update(
        mvv_afgiftetermijn_duur="P6M", mvv_afgiftetermijn_einde="2027-05-23", vertegenwoordiging_gesloten="ja"
    )
    md = render_document(decision, "beschikking", "md").decode("utf-8")
    assert "binnen zes maanden na de datum van deze brief, dus uiterlijk op 23 mei 2027." in md
    assert "drie maanden" not in md


def test_a_member_who_has_no_passport_in_the_country_of_origin_is_not_told_to_bring_one_for_a_laissez_passer() -> (
    None
):
    decision = with_outcomes("inwilligen")
    decision["gezinsleden"][0]["feiten"]["oordeel_lp"] = "geen_lp_in_land_van_herkomst"
    md = render_document(decision, "beschikking", "md").decode("utf-8")
    assert "Daar kan de ambassade geen laissez-passer en zonder paspoort geen mvv geven." in md
    assert "Vraag bij de ambassade daarom ook een laissez-passer aan" not in md


def test_every_beschikking_has_the_legal_remedy_clause_and_the_mandate() -> None:
    for decision in (sample(), with_outcomes("inwilligen")):
        md = render_document(decision, "beschikking", "md").decode("utf-8")
        assert (
            "Dan kunt u bezwaar maken. Stuur uw bezwaar binnen vier weken na de datum van deze brief "
            "(artikel 69 lid 1 van de Vreemdelingenwet 2000)."
        ) in md
        assert "6:7" not in md
        assert "voorlopige voorziening (artikel 8:81 van de Algemene wet bestuursrecht)" in md
        assert "Immigratie- en Naturalisatiedienst  \nPostbus 17  \n9560 AA Ter Apel" in md
        assert "De Minister van Asiel en Migratie,  \nnamens deze,  \nde Immigratie- en Naturalisatiedienst" in md
        assert "| Ons kenmerk | IND-2026-004711 |" in md and "| Contact | 088 043 04 30 · ind.nl |" in md


def test_buiten_behandeling_stands_alone_with_article_4_5_awb() -> None:
    decision = with_outcomes("buiten_behandeling")
    member = decision["gezinsleden"][0]
    for rule in member["gevuurde_regels"]:
        rule["in_brief"] = False
    md = render_document(decision, "beschikking", "md").decode("utf-8")
    section = md[md.index("## \\<script"): md.index("## Wat gebeurt er nu?")]
    assert section.endswith(
        "Beslissing: wij nemen de aanvraag voor \\<script\\>alert(1)\\</script\\> niet in behandeling.\n\n"
        "Wij baseren deze beslissing op artikel 4:5 van de Algemene wet bestuursrecht.\n\n"
    )
    assert "Dien dan een nieuwe aanvraag in met het officiële aanvraagformulier" in md


def test_an_art_4_6_refusal_gives_only_its_own_basis() -> None:
    decision = with_outcomes("afwijzen_art_4_6")
    md = render_document(decision, "beschikking", "md").decode("utf-8")
    assert "Beslissing: wij wijzen de aanvraag af." in md
    assert "Wij baseren deze beslissing op artikel 4:6 lid 2 van de Algemene wet bestuursrecht." in md
    assert "Bent u het niet eens met deze beslissing?" in md
    assert "Wij wijzen de aanvraag af, omdat:" not in md


def test_a_deceased_member_gets_no_next_steps() -> None:
    decision = with_outcomes("afwijzen", "inwilligen")
    decision["gezinsleden"][0]["feiten"].update(overleden_tijdens_procedure="ja", naam="H. Ghebre")
    decision["gezinsleden"][0]["feiten"]["oordeel_lp"] = "lp_aanvragen"
    md = render_document(decision, "beschikking", "md").decode("utf-8")
    assert "Wij hebben gehoord dat H. Ghebre is overleden. Dat spijt ons zeer." in md
    next_steps = md[md.index("## Wat gebeurt er nu?") :]
    assert "H. Ghebre" not in next_steps and "laissez-passer" not in next_steps


def test_a_minor_nbm_referent_gets_the_letter_through_the_guardian() -> None:
    decision = sample()
    decision["referent"]["feiten"].update(referent_is_nbm="ja", geboortedatum_referent="2009-11-20")
    md = render_document(decision, "beschikking", "md").decode("utf-8")
    assert "De voogd van A. Haile  \nStationsstraat 12" in md
    assert "Geachte voogd,\n\nU bent de voogd van A. Haile." in md
    decision["referent"]["feiten"]["geboortedatum_referent"] = "2008-11-20"  # 18 on the day of the letter
    assert "Geachte A. Haile," in render_document(decision, "beschikking", "md").decode("utf-8")


def test_herstelverzuim_reply_term_comes_from_the_decision() -> None:
    decision = sample()
    decision["aanvraag"]["feiten"]["herstel_verzuim_reactiedatum"] = "2026-12-07"
    md = render_document(decision, "herstelverzuim", "md").decode("utf-8")
    assert "uiterlijk op **7 december 2026**. U heeft daarvoor twee weken de tijd." in md
    del decision["aanvraag"]["feiten"]["herstel_verzuim_reactiedatum"]
    with pytest.raises(NareisError, match=r"^herstel_verzuim_reactiedatum is unknown"):
        render_document(decision, "herstelverzuim", "md")


def test_herstelverzuim_cites_the_law_not_the_wi_and_keeps_the_pause_sentence_unless_the_term_expired() -> None:
    decision = sample()
    decision["gezinsleden"][1]["gevuurde_regels"][0]["bron"] = "§1.4.2; art. 4:5 Awb; B1/3.3.2 Vc"
    md = render_document(decision, "herstelverzuim", "md").decode("utf-8")
    assert "werkinstructie" not in md and "§" not in md.replace("bron=§", "")
    assert (
        "Wij vragen dit op grond van artikel 4:5 van de Algemene wet bestuursrecht en paragraaf B1/3.3.2 van de "
        "Vreemdelingencirculaire 2000."
    ) in md
    assert "staat de termijn waarin wij moeten beslissen stil." in md
    decision["aanvraag"]["feiten"]["beslistermijn_verstreken_bij_herstel_verzuim"] = "ja"
    assert "stil." not in render_document(decision, "herstelverzuim", "md").decode("utf-8")


def test_herstelverzuim_for_a_missing_form_warns_of_buiten_behandeling() -> None:
    decision = sample()
    decision["gezinsleden"][1]["feiten"]["herstel_verzuim_punten"] = ["aanvraagformulier"]
    assert "niet in behandeling" not in render_document(decision, "herstelverzuim", "md").decode("utf-8")
    decision["aanvraag"]["feiten"]["aanvraagformulier"] = "brief"
    md = render_document(decision, "herstelverzuim", "md").decode("utf-8")
    assert "- een volledig ingevuld en ondertekend aanvraagformulier\n" in md
    assert "Dan nemen wij de aanvraag niet in behandeling." in md


def test_herstelverzuim_asks_a_point_about_the_referent_once() -> None:
    decision = with_outcomes("herstel_verzuim", "herstel_verzuim")
    for member in decision["gezinsleden"]:
        member["feiten"]["herstel_verzuim_punten"] = ["middelen_van_bestaan", "antecedentenverklaring"]
        member["gevuurde_regels"][0]["gezet"] = {"herstel_verzuim_punten_h2": ["middelen_van_bestaan"]}
        member["gevuurde_regels"][0]["motivering"] = "U heeft niet aangetoond dat uw inkomen duurzaam is."
    md = render_document(decision, "herstelverzuim", "md").decode("utf-8")
    assert md.count("bewijs dat u zelf genoeg inkomen heeft") == 1
    assert md.count("U heeft niet aangetoond dat uw inkomen duurzaam is.") == 1
    assert md.count("- een ondertekende verklaring over strafbare feiten (antecedentenverklaring)") == 2


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
        "Beslissing: wij wijzen de aanvraag af. S. Tesfay krijgt geen machtiging tot voorlopig verblijf (mvv).",
    ) in paragraphs
    assert ("List Bullet", "de aanvraag is te laat gedaan.") in paragraphs
    assert ("Normal", "Wij baseren deze beslissing op artikel 29c lid 1 van de Vreemdelingenwet 2000.") in paragraphs
    assert ("Heading 2", "Bent u het niet eens met deze beslissing?") in paragraphs


def test_docx_has_page_numbers_and_keeps_headings_with_the_next_paragraph() -> None:
    import docx

    document = docx.Document(io.BytesIO(render_document(sample(), "beslisnotitie", "docx")))
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert all(document.styles[f"Heading {level}"].paragraph_format.keep_with_next for level in (1, 2, 3))
    with zipfile.ZipFile(io.BytesIO(render_document(sample(), "beslisnotitie", "docx"))) as archive:
        xml = archive.read("word/document.xml")
    assert b"<w:noWrap/>" in xml and b"<w:tblHeader/>" in xml


@pytest.mark.parametrize("document", DOCUMENTS)
def test_word_and_pdf_carry_the_same_text_as_the_html(document: str) -> None:
    from renderers import blocks

    decision = sample()
    expected = blocks.plain_text(blocks.parse(render_document(decision, document, "html").decode("utf-8")))
    import docx

    word = docx.Document(io.BytesIO(render_document(decision, document, "docx")))

    def text_of(element: Any) -> str:
        return "".join(
            (node.text or "") if node.tag.endswith("}t") else " " if node.tag.endswith("}br") else ""
            for node in element.iter()
        )

    lines = []
    for child in word.element.body.iterchildren():
        if child.tag.endswith("}p"):
            lines.append(text_of(child))
        elif child.tag.endswith("}tbl"):
            lines.extend(
                " ".join(text_of(cell) for cell in row.iterchildren() if cell.tag.endswith("}tc"))
                for row in child.iterchildren()
                if row.tag.endswith("}tr")
            )
    assert " ".join(" ".join(lines).split()) == " ".join(expected.split())
    pdf = "".join(pdf_text(render_document(decision, document, "pdf")).split())  # narrow cells break long words
    assert [word for word in expected.split() if word not in pdf] == []


def test_docx_keeps_a_script_name_as_text_in_valid_xml() -> None:
    data = render_document(sample(), "beschikking", "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml")
    ElementTree.fromstring(xml)  # well-formed
    assert b"<script>" not in xml
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert ("Heading 2", "<script>alert(1)</script>, geboren op 1 juni 2015") in docx_paragraphs(data)


def test_docx_herstelverzuim_and_note() -> None:
    letter = docx_paragraphs(render_document(sample(), "herstelverzuim", "docx"))
    assert ("List Bullet", "een ondertekende verklaring over strafbare feiten (antecedentenverklaring)") in letter
    assert any(
        text.startswith("Stuur de gegevens en documenten uiterlijk op 21 december 2026.") for _, text in letter
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
        "datum_indiening = 2026-08-20\nstatus_referent = vluchteling",
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
