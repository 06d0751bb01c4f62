"""Sandboxed Jinja environments: one for policy staff's motivation texts, one per format for layouts."""

from __future__ import annotations

import contextvars
import difflib
import functools
import math
import re
import time
from collections.abc import Collection, Iterator, Mapping
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
from jinja2.compiler import CodeGenerator, Frame
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


# Raised whenever check_motivation refuses more than before: a rule base cached under an older check is stale.
MOTIVATION_CHECK_VERSION = "2"
# Bounds on the work one motivation may do: the text is written by policy staff, the facts come from a case.
MAX_MOTIVATION_CHARS = 50_000  # characters a rendered motivation may have (a case's text facts are 10,000 each)
MAX_LOOP_STEPS = 10_000  # iterations of every {% for %} of one motivation together
MAX_POWER_DIGITS = 100  # digits of the result of `a ** b`
MAX_RENDER_SECONDS = 1.0  # wall time of one motivation
# Builtin Jinja filters a motivation may use besides the Dutch ones: none makes more text than it is given, none
# calls back into the template, none reads the clock or chance. Left out on purpose: format, center, indent,
# wordwrap, replace, batch, slice (their arguments size the output), attr, map, select, reject, selectattr,
# rejectattr, groupby (they reach attributes or filters by name), xmlattr, safe, urlize, random, and the rest.
SAFE_BUILTIN_FILTERS = (
    "abs",
    "capitalize",
    "count",
    "d",
    "default",
    "first",
    "float",
    "int",
    "join",
    "last",
    "length",
    "list",
    "lower",
    "max",
    "min",
    "reverse",
    "round",
    "sort",
    "string",
    "sum",
    "title",
    "trim",
    "unique",
    "upper",
    "wordcount",
)
# Template constructs a motivation may not use, with the words a policy officer knows them by. Without calls and
# macros nothing recurses; without imports, includes and blocks a motivation stands alone.
_FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Macro: "{% macro %}",
    nodes.CallBlock: "{% call %}",
    nodes.Call: "een aanroep met haakjes, zoals naam(),",
    nodes.FilterBlock: "{% filter %}",
    nodes.With: "{% with %}",
    nodes.Include: "{% include %}",
    nodes.Import: "{% import %}",
    nodes.FromImport: "{% from ... import %}",
    nodes.Extends: "{% extends %}",
    nodes.Block: "{% block %}",
    nodes.EvalContextModifier: "{% autoescape %}",
    nodes.ScopedEvalContextModifier: "{% autoescape %}",
}
_LOOP_FILTER = "__motivering_lus"  # wraps every {% for %}'s sequence (added by the environment, not by authors)


class MotivationLimit(MotivationError):
    """A motivation did more work than a letter needs (a bound of this module), or an operation that cannot be
    done (division by zero); the message says which, in Dutch."""


class _Budget:
    """The work one rendering of a motivation may still do."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + MAX_RENDER_SECONDS
        self.steps = 0

    def spend(self) -> None:
        self.steps += 1
        if self.steps > MAX_LOOP_STEPS:
            raise MotivationLimit(
                f"de motivering herhaalt meer dan {_number(MAX_LOOP_STEPS)} keer ({{% for %}}): te veel voor een brief"
            )
        if time.monotonic() > self.deadline:
            raise MotivationLimit(f"de motivering is na {MAX_RENDER_SECONDS:g} seconde nog niet klaar: gestopt")


def _number(value: int) -> str:
    """1000000 -> '1.000.000' (Dutch thousands separator)."""
    return f"{value:,}".replace(",", ".")


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("motivation_budget", default=None)


def _spend() -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend()


def _bounded_loop(sequence: Any) -> Iterator[Any]:
    """The sequence of a {% for %}, counted against the rendering's budget (and on its own without one)."""
    budget = _BUDGET.get() or _Budget()
    for item in sequence:
        budget.spend()
        yield item


class _NoFoldingCodeGenerator(CodeGenerator):
    """Jinja evaluates constant expressions while it compiles a template, before any sandbox check: `9**(9**9)`
    in a cell would run while the workbooks load. Nothing but literal text is evaluated at compile time here."""

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame, finalize: Any) -> str:
        if isinstance(node, nodes.TemplateData):
            return super()._output_child_to_const(node, frame, finalize)
        raise nodes.Impossible()


