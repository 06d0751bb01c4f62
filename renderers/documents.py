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

from engine.errors import EXIT_CASE, NareisError
from engine.trace import refuse_conflicts
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
    "DecisionError",
    "DocumentNotApplicable",
    "applicable_documents",
    "check_decision",
    "render_document",
    "render_html",
    "with_paragraphs",
]


class DocumentNotApplicable(NareisError):
    """The outcome does not call for this document (a beschikking while every member awaits herstel)."""


class DecisionError(NareisError):
    """The decision given to the renderer does not have the shape a decision of nareis has (a hand-edited file);
    the message names the place in it, as a JSON path."""

    exit_code = EXIT_CASE


_VALUE: dict[str, Any] = {"type": ["string", "number", "boolean", "array", "null"]}
_TEXT = {"type": "string"}
_FIRED_RULE = {
    "type": "object",
    "required": ["volgorde", "tabel", "regel", "werkboek", "blad", "rij", "bron", "gematcht", "gezet", "motivering"],
    "properties": {
        "volgorde": {"type": "integer"},
        "tabel": _TEXT,
        "regel": _TEXT,
        "werkboek": _TEXT,
        "blad": _TEXT,
        "rij": {"type": "integer"},
        "bron": _TEXT,
        "gematcht": {"type": "object", "additionalProperties": _VALUE},
        "gezet": {"type": "object", "additionalProperties": _VALUE},
        "motivering": _TEXT,
        "annotatie": _TEXT,
        "tabelvolgorde": {"type": "integer"},
        "in_brief": {"type": "boolean"},
    },
}
_CALCULATION = {
    "type": "object",
    "required": ["feit", "waarde", "formule", "bron", "werkboek", "blad", "rij"],
    "properties": {
        "feit": _TEXT,
        "waarde": _VALUE,
        "formule": _TEXT,
        "bron": _TEXT,
        "werkboek": _TEXT,
        "blad": _TEXT,
        "rij": {"type": "integer"},
    },
}
# Facts the documents print as they are: text, whatever the glossary says (a name is never a number).
_PRINTED_TEXT = ("naam", "naam_referent", "adres_referent", "zaaknummer", "ambassade")
_ENTITY = {
    "type": "object",
    "required": ["id", "feiten", "toelichtingen", "gevuurde_regels", "berekeningen", "ontbrekende_feiten"],
    "properties": {
        "id": _TEXT,
        "feiten": {
            "type": "object",
            "properties": {name: _TEXT for name in _PRINTED_TEXT},
            "additionalProperties": _VALUE,
        },
        "toelichtingen": {"type": "object", "additionalProperties": _TEXT},
        "gevuurde_regels": {"type": "array", "items": _FIRED_RULE},
        "berekeningen": {"type": "array", "items": _CALCULATION},
        "ontbrekende_feiten": {"type": "array", "items": _TEXT},
    },
}
DECISION_SCHEMA = {
    "type": "object",
    "required": ["beslisdatum", "tabellen_hash", "aanvraag", "referent", "gezinsleden"],
    "properties": {
        "beslisdatum": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "tabellen_hash": _TEXT,
        "aanvraag": _ENTITY,
        "referent": _ENTITY,
        "gezinsleden": {"type": "array", "items": _ENTITY},
    },
}
_TYPE_WORDS = {
    "string": "tekst",
    "integer": "een geheel getal",
    "number": "een getal",
    "boolean": "true of false",
    "array": "een lijst",
    "object": "een object",
}


@functools.lru_cache(maxsize=1)
def _decision_validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(DECISION_SCHEMA)


def check_decision(decision: Any) -> None:
    """Raise DecisionError, naming each place (up to ten), when `decision` lacks what the documents read."""
    errors = sorted(_decision_validator().iter_errors(decision), key=lambda error: _json_path(error.absolute_path))
    if errors:
        lines: list[str] = [f"{_json_path(error.absolute_path)}: {_dutch(error)}" for error in errors[:10]]
        more = f" (en nog {len(errors) - 10})" if len(errors) > 10 else ""
        raise DecisionError("de beslissing kan geen document worden" + more + ":\n" + "\n".join(lines))


def _json_path(path: Any) -> str:
    text = "beslissing"
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _dutch(error: Any) -> str:
    if error.validator == "required":
        named = re.match(r"'(.+)' is a required property$", str(error.message))
        return f"{named.group(1) if named else error.message} ontbreekt"
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return "moet " + " of ".join(_TYPE_WORDS.get(str(kind), str(kind)) for kind in wanted) + " zijn"
    if error.validator == "pattern":
        return "moet een datum JJJJ-MM-DD zijn"
    return str(error.message)


def _outcomes(decision: Mapping[str, Any]) -> list[str]:
    return [str(member["feiten"].get("uitkomst", "")) for member in decision["gezinsleden"]]


def check_applicable(decision: Mapping[str, Any], document: str) -> None:
    """Raise DocumentNotApplicable when the decision's outcomes do not call for this document, and refuse every
    document for a decision that holds a hit-policy conflict (its outcomes are not established)."""
    refuse_conflicts(decision)
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
    check_decision(decision)
    try:
        return _render(decision, document, fmt)
    except NareisError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError, ArithmeticError) as error:
        # The shape was checked above; what is left is a fact value the templates cannot print (a hand-edited file).
        raise DecisionError(
            f"de beslissing kan geen {document} ({fmt}) worden: {type(error).__name__}: {error}; maak de beslissing "
            "opnieuw met nareis decide"
        ) from error


def _render(decision: Mapping[str, Any], document: str, fmt: str) -> bytes:
    html = render_html(decision, document, full_trace=fmt == "html")
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


def render_html(decision: Mapping[str, Any], document: str, full_trace: bool = True) -> str:
    """The HTML of one document: the one source of its wording.

    The beslisnotitie ends in an appendix with the trace of the decision: with `full_trace` every fired rule with
    what it read and set and where it stands (the HTML document), without it only the rule ids in firing order
    (PDF, Word and Markdown, so that the printed note is as long as its content)."""
    check_applicable(decision, document)
    template = document_environment("html").get_template(f"{document}.html.j2")
    context = document_context(decision)
    context["volledig_spoor"] = full_trace
    html = neutralise(template.render(context))
    if len(html) > MAX_HTML_CHARS:
        size, bound = (f"{number:,}".replace(",", ".") for number in (len(html), MAX_HTML_CHARS))
        raise NareisError(
            f"het document {document} wordt {size} tekens lang, meer dan de grens van {bound}: controleer de "
            "motiveringen en de feiten van de zaak"
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
