"""Coverage of WI 2026/11: the rule rows citing each paragraph, paragraphs without rules, rows no scenario fires."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from engine.model import RuleBase

# The paragraphs of WI 2026/11 (valid 12-06-2026 to 12-06-2027): its table of contents plus the numbered
# subsections of §2.3 that the text has but the table of contents leaves out.
PARAGRAPHS: tuple[tuple[str, str], ...] = (
    ("Inleiding", "Inleiding (kerngezinsleden, peilmoment, toetsingskader)"),
    ("1", "Het indienen van een nareisaanvraag"),
    ("1.1", "Aanvraagformulier"),
    ("1.2", "Beslistermijn"),
    ("1.3", "Herstel verzuim-brief"),
    ("1.4", "Documenten"),
    ("1.4.1", "Pasfoto"),
    ("1.4.2", "Antecedentenverklaring"),
    ("1.4.3", "Vertalingen"),
    ("2", "Algemene voorwaarden van een nareisaanvraag"),
    ("2.1", "Zelfstandige asielvergunning"),
    ("2.2", "Nareistermijn"),
    ("2.3", "Aanvullende voorwaarden als referent een subsidiaire beschermingsstatus heeft"),
    ("2.3.1", "De referent moet zelfstandig en duurzaam beschikken over voldoende middelen van bestaan"),
    ("2.3.2", "De referent moet beschikken over huisvesting"),
    ("2.4", "Nareiscategorieën"),
    ("2.5", "Identiteit en familierechtelijke relatie"),
    ("2.6", "Feitelijke gezinsband"),
    ("2.7", "Ambtshalve toets artikel 8 EVRM"),
    ("2.8", "Bestendig verblijf"),
    ("2.9", "1F, nationale veiligheid en openbare orde"),
    ("3", "Biologisch kerngezin"),
    ("3.1", "Toetsingsvolgorde"),
    ("3.1.1", "Feitelijke gezinsband verbroken"),
    ("3.1.2", "Toestemmingsverklaring"),
    ("3.2", "Huwelijk"),
    ("3.2.1", "Polygamie"),
    ("3.2.2", "Kind-huwelijk"),
    ("4", "Referent is een niet-begeleide minderjarige"),
    ("4.1", "Toetsingsvolgorde"),
    ("4.2", "Niet-begeleid"),
    ("4.3", "Minderjarig"),
    ("4.4", "Nareis op nareis niet-begeleide minderjarige"),
    ("4.5", "Lange behandelduur nbm-zaak"),
    ("5", "Overig"),
    ("5.1", "Turkse Kimlik"),
    ("5.2", "Resettlement Registration Form (RRF)"),
    ("5.3", "Mvv afgiftetermijn"),
    ("5.4", "LP afgifte"),
    ("5.5", "Opvolgende aanvraag"),
    ("5.6", "Niet tijdens de asielprocedure genoemde gezinsleden"),
    ("5.7", "Nareis op nareis"),
    ("5.8", "Buiten behandeling stellen"),
)

_CITATION = re.compile(r"§\s*(\d+(?:\.\d+)*)")


def cited_paragraphs(source: str) -> list[str]:
    """The WI paragraphs a Bron cell cites: `§2.2; art. 29c lid 1 Vw` cites 2.2; `Inleiding` cites the introduction."""
    found = _CITATION.findall(source)
    if "inleiding" in source.lower():
        found.append("Inleiding")
    return found


@dataclass(frozen=True)
class ParagraphCoverage:
    paragraph: str
    title: str
    rules: tuple[str, ...]  # rule ids (and calculated facts) citing it
    reason: str  # from a Geen regels sheet, when there are no rules on purpose

    @property
    def covered(self) -> bool:
        return bool(self.rules or self.reason)


def paragraph_coverage(rule_base: RuleBase) -> list[ParagraphCoverage]:
    citing: dict[str, list[str]] = {p: [] for p, _ in PARAGRAPHS}
    for table in rule_base.tables:
        for rule in table.rules:
            for paragraph in cited_paragraphs(rule.source):
                citing.setdefault(paragraph, []).append(rule.rule_id)
    for calculation in rule_base.calculations:
        for paragraph in cited_paragraphs(calculation.source):
            citing.setdefault(paragraph, []).append(calculation.fact)
    reasons: dict[str, str] = {}
    for reason in rule_base.no_rules:
        for paragraph in cited_paragraphs(reason.paragraph) or [reason.paragraph.strip()]:
            reasons[paragraph] = reason.reason
    titles = dict(PARAGRAPHS)
    return [
        ParagraphCoverage(p, titles.get(p, "(not in the WI's table of contents)"), tuple(citing[p]), reasons.get(p, ""))
        for p in citing
    ]


def unfired_rules(rule_base: RuleBase, fired: Iterable[str]) -> list[str]:
    """Rule ids that no scenario fires, in table order."""
    seen = set(fired)
    return [rule.rule_id for table in rule_base.tables for rule in table.rules if rule.rule_id not in seen]
