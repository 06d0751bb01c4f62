"""Checks on the letters a decision produces: what `nareis check` runs for every scenario (issue 7 §3).

A letter carries a motivation only where its row's `Toon bij` test held (`in_brief`), a refusal never asks for
documents, and no letter cites the WI (its paragraphs and rule ids belong in the beslisnotitie). All are checked on
the rendered text, so a template that slips a sentence in is caught too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.errors import NareisError
from renderers import blocks
from renderers.context import REFUSALS, with_paragraphs
from renderers.documents import applicable_documents, render_html

# What a request for documents or information looks like in a letter (B1 wording of the templates and the rows).
REQUEST = re.compile(
    r"\b(stuur|stuurt u|stuur ons|wilt u .{0,40}(sturen|opsturen)|vragen wij u|moet u nog|"
    r"kunt u .{0,60}aan ons sturen|tot en met .{0,30} aan ons sturen)\b",
    re.IGNORECASE,
)


# A letter cites the law, never the WI (it is no policy rule): not its name or number, chapters, paragraphs ("§2.2",
# "paragraaf 3.2"; a Vc paragraph such as "paragraaf C5/1.2" starts with a letter and is law) or rule ids ("2.2-03").
# A sentence ends at a full stop followed by a space, so "3.2" stays in it.
WI_CITATION = re.compile(
    r"(?:[^.\n]|\.(?=\S))*(werkinstructie|\bWI\b|hoofdstuk \d|paragraaf \d|§|\b(?:\d+(?:\.\d+)*|E)-\d{2}\b)"
    r"(?:[^.\n]|\.(?=\S))*\.?",
    re.IGNORECASE,
)


class LetterError(NareisError):
    """A letter says something its decision does not carry."""


def check_letters(decision: Mapping[str, Any]) -> None:
    """Render every letter of a decision (its JSON form) and raise LetterError at the first thing wrong with it."""
    decided = with_paragraphs(decision)  # also fails on a motivation that cannot be rendered
    problems: list[str] = []
    for document in applicable_documents(decision):
        if document == "beslisnotitie":
            continue
        sections = _member_sections(render_html(decision, document))
        for member in decided["gezinsleden"]:
            text = sections.get(member["id"], "")
            for paragraph in member["motiveringen"]:
                if not paragraph["in_brief"] and paragraph["tekst"] and paragraph["tekst"] in text:
                    problems.append(
                        f"{document}, {member['id']}: the motivation of rule {paragraph['regel']} is in the letter, "
                        f"but its Toon bij test does not hold for uitkomst = {member['feiten'].get('uitkomst')}"
                    )
            if document == "beschikking" and member["feiten"].get("uitkomst") in REFUSALS:
                request = REQUEST.search(text)
                if request:
                    problems.append(
                        f"{document}, {member['id']}: a refusal asks for documents or information: "
                        f'"{_sentence(text, request.start())}"'
                    )
    problems.extend(
        f'{document}: the letter cites the WI instead of the law: "{sentence}"'
        for document, sentence in _wi_citations(decision)
    )
    if problems:
        raise LetterError("; ".join(problems))


def _member_sections(html: str) -> dict[str, str]:
    """The visible text of each member's section of a letter, by member id."""
    result = {}
    for match in re.finditer(r'<section class="gezinslid" data-gezinslid="([^"]*)"[^>]*>(.*?)</section>', html, re.S):
        result[match.group(1)] = blocks.plain_text(blocks.parse(match.group(2)))
    return result


def _sentence(text: str, index: int) -> str:
    start = max(text.rfind(". ", 0, index) + 2, text.rfind("\n", 0, index) + 1, 0)
    end = text.find(".", index)
    return text[start : end + 1 if end >= 0 else len(text)].strip()


def wi_citations(decision: Mapping[str, Any]) -> list[str]:
    """Sentences of a decision's letters that cite the WI (its name, chapters, paragraphs or rule ids) instead of the
    law. Only the beslisnotitie may name them; check_letters fails on every one."""
    return list(dict.fromkeys(sentence for _, sentence in _wi_citations(decision)))


def _wi_citations(decision: Mapping[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for document in applicable_documents(decision):
        if document != "beslisnotitie":
            text = blocks.plain_text(blocks.parse(render_html(decision, document)))
            found.extend((document, match.group(0).strip()) for match in WI_CITATION.finditer(text))
    return list(dict.fromkeys(found))
