"""Between the cell language and FEEL: checked cell nodes -> FEEL text (export), FEEL text -> cell text (import).

Export maps every construct of the cell language onto FEEL where FEEL has it (`ja` -> `true`, `2026-06-12` ->
`date("2026-06-12")`, `3 maanden` -> `duration("P3M")`, `als(c, a, b)` -> `if c then a else b`, `bevat` ->
`list contains`, `leeftijd(g, p)` -> `years and months duration(g, p).years`). Functions FEEL lacks (`atw_einde`,
`enig_gezinslid`, `elk_gezinslid`, `aantal_gezinsleden`) keep their nareis name and are reported by `outside_feel`.

Import reads the S-FEEL that decision tables use (unary tests, comparisons, intervals, literals, names, arithmetic,
`and`/`or`/`not`, `if then else` and a few list functions) and refuses everything else with a Dutch reason.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from engine.expressions import (
    KEYWORDS,
    AnyValue,
    Arithmetic,
    BoolOp,
    Call,
    Compare,
    Comparison,
    Disjunction,
    Expr,
    FactRef,
    Interval,
    Literal,
    Name,
    Negate,
    Negation,
    Not,
    UnaryTest,
    to_text,
)
from engine.types import Duration, FactType, Kind, Value

NOT_FEEL = ("atw_einde", "enig_gezinslid", "elk_gezinslid", "aantal_gezinsleden")

FEEL_TYPES = {
    Kind.JA_NEE: "boolean",
    Kind.GETAL: "number",
    Kind.BEDRAG: "number",
    Kind.TEKST: "string",
    Kind.KEUZE: "string",
    Kind.DATUM: "date",
    Kind.DUUR: "duration",
}


class FeelError(Exception):
    """FEEL text the cell language cannot express; the message is Dutch and names the construct."""


# ---- export -------------------------------------------------------------------------------------------


def feel_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def feel_value(value: Value, kind: Kind) -> str:
    """A value as a FEEL literal."""
    match value:
        case bool():
            return "true" if value else "false"
        case Decimal():
            return format(value, "f")
        case str():
            return feel_string(value)
        case dt.date():
            return f'date("{value.isoformat()}")'
        case Duration():
            return _feel_duration(value)
        case tuple():
            return "[" + ", ".join(feel_value(element, kind) for element in value) + "]"
    raise TypeError(f"not a value: {value!r}")


def _feel_duration(duration: Duration) -> str:
    # FEEL keeps years-and-months and days-and-time durations apart: a mixed one is the sum of both.
    months = Duration(years=duration.years, months=duration.months)
    days = Duration(days=duration.days)
    if duration.days and (duration.years or duration.months):
        return f'(duration("{months.iso()}") + duration("{days.iso()}"))'
    return f'duration("{duration.iso()}")'


@dataclass(frozen=True)
class FeelWriter:
    """Writes checked nodes as FEEL. `reference` gives the FEEL name of a fact (a decision's output may be a path);
    `types` tells which facts hold lists, since FEEL joins lists with concatenate(), not +."""

    types: Mapping[str, FactType]
    reference: Callable[[str], str]

    def unary(self, node: UnaryTest) -> str:
        match node:
            case AnyValue():
                return "-"
            case Comparison(op="=", operand=operand):
                return self.expr(operand)
            case Comparison(op="!=", operand=operand):
                return f"not({self.expr(operand)})"
            case Comparison(op=op, operand=operand):
                return f"{op} {self.expr(operand)}"
            case Interval(low=low, high=high, low_closed=low_closed, high_closed=high_closed):
                start, end = "[" if low_closed else "(", "]" if high_closed else ")"
                return f"{start}{self.expr(low)}..{self.expr(high)}{end}"
            case Disjunction(tests=tests):
                return ", ".join(self.unary(test) for test in tests)
            case Negation(tests=tests):
                return "not(" + ", ".join(self.unary(test) for test in tests) + ")"
        return to_text(node)  # a construct this module does not know yet: its cell text, reported by outside_feel

    def top(self, node: Expr) -> str:
        """An expression that stands alone (an output entry, a calculation): without brackets around the whole."""
        return _strip_outer(self.expr(node))

    def expr(self, node: Expr) -> str:
        match node:
            case Literal(value=value, kind=kind):
                return feel_value(value, kind)
            case FactRef(name=name) | Name(name=name):
                return self.reference(name)
            case Arithmetic(op="+", left=left, right=right) if self.is_list(left):
                return f"concatenate({self.expr(left)}, {self.expr(right)})"
            case Arithmetic(op=op, left=left, right=right):
                return f"({self.expr(left)} {op} {self.expr(right)})"
            case Negate(operand=operand):
                return f"-{self.expr(operand)}"
            case Compare(op=op, left=left, right=right):
                return f"({self.expr(left)} {op} {self.expr(right)})"
            case BoolOp(op=op, operands=operands):
                joiner = " and " if op == "en" else " or "
                return "(" + joiner.join(self.expr(operand) for operand in operands) + ")"
            case Not(operand=operand):
                return f"not({self.expr(operand)})"
            case Call(function=function, args=args):
                return self._call(function, [self.expr(arg) for arg in args])
        return to_text(node)

    def _call(self, function: str, args: list[str]) -> str:
        match function, args:
            case "leeftijd", [birth, reference]:
                return f"years and months duration({birth}, {reference}).years"
            case "einde_termijn", [date, duration]:
                return f"({date} + {duration})"
            case "dagen_tussen", [start, end]:
                return f"({end} - {start}).days"
            case "als", [condition, then, otherwise]:
                return f"(if {condition} then {then} else {otherwise})"
            case "bevat", [items, value]:
                return f"list contains({items}, {value})"
            case "aantal", [items]:
                return f"count({items})"
            case "uniek", [items]:
                return f"distinct values({items})"
            case (("min" | "max"), _):
                return f"{function}({', '.join(args)})"
        return f"{function}({', '.join(args)})"

    def is_list(self, node: Expr) -> bool:
        match node:
            case FactRef(name=name) | Name(name=name):
                return name in self.types and self.types[name].is_list
            case Arithmetic(op="+", left=left):
                return self.is_list(left)
            case Call(function="uniek"):
                return True
            case Call(function="als", args=args) if len(args) == 3:
                return self.is_list(args[1])
        return False


def _strip_outer(text: str) -> str:
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth, quoted = 0, False
    for index, char in enumerate(text):
        if char == '"' and (index == 0 or text[index - 1] != "\\"):
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth == 0 and index < len(text) - 1:
                return text
    return text[1:-1]


def outside_feel(node: Expr | UnaryTest) -> set[str]:
    """The nareis functions in a node that FEEL does not have."""
    found: set[str] = set()

    def visit(item: object) -> None:
        if isinstance(item, Call) and item.function in NOT_FEEL:
            found.add(item.function)
        for value in getattr(item, "__dict__", {}).values():
            if isinstance(value, tuple):
                for element in value:
                    visit(element)
            elif hasattr(value, "__dataclass_fields__"):
                visit(value)

    visit(node)
    return found


# ---- import -------------------------------------------------------------------------------------------

_NAME_OK = re.compile(r"[a-z][a-z0-9_]*\Z")


def fact_name(dmn_name: str) -> str:
    """A DMN name as a fact name: `Applicant Age` -> `applicant_age`, accents dropped. Raises FeelError when the
    result is no valid fact name (a name that starts with a digit, a keyword of the cell language)."""
    plain = unicodedata.normalize("NFKD", dmn_name).encode("ascii", "ignore").decode()
    candidate = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    if not _NAME_OK.match(candidate) or candidate in KEYWORDS or candidate in ("ja", "nee"):
        raise FeelError(
            f'de naam "{dmn_name}" past niet als begrip: een begrip bestaat uit kleine letters, cijfers en _ '
            f'en begint met een letter (gelezen als "{candidate}"); hernoem het in het DMN-model'
        )
    return candidate


_FEEL_KEYWORDS = {
    "for": "for ... in ... return (een lus)",
    "some": "some ... satisfies",
    "every": "every ... satisfies",
    "function": "function (een functiedefinitie)",
    "instance": "instance of",
    "between": "between ... and ...",
    "in": "in",
    "return": "return",
    "satisfies": "satisfies",
    "null": "null",
}
# FEEL functions the cell language has, with the name it has there.
_FUNCTIONS = {
    "list contains": "bevat",
    "distinct values": "uniek",
    "count": "aantal",
    "min": "min",
    "max": "max",
}
_TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<op>\.\.|<=|>=|!=|\*\*|[<>=+\-*/(),\[\]{}.:@?])
  | (?P<word>[A-Za-z_][A-Za-z0-9_']*)
  | (?P<other>\S)
)""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(text: str, names: Mapping[str, str]) -> list[_Token]:
    """FEEL tokens; a run of words that is a known name (`Applicant Age`) or function (`list contains`) is one."""
    words_known = sorted([*names, *_FUNCTIONS], key=lambda n: (-len(n), n))
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        rest = text[position:]
        if not rest.strip():
            break
        stripped = len(rest) - len(rest.lstrip())
        known = next(
            (
                n
                for n in words_known
                if (" " in n or "." in n) and re.match(re.escape(n) + r"(?![A-Za-z0-9_])", rest[stripped:])
            ),
            None,
        )
        if known:
            tokens.append(_Token("word", known))
            position += stripped + len(known)
            continue
        match = _TOKEN.match(text, position)
        if match is None:  # only trailing whitespace
            break
        kind = match.lastgroup or "other"
        tokens.append(_Token(kind, match.group(kind)))
        position = match.end()
    return tokens


class _Reader:
    """A small recursive-descent reader of S-FEEL that writes cell text as it goes."""

    def __init__(self, text: str, names: Mapping[str, str], kind: Kind | None) -> None:
        self.text = text
        self.names = names
        self.kind = kind  # the column's kind: a string in a keuze column is a bare keuze value
        self.tokens = _tokens(text, names)
        self.at = 0

    # -- helpers

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.at + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def is_(self, *texts: str) -> bool:
        token = self.peek()
        return token is not None and token.text in texts and token.kind in ("op", "word")

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise FeelError(f'"{self.text}" houdt onverwacht op')
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise FeelError(f'"{self.text}": "{text}" verwacht, maar "{token.text}" gevonden')

    def done(self) -> None:
        token = self.peek()
        if token is not None:
            raise FeelError(f'"{self.text}": onverwacht "{token.text}"{self._why(token)}')

    def _why(self, token: _Token) -> str:
        if token.text in ("[", "{", ".", ":", "@", "?", "**"):
            return {
                "[": " (een lijst of filter)",
                "{": " (een context)",
                ".": " (een pad naar een onderdeel)",
                ":": " (een context)",
                "@": " (een @-literal)",
                "?": " (het ?-symbool)",
                "**": " (machtsverheffen)",
            }[token.text] + ": de celtaal kent dit niet"
        return ""

    # -- unary tests

    def unary_tests(self) -> str:
        if self.is_("-") and self.peek(1) is None:
            self.take()
            return "-"
        if self.is_("not") and self.peek(1) is not None and self.peek(1).text == "(":  # type: ignore[union-attr]
            self.take()
            self.expect("(")
            tests = self.positive_tests()
            self.expect(")")
            self.done()
            return f"not({tests})"
        tests = self.positive_tests()
        self.done()
        return tests

    def positive_tests(self) -> str:
        tests = [self.positive_test()]
        while self.is_(","):
            self.take()
            tests.append(self.positive_test())
        return ", ".join(tests)

    def positive_test(self) -> str:
        if self.is_("<", "<=", ">", ">=", "=", "!="):
            op = self.take().text
            return f"{op} {self.sum()}"
        if self.is_("[", "(", "]") and self._is_interval():
            start = self.take().text
            low = self.sum()
            self.expect("..")
            high = self.sum()
            end = self.take().text
            if end not in ("]", ")", "["):
                raise FeelError(f'"{self.text}": een interval sluit met ], ) of [, niet met "{end}"')
            return f"{'(' if start == ']' else start}{low}..{high}{')' if end == '[' else end}"
        return self.expression()

    def _is_interval(self) -> bool:
        depth = 1  # the opening bracket, whichever way it faces
        for token in self.tokens[self.at + 1 :]:
            if token.text in ("(", "["):
                depth += 1
            elif token.text in (")", "]"):
                depth -= 1
            if token.text == ".." and depth == 1:
                return True
            if depth == 0 and token.text == ",":
                return False
        return False

    # -- expressions

    def expression(self) -> str:
        if self.is_("if"):
            self.take()
            condition = self.expression()
            self.expect("then")
            then = self.expression()
            self.expect("else")
            otherwise = self.expression()
            return f"als({condition}, {then}, {otherwise})"
        return self.or_expr()

    def or_expr(self) -> str:
        parts = [self.and_expr()]
        while self.is_("or"):
            self.take()
            parts.append(self.and_expr())
        return " of ".join(parts)

    def and_expr(self) -> str:
        parts = [self.compare()]
        while self.is_("and"):
            self.take()
            parts.append(self.compare())
        return " en ".join(parts)

    def compare(self) -> str:
        left = self.sum()
        if self.is_("<", "<=", ">", ">=", "=", "!="):
            op = self.take().text
            return f"{left} {op} {self.sum()}"
        token = self.peek()
        if token is not None and token.kind == "word" and token.text in _FEEL_KEYWORDS:
            raise self._unsupported(token.text)
        return left

    def sum(self) -> str:
        text = self.product()
        while self.is_("+", "-"):
            op = self.take().text
            text = f"{text} {op} {self.product()}"
        return text

    def product(self) -> str:
        text = self.unary()
        while self.is_("*", "/"):
            op = self.take().text
            text = f"{text} {op} {self.unary()}"
        if self.is_("**"):
            raise FeelError(f'"{self.text}": machtsverheffen (**) kent de celtaal niet')
        return text

    def unary(self) -> str:
        if self.is_("-"):
            self.take()
            return "-" + self.unary()
        return self.atom()

    def atom(self) -> str:
        token = self.take()
        if token.kind == "number":
            return token.text
        if token.kind == "string":
            return self._string(token.text)
        if token.text == "(":
            inner = self.expression()
            self.expect(")")
            return f"({inner})"
        if token.kind == "word":
            return self._word(token.text)
        raise FeelError(f'"{self.text}": onverwacht "{token.text}"{self._why(token)}')

    def _string(self, literal: str) -> str:
        value = re.sub(r"\\(.)", r"\1", literal[1:-1])
        if '"' in value or "\n" in value:
            raise FeelError(f'"{self.text}": een tekst met een aanhalingsteken of regelovergang kent de celtaal niet')
        if self.kind is Kind.KEUZE and _NAME_OK.match(value) and value not in KEYWORDS:
            return value
        return f'"{value}"'

    def _word(self, word: str) -> str:
        if word == "true":
            return "ja"
        if word == "false":
            return "nee"
        if word in ("date", "duration") and self.is_("("):
            return self._typed_literal(word)
        if word == "not" and self.is_("("):
            self.take()
            inner = self.expression()
            self.expect(")")
            return f"niet({inner})"
        if word in _FEEL_KEYWORDS:
            raise self._unsupported(word)
        words = [word]
        while (ahead := self.peek(len(words) - 1)) is not None and ahead.kind == "word":
            words.append(ahead.text)
        after = self.peek(len(words) - 1)
        if len(words) > 1 and after is not None and after.text == "(":
            raise FeelError(f'"{self.text}": de functie "{" ".join(words)}" kent de celtaal niet')
        if self.is_("."):
            raise FeelError(f'"{self.text}": een pad naar een onderdeel ({word}.…) kent de celtaal niet')
        if self.is_("("):
            if word not in _FUNCTIONS:
                raise FeelError(
                    f'"{self.text}": de functie "{word}" kent de celtaal niet; wel: '
                    + ", ".join(sorted([*_FUNCTIONS, "date", "duration"]))
                )
            self.take()
            args = [] if self.is_(")") else [self.expression()]
            while self.is_(","):
                self.take()
                args.append(self.expression())
            self.expect(")")
            return f"{_FUNCTIONS[word]}({', '.join(args)})"
        if word in self.names:
            return self.names[word]
        raise FeelError(f'"{self.text}": onbekende naam "{word}"; het model heeft geen invoer of beslissing zo genoemd')

    def _typed_literal(self, function: str) -> str:
        self.expect("(")
        token = self.take()
        if token.kind != "string":
            raise FeelError(f'"{self.text}": {function}(...) alleen met een tekst, zoals {function}("...")')
        self.expect(")")
        value = token.text[1:-1]
        if function == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise FeelError(f'"{self.text}": date("{value}") is geen datum als JJJJ-MM-DD')
            return value
        if not re.fullmatch(r"P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?", value):
            raise FeelError(
                f'"{self.text}": duration("{value}") kent de celtaal niet; alleen jaren, maanden, weken en dagen '
                "(P1Y2M, P14D), zonder tijd"
            )
        return value

    def _unsupported(self, word: str) -> FeelError:
        what = _FEEL_KEYWORDS.get(word, word)
        if word == "null":
            return FeelError(f'"{self.text}": null kent de celtaal niet; een onbekend feit is gewoon niet ingevuld')
        return FeelError(f'"{self.text}": de FEEL-constructie "{what}" kent de celtaal niet')


def unary_tests_to_cell(text: str, names: Mapping[str, str], kind: Kind | None = None) -> str:
    """FEEL unary tests (an input entry) as cell text. `names` maps each FEEL name in scope to its fact name."""
    stripped = text.strip()
    if not stripped:
        return "-"
    return _Reader(stripped, names, kind).unary_tests()


def expression_to_cell(text: str, names: Mapping[str, str], kind: Kind | None = None) -> str:
    """A FEEL expression (an output entry) as cell text."""
    stripped = text.strip()
    if not stripped:
        raise FeelError("een lege uitvoer kent de celtaal niet: elke regel zet elke uitvoer")
    reader = _Reader(stripped, names, kind)
    result = reader.expression()
    reader.done()
    return result