class MotivationEnvironment(SandboxedEnvironment):
    """The sandbox for motivation texts: no constant folding, every arithmetic operator bounded, every loop
    counted, no call of any function from the text."""

    code_generator_class = _NoFoldingCodeGenerator
    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in list(tree.find_all(nodes.For)):
            loop.iter = nodes.Filter(loop.iter, _LOOP_FILTER, [], [], None, None, lineno=loop.lineno)
        return tree

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _spend()
        if operator == "**":
            _check_power(left, right)
        elif operator == "*":
            _check_repetition(left, right)
        elif operator == "+":
            _check_concatenation(left, right)
        elif operator == "%" and isinstance(left, str):
            raise MotivationLimit("tekst opmaken met % kan niet in een motivering: gebruik de filters")
        try:
            return super().call_binop(context, operator, left, right)
        except ZeroDivisionError as error:
            raise MotivationLimit("deling door nul") from error
        except OverflowError as error:
            raise MotivationLimit("een getal wordt te groot om mee te rekenen") from error

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # Jinja's own parameter names
        raise MotivationLimit("een motivering roept geen functies aan")


def _check_power(base: Any, exponent: Any) -> None:
    if not isinstance(base, int | float) or not isinstance(exponent, int | float):
        return  # Python refuses it with a TypeError
    size = abs(base)
    if exponent > 0 and size > 1 and exponent * math.log10(size) > MAX_POWER_DIGITS:
        raise MotivationLimit(
            f"{_short(base)} ** {_short(exponent)} wordt een getal van meer dan {MAX_POWER_DIGITS} cijfers"
        )


def _check_repetition(left: Any, right: Any) -> None:
    for sequence, count in ((left, right), (right, left)):
        repeated = isinstance(sequence, str | list | tuple) and isinstance(count, int) and not isinstance(count, bool)
        if repeated and len(sequence) * count > MAX_MOTIVATION_CHARS:
            raise MotivationLimit(
                f"{_short(sequence)} * {_short(count)} wordt langer dan {_number(MAX_MOTIVATION_CHARS)} tekens"
            )


def _check_concatenation(left: Any, right: Any) -> None:
    joined = isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple)
    if joined and len(left) + len(right) > MAX_MOTIVATION_CHARS:
        raise MotivationLimit(f"samengevoegd wordt de tekst langer dan {_number(MAX_MOTIVATION_CHARS)} tekens")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:20] + "..."


def _motivation_environment() -> MotivationEnvironment:
    env = MotivationEnvironment(undefined=UnknownFact, autoescape=False, optimized=False)
    env.globals.clear()  # a motivation reads facts and filters, nothing else
    builtins = {name: env.filters[name] for name in SAFE_BUILTIN_FILTERS}
    env.filters.clear()
    env.filters.update(builtins)
    env.filters.update(FILTERS)
    env.filters[_LOOP_FILTER] = _bounded_loop
    return env


MOTIVATION_ENV = _motivation_environment()


def check_motivation(text: str, known_facts: Collection[str]) -> str | None:
    """None when a motivation is valid Jinja using only known facts and filters; else a one-line message.

    Checked without rendering: the constructs and filters a motivation may use, the facts it names, and every
    expression of constants in it (`9**(9**9)`, `"a" * 10**9`, `1/0`), evaluated within the render bounds."""
    try:
        tree = MOTIVATION_ENV.parse(text)
    except TemplateSyntaxError as error:
        return f"motivation is not valid Jinja: {error.message}"
    except RecursionError:
        return "de motivering is te diep genest (haakjes of blokken binnen elkaar)"
    for kind, node_type, known in (
        ("filter", nodes.Filter, set(MOTIVATION_ENV.filters) - {_LOOP_FILTER}),
        ("test", nodes.Test, MOTIVATION_ENV.tests),
    ):
        unknown = sorted({node.name for node in tree.find_all(node_type)} - set(known) - {_LOOP_FILTER})
        if unknown:
            return f'motivation uses unknown {kind} "{unknown[0]}"; known {kind}s: {_closest(unknown[0], known)}'
    facts = sorted(meta.find_undeclared_variables(tree) - set(known_facts))
    if facts:
        names = ", ".join(f'"{fact}"' for fact in facts)
        close = sorted({match for fact in facts for match in difflib.get_close_matches(fact, known_facts)})
        hint = f"close known facts: {', '.join(close)}" if close else "no known fact is close to it"
        return f"motivation refers to unknown fact{'s' if len(facts) > 1 else ''} {names}; {hint}"
    problem = _construct_problem(tree) or _constant_problem(tree)
    if problem:
        return problem
    try:
        MOTIVATION_ENV.from_string(text)
    except TemplateError as error:
        return f"motivation is not valid Jinja: {error.message}"
    except RecursionError:
        return "de motivering is te diep genest (haakjes of blokken binnen elkaar)"
    return None


