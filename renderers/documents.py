"""Render a decision (its JSON form) into a letter or the internal note, as HTML, PDF, Word or Markdown."""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Mapping
from typing import Any

from engine.errors import NareisError
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
    """One document of a decision (Decision.to_json()) in one format, as the bytes of the file."""
    if document not in DOCUMENTS:
        raise NareisError(f'unknown document "{document}"; choose one of {", ".join(DOCUMENTS)}')
    if fmt not in FORMATS:
        raise NareisError(f'unknown format "{fmt}"; choose one of {", ".join(FORMATS)}')
    check_applicable(decision, document)
    context = document_context(decision)
    if fmt == "md":
        return re.sub(r"\n{3,}", "\n\n", _render_text(document, "md", context)).encode("utf-8")
    if fmt == "html":
        return _render_text(document, "html", context).encode("utf-8")
    if fmt == "pdf":
        return _render_pdf(_render_text(document, "pdf", context))
    return _render_docx(document, context)


def _render_text(document: str, fmt: str, context: Mapping[str, Any]) -> str:
    extension = "html" if fmt == "pdf" else fmt
    template = document_environment(fmt).get_template(f"{document}.{extension}.j2")
    return template.render({**context, "formaat": fmt})


def _render_pdf(html: str) -> bytes:
    with warnings.catch_warnings():
        # WeasyPrint warns at import when libharfbuzz-subset is missing; its PDFs are correct without it.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        from weasyprint import HTML  # heavy import, only when a PDF is asked for

    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf


def _render_docx(document: str, context: Mapping[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(TEMPLATES / "docx" / f"{document}.docx"))
    template.render({**context, "formaat": "docx"}, jinja_env=document_environment("docx"))
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()
