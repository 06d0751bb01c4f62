"""Cell text (input entries, expressions) -> small frozen nodes with columns; nodes -> canonical text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import NoReturn

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedInput, UnexpectedToken, v_args
from lark.exceptions import VisitError

from engine.errors import CellError
from engine.types import Duration, FactType, Kind, Value

# ---- nodes --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    """A value written in a cell: getal, tekst, datum or duur; the type checker adds ja/nee and keuze."""

    value: Value
    kind: Kind
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Name:
    """A bare word: a fact, a keuze value or ja/nee. The type checker decides which."""

    name: str
    column: int = field(default=0, compare=False)
    written: str = field(default="", compare=False)  # a DMN name as written (`Applicant Age`), for messages


@dataclass(frozen=True)
class FactRef:
    """A fact read by an expression; made by the type checker from a Name."""

    name: str
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Arithmetic:
    op: str  # + - * /
    left: Expr
    right: Expr
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Negate:
    operand: Expr
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Compare:
    op: str  # = != < <= > >=
    left: Expr
    right: Expr
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BoolOp:
    op: str  # en / of
    operands: tuple[Expr, ...]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Not:
    operand: Expr
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Expr, ...]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Null:
    """`null`: no value. As an output it sets nothing; `x = null` asks whether x is unknown."""

    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ListLiteral:
    """`[a, b, c]`: a list of values of one type."""

    items: tuple[Expr, ...]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Membership:
    """`x in [1..5]`, `x in ("a", "b")`, `x in lijst`: whether x passes the test (a list: is one of its values)."""

    operand: Expr
    test: UnaryTest
    column: int = field(default=0, compare=False)


Expr = Literal | Name | FactRef | Arithmetic | Negate | Compare | BoolOp | Not | Call | Null | ListLiteral | Membership
EXPRESSION_NODES = (
    Literal,
    Name,
    FactRef,
    Arithmetic,
    Negate,
    Compare,
    BoolOp,
    Not,
    Call,
    Null,
    ListLiteral,
    Membership,
)


@dataclass(frozen=True)
class AnyValue:
    """`-` or an empty cell: any value, even an unknown one."""

    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Comparison:
    """`< x`, `!= x`; a bare `x` is Comparison("=", x)."""

    op: str
    operand: Expr
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Interval:
    low: Expr
    high: Expr
    low_closed: bool
    high_closed: bool
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Disjunction:
    """`a, b, c`: any of two or more tests."""

    tests: tuple[UnaryTest, ...]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Negation:
    """`not(a, b)`: none of the tests."""

    tests: tuple[UnaryTest, ...]
    column: int = field(default=0, compare=False)


UnaryTest = AnyValue | Comparison | Interval | Disjunction | Negation
UNARY_TEST_NODES = (AnyValue, Comparison, Interval, Disjunction, Negation)

COMPARISON_OPS = ("=", "!=", "<", "<=", ">", ">=")
KEYWORDS = frozenset({"en", "of", "niet", "not", "and", "or", "in", "if", "then", "else", "null"})
_ENGLISH = {"and": "en", "or": "of"}

# ---- durations ----------------------------------------------------------------------------------------

_UNITS = {
    "dag": "days", "dagen": "days", "week": "weeks", "weken": "weeks",
    "maand": "months", "maanden": "months", "jaar": "years", "jaren": "years",
}  # fmt: skip
_DUTCH_DURATION = re.compile(r"(\d+)\s+([a-z]+)")
_ISO_DURATION = re.compile(
    r"(-)?P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?"
)


def parse_duration(text: str) -> Duration:
    """A duration written in Dutch (`3 maanden`, `1 week`, `2 jaar`) or ISO 8601 (`P3M`, `P1Y6M`, `P2W`)."""
    stripped = text.strip()
    dutch = _DUTCH_DURATION.fullmatch(stripped)
    if dutch and dutch.group(2) in _UNITS:
        amount, unit = int(dutch.group(1)), _UNITS[dutch.group(2)]
        if unit == "weeks":
            return Duration(days=7 * amount)
        return Duration(**{unit: amount})
    iso = _ISO_DURATION.fullmatch(stripped)
    if iso and not stripped.endswith("T"):
        sign = -1 if iso.group(1) else 1
        years, months, weeks, days, hours, minutes, seconds = (int(part) if part else 0 for part in iso.groups()[1:])
        return Duration(
            sign * years, sign * months, sign * (7 * weeks + days), sign * (3600 * hours + 60 * minutes + seconds)
        )
    raise CellError(
        f'expected a duration like "3 maanden", "1 week", "90 dagen", "2 jaar", P3M or PT2H, got "{stripped}"',
        column=1,
    )


def duration_text(duration: Duration) -> str:
    """Dutch for a duration of one unit (`3 maanden`, `1 dag`), ISO 8601 for mixed units (`P1Y6M`)."""
    parts = [
        (duration.years, "jaar", "jaar"),
        (duration.months, "maand", "maanden"),
        (duration.days, "dag", "dagen"),
    ]
    used = [(amount, one, many) for amount, one, many in parts if amount]
    if len(used) == 1 and not duration.seconds and used[0][0] > 0:
        amount, one, many = used[0]
        return f"{amount} {one if amount == 1 else many}"
    return duration.iso()


# ---- parsing ------------------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ESCAPES = {'"': '"', "“": "“", "”": "”", "„": "„", "\\": "\\", "n": "\n", "t": "\t"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
# The words of a DMN name (`Applicant Age`): lower snake case is the fact name it stands for.
_WORDS = re.compile(r"[ \t]+")


def fact_name(written: str) -> str:
    """The fact name a name written with capitals or spaces stands for: `Applicant Age` is applicant_age.

    This is the one mapping for DMN names (FEEL names may have spaces and capitals, fact names are lower snake
    case); a name that does not fit, e.g. `Leeftijd (jaren)`, is reported with the reason."""
    name = _WORDS.sub("_", written.strip()).lower()
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise CellError(
            f'"{written}" cannot be a fact name: a name with capitals or spaces is read as lower snake case '
            f"(Applicant Age is applicant_age), which allows only letters a-z, digits and _, starting with a letter",
            column=1,
        )
    return name


def _date(text: str, column: int) -> dt.date:
    match = _DATE.fullmatch(text)
    if not match:
        raise CellError(f"not a date: {text}; write dates as YYYY-MM-DD, e.g. 2026-06-12", column=column)
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellError(f"not a date: {text}", column=column) from None


def unescape(body: str, column: int = 1) -> str:
    """The text between the quotes of a string literal: \\" is a quote, \\\\ a backslash, \\n a new line, \\t a tab."""

    def replace(match: re.Match[str]) -> str:
        char = match.group(1)
        if char not in _ESCAPES:
            raise CellError(
                f'unknown escape \\{char} in a text: write \\" for a quote, \\\\ for a backslash, '
                "\\n for a new line, \\t for a tab",
                column=column + match.start(),
            )
        return _ESCAPES[char]

    return _ESCAPE.sub(replace, body)


