"""Render a decision (its JSON form) into a letter or the internal note, as HTML, PDF, Word or Markdown."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from engine.errors import NareisError
from renderers import blocks
from renderers.context import FINAL_OUTCOMES, HERSTEL_VERZUIM, document_context, with_paragraphs
from renderers.environment import TEMPLATES, document_environment

DOCUMENTS = ("beschikking", "herstelverzuim", "beslisnotitie")
FORMATS = ("html", "pdf", "docx", "md")

__all__ = [
    "DOCUMENTS",
    "FORMATS",
    "DocumentNotApplicable",
    "applicable_documents",
    "render_document",
    "render_html",
    "with_paragraphs",
]


class DocumentNotApplicable(NareisError):
    """The outcome does not call for this document (a beschikking while every member awaits herstel)."""


def _outcomes(decision: Mapping[str, Any]) -> list[str]:
    return [str(member["feiten"].get("uitkomst", "")) for member in decision["gezinsleden"]]


def check_applicable(decision: Mapping[str, Any], document: str) -> None:
    """Raise DocumentNotApplicable when the decision's outcomes do not call for this document."""
    outcomes = _outcomes(decision)
    if document == "beschikking" and not any(outcome in FINAL_OUTCOMES for outcome in outcomes):
        if not outcomes:
            raise DocumentNotApplicable("No beschikking: the case has no family members.")
        if all(outcome == HERSTEL_VERZUIM for outcome in outcomes):
            raise DocumentNotApplicable(
                "No beschikking: every family member awaits herstel verzuim. Make the herstelverzuim letter."
            )
        pending = ", ".join(
            f"{member['id']}: {member['feiten'].get('uitkomst', 'no uitkomst')}"
            for member in decision["gezinsleden"]
        )
        raise DocumentNotApplicable(f"No beschikking: no family member has a decision yet ({pending}).")
    if document == "herstelverzuim" and HERSTEL_VERZUIM not in outcomes:
        raise DocumentNotApplicable(
            "No herstelverzuim letter: no family member has uitkomst herstel_verzuim."
        )


def applicable_documents(decision: Mapping[str, Any]) -> tuple[str, ...]:
    """The documents that this decision's outcomes call for, in DOCUMENTS order."""
    result = []
    for document in DOCUMENTS:
        try:
            check_applicable(decision, document)
        except DocumentNotApplicable:
            continue
        result.append(document)
    return tuple(result)


def render_document(decision: Mapping[str, Any], document: str, fmt: str) -> bytes:
    """One document of a decision (Decision.to_json()) in one format, as the bytes of the file.

    Every format comes from the same HTML template: PDF prints it, Markdown and Word are made from its blocks."""
    if document not in DOCUMENTS:
        raise NareisError(f'unknown document "{document}"; choose one of {", ".join(DOCUMENTS)}')
    if fmt not in FORMATS:
        raise NareisError(f'unknown format "{fmt}"; choose one of {", ".join(FORMATS)}')
    html = render_html(decision, document)
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return _render_pdf(html)
    parsed = blocks.parse(html)
    if fmt == "md":
        return blocks.to_markdown(parsed).encode("utf-8")
    title = f"{document} {decision['aanvraag']['feiten'].get('zaaknummer', '')}".strip()
    return blocks.to_docx(parsed, title, landscape=document == "beslisnotitie")  # wide tables of rules


def render_html(decision: Mapping[str, Any], document: str) -> str:
    """The HTML of one document: the one source of its wording."""
    check_applicable(decision, document)
    template = document_environment("html").get_template(f"{document}.html.j2")
    return template.render(document_context(decision))


def _render_pdf(html: str) -> bytes:
    with warnings.catch_warnings():
        # WeasyPrint warns at import when libharfbuzz-subset is missing; its PDFs are correct without it.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        from weasyprint import HTML  # heavy import, only when a PDF is asked for

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
