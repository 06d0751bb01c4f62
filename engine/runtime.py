"""Run cases through the compiled network; the only module that talks to durable-rules."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import durable_rules_engine

from engine.case import Case
from engine.compiler import SESSION_RULE, CompiledRow, LiftedExpression, Network, Stratum, encode
from engine.errors import Location, NareisError
from engine.evaluate import Family, Scope, evaluate, matches
from engine.expressions import AnyValue, Expr, Literal
from engine.hitpolicy import Hit, Outcome, Violation, outcome_of
from engine.model import Calculated, DecisionTable, InputEntry, RuleBase
from engine.trace import Calculation, Conflict, ConflictingRule, Decision, EntityResult, FiredRule
from engine.types import Value


@dataclass
class _Entity:
    """The facts of one entity while a case is decided, and what happened to it."""

    kind: str
    key: str
    own: dict[str, Value]
    toelichtingen: Mapping[str, str]
    visible: dict[str, Value] = field(default_factory=dict)
    encoded: dict[str, object] = field(default_factory=dict)  # `visible` as durable-rules sees it
    fired: list[FiredRule] = field(default_factory=list)
    calculations: list[Calculation] = field(default_factory=list)
    tables_without_hit: list[DecisionTable] = field(default_factory=list)
    shown_when: dict[int, InputEntry] = field(default_factory=dict)  # index in `fired` -> its row's Toon bij test
    # Facts left unknown by a hit-policy conflict, each with the conflict's index in _Run.conflicts. The aanvraag and
    # the referent share one dict (their facts are visible to every member).
    blocked: dict[str, int] = field(default_factory=dict)


class NetworkError(NareisError):
    """durable-rules refused the compiled network or a fact: its own error, with the tables it concerns."""


# durable-rules' C error codes that a user's tables can cause, in words (engine/rules.h in durable-rules).
_DURABLE_CODES = {
    202: "een ongeldige regeldefinitie of een ongeldig feit",
    301: "een feit dat niet gelezen kan worden",
    302: "een feit met meer eigenschappen dan durable-rules er aankan (255)",
    309: "een zaak (sessie) die niet bestaat",
}


def _durable_reason(error: BaseException) -> str:
    """durable-rules' own error (`Could not assert fact, error code: 302`) in words, its code kept."""
    if isinstance(error, MemoryError):
        return "geen ruimte meer (durable-rules houdt hoogstens 1.024 zaken tegelijk open)"
    text = str(error)
    code = text.rsplit(":", 1)[-1].strip()
    words = _DURABLE_CODES.get(int(code)) if code.isdigit() else None
    return f"{words} (durable-rules: {text})" if words else f"durable-rules: {text}"


_DURABLE_ERRORS = (durable_rules_engine.error, MemoryError)


class _Durable:
    """durable-rules' C engine, used through its plain JSON interface.

    The engine's own Python layer (durable.engine.Host) starts timer threads and builds a closure and a state copy
    for every fired rule; we need neither, so rulesets are created with `durable_rules_engine` directly. Ruleset
    names are global in the C engine, so each compiled network is created once, under a name derived from the
    content hash of its workbooks. Every error of the C engine leaves here as a NetworkError.
    """

    def __init__(self) -> None:
        self.handles: dict[str, int] = {}
        self.session_ids = itertools.count(1)

    def register(self, network: Network) -> None:
        if network.name not in self.handles:
            try:
                handle = durable_rules_engine.create_ruleset(network.name, json.dumps(network.ruleset))
            except _DURABLE_ERRORS as error:
                workbooks = ", ".join(network.rule_base.workbooks)
                raise NetworkError(
                    f"het regelnetwerk van deze tabellen kan niet worden aangemaakt: {_durable_reason(error)}",
                    Location(workbooks),
                ) from None
            self.handles[network.name] = handle

    def matched_rows(self, network: str, view: dict[str, object]) -> list[int]:
        """Assert one fact and return the indexes of the rules it fires (each rule `r<index>` fires at most once).
        Raises durable-rules' own errors: the caller knows which tables the fact was for."""
        handle = self.handles[network]
        status, state = durable_rules_engine.assert_fact(handle, json.dumps(view))
        if status != _HANDLED:
            return []
        fired = []
        started = durable_rules_engine.start_action_for_state(handle, state)
        message = started[1] if started else None
        while message:
            # A message is '{"r12":{"m":{...}}}': the rule's name is the first key.
            name = message[2 : message.index('"', 2)]
            if name != SESSION_RULE:
                fired.append(int(name[1:]))
            message = durable_rules_engine.complete_and_start_action(handle, state)
        return sorted(fired)

    def start(self, network: str, session: str) -> None:
        try:
            self.matched_rows(network, {"sid": session, "id": "sessie", "stap": 0})
        except _DURABLE_ERRORS as error:
            raise NetworkError(f"een nieuwe zaak kan niet worden geopend: {_durable_reason(error)}") from None

    def delete(self, network: str, session: str) -> None:
        try:
            durable_rules_engine.delete_state(self.handles[network], session)
        except _DURABLE_ERRORS as error:
            raise NetworkError(f"een afgehandelde zaak kan niet worden gesloten: {_durable_reason(error)}") from None