def _col(item: object) -> int:
    """The 1-based position of a token or node in the cell text."""
    if isinstance(item, Token):
        return (item.start_pos or 0) + 1
    return int(getattr(item, "column", 0))


# FEEL's conversion functions with a literal text argument are the literal itself: date("2026-06-12") is 2026-06-12.
_CONVERSIONS = ("date", "duration")


@v_args(inline=True)
class _ToNodes(Transformer[Token, object]):
    """Builds nodes from lark's parse tree; columns count from 1 in the whole cell text."""

    # input entries
    def any_value(self, dash: Token) -> AnyValue:
        return AnyValue(column=_col(dash))

    def input_entry(self, tests: tuple[UnaryTest, ...]) -> UnaryTest:
        if len(tests) == 1:
            return tests[0]
        return Disjunction(tests, column=_col(tests[0]))

    def negation(self, keyword: Token, tests: tuple[UnaryTest, ...]) -> Negation:
        return Negation(tests, column=_col(keyword))

    def positive_tests(self, *tests: UnaryTest) -> tuple[UnaryTest, ...]:
        return tests

    def comparison(self, op: Token, operand: Expr) -> Comparison:
        return Comparison(str(op), operand, column=_col(op))

    def equality(self, operand: Expr) -> Comparison:
        return Comparison("=", operand, column=_col(operand))

    def interval(self, start: Token, low: Expr, _dots: Token, high: Expr, end: Token) -> Interval:
        return Interval(low, high, start.type == "LSQB", end.type == "RSQB", column=_col(start))

    def range_end(self, bracket: Token) -> Token:
        return bracket

    # expressions
    def or_expr(self, *items: Expr | Token) -> BoolOp:
        return self._bool_op("of", items)

    def and_expr(self, *items: Expr | Token) -> BoolOp:
        return self._bool_op("en", items)

    @staticmethod
    def _bool_op(op: str, items: tuple[Expr | Token, ...]) -> BoolOp:
        operands = tuple(item for item in items if not isinstance(item, Token))
        return BoolOp(op, operands, column=_col(items[1]))

    def if_then_else(
        self, keyword: Token, condition: Expr, _then: Token, then: Expr, _else: Token, otherwise: Expr
    ) -> Call:
        return Call("als", (condition, then, otherwise), column=_col(keyword))

    def compare(self, left: Expr, op: Token, right: Expr) -> Compare:
        return Compare(str(op), left, right, column=_col(op))

    def membership(self, operand: Expr, keyword: Token, test: UnaryTest | tuple[UnaryTest, ...]) -> Membership:
        if isinstance(test, tuple):
            return Membership(operand, Disjunction(test, column=_col(test[0])), column=_col(keyword))
        return Membership(operand, test, column=_col(keyword))

    def tests(self, _bracket: Token, *tests: UnaryTest) -> tuple[UnaryTest, ...]:
        return tests

    def arithmetic(self, left: Expr, op: Token, right: Expr) -> Arithmetic:
        return Arithmetic(str(op), left, right, column=_col(op))

    def negate(self, minus: Token, operand: Expr) -> Expr:
        # "-5" is the number -5, so that printing a negative number and reading it back gives the same node.
        if isinstance(operand, Literal) and operand.kind is Kind.GETAL and isinstance(operand.value, Decimal):
            return Literal(-operand.value, Kind.GETAL, column=_col(minus))
        if isinstance(operand, Literal) and isinstance(operand.value, Duration):
            duration = operand.value
            negative = Duration(-duration.years, -duration.months, -duration.days, -duration.seconds)
            return Literal(negative, Kind.DUUR, column=_col(minus))
        return Negate(operand, column=_col(minus))

    def number(self, token: Token) -> Literal:
        return Literal(Decimal(str(token)), Kind.GETAL, column=_col(token))

    def string(self, token: Token) -> Literal:
        return Literal(unescape(str(token)[1:-1], _col(token) + 1), Kind.TEKST, column=_col(token))

    def date(self, token: Token) -> Literal:
        return Literal(_date(str(token), _col(token)), Kind.DATUM, column=_col(token))

    def duration(self, token: Token) -> Literal:
        return Literal(parse_duration(str(token)), Kind.DUUR, column=_col(token))

    def at_literal(self, at: Token, token: Token) -> Literal:
        text = unescape(str(token)[1:-1], _col(token) + 1)
        if _DATE.fullmatch(text):
            return Literal(_date(text, _col(token)), Kind.DATUM, column=_col(at))
        if text.startswith(("P", "-P")):
            try:
                return Literal(parse_duration(text), Kind.DUUR, column=_col(at))
            except CellError:
                pass
        raise CellError(f'@"{text}" is not a date (@"2026-06-12") or a duration (@"P3M", @"PT2H")', column=_col(at))

    def null(self, token: Token) -> Null:
        return Null(column=_col(token))

    def name(self, token: Token) -> Name:
        if token.type == "DMN_NAME":
            return Name(_dmn_name(token), column=_col(token), written=str(token))
        _check_not_keyword(token)
        return Name(str(token), column=_col(token))

    def niet(self, keyword: Token, operand: Expr) -> Not:
        return Not(operand, column=_col(keyword))

    def call(self, function: Token, *args: Expr | None) -> Expr:
        arguments = tuple(arg for arg in args if arg is not None)
        name = _WORDS.sub("_", str(function))
        if name == "not":  # FEEL's not(x) in an expression is niet(x)
            if len(arguments) != 1:
                raise CellError(f"not takes 1 argument, got {len(arguments)}: not(voorwaarde)", column=_col(function))
            return Not(arguments[0], column=_col(function))
        if name in _CONVERSIONS and len(arguments) == 1 and isinstance(arguments[0], Literal):
            argument = arguments[0]
            if argument.kind is Kind.TEKST and isinstance(argument.value, str):
                if name == "date":
                    return Literal(_date(argument.value, _col(argument)), Kind.DATUM, column=_col(function))
                return Literal(parse_duration(argument.value), Kind.DUUR, column=_col(function))
        if function.type == "NAME":
            _check_not_keyword(function)
        return Call(name, arguments, column=_col(function))

    def list_literal(self, bracket: Token, *items: Expr | Token | None) -> ListLiteral:
        return ListLiteral(tuple(item for item in items if isinstance(item, EXPRESSION_NODES)), column=_col(bracket))

    def parenthesized(self, _bracket: Token, inner: Expr) -> Expr:
        return inner