def _construct_problem(tree: nodes.Template) -> str | None:
    for node in tree.find_all(nodes.Node):
        words = _FORBIDDEN_NODES.get(type(node))
        if words:
            return f"{words} kan niet in een motivering: die leest feiten, met filters, {{% if %}} en {{% for %}}"
        name = node.attr if isinstance(node, nodes.Getattr) else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        if name is not None and name.startswith("_"):
            return f'een motivering mag geen interne eigenschap "{name}" lezen'
    return None


class _NotConstant(Exception):
    pass


def _constant_problem(tree: nodes.Template) -> str | None:
    """The first expression of constants that the render bounds refuse, as its message."""
    for node in tree.find_all((nodes.BinExpr, nodes.UnaryExpr)):
        try:
            _constant_value(node, _Budget())
        except _NotConstant:
            continue
        except MotivationLimit as error:
            return f"de motivering rekent met vaste waarden die niet kunnen: {error.message}"
        except (TypeError, ValueError, ArithmeticError) as error:
            return f"de motivering rekent met vaste waarden die niet kunnen: {error}"
    return None


def _constant_value(node: nodes.Node, budget: _Budget) -> Any:
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.List | nodes.Tuple):
        return [_constant_value(item, budget) for item in node.items]
    if isinstance(node, nodes.BinExpr):
        left, right = _constant_value(node.left, budget), _constant_value(node.right, budget)
        token = _BUDGET.set(budget)
        try:
            return MOTIVATION_ENV.call_binop(None, node.operator, left, right)
        finally:
            _BUDGET.reset(token)
    if isinstance(node, nodes.Neg):
        return -_constant_value(node.node, budget)
    if isinstance(node, nodes.Pos):
        return +_constant_value(node.node, budget)
    raise _NotConstant


def _closest(name: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(name, known)
    return ", ".join(close) if close else ", ".join(sorted(known))


@functools.lru_cache(maxsize=1024)
def _motivation_template(text: str) -> Template:
    return MOTIVATION_ENV.from_string(text)


def render_motivation(text: str, facts: Mapping[str, Any]) -> str:
    """A motivation text rendered with JSON-level facts, as plain text (the document escapes it).

    The rendering is bounded (loops, arithmetic, length, time: the constants above); whatever goes wrong is a
    MotivationError with a message, never another exception."""
    token = _BUDGET.set(_Budget())
    try:
        result = _motivation_template(text).render(dict(facts)).strip()
    except NareisError as error:
        if isinstance(error, MotivationLimit):
            raise MotivationLimit(f"motivering kan niet worden gemaakt: {error.message}") from error
        raise MotivationError(f"motivation could not be rendered: {error.message}") from error
    except (TemplateError, TypeError, ValueError) as error:
        raise MotivationError(f"motivation could not be rendered: {error}") from error
    except RecursionError as error:
        raise MotivationLimit("motivering kan niet worden gemaakt: te diep genest") from error
    except MemoryError as error:
        raise MotivationLimit("motivering kan niet worden gemaakt: te groot voor het geheugen") from error
    except Exception as error:  # the sandbox's boundary: any other failure of a policy text is the text's problem
        raise MotivationError(
            f"motivering kan niet worden gemaakt: {type(error).__name__}: {error}".rstrip(": ")
        ) from error
    finally:
        _BUDGET.reset(token)
    if len(result) > MAX_MOTIVATION_CHARS:
        raise MotivationLimit(
            f"motivering kan niet worden gemaakt: de tekst wordt {_number(len(result))} tekens lang, meer dan "
            f"{_number(MAX_MOTIVATION_CHARS)}"
        )
    return result


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
