"""Sandboxed Jinja environments: one for policy staff's motivation texts, one per format for layouts."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    meta,
    nodes,
)
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from engine.errors import NareisError
from renderers.filters import FILTERS

TEMPLATES = Path(__file__).parent / "templates"

# Characters that would change the meaning of Markdown text (emphasis, links, code, tables, HTML, strikethrough),
# an underscore at the edge of a word (inside a word, as in fact names, it is not emphasis), and what makes a bare
# link ("https://", "www.").
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|&#~])|(?<!\w)_|_(?!\w)|:(?=//)|(?<=\b[wW]{3})\.")
# What makes a line a list item, a setext heading or a rule when it starts the line: escaped where a value starts.
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([-+](?=\s|$)|=+(?=\s*$)|-+(?=\s*$)|\d+(?=[.)](?:\s|$)))")
# What a trace reference (rule id, WI paragraph, fact name) may hold: safe in HTML attributes and comments.
_TRACE_UNSAFE = re.compile(r"[^\w.§:;,/ -]|-(?=-)")


class MotivationError(NareisError):
    """A motivation text could not be rendered with the facts of a case."""


class UnknownFact(StrictUndefined):
    """A fact of the glossary that is unknown in this case: `{% if ambassade %}` is simply false, but printing it
    still fails, so a letter never shows an empty gap where a fact should be. Names outside the glossary are
    caught earlier, when the workbooks are checked."""

    def __bool__(self) -> bool:  # type: ignore[override]  # StrictUndefined declares it as never returning
        return False


def _motivation_environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=UnknownFact, autoescape=False)
    env.globals.clear()  # a motivation reads facts and filters, nothing else
    env.filters.update(FILTERS)
    return env


MOTIVATION_ENV = _motivation_environment()


def check_motivation(text: str, known_facts: Collection[str]) -> str | None:
    """None when a motivation is valid Jinja using only known facts and filters; else a one-line message."""
    try:
        tree = MOTIVATION_ENV.parse(text)
    except TemplateSyntaxError as error:
        return f"motivation is not valid Jinja: {error.message}"
    for kind, node_type, known in (
        ("filter", nodes.Filter, MOTIVATION_ENV.filters),
        ("test", nodes.Test, MOTIVATION_ENV.tests),
    ):
        unknown = sorted({node.name for node in tree.find_all(node_type)} - set(known))
        if unknown:
            return f'motivation uses unknown {kind} "{unknown[0]}"; known {kind}s: {_closest(unknown[0], known)}'
    facts = sorted(meta.find_undeclared_variables(tree) - set(known_facts))
    if facts:
        names = ", ".join(f'"{fact}"' for fact in facts)
        close = sorted({match for fact in facts for match in difflib.get_close_matches(fact, known_facts)})
        hint = f"close known facts: {', '.join(close)}" if close else "no known fact is close to it"
        return f"motivation refers to unknown fact{'s' if len(facts) > 1 else ''} {names}; {hint}"
    try:
        MOTIVATION_ENV.from_string(text)
    except TemplateError as error:
        return f"motivation is not valid Jinja: {error.message}"
    return None


def _closest(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, known)
    return ", ".join(close) if close else ", ".join(sorted(known))


@functools.lru_cache(maxsize=1024)
def _motivation_template(text: str) -> Template:
    return MOTIVATION_ENV.from_string(text)


def render_motivation(text: str, facts: Mapping[str, Any]) -> str:
    """A motivation text rendered with JSON-level facts, as plain text (the document escapes it)."""
    try:
        return _motivation_template(text).render(dict(facts)).strip()
    except NareisError as error:
        raise MotivationError(f"motivation could not be rendered: {error.message}") from error
    except (TemplateError, TypeError, ValueError) as error:
        raise MotivationError(f"motivation could not be rendered: {error}") from error


def markdown_escape(value: Any) -> Any:
    """Backslash-escape Markdown's special characters in a value (Markup from a template is left alone)."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    escaped = _MARKDOWN_SPECIAL.sub(lambda match: "\\" + match.group(0), value)
    return _MARKDOWN_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    lead, mark = match.group(1), match.group(2)
    return f"{lead}{mark}\\" if mark[0].isdigit() else f"{lead}\\{mark}"


def trace(value: Any) -> Markup:
    """A rule id, WI paragraph or fact name for an attribute or a comment: unsafe characters become '?'."""
    return Markup(_TRACE_UNSAFE.sub("?", str(value)))


def label(code: Any, labels: Mapping[str, str]) -> str:
    """The Dutch label of a code from a template's label table; an unlisted code reads with spaces."""
    text = str(code)
    return labels.get(text, text.replace("_", " "))


def value_text(value: Any) -> str:
    """A JSON-level fact value for a table cell: lists joined by commas, everything else as it is."""
    if isinstance(value, list | tuple):
        return ", ".join(value_text(item) for item in value) if value else "(leeg)"
    return str(value)


@functools.lru_cache(maxsize=8)
def document_environment(fmt: str) -> SandboxedEnvironment:
    """The environment for the layouts of one format: html and docx escape HTML/XML, md escapes Markdown."""
    options: dict[str, Any] = {}
    if fmt in ("html", "pdf", "docx"):
        options["autoescape"] = True
    elif fmt == "md":
        options["autoescape"] = False
        options["finalize"] = markdown_escape
    else:
        raise ValueError(f"unknown format {fmt!r}")
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,
    )
    env.filters.update(FILTERS)
    env.filters["label"] = label
    env.filters["unique"] = lambda values: list(dict.fromkeys(values))
    env.filters["waarde"] = value_text
    env.filters["trace"] = trace
    return env