def _dmn_name(token: Token) -> str:
    try:
        name = fact_name(str(token))
    except CellError as error:
        raise CellError(error.message, column=_col(token)) from None
    if name in KEYWORDS or name in _LITERAL_WORDS:  # `NULL`, `TRUE`, `JA`: a word of the language, not a fact
        raise CellError(
            f"'{token}' is the word {name} of the cell language written with capitals; write it as {name}",
            column=_col(token),
        )
    return name


_LITERAL_WORDS = frozenset({"ja", "nee", "true", "false"})


def _check_not_keyword(token: Token) -> None:
    # The contextual lexer reads a keyword as a name where only a name can follow; no fact is called that.
    if str(token) in KEYWORDS:
        raise CellError(f"'{token}' is a keyword and cannot be used as a name here", column=_col(token))


_TO_NODES = _ToNodes()


@cache
def _parser() -> Lark:
    """The parser, built on first use: building it takes longer than importing the rest of the engine."""
    return Lark(
        Path(__file__).with_name("cells.lark").read_text(encoding="utf-8"),
        parser="lalr",
        start=["input_entry", "expression"],
    )


def parse_input_entry(text: str) -> UnaryTest:
    """An input entry (S-FEEL unary tests): `-`, `5`, `< 3`, `[1..5]`, `a, b`, `not(a, b)`; empty is `-`."""
    if not text.strip():
        return AnyValue(column=1)
    _reject_decimal_comma(text)
    node = _parse(text, "input_entry")
    assert isinstance(node, UNARY_TEST_NODES)
    return node


