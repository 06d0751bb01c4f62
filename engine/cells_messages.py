"""The cell language's error messages in Dutch, for policy staff: English message (as raised) -> Dutch message.

The parser and type checker raise English messages (the text tests and `--lang en` show). `dutch(message)` gives the
same message in Dutch, including the " (at character N)" the loader adds; a message it does not know comes back
unchanged, so nothing is ever lost. Texts between quotes, fact names and values are never translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# A fragment made by the type checker's `_a`: `x is a getal`, `"a" is a tekst`.
_IS_A = re.compile(
    r"(?P<what>.+?) is a (?P<type>(?:lijst van )?(?:ja/nee|getal|bedrag|tekst|keuze|datum|duur)\b[^,;]*)"
)


def _fragment(text: str) -> str:
    """Translates the `x is a T` parts of a message piece."""
    return _IS_A.sub(lambda m: f"{m.group('what')} is een {m.group('type')}", text)


_Template = str | Callable[[re.Match[str]], str]

# (English pattern, Dutch template). Templates use the pattern's groups; groups named `a`, `b` hold `x is a T`
# fragments and are translated as such.
_MESSAGES: list[tuple[str, _Template]] = [
    # ---- syntax ----
    (r"range not closed: expected '\]', '\[' or '\)'", "bereik niet gesloten: verwacht ']', '[' of ')'"),
    (r"unclosed bracket: expected '\)'", "haakje niet gesloten: verwacht ')'"),
    (r"unclosed string: a text starts here but has no closing quote", "tekst niet gesloten: hier begint een tekst "
     "zonder sluitend aanhalingsteken"),
    (r"empty cell part between commas", "leeg deel tussen komma's"),
    (r"missing argument: nothing between the commas", "argument ontbreekt: niets tussen de komma's"),
    (r"empty expression: write a value, a fact or a formula", "lege expressie: schrijf een waarde, een begrip of "
     "een formule"),
    (r"the text ends too early: something is missing at the end", "de tekst houdt te vroeg op: aan het eind "
     "ontbreekt iets"),
    (r"unexpected text '(?P<found>.*)' at position (?P<pos>\d+)(?P<hint>.*)",
     lambda m: f"onverwachte tekst '{m['found']}' op positie {m['pos']}{_hint(m['hint'])}"),
    (r"'(?P<word>[^']*)' is a keyword and cannot be used as a name here",
     r"'\g<word>' is een sleutelwoord en kan hier geen naam zijn"),
    (r"unclear '(?P<text>[^']*)': write (?P<dec>\S+) for a decimal number, or (?P<two>.+) \(with a space\) for "
     r"either of two numbers",
     r"onduidelijk '\g<text>': schrijf \g<dec> voor een decimaal getal, of \g<two> (met een spatie) voor een van "
     r"twee getallen"),
    (r"not a date: (?P<text>\S+); write dates as YYYY-MM-DD, e.g. 2026-06-12",
     r"geen datum: \g<text>; schrijf datums als JJJJ-MM-DD, bijvoorbeeld 2026-06-12"),
    (r"not a date: (?P<text>\S+)", r"geen datum: \g<text>"),
    (r'expected a duration like "3 maanden", "1 week", "90 dagen", "2 jaar", P3M or PT2H, got "(?P<got>.*)"',
     r'verwacht een duur zoals "3 maanden", "1 week", "90 dagen", "2 jaar", P3M of PT2H, maar staat er "\g<got>"'),
    (r"unknown escape \\(?P<char>.) in a text: .*",
     r'onbekende escape \\\g<char> in een tekst: schrijf \\" voor een aanhalingsteken, \\\\ voor een backslash, '
     r"\\n voor een nieuwe regel, \\t voor een tab"),
    (r'@"(?P<text>.*)" is not a date \(@"2026-06-12"\) or a duration \(@"P3M", @"PT2H"\)',
     r'@"\g<text>" is geen datum (@"2026-06-12") en geen duur (@"P3M", @"PT2H")'),
    (r'"(?P<name>.*)" cannot be a fact name: .*',
     r'"\g<name>" kan geen begripnaam zijn: een naam met hoofdletters of spaties wordt gelezen als kleine letters '
     r"met _ (Applicant Age is applicant_age), en dan zijn alleen letters a-z, cijfers en _ toegestaan, beginnend "
     r"met een letter"),
    (r"'(?P<token>.*)' is the word (?P<word>\w+) of the cell language written with capitals; write it as \w+",
     r"'\g<token>' is het woord \g<word> van de celtaal, met hoofdletters geschreven; schrijf \g<word>"),
    # ---- values (Tests sheets) ----
    (r'expected ja or nee, got "(?P<got>.*)"', r'verwacht ja of nee, maar staat er "\g<got>"'),
    (r'expected a number like 2300.10, got "(?P<got>.*)"',
     r'verwacht een getal zoals 2300.10, maar staat er "\g<got>"'),
    (r'expected one of (?P<values>.*), got "(?P<got>.*)"', r'verwacht een van \g<values>, maar staat er "\g<got>"'),
    (r'expected a date like 2026-06-12, got "(?P<got>.*)": there is no such day',
     r'verwacht een datum zoals 2026-06-12, maar staat er "\g<got>": die dag bestaat niet'),
    (r'expected a date like 2026-06-12, got "(?P<got>.*)"',
     r'verwacht een datum zoals 2026-06-12, maar staat er "\g<got>"'),
    # ---- types ----
    (r"expected a (?P<type>.+?), but (?P<a>.+)", lambda m: f"verwacht een {m['type']}, maar {_fragment(m['a'])}"),
    (r"cannot compare (?P<left>.+?) with (?P<right>.+?): (?P<a>.+)",
     lambda m: f"kan {m['left']} niet vergelijken met {m['right']}: {_fragment(m['a'])}"),
    (r"cannot use (?P<op>\S+) on a (?P<type>.+): only numbers, dates, durations and texts are ordered",
     r"kan \g<op> niet gebruiken op een \g<type>: alleen getallen, datums, duren en teksten hebben een volgorde"),
    (r"cannot use (?P<op>\S+) with null: only = null and != null have an answer",
     r"kan \g<op> niet gebruiken met null: alleen = null en != null hebben een antwoord"),
    (r"cannot use (?P<op>\S+) with a list: (?P<a>.+)",
     lambda m: f"kan {m['op']} niet gebruiken met een lijst: {_fragment(m['a'])}"),
    (r"a range needs numbers, dates, durations or texts, but (?P<name>\S+) is a (?P<type>.+)",
     r"een bereik vraagt getallen, datums, duren of teksten, maar \g<name> is een \g<type>"),
    (r"(?P<list>.+) is a list: for any of these values write (?P<items>.+) without brackets; for a range write two "
     r"dots, e.g. \[1..5\]",
     r"\g<list> is een lijst: schrijf \g<items> zonder haken voor een van deze waarden; schrijf voor een bereik twee "
     r"puntjes, bijvoorbeeld [1..5]"),
    (r"cannot negate a (?P<type>.+?): (?P<a>.+)",
     lambda m: f"kan een {m['type']} niet negatief maken: {_fragment(m['a'])}"),
    (r"null has no type here: .*",
     "null heeft hier geen type: schrijf het als uitvoer, als invoertest, of vergeleken met = of != "
     "(x = null vraagt of x onbekend is)"),
    (r"null in \.\.\. has no answer: .*", "null in ... heeft geen antwoord: schrijf x = null om te vragen of x "
     "onbekend is"),
    (r"an empty list \[\] has no type here: .*", "een lege lijst [] heeft hier geen type: gebruik hem waar een "
     "lijst-begrip wordt verwacht"),
    (r"a list holds values of one type: (?P<a>.+), but (?P<b>.+)",
     lambda m: f"een lijst bevat waarden van één type: {_fragment(m['a'])}, maar {_fragment(m['b'])}"),
    (r'"(?P<value>.*)" is not a value of this keuze; known values: (?P<values>.+?)(?P<hint>; did you mean .*)?',
     lambda m: f'"{m["value"]}" is geen waarde van deze keuze; bekende waarden: {m["values"]}{_hint(m["hint"])}'),
    (r'unknown fact or value "(?P<name>.*)"; known values of keuze: (?P<values>.+?)(?P<hint>; did you mean .*)?',
     lambda m: f'onbekend begrip of onbekende waarde "{m["name"]}"; bekende waarden van de keuze: {m["values"]}'
     + _hint(m["hint"])),
    (r'unknown fact "(?P<name>.*?)"(?P<hint>[; ].*)?', lambda m: f'onbekend begrip "{m["name"]}"{_hint(m["hint"])}'),
    (r"(?P<where>.+) needs a ja/nee, but (?P<a>.+)", lambda m: f"{m['where']} vraagt een ja/nee, maar "
     f"{_fragment(m['a'])}"),
    (r"cannot (?P<verb>add|subtract|multiply|divide) (?P<rest>.+)", lambda m: _arithmetic(m)),
    (r'unknown function "(?P<name>.*?)"; known functions: (?P<known>.+?)(?P<hint>; did you mean .*)?',
     lambda m: f'onbekende functie "{m["name"]}"; bekende functies: {m["known"]}{_hint(m["hint"])}'),
    (r"(?P<name>\S+) takes (?P<least>\d+) to (?P<most>\d+) arguments, got (?P<got>\d+): (?P<signature>.+)",
     lambda m: f"{m['name']} heeft {m['least']} tot {m['most']} argumenten, hier {m['got']}: "
     f"{_signature(m['signature'])}"),
    (r"(?P<name>\S+) takes (?P<arity>\d+) arguments?, got (?P<got>\d+): (?P<signature>.+)",
     lambda m: f"{m['name']} heeft {m['arity']} argument{'en' if m['arity'] != '1' else ''}, hier {m['got']}: "
     f"{_signature(m['signature'])}"),
    (r"(?P<name>\S+) cannot be used inside another gezinslid function",
     r"\g<name> kan niet binnen een andere gezinslid-functie staan"),
    (r"(?P<name>\S+): argument (?P<index>\d+) must be (?P<wanted>.+?), but (?P<a>.+?); use (?P<signature>.+)",
     lambda m: f"{m['name']}: argument {m['index']} moet {_wanted(m['wanted'])} zijn, maar {_fragment(m['a'])}; "
     f"gebruik {_signature(m['signature'])}"),
]  # fmt: skip

_HINTS: list[tuple[str, _Template]] = [
    (r"; names and values are written in lower case: (?P<name>.+)", r"; namen en waarden in kleine letters: \g<name>"),
    (r"; write decimals with a point: (?P<number>.+)", r"; schrijf decimalen met een punt: \g<number>"),
    (r"; a range needs brackets, e.g. \[1..5\]", "; een bereik staat tussen haken, bijvoorbeeld [1..5]"),
    (r"; write a range with two dots, e.g. \[1..5\]", "; schrijf een bereik met twee puntjes, bijvoorbeeld [1..5]"),
    (r"; did you mean (?P<names>.+)\?(?P<dmn> \(.*\))?", lambda m: f"; bedoelt u {m['names']}?{_dmn(m['dmn'])}"),
    (r" \((?P<written>.+) is read as (?P<name>\S+): a name with capitals or spaces is read in lower snake case\)",
     r" (\g<written> wordt gelezen als \g<name>: een naam met hoofdletters of spaties wordt gelezen in kleine "
     r"letters met _)"),
    (r'; text is written in quotes, e.g. "tekst"', '; tekst staat tussen aanhalingstekens, bijvoorbeeld "tekst"'),
    (r"; for the days between two dates use dagen_tussen\(van, tot\)",
     "; gebruik dagen_tussen(van, tot) voor het aantal dagen tussen twee datums"),
    (r"; add a duration instead, e.g. (?P<example>.+)", r"; tel er een duur bij op, bijvoorbeeld \g<example>"),
]  # fmt: skip

_WANTED = {
    "a number, a date, a duration or a text": "een getal, een datum, een duur of een tekst",
    "a lijst of numbers, dates, durations or texts": "een lijst van getallen, datums, duren of teksten",
    "a lijst van getal or bedrag": "een lijst van getal of bedrag",
}
_LIKE = {" like the first": " zoals het eerste", " like the second": " zoals het tweede"}
# The English words in the functions' signatures (typecheck.FUNCTIONS).
_SIGNATURE_WORDS = [
    ("without its sign", "zonder teken"),
    ("rounded up to a whole number", "naar boven afgerond op een heel getal"),
    ("rounded down to a whole number", "naar beneden afgerond op een heel getal"),
    ("rounded to that many decimals (half to even)", "afgerond op zoveel decimalen (de helft naar even)"),
    ("the remainder with the sign of the deler", "de rest, met het teken van de deler"),
    ("the largest of numbers, dates, durations or texts", "de grootste van getallen, datums, duren of teksten"),
    ("the smallest of numbers, dates, durations or texts", "de kleinste van getallen, datums, duren of teksten"),
    ("dan and anders of the same type", "dan en anders van hetzelfde type"),
    ("the same list without repeated values", "dezelfde lijst zonder herhaalde waarden"),
    ("(start 1: first character, -1: last)", "(start 1: eerste teken, -1: laatste)"),
    (") or m", ") of m"),
]
_COMPILED = [(re.compile(pattern), template) for pattern, template in _MESSAGES]
_AT = re.compile(r"(?P<message>.*) \(at character (?P<column>\d+)\)", re.DOTALL)
_HINTS_COMPILED = [(re.compile(pattern), template) for pattern, template in _HINTS]


def _hint(text: str | None) -> str:
    if not text:
        return ""
    for pattern, template in _HINTS_COMPILED:
        match = pattern.fullmatch(text)
        if match:
            return template(match) if callable(template) else match.expand(template)
    return text


def _dmn(text: str | None) -> str:
    return _hint(text) if text else ""


def _signature(text: str) -> str:
    for english, nederlands in _SIGNATURE_WORDS:
        text = text.replace(english, nederlands)
    return text


def _wanted(text: str) -> str:
    if text in _WANTED:
        return _WANTED[text]
    match = re.fullmatch(r"a (?P<type>.+?)(?P<like> like the (?:first|second))?", text)
    if match:
        like = _LIKE.get(match["like"] or "", "")
        return f"een {match['type']}{like}"
    return text


def _arithmetic(match: re.Match[str]) -> str:
    """`cannot add getal and tekst: ...`, `cannot subtract duur from datum: ...`, `cannot divide x by y: ...`."""
    pattern = r"(?P<first>.+?) (?:and|from|by) (?P<second>.+?): (?P<a>.+?)(?P<hint>; .*)?"
    found = re.fullmatch(pattern, match["rest"])
    if not found:
        return match.group(0)
    first, second = found["first"], found["second"]
    words = {
        "add": f"{first} en {second} niet optellen",
        "subtract": f"{first} niet van {second} aftrekken",
        "multiply": f"{first} niet met {second} vermenigvuldigen",
        "divide": f"{first} niet door {second} delen",
    }[match["verb"]]
    return f"kan {words}: {_fragment(found['a'])}{_hint(found['hint'])}"


def dutch(message: str) -> str:
    """The Dutch text of a cell-language error message; an unknown message comes back as it is."""
    at = _AT.fullmatch(message)
    bare, suffix = (at["message"], f" (bij teken {at['column']})") if at else (message, "")
    for pattern, template in _COMPILED:
        match = pattern.fullmatch(bare)
        if match:
            return (template(match) if callable(template) else match.expand(template)) + suffix
    return message


__all__ = ["dutch"]
