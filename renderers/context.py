"""The one place that turns a decision (its JSON form) into the variables of the document templates."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from engine.case import LETTER_NOTE_PREFIX  # a caseworker note marked for the letter
from engine.errors import Location, NareisError
from renderers.environment import render_motivation
from renderers.filters import FilterValueError, duur, to_date, wet

# Outcomes that end the application for a member; after the others a decision is still to come.
FINAL_OUTCOMES = ("inwilligen", "afwijzen", "afwijzen_art_4_6", "buiten_behandeling")
REFUSALS = ("afwijzen", "afwijzen_art_4_6")
HERSTEL_VERZUIM = "herstel_verzuim"
SETTINGS = Path(__file__).parent / "briefhoofd.toml"
# The fact H1 sets when the decision term had already expired when the herstel verzuim letter goes out (§1.3: the
# term then does not pause). Absent: the letter keeps its sentence that the term pauses.
TERM_EXPIRED_FACT = "beslistermijn_verstreken_bij_herstel_verzuim"
DEADLINE_SUFFIXES = ("_einde", "_datum", "reactiedatum")
ADULT_AGE = 18  # a referent under 18 on the day of the letter is a minor: the letter goes to the guardian


@functools.lru_cache(maxsize=4)
def letterhead(path: Path = SETTINGS) -> dict[str, Any]:
    """The letterhead settings policy staff keep in briefhoofd.toml."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise NareisError(f"{path.name}: cannot read the letterhead settings: {error}") from error


def split_source(source: str) -> tuple[str, str]:
    """'§2.2; art. 29c lid 1 Vw' -> ('§2.2', 'art. 29c lid 1 Vw'): the WI paragraph and the legal basis."""
    parts = [part.strip() for part in source.split(";") if part.strip()]
    if parts and parts[0].startswith("§"):
        return parts[0], "; ".join(parts[1:])
    return "", "; ".join(parts)


def motivation_facts(decision: Mapping[str, Any], entity: Mapping[str, Any]) -> dict[str, Any]:
    """What a motivation may read: the entity's own facts merged with the aanvraag's and the referent's."""
    return {**decision["aanvraag"]["feiten"], **decision["referent"]["feiten"], **entity["feiten"]}


def letter_order(rule: Mapping[str, Any]) -> tuple[int, int, int]:
    """Paragraphs follow the toetsingsvolgorde: the table's place (tabelvolgorde), then firing order. The rows that
    set the final outcome conclude, so they come last. A decision without tabelvolgorde keeps firing order."""
    concludes = 1 if "uitkomst" in rule.get("gezet", {}) else 0
    return concludes, int(rule.get("tabelvolgorde", 0)), int(rule["volgorde"])