def parse_expression(text: str) -> Expr:
    """An expression: literals, facts, `+ - * /`, comparisons, `en`, `of`, `niet(...)` and function calls."""
    if not text.strip():
        raise CellError("empty expression: write a value, a fact or a formula", column=1)
    node = _parse(text, "expression")
    assert isinstance(node, EXPRESSION_NODES)
    return node


def _parse(text: str, start: str) -> object:
    try:
        tree = _parser().parse(text, start=start)
    except UnexpectedInput as error:
        _fail_syntax(text, error, start)
    try:
        return _TO_NODES.transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, CellError):
            raise error.orig_exc from None
        raise


# ---- what the rule network cannot test -----------------------------------------------------------------


def needs_python_evaluation(test: UnaryTest, subject: FactType, types: Mapping[str, FactType]) -> bool:
    """Whether an input entry on a fact of type `subject` must be decided in Python (engine/evaluate.py) rather than
    by durable-rules' comparisons: tests on lists and durations, `null`, a list on the other side (`= lijst`:
    one of its values), and ordering of texts (durable-rules orders non-ASCII text differently from FEEL).
    `types` are the glossary's fact types."""
    if subject.is_list or subject.kind is Kind.DUUR:
        return True
    match test:
        case AnyValue():
            return False
        case Comparison(op=op, operand=operand):
            ordering = op not in ("=", "!=")
            return (ordering and subject.kind is Kind.TEKST) or _not_scalar(operand, types)
        case Interval(low=low, high=high):
            return subject.kind is Kind.TEKST or _not_scalar(low, types) or _not_scalar(high, types)
        case Disjunction(tests=tests) | Negation(tests=tests):
            return any(needs_python_evaluation(part, subject, types) for part in tests)
    return True  # a kind of test the network does not know


