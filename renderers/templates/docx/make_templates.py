"""One-off builder of the Word layouts (docxtpl templates) beside this file; then edit the .docx in Word.

Run `python renderers/templates/docx/make_templates.py` only to start over: it overwrites the .docx files.
Jinja tags follow docxtpl: `{%p ... %}` alone in a paragraph, `{%tr ... %}` alone in a table row.
"""



from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).parent
BLUE = RGBColor(0x15, 0x42, 0x73)

Block = tuple[str, str] | tuple[str, str, list[str], list[str]]

HEADER = [
    ("sender", "Immigratie- en Naturalisatiedienst"),
    ("tag", '{%p import "_labels.j2" as labels %}'),
]
ADDRESS = [
    ("Normal", "{{ referent.naam|naam }}"),
    ("tag", "{%p for regel in referent.adres_regels %}"),
    ("Normal", "{{ regel }}"),
    ("tag", "{%p endfor %}"),
    ("Normal", ""),
    ("Normal", "Datum: {{ beslisdatum|datum }}"),
    ("Normal", "Ons kenmerk: {{ zaaknummer }}"),
    ("Normal", "Onderwerp: {{ onderwerp }}"),
    ("Normal", ""),
    ("Normal", "Geachte {{ referent.naam|naam }},"),
]
SIGNATURE = [
    ("Normal", ""),
    (
        "Normal",
        "Heeft u vragen over deze brief? Neem dan contact op met de IND. "
        "Vermeld daarbij ons kenmerk {{ zaaknummer }}.",
    ),
    ("Normal", "Met vriendelijke groet,"),
    ("Normal", "de Immigratie- en Naturalisatiedienst (IND)"),
]
MEMBER_HEADING = (
    "Heading 2",
    "{{ lid.naam|naam }}{% if lid.geboortedatum %}, geboren op {{ lid.geboortedatum|datum }}{% endif %}",
)
TOELICHTING = [
    ("tag", "{%p for toelichting in motivering.toelichtingen %}"),
    ("Quote", "Toelichting van de medewerker die uw aanvraag beoordeelt: {{ toelichting.tekst }}"),
    ("tag", "{%p endfor %}"),
]