def with_paragraphs(decision: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the decision where every entity gets its rendered motivations, in the toetsingsvolgorde."""
    result = copy.deepcopy(dict(decision))
    for entity in [result["aanvraag"], result["referent"], *result["gezinsleden"]]:
        facts = motivation_facts(result, entity)
        entity["motiveringen"] = [
            {
                "regel": rule["regel"],
                "tabel": rule["tabel"],
                "bron": rule["bron"],
                "tekst": _render(rule, facts),
                "in_brief": bool(rule.get("in_brief", True)),
                "conclusie": "uitkomst" in rule.get("gezet", {}),
            }
            for rule in sorted(entity["gevuurde_regels"], key=letter_order)
            if rule["motivering"].strip()
        ]
    return result


def _render(rule: Mapping[str, Any], facts: Mapping[str, Any]) -> str:
    try:
        return render_motivation(rule["motivering"], facts)
    except NareisError as error:
        location = Location(rule["werkboek"], rule["blad"], f"row {rule['rij']}")
        raise NareisError(f"rule {rule['regel']}: {error.message}", location) from error


def document_context(decision: Mapping[str, Any]) -> dict[str, Any]:
    """Every variable the templates use, from a decision JSON dict."""
    decided = with_paragraphs(decision)
    aanvraag, referent = decided["aanvraag"], decided["referent"]
    beslisdatum = _date(decided["beslisdatum"], "beslisdatum")
    leden = [_member(member) for member in decided["gezinsleden"]]
    herstel_leden = [member for member in leden if member["uitkomst"] == HERSTEL_VERZUIM]
    facts = aanvraag["feiten"]
    reply = facts.get("herstel_verzuim_reactiedatum")
    if herstel_leden and not reply:
        raise NareisError("herstel_verzuim_reactiedatum is unknown: the herstel verzuim letter needs its reply date")
    reactiedatum = _date(reply, "herstel_verzuim_reactiedatum") if reply else None
    referent_facts = referent["feiten"]
    return {
        "briefhoofd": letterhead(),
        "beslisdatum": beslisdatum.isoformat(),
        "tabellen_hash": decided["tabellen_hash"],
        "zaaknummer": facts.get("zaaknummer", ""),
        "aanvraag": facts,
        "referent": {
            "naam": referent_facts.get("naam_referent", ""),
            "adres_regels": _address_lines(referent_facts.get("adres_referent", "")),
            "feiten": referent_facts,
            "via_voogd": _minor_nbm(referent_facts, beslisdatum),
        },
        "leden": leden,
        "besluit_leden": [member for member in leden if member["uitkomst"] in FINAL_OUTCOMES],
        "herstel_leden": herstel_leden,
        "herstel_algemeen": _shared_paragraphs(herstel_leden),
        "reactiedatum": reactiedatum.isoformat() if reactiedatum else "",
        "reactietermijn": duur(reactiedatum - beslisdatum) if reactiedatum else "",
        "termijn_pauzeert": facts.get(TERM_EXPIRED_FACT) != "ja",
        "formulier_ontbreekt": facts.get("aanvraagformulier") == "brief",
        "mvv_afgiftetermijn": duur(facts["mvv_afgiftetermijn_duur"]) if facts.get("mvv_afgiftetermijn_duur") else "",
        "mvv_geldigheid": duur(facts["mvv_geldigheidsduur"]) if facts.get("mvv_geldigheidsduur") else "",
        "termijnen": _deadlines(facts),
        "berekeningen": [_calculation(calc, "aanvraag") for calc in aanvraag["berekeningen"]]
        + [_calculation(calc, "referent") for calc in referent["berekeningen"]]
        + [
            _calculation(calc, member["id"])
            for member in decided["gezinsleden"]
            for calc in member["berekeningen"]
        ],
        "ontbrekend": [
            {"wie": entity["id"], "feiten": list(entity["ontbrekende_feiten"])}
            for entity in [aanvraag, referent, *decided["gezinsleden"]]
            if entity["ontbrekende_feiten"]
        ],
        "algemene_regels": [
            _fired(rule) for entity in (aanvraag, referent) for rule in entity["gevuurde_regels"]
        ],
        "algemene_toelichtingen": [
            {**note, "wie": entity["id"]}
            for entity in (aanvraag, referent)
            for note in _notes(entity["toelichtingen"], {}, set())[0]
        ],
    }


def _minor_nbm(facts: Mapping[str, Any], beslisdatum: dt.date) -> bool:
    """A referent who is an unaccompanied minor on the day of the letter gets it through the guardian."""
    if facts.get("referent_is_nbm") != "ja" or not facts.get("geboortedatum_referent"):
        return False
    born = _date(facts["geboortedatum_referent"], "geboortedatum_referent")
    return relativedelta(beslisdatum, born).years < ADULT_AGE


def _notes(
    notes: Mapping[str, str], readers: Mapping[str, Mapping[str, Any]], motivated: set[str]
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The caseworker's notes: (all notes, the notes per motivated rule that read its fact)."""
    everything: list[dict[str, Any]] = []
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for key, text in sorted(notes.items()):
        for_letter = key.startswith(LETTER_NOTE_PREFIX)
        fact = key.removeprefix(LETTER_NOTE_PREFIX)
        reader = readers.get(fact)
        note = {
            "feit": fact,
            "tekst": text,
            "in_brief": for_letter,
            "regel": reader["regel"] if reader else "",
            "paragraaf": split_source(reader["bron"])[0] if reader else "",
        }
        everything.append(note)
        if reader and reader["regel"] in motivated:
            by_rule.setdefault(reader["regel"], []).append(note)
    return everything, by_rule


def _member(entity: Mapping[str, Any]) -> dict[str, Any]:
    facts = entity["feiten"]
    rules = sorted(entity["gevuurde_regels"], key=lambda rule: rule["volgorde"])
    readers = {fact: rule for rule in reversed(rules) for fact in rule["gematcht"]}  # first reader wins
    motivated = {paragraph["regel"] for paragraph in entity["motiveringen"]}
    notes, notes_by_rule = _notes(entity["toelichtingen"], readers, motivated)
    paragraphs = []
    for paragraph in entity["motiveringen"]:
        paragraaf, grondslag = split_source(paragraph["bron"])
        paragraphs.append(
            {
                **paragraph,
                "paragraaf": paragraaf,
                "grondslag": grondslag,
                "grondslag_brief": wet(grondslag),
                "toelichtingen": notes_by_rule.get(paragraph["regel"], []),
                "brief_toelichtingen": [
                    note for note in notes_by_rule.get(paragraph["regel"], []) if note["in_brief"]
                ],
            }
        )
    in_letter = [paragraph for paragraph in paragraphs if paragraph["in_brief"]]
    placed = {note["feit"] for paragraph in in_letter for note in paragraph["brief_toelichtingen"]}
    # Chapters set their own lists (herstel_verzuim_punten_h2, ...) that the final table joins.
    setters = {rule["regel"] for rule in rules if any(f.startswith("herstel_verzuim_punten") for f in rule["gezet"])}
    return {
        "id": entity["id"],
        "naam": facts.get("naam") or entity["id"],
        "geboortedatum": facts.get("geboortedatum", ""),
        "relatie": facts.get("relatie", ""),
        "uitkomst": facts.get("uitkomst", ""),
        "overleden": facts.get("overleden_tijdens_procedure") == "ja",
        "afwijzingsgronden": _as_list(facts.get("afwijzingsgronden", [])),
        "vervolgacties": _as_list(facts.get("vervolgacties", [])),
        "herstel_verzuim_punten": _as_list(facts.get("herstel_verzuim_punten", [])),
        "ambassade": facts.get("ambassade", ""),
        "oordeel_lp": facts.get("oordeel_lp", ""),
        "motiveringen": paragraphs,
        "bevindingen": [paragraph for paragraph in in_letter if not paragraph["conclusie"]],
        "conclusies": [paragraph for paragraph in in_letter if paragraph["conclusie"]],
        "herstel_motiveringen": [paragraph for paragraph in in_letter if paragraph["regel"] in setters],
        "losse_brief_toelichtingen": [note for note in notes if note["in_brief"] and note["feit"] not in placed],
        "toelichtingen": notes,
        "grondslagen": _legal_bases(in_letter),
        "grondslag": wet([paragraph["grondslag"] for paragraph in in_letter]),
        "herstel_bronnen": [
            paragraph["grondslag"]
            for paragraph in in_letter
            if paragraph["regel"] in setters or paragraph["conclusie"]
        ],
        "ontbrekende_feiten": list(entity["ontbrekende_feiten"]),
        "regels": [_fired(rule) for rule in rules],
        "feiten": facts,
    }


def _shared_paragraphs(members: Sequence[Mapping[str, Any]]) -> list[str]:
    """Herstel verzuim reasons that read the same for every member (about the referent, such as income): the letter
    says them once, not under each member."""
    if len(members) < 2:
        return []
    texts = [[paragraph["tekst"] for paragraph in member["herstel_motiveringen"]] for member in members]
    return [text for text in texts[0] if all(text in other for other in texts[1:])]


def _legal_bases(paragraphs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each legal basis cited by a motivated rule, once (in plain Dutch), with the rules and WI paragraphs citing it."""
    bases: dict[str, dict[str, Any]] = {}
    for paragraph in paragraphs:
        text = paragraph["grondslag_brief"]
        if text:
            basis = bases.setdefault(text, {"tekst": text, "regels": [], "paragrafen": []})
            basis["regels"] = _unique([*basis["regels"], paragraph["regel"]])
            basis["paragrafen"] = _unique([*basis["paragrafen"], paragraph["paragraaf"]])
    return list(bases.values())


def _fired(rule: Mapping[str, Any]) -> dict[str, Any]:
    paragraaf, grondslag = split_source(rule["bron"])
    return {
        "volgorde": rule["volgorde"],
        "regel": rule["regel"],
        "tabel": rule["tabel"],
        "werkboek": rule["werkboek"],
        "blad": rule["blad"],
        "rij": rule["rij"],
        "bron": rule["bron"],
        "paragraaf": paragraaf,
        "grondslag": grondslag,
        "gematcht": sorted(rule["gematcht"].items()),
        "gezet": sorted(rule["gezet"].items()),
        "annotatie": rule.get("annotatie", ""),
        "in_brief": bool(rule.get("in_brief", True)),
    }


def _calculation(calc: Mapping[str, Any], owner: str) -> dict[str, Any]:
    return {"wie": owner, **calc}


def _deadlines(facts: Mapping[str, Any]) -> list[dict[str, str]]:
    deadlines = []
    for name in sorted(facts):
        if name != "beslisdatum" and name.endswith(DEADLINE_SUFFIXES) and _is_date(facts[name]):
            deadlines.append({"feit": name, "waarde": facts[name]})
    return deadlines


def _is_date(value: Any) -> bool:
    try:
        to_date(value)
    except FilterValueError:
        return False
    return True


def _date(value: Any, fact: str) -> dt.date:
    try:
        return to_date(value)
    except FilterValueError as error:
        raise NareisError(f"{fact}: {error.message}") from error


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _unique(values: Any) -> list[str]:
    return list(dict.fromkeys(values))


def _address_lines(address: str) -> Sequence[str]:
    """'Stationsstraat 12, 3511 AB Utrecht' -> two lines of a letter's address block."""
    return [line.strip() for line in address.split(",") if line.strip()]