def _not_scalar(node: Expr, types: Mapping[str, FactType]) -> bool:
    """Whether an operand may be null, a list or a duration: durable-rules compares numbers, dates and texts only."""
    match node:
        case Null() | ListLiteral():
            return True
        case Literal(value=value):
            return isinstance(value, tuple | Duration)
        case FactRef(name=name):
            fact_type = types.get(name)
            return fact_type is None or fact_type.is_list or fact_type.kind is Kind.DUUR
        case Call(function=function, args=args):
            return function == "uniek" or any(_not_scalar(arg, types) for arg in args)
        case Arithmetic(left=left, right=right) | Compare(left=left, right=right):
            return _not_scalar(left, types) or _not_scalar(right, types)
        case Negate(operand=operand) | Not(operand=operand):
            return _not_scalar(operand, types)
        case BoolOp(operands=operands):
            return any(_not_scalar(operand, types) for operand in operands)
        case Membership(operand=operand):
            return _not_scalar(operand, types)
    return False


# ---- friendly syntax errors ---------------------------------------------------------------------------

_QUOTES = '"“”„'
_WORD = re.compile(r"[^\s,()\[\]]+")


def _fail_syntax(text: str, error: UnexpectedInput, start: str) -> NoReturn:
    """Turns lark's error into a message that names what is wrong and what is allowed."""
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        if text[position] in _QUOTES:
            raise CellError("unclosed string: a text starts here but has no closing quote", column=position + 1)
        word = _WORD.match(text, position)
        found = word.group() if word else text[position]
        hint = ""
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", found) and found.lower() != found:
            hint = f"; names and values are written in lower case: {found.lower()}"
        raise CellError(f"unexpected text '{found}' at position {position + 1}{hint}", column=position + 1)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    at_end = token.type == "$END"
    position = len(text.rstrip()) if at_end else (token.start_pos or 0)
    before = text[:position].rstrip()
    expected = set(error.expected)
    if (token.type == "COMMA" or at_end or token.type == "RPAR") and (before.endswith(",") or not before):
        column = len(before) if before else position + 1
        if start == "expression":
            raise CellError("missing argument: nothing between the commas", column=column)
        raise CellError("empty cell part between commas", column=column)
    if at_end and {"RSQB", "LSQB", "RPAR"} <= expected and "DOTDOT" not in expected:
        raise CellError("range not closed: expected ']', '[' or ')'", column=_open_bracket(text, "[]("))
    if at_end and "RPAR" in expected:
        raise CellError("unclosed bracket: expected ')'", column=_open_bracket(text, "("))
    if at_end:
        raise CellError("the text ends too early: something is missing at the end", column=position + 1)
    found = str(token)
    hint = ""
    number, digits = re.search(r"\d+$", text[:position]), re.match(r"\d+", text[position + 1 :])
    if token.type == "COMMA" and start == "expression" and number and digits:
        hint = f"; write decimals with a point: {number.group()}.{digits.group()}"
    elif token.type == "DOTDOT":
        hint = "; a range needs brackets, e.g. [1..5]"
    elif token.type == "COMMA" and "DOTDOT" in expected:
        hint = "; write a range with two dots, e.g. [1..5]"
    raise CellError(f"unexpected text '{found}' at position {position + 1}{hint}", column=position + 1)


_DECIMAL_COMMA = re.compile(r"(?<![\w.\-\[\]])(\d+),(\d+)(?![\w.\-])")


def _reject_decimal_comma(text: str) -> None:
    # "2300,10" is a list of two numbers in S-FEEL, but a Dutch writer means 2300.10: make them say which.
    match = _DECIMAL_COMMA.search(_blank_strings(text))
    if match:
        whole, fraction = match.groups()
        raise CellError(
            f"unclear '{match.group()}': write {whole}.{fraction} for a decimal number, "
            f"or {whole}, {fraction} (with a space) for either of two numbers",
            column=match.start(2),
        )


_STRING = re.compile(r"[\"“”„](?:\\.|[^\"“”„\\\n])*[\"“”]")


def _blank_strings(text: str) -> str:
    return _STRING.sub(lambda m: " " * len(m.group()), text)


def _open_bracket(text: str, openers: str) -> int:
    """The column of the last bracket that was opened and not closed (strings left out)."""
    without_strings = _blank_strings(text)
    stack: list[int] = []
    for index, char in enumerate(without_strings):
        if char in openers and not (char == "]" and stack):
            stack.append(index)
        elif char in ")]" and stack:
            stack.pop()
    return stack[-1] + 1 if stack else len(text) + 1


