"""The one place that turns a decision (its JSON form) into the variables of the document templates."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from dateutil.relativedelta import relativedelta

from engine.errors import Location, NareisError
from renderers.environment import render_motivation
from renderers.filters import FilterValueError, to_date

# Outcomes that end the application for a member; after the others a decision is still to come.
FINAL_OUTCOMES = ("inwilligen", "afwijzen", "buiten_behandeling")
HERSTEL_VERZUIM = "herstel_verzuim"
# §1.3: the referent gets four weeks to reply to a herstel verzuim letter.
HERSTEL_VERZUIM_TERM = relativedelta(weeks=4)
# §1.1 and §5.8: without the application form the application is set aside (buiten behandeling).
FORM_PARAGRAPHS = ("§1.1", "§5.8")
FORM_POINT = "aanvraagformulier"
DEADLINE_SUFFIXES = ("_einde", "_datum", "reactiedatum")


def split_source(source: str) -> tuple[str, str]:
    """'§2.2; art. 29c lid 1 Vw' -> ('§2.2', 'art. 29c lid 1 Vw'): the WI paragraph and the legal basis."""
    parts = [part.strip() for part in source.split(";") if part.strip()]
    if parts and parts[0].startswith("§"):
        return parts[0], "; ".join(parts[1:])
    return "", "; ".join(parts)


def motivation_facts(decision: Mapping[str, Any], entity: Mapping[str, Any]) -> dict[str, Any]:
    """What a motivation may read: the entity's own facts merged with the aanvraag's and the referent's."""
    return {**decision["aanvraag"]["feiten"], **decision["referent"]["feiten"], **entity["feiten"]}


def with_paragraphs(decision: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the decision where every entity gets its rendered motivations, in firing order."""
    result = copy.deepcopy(dict(decision))
    for entity in [result["aanvraag"], result["referent"], *result["gezinsleden"]]:
        facts = motivation_facts(result, entity)
        entity["motiveringen"] = [
            {
                "regel": rule["regel"],
                "tabel": rule["tabel"],
                "bron": rule["bron"],
                "tekst": _render(rule, facts),
            }
            for rule in sorted(entity["gevuurde_regels"], key=lambda rule: rule["volgorde"])
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
    reply_fact = aanvraag["feiten"].get("herstel_verzuim_reactiedatum")
    reactiedatum = (
        _date(reply_fact, "herstel_verzuim_reactiedatum")
        if reply_fact
        else (beslisdatum + HERSTEL_VERZUIM_TERM)
    )
    return {
        "beslisdatum": beslisdatum.isoformat(),
        "tabellen_hash": decided["tabellen_hash"],
        "zaaknummer": aanvraag["feiten"].get("zaaknummer", ""),
        "aanvraag": aanvraag["feiten"],
        "referent": {
            "naam": referent["feiten"].get("naam_referent", ""),
            "adres_regels": _address_lines(referent["feiten"].get("adres_referent", "")),
            "feiten": referent["feiten"],
        },
        "leden": leden,
        "besluit_leden": [member for member in leden if member["uitkomst"] in FINAL_OUTCOMES],
        "herstel_leden": [member for member in leden if member["uitkomst"] == HERSTEL_VERZUIM],
        "reactiedatum": reactiedatum.isoformat(),
        "reactiedatum_berekend": not reply_fact,
        "formulier_ontbreekt": any(member["formulier_ontbreekt"] for member in leden),
        "termijnen": _deadlines(aanvraag["feiten"]),
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
    }


def _member(entity: Mapping[str, Any]) -> dict[str, Any]:
    facts = entity["feiten"]
    rules = sorted(entity["gevuurde_regels"], key=lambda rule: rule["volgorde"])
    readers = {fact: rule for rule in reversed(rules) for fact in rule["gematcht"]}  # first reader wins
    motivated = {paragraph["regel"] for paragraph in entity["motiveringen"]}
    paragraphs = []
    for paragraph in entity["motiveringen"]:
        paragraaf, grondslag = split_source(paragraph["bron"])
        paragraphs.append({**paragraph, "paragraaf": paragraaf, "grondslag": grondslag, "toelichtingen": []})
    by_rule = {paragraph["regel"]: paragraph for paragraph in paragraphs}
    loose = []
    for fact, text in entity["toelichtingen"].items():
        reader = readers.get(fact)
        note = {
            "feit": fact,
            "tekst": text,
            "regel": reader["regel"] if reader else "",
            "paragraaf": split_source(reader["bron"])[0] if reader else "",
        }
        if reader and reader["regel"] in motivated:
            by_rule[reader["regel"]]["toelichtingen"].append(note)
        else:
            loose.append(note)
    # Chapters set their own lists (herstel_verzuim_punten_h2, ...) that the final table joins.
    setters = {rule["regel"] for rule in rules if any(f.startswith("herstel_verzuim_punten") for f in rule["gezet"])}
    herstel_paragraphs = [paragraph for paragraph in paragraphs if paragraph["regel"] in setters]
    points = _as_list(facts.get("herstel_verzuim_punten", []))
    return {
        "id": entity["id"],
        "naam": facts.get("naam") or entity["id"],
        "geboortedatum": facts.get("geboortedatum", ""),
        "relatie": facts.get("relatie", ""),
        "uitkomst": facts.get("uitkomst", ""),
        "afwijzingsgronden": _as_list(facts.get("afwijzingsgronden", [])),
        "vervolgacties": _as_list(facts.get("vervolgacties", [])),
        "herstel_verzuim_punten": points,
        "ambassade": facts.get("ambassade", ""),
        "motiveringen": paragraphs,
        "herstel_motiveringen": herstel_paragraphs,
        "losse_toelichtingen": loose,
        "grondslagen": _legal_bases(paragraphs),
        "ontbrekende_feiten": list(entity["ontbrekende_feiten"]),
        "formulier_ontbreekt": FORM_POINT in points
        or any(
            split_source(rule["bron"])[0] in FORM_PARAGRAPHS for rule in rules if rule["regel"] in setters
        ),
        "regels": [_fired(rule) for rule in rules],
        "feiten": facts,
    }


def _legal_bases(paragraphs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each legal basis cited by a motivated rule, once, with the rules and WI paragraphs that cite it."""
    bases: dict[str, dict[str, Any]] = {}
    for paragraph in paragraphs:
        if paragraph["grondslag"]:
            basis = bases.setdefault(
                paragraph["grondslag"], {"tekst": paragraph["grondslag"], "regels": [], "paragrafen": []}
            )
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
