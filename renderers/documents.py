"""Render a decision (its JSON form) into a letter or the internal note, as HTML, PDF, Word or Markdown."""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import threading
import warnings
import zipfile
from collections.abc import Mapping
from typing import Any

from engine.errors import NareisError
from renderers import blocks
from renderers.context import FINAL_OUTCOMES, HERSTEL_VERZUIM, document_context, with_paragraphs
from renderers.environment import TEMPLATES, document_environment

DOCUMENTS = ("beschikking", "herstelverzuim", "beslisnotitie")
FORMATS = ("html", "pdf", "docx", "md")
# A document larger than this is refused before it is printed: facts and motivations are bounded, so only a
# runaway template or a hostile decision file reaches it.
MAX_HTML_CHARS = 4_000_000
# What no format can carry: C0/C1 control characters other than tab and newline, NUL, lone surrogates, the
# non-characters U+FFFE/U+FFFF, and the bidi controls that make text read differently from how it is stored.
_UNSAFE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
REPLACEMENT = "\ufffd"
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)

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
            f"{member['id']}: {member['feiten'].get('uitkomst', 'no uitkomst')}" for member in decision["gezinsleden"]
        )
        raise DocumentNotApplicable(f"No beschikking: no family member has a decision yet ({pending}).")
    if document == "herstelverzuim" and HERSTEL_VERZUIM not in outcomes:
        raise DocumentNotApplicable("No herstelverzuim letter: no family member has uitkomst herstel_verzuim.")


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
    moment = _document_moment(decision)
    if fmt == "pdf":
        return _render_pdf(html, moment)
    parsed = blocks.parse(html)
    if fmt == "md":
        return blocks.to_markdown(parsed).encode("utf-8")
    title = f"{document} {decision['aanvraag']['feiten'].get('zaaknummer', '')}".strip()
    docx = blocks.to_docx(parsed, neutralise(title), landscape=document == "beslisnotitie")  # wide tables of rules
    return fixed_docx(docx, moment)


def render_html(decision: Mapping[str, Any], document: str) -> str:
    """The HTML of one document: the one source of its wording."""
    check_applicable(decision, document)
    template = document_environment("html").get_template(f"{document}.html.j2")
    html = neutralise(template.render(document_context(decision)))
    if len(html) > MAX_HTML_CHARS:
        raise NareisError(
            f"het document {document} wordt {len(html):,} tekens lang, meer dan de grens van "
            f"{MAX_HTML_CHARS:,}: controleer de motiveringen en de feiten van de zaak".replace(",", ".")
        )
    return html


def neutralise(text: str) -> str:
    """Every character no format can carry safely (controls, NUL, lone surrogates, bidi controls) becomes U+FFFD,
    so a reader sees that the case file held something unusable instead of text that reads differently."""
    return _UNSAFE_CHARACTERS.sub(REPLACEMENT, text)


def _document_moment(decision: Mapping[str, Any]) -> dt.datetime:
    """The document's own date (its metadata, its file times): the beslisdatum at midnight UTC, never the clock."""
    value = decision.get("beslisdatum")
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise NareisError(f"beslisdatum: {value!r} is geen datum (JJJJ-MM-DD)") from error
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


# fontTools stamps the subset fonts it writes with the clock unless SOURCE_DATE_EPOCH is set: the variable is set
# for the duration of one rendering, under a lock since the environment is shared by the process's threads.
_CLOCK_LOCK = threading.Lock()


def _render_pdf(html: str, moment: dt.datetime) -> bytes:
    """Print the HTML. Nothing is fetched: every URL (file, http, data) is refused, the style is in the HTML."""
    with warnings.catch_warnings():
        # WeasyPrint warns at import when libharfbuzz-subset is missing; its PDFs are correct without it.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        from weasyprint import HTML  # heavy import, only when a PDF is asked for

    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    with _CLOCK_LOCK:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
        try:
            document = HTML(string=html, base_url=str(TEMPLATES), url_fetcher=refusing_fetcher()).render()
            document.metadata.created = document.metadata.modified = stamp
            pdf: bytes = document.write_pdf()
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous
    return pdf


@functools.lru_cache(maxsize=1)
def refusing_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL: a document never reads a local file or opens a connection,
    whatever an image, link or stylesheet in it names. WeasyPrint leaves the refused resource out."""
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type hints
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"nareis haalt geen bronnen op: {url[:80]}")

    return RefusingFetcher()


def fixed_docx(data: bytes, moment: dt.datetime) -> bytes:
    """A Word file with the same bytes for the same decision: every zip entry dated `moment`, and the core
    properties (created, modified, creator) fixed instead of python-docx's defaults."""
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    zip_time = max(moment, ZIP_EPOCH).timetuple()[:6]  # a zip cannot date a file before 1980
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = _core_properties(content, stamp)
            info = zipfile.ZipInfo(entry.filename, date_time=zip_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, content)
    return buffer.getvalue()


def _core_properties(xml: bytes, stamp: str) -> bytes:
    text = xml.decode("utf-8")
    for tag, value in (
        ("dcterms:created", stamp),
        ("dcterms:modified", stamp),
        ("dc:creator", "nareis"),
        ("cp:lastModifiedBy", "nareis"),
        ("dc:description", ""),
    ):
        text = re.sub(f"<{tag}( [^>]*)?(?:/>|>[^<]*</{tag}>)", f"<{tag}\\1>{value}</{tag}>", text)
    return text.encode("utf-8")