# ---- canonical text -----------------------------------------------------------------------------------

_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Binding strength: a child that binds more loosely than its place allows is printed in brackets.
_OR, _AND, _COMPARE, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 8)


def to_text(node: Expr | UnaryTest) -> str:
    """Canonical text of a node: parsing it again gives an equal node."""
    match node:
        case AnyValue():
            return "-"
        case Comparison(op="=", operand=operand):
            return _expr(operand, _SUM)
        case Comparison(op=op, operand=operand):
            return f"{op} {_expr(operand, _SUM)}"
        case Interval(low=low, high=high, low_closed=low_closed, high_closed=high_closed):
            start, end = "[" if low_closed else "(", "]" if high_closed else ")"
            return f"{start}{_expr(low, _SUM)}..{_expr(high, _SUM)}{end}"
        case Disjunction(tests=tests):
            return ", ".join(to_text(test) for test in tests)
        case Negation(tests=tests):
            return "not(" + ", ".join(to_text(test) for test in tests) + ")"
        case _:
            return _expr(node, _OR)


def _strength(node: Expr) -> int:
    match node:
        case BoolOp(op="of"):
            return _OR
        case BoolOp():
            return _AND
        case Compare():
            return _COMPARE
        case Arithmetic(op="+" | "-"):
            return _SUM
        case Arithmetic():
            return _PRODUCT
        case Negate():
            return _UNARY
        case Literal(value=Decimal() as number) if number < 0 or (number == 0 and number.is_signed()):
            return _UNARY
        case Literal(value=Duration() as duration) if duration.sort_key() < (0, 0, 0):
            return _UNARY
        case Membership():
            return _COMPARE
        case _:
            return _ATOM


def _expr(node: Expr, needed: int) -> str:
    text = _bare(node)
    return f"({text})" if _strength(node) < needed else text


def _bare(node: Expr) -> str:
    match node:
        case Literal():
            return literal_text(node.value, node.kind)
        case Name(name=name) | FactRef(name=name):
            return name
        case Arithmetic(op=op, left=left, right=right):
            strength = _SUM if op in "+-" else _PRODUCT
            return f"{_expr(left, strength)} {op} {_expr(right, strength + 1)}"
        case Negate(operand=operand):
            return "-" + _expr(operand, _UNARY)
        case Compare(op=op, left=left, right=right):
            return f"{_expr(left, _SUM)} {op} {_expr(right, _SUM)}"
        case BoolOp(op=op, operands=operands):
            strength = _OR if op == "of" else _AND
            return f" {op} ".join(_expr(operand, strength + 1) for operand in operands)
        case Not(operand=operand):
            return f"niet({_expr(operand, _OR)})"
        case Call(function=function, args=args):
            return f"{function}(" + ", ".join(_expr(arg, _OR) for arg in args) + ")"
        case Null():
            return "null"
        case ListLiteral(items=items):
            return "[" + ", ".join(_expr(item, _OR) for item in items) + "]"
        case Membership(operand=operand, test=Disjunction(tests=tests)):
            return f"{_expr(operand, _SUM)} in (" + ", ".join(to_text(test) for test in tests) + ")"
        case Membership(operand=operand, test=test):
            return f"{_expr(operand, _SUM)} in {to_text(test)}"
    raise TypeError(f"not an expression node: {node!r}")


def literal_text(value: Value, kind: Kind) -> str:
    """A value as written in a cell: `2300.10`, `"tekst"`, `ja`, `2026-06-12`, `3 maanden`, keuze bare."""
    match value:
        case bool():
            return "ja" if value else "nee"
        case Decimal():
            return format(value, "f")
        case str() if kind is Kind.KEUZE and _NAME.fullmatch(value) and value not in KEYWORDS:
            return value
        case str():
            return quote(value)
        case dt.date():
            return value.isoformat()
        case Duration():
            return duration_text(value)
        case tuple():
            return ", ".join(literal_text(element, kind) for element in value)
    raise TypeError(f"not a value: {value!r}")


def quote(text: str) -> str:
    """A text as a string literal: in double quotes, with \\ before a quote, a backslash, a new line or a tab."""
    escaped = "".join(_QUOTED.get(char, char) for char in text)
    return f'"{escaped}"'