BESCHIKKING: list[Block] = [
    *HEADER,
    ("tag", '{%p set onderwerp = "Beslissing op uw aanvraag voor nareis" %}'),
    *ADDRESS,
    (
        "Normal",
        "U heeft een aanvraag gedaan voor nareis van uw gezinsleden. Wij hebben die aanvraag beoordeeld. "
        "In deze brief leest u wat wij hebben besloten en waarom. Voor ieder gezinslid staat de beslissing "
        "apart.",
    ),
    ("tag", "{%p for lid in leden %}"),
    MEMBER_HEADING,
    (
        "decision",
        '{% if lid.uitkomst == "inwilligen" %}Beslissing: wij willigen de aanvraag in. {{ lid.naam|naam }} krijgt '
        "een machtiging tot voorlopig verblijf (mvv) om naar Nederland te reizen."
        '{% elif lid.uitkomst == "afwijzen" %}Beslissing: wij wijzen de aanvraag af. {{ lid.naam|naam }} krijgt '
        "geen machtiging tot voorlopig verblijf (mvv)."
        '{% elif lid.uitkomst == "buiten_behandeling" %}Beslissing: wij nemen de aanvraag niet in behandeling.'
        '{% elif lid.uitkomst == "herstel_verzuim" %}Wij beslissen nog niet. Er ontbreken nog gegevens. '
        "Daarover krijgt u een aparte brief."
        '{% elif lid.uitkomst == "nader_onderzoek" %}Wij beslissen nog niet. Wij doen eerst nader onderzoek. '
        "Wij laten u weten wat u daarvoor moet doen."
        "{% else %}Wij beslissen nog niet. U hoort later van ons wanneer wij verder gaan met de aanvraag."
        "{% endif %}",
    ),
    ("tag", "{%p if lid.motiveringen or lid.losse_toelichtingen or lid.afwijzingsgronden %}"),
    ("Heading 3", "Waarom?"),
    ("tag", "{%p for motivering in lid.motiveringen %}"),
    ("Normal", "{{ motivering.tekst }}"),
    *TOELICHTING,
    ("tag", "{%p endfor %}"),
    ("tag", "{%p for toelichting in lid.losse_toelichtingen %}"),
    ("Quote", "Toelichting van de medewerker die uw aanvraag beoordeelt: {{ toelichting.tekst }}"),
    ("tag", "{%p endfor %}"),
    ("tag", "{%p if lid.afwijzingsgronden %}"),
    (
        "Normal",
        "{% if lid.afwijzingsgronden|length == 1 %}De grond voor de afwijzing is: {% else %}De gronden "
        "voor de afwijzing zijn: {% endif %}{% for grond in lid.afwijzingsgronden %}"
        "{{ grond|label(labels.afwijzingsgronden) }}{% if not loop.last %}; {% endif %}{% endfor %}.",
    ),
    ("tag", "{%p endif %}"),
    ("tag", "{%p for grondslag in lid.grondslagen %}"),
    ("Normal", "Wij baseren deze beslissing op {{ grondslag.tekst }}."),
    ("tag", "{%p endfor %}"),
    ("tag", "{%p endif %}"),
    ("tag", '{%p if lid.uitkomst == "inwilligen" %}'),
    ("Heading 3", "Wat gebeurt er nu?"),
    (
        "List Bullet",
        "{{ lid.naam|naam }} haalt de mvv op bij de Nederlandse ambassade{% if lid.ambassade %} in "
        "{{ lid.ambassade }}{% else %} die op het aanvraagformulier staat{% endif %}. Dat moet binnen "
        'drie maanden na deze beslissing{% if aanvraag.get("mvv_afgiftetermijn_einde") %}, dus '
        "uiterlijk op {{ aanvraag.mvv_afgiftetermijn_einde|datum }}{% endif %}. Maak hiervoor eerst "
        "een afspraak bij de ambassade.",
    ),
    (
        "List Bullet",
        "Neem een pasfoto en een paspoort mee. Het paspoort moet nog minstens zes maanden geldig zijn.",
    ),
    (
        "List Bullet",
        "De mvv is 90 dagen geldig. Binnen die 90 dagen moet {{ lid.naam|naam }} naar Nederland "
        "reizen. Deze termijn kan niet worden verlengd.",
    ),
    (
        "List Bullet",
        "Na aankomst in Nederland meldt {{ lid.naam|naam }} zich binnen drie dagen bij de IND in Ter "
        "Apel. Woont u in een eigen woning waar {{ lid.naam|naam }} ook kan wonen? Dan meldt "
        "{{ lid.naam|naam }} zich na aankomst op afspraak in Zevenaar. U maakt die afspraak online "
        "zodra de reis is geboekt.",
    ),
    ("List Bullet", "Wordt de mvv niet op tijd opgehaald? Dan moet u een nieuwe aanvraag doen."),
    ("tag", "{%p endif %}"),
    ("tag", "{%p endfor %}"),
    (
        "tag",
        '{%p set bezwaar = leden|selectattr("uitkomst", "in", ["afwijzen", "buiten_behandeling"])|list %}',
    ),
    ("tag", "{%p if bezwaar %}"),
    ("Heading 2", "Bent u het niet eens met deze beslissing?"),
    (
        "Normal",
        "Dan kunt u bezwaar maken tegen de beslissing over {% for lid in bezwaar %}{{ lid.naam|naam }}"
        "{% if loop.revindex == 2 %} en {% elif not loop.last %}, {% endif %}{% endfor %}. Stuur uw "
        "bezwaar binnen vier weken na de datum van deze brief naar de IND (artikel 6:7 Algemene wet "
        "bestuursrecht).",
    ),
    ("Normal", "Zet in uw bezwaar:"),
    ("List Bullet", "uw naam en adres;"),
    ("List Bullet", "de datum;"),
    ("List Bullet", "ons kenmerk: {{ zaaknummer }};"),
    ("List Bullet", "waarom u het niet eens bent met de beslissing;"),
    ("List Bullet", "uw handtekening."),
    ("Normal", "Een advocaat of een medewerker van VluchtelingenWerk Nederland kan u helpen."),
    ("tag", "{%p endif %}"),
    *SIGNATURE,
]