_EMPTY = Scope({})
_HANDLED = 0  # durable-rules' result code for a fact that matched at least one rule
_DURABLE = _Durable()


class Engine:
    """A compiled network registered with durable-rules, ready to decide cases one after the other."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self._no_hit: dict[str, dict[str, Value]] = {}
        self.entity_of = {name: fact.entity for name, fact in network.rule_base.glossary.items()}
        self.reads = {table.name: table.reads() for table in network.rule_base.tables}
        # Each row's outputs, worked out once when they are fixed values (most are): a dict shared by every hit of
        # the row (nothing changes a Hit's outputs), else the expressions to evaluate per case.
        self._outputs: list[dict[str, Value | None] | tuple[tuple[str, Expr], ...]] = []
        for row in network.rows:
            if all(isinstance(o.expression, Literal) for o in row.rule.outputs):
                self._outputs.append({o.fact: evaluate(o.expression, _EMPTY) for o in row.rule.outputs})
            else:
                self._outputs.append(tuple((o.fact, o.expression) for o in row.rule.outputs))
        _DURABLE.register(network)

    def matched_rows(self, view: dict[str, object]) -> list[int]:
        return _DURABLE.matched_rows(self.network.name, view)

    def outputs(self, row: CompiledRow, scope: Scope) -> Mapping[str, Value | None]:
        plan = self._outputs[row.index]
        if isinstance(plan, dict):
            return plan
        return {fact: evaluate(expression, scope) for fact, expression in plan}

    def no_hit(self, table: DecisionTable) -> dict[str, Value]:
        """What a table sets when no rule matches (the empty list, a count of 0, or nothing), worked out once."""
        known = self._no_hit.get(table.name)
        if known is None:
            outcome = outcome_of(table, [], self.network.rule_base.glossary)
            known = self._no_hit[table.name] = {f: v for f, v in outcome.values.items() if v is not None}
        return known

    def decide(self, case: Case) -> Decision:
        """Decide one case in its own durable-rules session, deleted afterwards (at most 1,024 may live at once)."""
        rule_base = self.network.rule_base
        aanvraag = _Entity("aanvraag", "aanvraag", dict(case.aanvraag), case.aanvraag_toelichtingen)
        referent = _Entity("referent", "referent", dict(case.referent), case.referent_toelichtingen)
        # What each entity can read, kept as plain dicts (a member sees the aanvraag's and referent's facts too);
        # _Run.set keeps them in step with the facts each entity owns.
        shared = {**aanvraag.own, **referent.own}
        aanvraag.visible = referent.visible = shared
        referent.blocked = aanvraag.blocked
        members = [_Entity("gezinslid", m.key, dict(m.facts), m.toelichtingen) for m in case.members]
        for member in members:
            member.visible = {**shared, **member.own}
        aanvraag.encoded = referent.encoded = {fact: encode(value) for fact, value in shared.items()}
        for member in members:
            member.encoded = {fact: encode(value) for fact, value in member.visible.items()}
        run = _Run(self, case, rule_base, aanvraag, referent, members)
        session = f"s{next(_DURABLE.session_ids)}"
        _DURABLE.start(self.network.name, session)
        try:
            for _, calculations, strata in self.network.levels:
                for calculation in calculations:
                    run.calculate(calculation)
                for stratum in strata:
                    for entity in [aanvraag] if stratum.entity == "aanvraag" else members:
                        run.match(stratum, entity, session)
        finally:
            _DURABLE.delete(self.network.name, session)
        return Decision(
            beslisdatum=case.beslisdatum,
            tables_hash=rule_base.content_hash,
            aanvraag=run.result(aanvraag),
            referent=run.result(referent),
            gezinsleden=tuple(run.result(m) for m in members),
            case=case.source,
            conflicts=run.conflicts_found(),
        )


class _Run:
    """Deciding one case: calculations, matching strata, applying hit policies, tracing."""

    def __init__(
        self,
        engine: Engine,
        case: Case,
        rule_base: RuleBase,
        aanvraag: _Entity,
        referent: _Entity,
        members: list[_Entity],
    ) -> None:
        self.engine = engine
        self.case = case
        self.rule_base = rule_base
        self.aanvraag = aanvraag
        self.referent = referent
        self.members = members
        self.order = itertools.count(1)
        self.fact_ids = itertools.count(1)
        self.scopes: dict[int, Scope] = {}
        # Aggregates over the family are worked out once per case (and again when a fact they read is set), so a
        # case costs linear time in its number of members; `positions` finds a member's own facts in the family.
        self.family = Family([m.visible for m in members])
        self.positions = {id(m): index for index, m in enumerate(members)}
        # Hit-policy violations, and per violation the facts left unknown by it ((entity key, fact), in order).
        self.violations: list[tuple[DecisionTable, _Entity, Violation]] = []
        self.unknown: list[list[str]] = []

    def _owner(self, fact: str, entity: _Entity) -> _Entity:
        kind = self.engine.entity_of[fact]
        if kind == "aanvraag":
            return self.aanvraag
        if kind == "referent":
            return self.referent
        return entity

    def set(self, owner: _Entity, fact: str, value: Value) -> None:
        owner.own[fact] = value
        self.family.changed(fact)
        encoded = encode(value)
        if owner.kind == "gezinslid":
            owner.visible[fact] = value
            owner.encoded[fact] = encoded
            return
        self.aanvraag.visible[fact] = value  # shared by aanvraag and referent
        self.aanvraag.encoded[fact] = encoded
        for member in self.members:
            member.visible[fact] = value
            member.encoded[fact] = encoded

    def scope(self, entity: _Entity) -> Scope:
        # The visible dicts are updated in place, so a scope made once per entity stays current.
        scope = self.scopes.get(id(entity))
        if scope is None:
            position = self.positions.get(id(entity))
            scope = self.scopes[id(entity)] = Scope(entity.visible, family=self.family, member=position)
        return scope

    def calculate(self, calculation: Calculated) -> None:
        kind = self.rule_base.glossary[calculation.fact].entity
        targets = self.members if kind == "gezinslid" else [self.aanvraag if kind == "aanvraag" else self.referent]
        for entity in targets:
            value = evaluate(calculation.expression, self.scope(entity))
            if value is None:
                # Kleene logic already says whether the formula needs a fact a conflict left unknown: when it does,
                # the result is unknown, and the conflict is what keeps it so.
                cause = self._blocked_by(calculation.reads, entity)
                if cause is None:
                    cause = self._blocked_among_members(calculation.reads_of_others)
                if cause is not None:
                    self._block(entity, calculation.fact, cause)
                continue
            self.set(entity, calculation.fact, value)
            location = calculation.location
            entity.calculations.append(
                Calculation(
                    calculation.fact,
                    value,
                    calculation.text,
                    calculation.source,
                    location.workbook,
                    location.sheet,
                    calculation.row,
                )
            )

    def _blocked_by(self, facts: Iterable[str], entity: _Entity) -> int | None:
        """The conflict that keeps one of these facts unknown for the entity, if any."""
        if not (entity.blocked or self.aanvraag.blocked):
            return None
        for fact in facts:
            cause = entity.blocked.get(fact)
            if cause is None:
                cause = self.aanvraag.blocked.get(fact)
            if cause is not None:
                return cause
        return None

    def _blocked_among_members(self, facts: Iterable[str]) -> int | None:
        if not facts:
            return None
        for member in self.members:
            cause = self._blocked_by(facts, member)
            if cause is not None:
                return cause
        return None

    def _block(self, entity: _Entity, fact: str, cause: int) -> None:
        """Leave `fact` unknown because of conflict `cause`: what reads it waits on that conflict too (DMN fails
        every decision that requires a failed one)."""
        owner = self._owner(fact, entity)
        if fact in owner.own or fact in owner.blocked:
            return
        owner.blocked[fact] = cause
        who = owner.key if owner.kind == "gezinslid" else owner.kind
        self.unknown[cause].append(f"{who}.{fact}")

    def match(self, stratum: Stratum, entity: _Entity, session: str) -> None:
        scope = self.scope(entity)
        view: dict[str, object] = {
            "sid": session,
            "id": f"f{next(self.fact_ids)}",
            "stap": stratum.key,
        }
        encoded = entity.encoded
        for prop in stratum.properties:
            if prop in encoded:
                view[prop] = encoded[prop]
        for lifted in stratum.lifted:
            if isinstance(lifted, LiftedExpression):
                value: object = evaluate(lifted.expression, scope)
            else:
                value = matches(lifted.test, entity.visible.get(lifted.subject), scope)
            if value is not None:
                view[lifted.prop] = encode(value)
        try:
            matched = self.engine.matched_rows(view)
        except _DURABLE_ERRORS as error:
            tables = ", ".join(f'"{t.name}"' for t in stratum.tables)
            raise NetworkError(
                f"durable-rules weigert het feit voor de tabellen {tables} ({_who(entity, 'nl')} in zaak "
                f"{self.case.label or '(zonder naam)'}): {_durable_reason(error)}",
                stratum.tables[0].location,
            ) from None
        by_table: dict[str, list[CompiledRow]] = {}
        for index in matched:
            row = self.engine.network.rows[index]
            by_table.setdefault(row.table.name, []).append(row)
        for table in stratum.tables:
            self._apply(table, by_table.get(table.name, []), entity, scope)

    def _apply(self, table: DecisionTable, rows: list[CompiledRow], entity: _Entity, scope: Scope) -> None:
        if entity.blocked or self.aanvraag.blocked:
            cause = self._waits_on_conflict(table, entity, scope)
            if cause is not None:
                for fact in table.output_facts:
                    self._block(entity, fact, cause)
                return
        if not rows:
            entity.tables_without_hit.append(table)
            if table.default is None:
                for fact, empty in self.engine.no_hit(table).items():  # DMN's result of no matching rule
                    self.set(self._owner(fact, entity), fact, empty)
                return
        hits = [Hit(row.rule, self.engine.outputs(row, scope)) for row in rows]
        if len(hits) == 1 and table.hit_policy.is_single_hit:
            outcome = Outcome(dict(hits[0].outputs), (hits[0],))  # what outcome_of gives for one hit, for less
        else:
            outcome = outcome_of(table, hits, self.rule_base.glossary)
        if outcome.violation is not None:
            self.violations.append((table, entity, outcome.violation))
            self.unknown.append([])
            for fact in table.output_facts:
                self._block(entity, fact, len(self.violations) - 1)
            return
        for fact, value in outcome.values.items():
            if value is not None:
                self.set(self._owner(fact, entity), fact, value)
        for hit in outcome.fired:
            rule = hit.rule
            entity.fired.append(
                FiredRule(
                    order=next(self.order),
                    table=table.name,
                    rule_id=rule.rule_id,
                    workbook=table.workbook,
                    sheet=table.sheet,
                    row=rule.row,
                    source=rule.source,
                    motivation=rule.motivation,
                    annotation=rule.annotation,
                    matched={f: entity.visible[f] for f in rule.tested if f in entity.visible},
                    set={f: v for f, v in hit.outputs.items() if v is not None},
                    table_position=table.position,
                    is_default=outcome.by_default,
                )
            )
            if rule.show_when is not None:
                entity.shown_when[len(entity.fired) - 1] = rule.show_when

    def _waits_on_conflict(self, table: DecisionTable, entity: _Entity, scope: Scope) -> int | None:
        """The conflict this table's outcome depends on, if any: a rule that tests (or sets from) a fact a conflict
        left unknown, and none of whose other tests is false, could match once the conflict is resolved, so the
        table has no outcome yet. When every such rule fails on a known fact, the table decides as usual."""
        if self._blocked_by(self.engine.reads[table.name], entity) is None:
            return None
        visible = entity.visible
        for rule in table.rules:
            cause: int | None = None
            for entry in rule.inputs:
                if isinstance(entry.test, AnyValue):
                    continue
                blocked = self._blocked_by((entry.fact, *entry.reads), entity)
                if blocked is not None:
                    cause = blocked if cause is None else cause
                    continue
                if entry.fact in visible and matches(entry.test, visible[entry.fact], scope) is False:
                    break
            else:
                if cause is None:
                    cause = self._blocked_by((f for output in rule.outputs for f in output.reads), entity)
                if cause is not None:
                    return cause
        return None

    def conflicts_found(self) -> tuple[Conflict, ...]:
        found = []
        for (table, entity, violation), unknown in zip(self.violations, self.unknown, strict=True):
            tested = sorted({f for hit in violation.hits for f in hit.rule.tested if f in entity.visible})
            where = f"{_who(entity, 'nl')} in zaak {self.case.label}" if self.case.label else _who(entity, "nl")
            where_en = f"{_who(entity, 'en')} in case {self.case.label}" if self.case.label else _who(entity, "en")
            found.append(
                Conflict(
                    table=table.name,
                    workbook=table.workbook,
                    sheet=table.sheet,
                    hit_policy=table.hit_policy.value,
                    entity=entity.kind,
                    key=entity.key,
                    rules=tuple(
                        ConflictingRule(
                            hit.rule.rule_id, hit.rule.row, {f: v for f, v in hit.outputs.items() if v is not None}
                        )
                        for hit in violation.hits
                    ),
                    facts={f: entity.visible[f] for f in tested},
                    unknown=tuple(unknown),
                    message_nl=f"{violation.message(table, 'nl')}, voor {where}; onbekend gebleven: "
                    + ", ".join(unknown),
                    message_en=f"{violation.message(table, 'en')}, for {where_en}; left unknown: " + ", ".join(unknown),
                )
            )
        return tuple(found)

    def result(self, entity: _Entity) -> EntityResult:
        return EntityResult(
            entity=entity.kind,
            key=entity.key,
            facts=dict(entity.own),
            toelichtingen=dict(entity.toelichtingen),
            fired=self._fired_for_letters(entity),
            calculations=tuple(entity.calculations),
            missing=self._missing(entity),
        )

    def _fired_for_letters(self, entity: _Entity) -> tuple[FiredRule, ...]:
        """The fired rules, each marked whether its motivation belongs in a letter: a row's `Toon bij` test is
        decided on the entity's final facts, so it can name the outcome the rows themselves led to. An unknown
        fact never shows a motivation: a letter claims nothing that was not established."""
        if not entity.shown_when:
            return tuple(entity.fired)
        scope = self.scope(entity)
        fired = list(entity.fired)
        for index, test in entity.shown_when.items():
            verdict = matches(test.test, entity.visible.get(test.fact), scope)
            if verdict is not True:
                fired[index] = replace(fired[index], in_letter=False)
        return tuple(fired)

    def _missing(self, entity: _Entity) -> tuple[str, ...]:
        """Input facts that are unknown and keep an outcome of this entity unknown.

        An outcome is a derived fact that nothing else reads (uitkomst, ...). For each outcome still unknown, the
        tables upstream of it that did not fire are searched for rules none of whose tests is false: the tests on
        known facts pass, and the others cannot be decided because a fact they need is unknown."""
        network = self.engine.network
        waiting = [f for f in network.outcomes.get(entity.kind, ()) if f not in entity.own]
        relevant = frozenset().union(*(network.upstream[f] for f in waiting)) if waiting else frozenset()
        scope = self.scope(entity)
        visible = entity.visible
        unknown: set[str] = set()
        for table in entity.tables_without_hit:
            if table.name not in relevant:
                continue
            for rule in table.rules:
                if all(fact in visible for fact in rule.tested):
                    continue  # every fact it tests is known: it did not fire because it does not apply
                blocking: set[str] = set()
                for entry in rule.inputs:
                    if isinstance(entry.test, AnyValue):
                        continue
                    if entry.fact not in visible:  # a test of an unknown fact is undecided, whatever it says
                        blocking.add(entry.fact)
                        blocking.update(f for f in entry.reads if f not in visible)
                        continue
                    verdict = matches(entry.test, visible[entry.fact], scope)
                    if verdict is False:
                        break
                    if verdict is None:
                        blocking.update(f for f in entry.reads if f not in visible)
                else:
                    unknown |= blocking
        behind = _inputs_behind(unknown, self.engine.network, entity)
        return tuple(f for f in self.rule_base.glossary if f in behind)


def _inputs_behind(facts: set[str], network: Network, entity: _Entity) -> set[str]:
    """The unknown input facts behind unknown facts: a calculated fact is unknown because of what it reads."""
    glossary = network.rule_base.glossary
    result: set[str] = set()
    pending = list(facts)
    seen: set[str] = set()
    while pending:
        fact = pending.pop()
        if fact in seen or fact in entity.visible:
            continue
        seen.add(fact)
        if glossary[fact].is_input:
            result.add(fact)
        else:
            # A table's own blocked rows are counted where the table runs; a calculation has no rows, so what
            # it reads is what blocks it.
            pending.extend(network.calculation_reads.get(fact, ()))
    return result


def _who(entity: _Entity, lang: str) -> str:
    if entity.kind == "gezinslid":
        return f'gezinslid "{entity.key}"'
    return "de aanvraag" if lang == "nl" else "the aanvraag"