_QUOTED = {'"': '\\"', "“": "\\“", "”": "\\”", "„": "\\„", "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


# ---- single values (Tests sheets, case files) ---------------------------------------------------------

_DECIMAL = re.compile(r"-?\d+(?:[.,]\d+)?")


def parse_literal_value(text: str, fact_type: FactType) -> Value:
    """One value of the given type as written in a Tests sheet or a case file; a list is comma-separated."""
    stripped = text.strip()
    if fact_type.is_list:
        if not stripped:
            return ()
        element_type = fact_type.element()
        return tuple(parse_literal_value(element, element_type) for element in _split_list(stripped))
    match fact_type.kind:
        case Kind.JA_NEE:
            if stripped.lower() in ("ja", "nee"):
                return stripped.lower() == "ja"
            _fail_value(f'expected ja or nee, got "{stripped}"')
        case Kind.GETAL | Kind.BEDRAG:
            if _DECIMAL.fullmatch(stripped):
                return Decimal(stripped.replace(",", "."))
            _fail_value(f'expected a number like 2300.10, got "{stripped}"')
        case Kind.TEKST:
            return _unquote(stripped)  # a case's text goes through case_value, which keeps it exact
        case Kind.KEUZE:
            value = _unquote(stripped)
            if value in fact_type.values:
                return value
            _fail_value(f'expected one of {", ".join(fact_type.values)}, got "{value}"')
        case Kind.DATUM:
            return _literal_date(stripped)
        case Kind.DUUR:
            return parse_duration(stripped)
    raise TypeError(f"unknown kind {fact_type.kind!r}")


def _literal_date(text: str) -> dt.date:
    # A date that passed through a spreadsheet may carry a midnight time.
    date_text = re.sub(r"[ T]00:00(?::00)?$", "", text)
    if _DATE.fullmatch(date_text):
        try:
            return _date(date_text, 1)
        except CellError:
            _fail_value(f'expected a date like 2026-06-12, got "{text}": there is no such day')
    _fail_value(f'expected a date like 2026-06-12, got "{text}"')


def case_value(given: object, fact_type: FactType) -> Value:
    """A value from a case file (JSON or YAML) exactly as given: a text keeps its spaces and quotes (`" Hi "` is not
    `"Hi"`), a list is a list, not a text to split at commas. Other values are read as a Tests sheet writes them."""
    if fact_type.is_list and isinstance(given, list | tuple):
        element_type = fact_type.element()
        return tuple(case_value(element, element_type) for element in given)
    if fact_type.kind is Kind.TEKST and not fact_type.is_list and isinstance(given, str):
        return given
    if fact_type.kind is Kind.JA_NEE and isinstance(given, bool):
        return given
    if isinstance(given, dt.date) and not isinstance(given, dt.datetime):
        given = given.isoformat()
    return parse_literal_value(str(given), fact_type)


def _quoted(text: str) -> bool:
    return len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES and _STRING.fullmatch(text) is not None


def _unquote(text: str) -> str:
    """A Tests sheet's text: in quotes, with the escapes of a string literal; without quotes, as written."""
    return unescape(text[1:-1], 2) if _quoted(text) else text


def _split_list(text: str) -> list[str]:
    """Splits at commas outside quotes: `a, "b, c"` is two elements."""
    elements, current, quoted, escaped = [], "", False, False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char in _QUOTES:
            quoted = not quoted
        if char == "," and not quoted:
            elements.append(current.strip())
            current = ""
        else:
            current += char
    return [*elements, current.strip()]


def _fail_value(message: str) -> NoReturn:
    raise CellError(message, column=1)


__all__ = [
    "COMPARISON_OPS",
    "EXPRESSION_NODES",
    "UNARY_TEST_NODES",
    "AnyValue",
    "Arithmetic",
    "BoolOp",
    "Call",
    "Compare",
    "Comparison",
    "Disjunction",
    "Expr",
    "FactRef",
    "Interval",
    "ListLiteral",
    "Literal",
    "Membership",
    "Name",
    "Negate",
    "Negation",
    "Not",
    "Null",
    "UnaryTest",
    "case_value",
    "duration_text",
    "fact_name",
    "literal_text",
    "needs_python_evaluation",
    "parse_duration",
    "parse_expression",
    "parse_input_entry",
    "parse_literal_value",
    "quote",
    "to_text",
    "unescape",
]