HERSTELVERZUIM: list[Block] = [
    *HEADER,
    ("tag", '{%p set onderwerp = "Uw aanvraag voor nareis is nog niet compleet (herstel verzuim)" %}'),
    *ADDRESS,
    (
        "Normal",
        "U heeft een aanvraag gedaan voor nareis van uw gezinsleden. Wij hebben uw aanvraag bekeken. Er "
        "ontbreken nog gegevens of documenten. Zonder deze gegevens kunnen wij niet goed beslissen. In deze "
        "brief leest u wat u nog moet sturen of uitleggen.",
    ),
    ("tag", "{%p for lid in herstel_leden %}"),
    MEMBER_HEADING,
    ("tag", "{%p if lid.herstel_verzuim_punten %}"),
    ("Heading 3", "Wat moet u nog sturen of uitleggen?"),
    ("tag", "{%p for punt in lid.herstel_verzuim_punten %}"),
    ("List Bullet", "{{ punt|label(labels.herstelpunten) }}"),
    ("tag", "{%p endfor %}"),
    ("tag", "{%p endif %}"),
    ("tag", "{%p if lid.herstel_motiveringen %}"),
    ("Heading 3", "Waarom hebben wij dit nodig?"),
    ("tag", "{%p for motivering in lid.herstel_motiveringen %}"),
    (
        "Normal",
        "{{ motivering.tekst }}{% if motivering.paragraaf %} (werkinstructie WI 2026/11, {{ motivering.paragraaf }}"
        "{% if motivering.grondslag %}; {{ motivering.grondslag }}{% endif %}){% endif %}",
    ),
    *TOELICHTING,
    ("tag", "{%p endfor %}"),
    ("tag", "{%p endif %}"),
    ("tag", "{%p endfor %}"),
    ("Heading 2", "Wanneer moet u reageren?"),
    (
        "Normal",
        "Stuur de gegevens en documenten uiterlijk op {{ reactiedatum|datum }}. U heeft daarvoor vier "
        "weken de tijd. Zet ons kenmerk {{ zaaknummer }} op alles wat u stuurt. Zolang wij op uw reactie "
        "wachten, staat de termijn waarin wij moeten beslissen stil.",
    ),
    ("Heading 2", "Wat gebeurt er als u niet op tijd reageert?"),
    (
        "Normal",
        "Dan beslissen wij op de aanvraag met de gegevens die wij al hebben. Wij wegen daarbij mee dat u "
        "niet heeft gereageerd. Dat kan betekenen dat wij de aanvraag afwijzen.",
    ),
    ("tag", "{%p if formulier_ontbreekt %}"),
    (
        "Normal",
        "Het aanvraagformulier ontbreekt nog. Stuurt u niet op tijd een volledig ingevuld en ondertekend "
        "aanvraagformulier? Dan nemen wij de aanvraag niet in behandeling.",
    ),
    ("tag", "{%p endif %}"),
    (
        "Normal",
        "Heeft u meer tijd nodig? Neem dan contact op met de IND vóór de datum hierboven. Medewerkers van "
        "VluchtelingenWerk Nederland kunnen u helpen.",
    ),
    *SIGNATURE,
]

RULES_TABLE = (
    "table",
    "{%tr for regel in lid.regels %}",
    ["#", "Regel", "Tabel", "Werkboek, blad, rij", "Bron", "Gematcht", "Gezet"],
    [
        "{{ regel.volgorde }}",
        "{{ regel.regel }}",
        "{{ regel.tabel }}",
        "{{ regel.werkboek }}, {{ regel.blad }}, rij {{ regel.rij }}",
        "{{ regel.bron }}",
        "{% for feit, waarde in regel.gematcht %}{{ feit }} = {{ waarde|waarde }}{% if not loop.last %}; "
        "{% endif %}{% endfor %}",
        "{% for feit, waarde in regel.gezet %}{{ feit }} = {{ waarde|waarde }}{% if not loop.last %}; "
        "{% endif %}{% endfor %}",
    ],
)

BESLISNOTITIE: list[Block] = [
    *HEADER,
    ("Title", "Beslisnotitie nareisaanvraag {{ zaaknummer }}"),
    ("Normal", "Zaak: {{ zaaknummer }}"),
    ("Normal", "Referent: {{ referent.naam|naam }}"),
    ("Normal", "Beslisdatum: {{ beslisdatum|datum }} ({{ beslisdatum }})"),
    ("Normal", "Beslistabellen: {{ tabellen_hash }}"),
    ("Heading 2", "Uitkomst per gezinslid"),
    (
        "table",
        "{%tr for lid in leden %}",
        ["Gezinslid", "Naam", "Relatie", "Uitkomst", "Afwijzingsgronden", "Vervolgacties"],
        [
            "{{ lid.id }}",
            "{{ lid.naam|naam }}",
            "{{ lid.relatie }}",
            '{{ lid.uitkomst|label(labels.uitkomsten) if lid.uitkomst else "(nog geen uitkomst)" }}',
            '{{ lid.afwijzingsgronden|waarde if lid.afwijzingsgronden else "–" }}',
            '{{ lid.vervolgacties|map("label", labels.vervolgacties)|join("; ") if lid.vervolgacties else "–" }}',
        ],
    ),
    ("tag", "{%p for lid in leden %}"),
    (
        "Heading 2",
        "{{ lid.naam|naam }} ({{ lid.id }}): {{ lid.uitkomst|label(labels.uitkomsten) if lid.uitkomst "
        'else "nog geen uitkomst" }}',
    ),
    ("Heading 3", "Gevuurde regels"),
    RULES_TABLE,
    ("tag", "{%p if lid.motiveringen %}"),
    ("Heading 3", "Motivering"),
    ("tag", "{%p for motivering in lid.motiveringen %}"),
    ("Normal", "{{ motivering.tekst }} [{{ motivering.regel }}, {{ motivering.bron }}]"),
    ("tag", "{%p endfor %}"),
    ("tag", "{%p endif %}"),
    (
        "tag",
        '{%p set toelichtingen = lid.motiveringen|map(attribute="toelichtingen")|sum(start=[]) '
        "+ lid.losse_toelichtingen %}",
    ),
    ("tag", "{%p if toelichtingen %}"),
    ("Heading 3", "Toelichting van de medewerker"),
    ("tag", "{%p for toelichting in toelichtingen %}"),
    (
        "Quote",
        "{{ toelichting.tekst }} [{{ toelichting.feit }}{% if toelichting.regel %}, {{ toelichting.regel }} "
        "{{ toelichting.paragraaf }}{% endif %}]",
    ),
    ("tag", "{%p endfor %}"),
    ("tag", "{%p endif %}"),
    ("tag", "{%p if lid.vervolgacties %}"),
    ("Heading 3", "Vervolgacties"),
    ("tag", "{%p for actie in lid.vervolgacties %}"),
    ("List Bullet", "{{ actie|label(labels.vervolgacties) }}"),
    ("tag", "{%p endfor %}"),
    ("tag", "{%p endif %}"),
    ("tag", "{%p if lid.herstel_verzuim_punten %}"),
    ("Heading 3", "Herstel verzuim"),
    ("Normal", '{{ lid.herstel_verzuim_punten|map("label", labels.herstelpunten)|join("; ") }}'),
    ("tag", "{%p endif %}"),
    ("tag", "{%p endfor %}"),
    ("Heading 2", "Termijnen"),
    ("tag", "{%p for termijn in termijnen %}"),
    ("List Bullet", "{{ termijn.feit }}: {{ termijn.waarde|datum }} (feit van de aanvraag)"),
    ("tag", "{%p endfor %}"),
    ("tag", "{%p if herstel_leden and reactiedatum_berekend %}"),
    (
        "List Bullet",
        "reactiedatum herstel verzuim: {{ reactiedatum|datum }} (beslisdatum + 4 weken, §1.3, "
        "berekend voor de brief)",
    ),
    ("tag", "{%p endif %}"),
    ("tag", "{%p for berekening in berekeningen %}"),
    (
        "List Bullet",
        "{{ berekening.wie }}: {{ berekening.feit }} = {{ berekening.waarde|waarde }} "
        "({{ berekening.formule }}; {{ berekening.bron }}; {{ berekening.werkboek }}, "
        "{{ berekening.blad }}, rij {{ berekening.rij }})",
    ),
    ("tag", "{%p endfor %}"),
    ("Heading 2", "Ontbrekende feiten"),
    ("tag", "{%p for groep in ontbrekend %}"),
    ("List Bullet", '{{ groep.wie }}: {{ groep.feiten|join(", ") }}'),
    ("tag", "{%p endfor %}"),
    ("tag", "{%p if not ontbrekend %}"),
    ("Normal", "Geen."),
    ("tag", "{%p endif %}"),
    (
        "Normal",
        "Beslisdatum {{ beslisdatum }} · beslistabellen {{ tabellen_hash }}. Deze notitie is intern; de "
        "WI-paragrafen staan hier, in de brieven alleen de wettelijke grondslag.",
    ),
]


def build(blocks: list[Block], path: Path) -> None:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    section.left_margin, section.right_margin = Mm(24), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    for block in blocks:
        style, text = block[0], block[1]
        if style == "table" and len(block) == 4:
            _table(document, text, block[2], block[3])
        elif style == "tag":
            document.add_paragraph(text)
        elif style == "sender":
            run = document.add_paragraph().add_run(text)
            run.bold, run.font.color.rgb, run.font.size = True, BLUE, Pt(11)
        elif style == "decision":
            document.add_paragraph().add_run(text).bold = True
        else:
            document.add_paragraph(text, style=style)
    document.save(str(path))


def _table(document: object, loop: str, headers: list[str], cells: list[str]) -> None:
    table = document.add_table(rows=4, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = loop
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"


if __name__ == "__main__":
    for name, blocks in (
        ("beschikking", BESCHIKKING),
        ("herstelverzuim", HERSTELVERZUIM),
        ("beslisnotitie", BESLISNOTITIE),
    ):
        build(blocks, HERE / f"{name}.docx")
        print(HERE / f"{name}.docx")
