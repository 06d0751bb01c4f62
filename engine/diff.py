"""The semantic difference between two versions of the decision tables, read from directories or git revisions.

Tables are matched by name, rules by rule id (not by position), cells by column name, glossary entries and
calculations by fact, scenarios by id and their rows by family member. The structure comes from engine/dump.py, so
a version that does not load (a half-finished edit) still diffs; only the impact (engine/impact.py) needs both to load.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.dump import (
    CALCULATIONS_SHEET,
    GLOSSARY_SHEET,
    NO_RULES_SHEET,
    SCENARIOS_SHEET,
    Entry,
    KeyedView,
    TableView,
    TextView,
    workbook_views,
)
from engine.errors import WorkbookError
from engine.loader import workbook_paths
from engine.workbook import read_workbook

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
SECTIONS = (GLOSSARY_SHEET, CALCULATIONS_SHEET, SCENARIOS_SHEET, NO_RULES_SHEET)


class DiffInputError(Exception):
    """OLD or NEW cannot be used: no such directory or revision, no workbooks, a file that is not a workbook."""

    def __init__(self, dutch: str, english: str) -> None:
        super().__init__(english)
        self.dutch = dutch
        self.english = english

    def text(self, lang: str) -> str:
        return self.dutch if lang == "nl" else self.english


# ---------------------------------------------------------------------------------------------------- the two sides


@dataclass(frozen=True)
class Side:
    label: str  # as the user wrote it: a directory or a revision
    directory: Path  # the workbooks (a temporary copy for a revision)
    revision: str | None = None  # the commit, for a revision


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


@contextlib.contextmanager
def resolve_side(spec: str, tables: Path, cwd: Path | None = None) -> Iterator[Side]:
    """`spec` as a directory of workbooks, or else as a git revision whose copy of `tables` is read into a
    temporary directory (removed afterwards). A directory wins over a revision of the same name."""
    here = (cwd or Path.cwd()).resolve()
    path = Path(spec) if Path(spec).is_absolute() else here / spec
    if path.is_dir():
        _require_workbooks(path, spec)
        yield Side(spec, path)
        return
    if path.exists():
        raise DiffInputError(
            f"{spec} is een bestand, geen map met werkmappen of git-revisie",
            f"{spec} is a file, not a directory of workbooks or a git revision",
        )
    top = _git(["rev-parse", "--show-toplevel"], here)
    if top.returncode != 0:
        raise DiffInputError(
            f"{spec} is geen map, en {here} ligt niet in een git-repository om het als revisie te lezen",
            f"{spec} is not a directory, and {here} is not inside a git repository to read it as a revision",
        )
    commit = _git(["rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], here)
    if commit.returncode != 0:
        raise DiffInputError(
            f"{spec} is geen map en geen git-revisie (branch, tag of commit)",
            f"{spec} is neither a directory nor a git revision (branch, tag or commit)",
        )
    root = Path(top.stdout.decode().strip()).resolve()
    absolute = (tables if tables.is_absolute() else here / tables).resolve()
    try:
        inside = absolute.relative_to(root).as_posix()
    except ValueError as error:
        raise DiffInputError(
            f"de map {tables} ligt niet in de git-repository {root}",
            f"the directory {tables} is not inside the git repository {root}",
        ) from error
    sha = commit.stdout.decode().strip()
    listing = _git(["ls-tree", "--name-only", f"{sha}:{inside}" if inside != "." else sha], root)
    names = sorted(n for n in listing.stdout.decode().splitlines() if n.endswith(".xlsx") and not n.startswith("~$"))
    if listing.returncode != 0 or not names:
        raise DiffInputError(
            f"revisie {spec} heeft geen werkmappen (*.xlsx) in {inside}",
            f"revision {spec} has no workbooks (*.xlsx) in {inside}",
        )
    with tempfile.TemporaryDirectory(prefix="nareis-diff-") as temporary:
        directory = Path(temporary)
        for name in names:
            blob = _git(["cat-file", "blob", f"{sha}:{inside}/{name}" if inside != "." else f"{sha}:{name}"], root)
            (directory / name).write_bytes(blob.stdout)
        yield Side(spec, directory, sha)


def _require_workbooks(path: Path, spec: str) -> None:
    if not workbook_paths(path):
        raise DiffInputError(
            f"in de map {spec} staan geen werkmappen (*.xlsx)", f"the directory {spec} holds no workbooks (*.xlsx)"
        )


# ---------------------------------------------------------------------------------------------- what a version holds


@dataclass
class Version:
    """The structure of one directory of workbooks: tables by name, keyed rows by section, other sheets."""

    workbooks: list[str] = field(default_factory=list)
    tables: dict[str, TableView] = field(default_factory=dict)
    sections: dict[str, dict[str, tuple[str, tuple[Entry, ...]]]] = field(default_factory=dict)  # key -> workbook
    texts: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)  # workbook/sheet order, for sorting the report


def read_version(directory: Path) -> Version:
    version = Version(sections={s: {} for s in SECTIONS})
    for path in workbook_paths(directory):
        try:
            book = read_workbook(path)
        except WorkbookError as error:
            raise DiffInputError(
                f"werkmap {path.name} is geen leesbare Excel-werkmap (.xlsx): {error.message}",
                f"workbook {path.name} cannot be read as an Excel workbook (.xlsx): {error.message}",
            ) from error
        version.workbooks.append(book.name)
        for view in workbook_views(book):
            version.order.setdefault(f"{book.name}/{view.sheet}", len(version.order))
            if isinstance(view, TableView):
                name = view.name
                if name in version.tables:
                    name = f"{view.name} ({book.name}, {view.sheet})"
                version.tables[name] = view
            elif isinstance(view, KeyedView):
                section = version.sections[view.kind]
                grouped: dict[str, list[Entry]] = {}
                for entry in view.entries:
                    grouped.setdefault(entry.key, []).append(entry)
                for key, entries in grouped.items():
                    if view.kind != SCENARIOS_SHEET and len(entries) > 1:
                        for number, entry in enumerate(entries, start=1):
                            section[f"{key} ({number})"] = (book.name, (entry,))
                        continue
                    section[key if key not in section else f"{key} ({book.name})"] = (book.name, tuple(entries))
            elif isinstance(view, TextView):
                version.texts[(book.name, view.sheet)] = view.lines
    return version


# ------------------------------------------------------------------------------------------------------ the changes


@dataclass(frozen=True)
class CellChange:
    label: str  # the column (for a scenario: "member: column"), or a table property
    before: str  # "" = empty
    after: str

    def to_json(self) -> dict[str, str]:
        return {"column": self.label, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class EntryChange:
    key: str  # rule id, fact, scenario id, paragraph
    status: str
    cells: tuple[CellChange, ...] = ()  # for a changed entry
    content: str = ""  # for an added or removed entry: its cells as one line
    workbook: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "status": self.status, "workbook": self.workbook}
        if self.status == CHANGED:
            data["cells"] = [c.to_json() for c in self.cells]
        else:
            data["content"] = self.content
        return data


@dataclass(frozen=True)
class TableChange:
    name: str
    workbook: str
    sheet: str
    status: str
    properties: tuple[CellChange, ...] = ()  # Tabel, Entiteit, Hitbeleid, Bron, Omschrijving; werkmap/blad moved
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()
    order_changed: bool = False
    rules: tuple[EntryChange, ...] = ()
    rule_count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.name,
            "workbook": self.workbook,
            "sheet": self.sheet,
            "status": self.status,
            "properties": [p.to_json() for p in self.properties],
            "columns_added": list(self.columns_added),
            "columns_removed": list(self.columns_removed),
            "rule_order_changed": self.order_changed,
            "rules": [r.to_json() for r in self.rules],
            "rule_count": self.rule_count,
        }


@dataclass(frozen=True)
class SheetChange:
    workbook: str
    sheet: str
    status: str


@dataclass(frozen=True)
class Diff:
    old: str
    new: str
    workbooks_added: tuple[str, ...]
    workbooks_removed: tuple[str, ...]
    tables: tuple[TableChange, ...]
    sections: dict[str, tuple[EntryChange, ...]]
    sheets: tuple[SheetChange, ...]

    @property
    def empty(self) -> bool:
        return not (
            self.workbooks_added or self.workbooks_removed or self.tables or any(self.sections.values()) or self.sheets
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "differences": not self.empty,
            "workbooks_added": list(self.workbooks_added),
            "workbooks_removed": list(self.workbooks_removed),
            "tables": [t.to_json() for t in self.tables],
            "glossary": [e.to_json() for e in self.sections[GLOSSARY_SHEET]],
            "calculations": [e.to_json() for e in self.sections[CALCULATIONS_SHEET]],
            "scenarios": [e.to_json() for e in self.sections[SCENARIOS_SHEET]],
            "no_rules": [e.to_json() for e in self.sections[NO_RULES_SHEET]],
            "other_sheets": [{"workbook": s.workbook, "sheet": s.sheet, "status": s.status} for s in self.sheets],
        }


def line(cells: tuple[tuple[str, str], ...]) -> str:
    return " | ".join(f"{label}: {text}" for label, text in cells)


def _cell_changes(before: tuple[tuple[str, str], ...], after: tuple[tuple[str, str], ...]) -> list[CellChange]:
    """Changed cells by column name, in the new version's column order (removed columns last)."""
    old, new = dict(before), dict(after)
    labels = [label for label, _ in after] + [label for label, _ in before if label not in new]
    return [
        CellChange(label, old.get(label, ""), new.get(label, ""))
        for label in labels
        if old.get(label, "") != new.get(label, "")
    ]


def _entries(old: dict[str, Entry], new: dict[str, Entry], workbook: str = "") -> list[EntryChange]:
    changes: list[EntryChange] = []
    for key, entry in new.items():
        if key not in old:
            changes.append(EntryChange(key, ADDED, content=line(entry.cells), workbook=workbook))
        else:
            cells = _cell_changes(old[key].cells, entry.cells)
            if cells:
                changes.append(EntryChange(key, CHANGED, tuple(cells), workbook=workbook))
    changes.extend(
        EntryChange(k, REMOVED, content=line(e.cells), workbook=workbook) for k, e in old.items() if k not in new
    )
    return changes


def _by_key(entries: tuple[Entry, ...]) -> dict[str, Entry]:
    keyed: dict[str, Entry] = {}
    for entry in entries:
        key, number = entry.key, 1
        while key in keyed:
            number += 1
            key = f"{entry.key} ({number})"
        keyed[key] = entry
    return keyed


def _table(old: TableView | None, new: TableView | None) -> TableChange | None:
    if old is None and new is not None:
        added = tuple(EntryChange(r.key, ADDED, content=line(r.cells), workbook=new.workbook) for r in new.rules)
        return TableChange(new.name, new.workbook, new.sheet, ADDED, rules=added, rule_count=len(new.rules))
    if new is None and old is not None:
        return TableChange(old.name, old.workbook, old.sheet, REMOVED, rule_count=len(old.rules))
    assert old is not None and new is not None
    properties = _cell_changes(old.meta, new.meta)
    if (old.workbook, old.sheet) != (new.workbook, new.sheet):
        properties.insert(0, CellChange("plaats", f"{old.workbook}, {old.sheet}", f"{new.workbook}, {new.sheet}"))
    old_rules, new_rules = _by_key(old.rules), _by_key(new.rules)
    rules = _entries(old_rules, new_rules, new.workbook)
    common_old = [k for k in old_rules if k in new_rules]
    common_new = [k for k in new_rules if k in old_rules]
    change = TableChange(
        new.name,
        new.workbook,
        new.sheet,
        CHANGED,
        tuple(properties),
        tuple(c for c in new.columns if c not in old.columns),
        tuple(c for c in old.columns if c not in new.columns),
        common_old != common_new,
        tuple(rules),
        len(new.rules),
    )
    if not (change.properties or change.columns_added or change.columns_removed or change.order_changed or rules):
        return None
    return change


def _scenario_rows(entries: tuple[Entry, ...]) -> dict[str, Entry]:
    """A scenario's rows by family member (Lid), so that a changed fact is named with its member."""
    rows: dict[str, Entry] = {}
    for index, entry in enumerate(entries):
        member = entry.cell("Lid") or f"lid{index + 1}"
        rows[member] = Entry(member, entry.row, tuple((k, v) for k, v in entry.cells if k != "Lid"))
    return rows


def _section(kind: str, old: Version, new: Version) -> list[EntryChange]:
    before, after = old.sections[kind], new.sections[kind]
    changes: list[EntryChange] = []
    for key, (workbook, entries) in after.items():
        if key not in before:
            content = " || ".join(line(e.cells) for e in entries)
            changes.append(EntryChange(key, ADDED, content=content, workbook=workbook))
            continue
        old_workbook, old_entries = before[key]
        if kind == SCENARIOS_SHEET:
            cells = _scenario_changes(_scenario_rows(old_entries), _scenario_rows(entries))
        else:
            cells = _cell_changes(old_entries[0].cells, entries[0].cells)
        if old_workbook != workbook:
            cells.insert(0, CellChange("werkmap", old_workbook, workbook))
        if cells:
            changes.append(EntryChange(key, CHANGED, tuple(cells), workbook=workbook))
    for key, (workbook, entries) in before.items():
        if key not in after:
            changes.append(
                EntryChange(key, REMOVED, content=" || ".join(line(e.cells) for e in entries), workbook=workbook)
            )
    return changes


def _scenario_changes(old: dict[str, Entry], new: dict[str, Entry]) -> list[CellChange]:
    cells: list[CellChange] = []
    for member, entry in new.items():
        if member not in old:
            cells.append(CellChange(member, "", line(entry.cells)))
            continue
        cells.extend(
            CellChange(f"{member}: {c.label}", c.before, c.after) for c in _cell_changes(old[member].cells, entry.cells)
        )
    cells.extend(CellChange(member, line(entry.cells), "") for member, entry in old.items() if member not in new)
    return cells


def compare(old: Version, new: Version, old_label: str, new_label: str) -> Diff:
    def place(workbook: str, sheet: str, version: Version) -> int:
        return version.order.get(f"{workbook}/{sheet}", len(version.order))

    tables = []
    for name in [*new.tables, *(n for n in old.tables if n not in new.tables)]:
        change = _table(old.tables.get(name), new.tables.get(name))
        if change is not None:
            tables.append(change)
    workbooks = [*new.workbooks, *(w for w in old.workbooks if w not in new.workbooks)]

    def table_order(change: TableChange) -> tuple[int, int, int]:
        version = old if change.status == REMOVED else new
        return (
            workbooks.index(change.workbook),
            change.status == REMOVED,
            place(change.workbook, change.sheet, version),
        )

    tables.sort(key=table_order)
    sections = {kind: tuple(_section(kind, old, new)) for kind in SECTIONS}
    sheets = [
        SheetChange(w, s, ADDED if (w, s) not in old.texts else CHANGED)
        for (w, s), lines in new.texts.items()
        if old.texts.get((w, s)) != lines
    ]
    sheets.extend(SheetChange(w, s, REMOVED) for (w, s) in old.texts if (w, s) not in new.texts)
    return Diff(
        old_label,
        new_label,
        tuple(w for w in new.workbooks if w not in old.workbooks),
        tuple(w for w in old.workbooks if w not in new.workbooks),
        tuple(tables),
        sections,
        tuple(sheets),
    )


# -------------------------------------------------------------------------------------------------------- the report

_WORDS = {
    "nl": {
        "title": "Verschillen in de beslistabellen: {old} → {new}",
        "none": "Geen verschillen in de beslistabellen.",
        "workbook": "Werkmap {name}",
        "workbook_added": "Werkmap {name} (nieuw)",
        "workbook_removed": "Werkmap {name} (verwijderd)",
        "table": 'Tabel "{name}" (blad "{sheet}")',
        ADDED: "toegevoegd",
        REMOVED: "verwijderd",
        CHANGED: "gewijzigd",
        "table_added": 'Tabel "{name}" (blad "{sheet}") toegevoegd, {count} regels',
        "table_removed": 'Tabel "{name}" (blad "{sheet}") verwijderd, had {count} regels',
        "column_added": "kolom toegevoegd: {name}",
        "column_removed": "kolom verwijderd: {name}",
        "order": "volgorde van de regels gewijzigd (telt bij hitbeleid F, R, C en bij gelijke prioriteit onder P)",
        "rule": "regel",
        "empty": "(leeg)",
        GLOSSARY_SHEET: "begrip",
        CALCULATIONS_SHEET: "berekening",
        SCENARIOS_SHEET: "scenario",
        NO_RULES_SHEET: "paragraaf",
        "sheet": 'Blad "{sheet}" {status}',
        "in": "in {workbook}",
    },
    "en": {
        "title": "Differences in the decision tables: {old} → {new}",
        "none": "No differences in the decision tables.",
        "workbook": "Workbook {name}",
        "workbook_added": "Workbook {name} (new)",
        "workbook_removed": "Workbook {name} (removed)",
        "table": 'Table "{name}" (sheet "{sheet}")',
        ADDED: "added",
        REMOVED: "removed",
        CHANGED: "changed",
        "table_added": 'Table "{name}" (sheet "{sheet}") added, {count} rules',
        "table_removed": 'Table "{name}" (sheet "{sheet}") removed, had {count} rules',
        "column_added": "column added: {name}",
        "column_removed": "column removed: {name}",
        "order": "order of the rules changed (it counts under hit policies F, R, C and for equal priority under P)",
        "rule": "rule",
        "empty": "(empty)",
        GLOSSARY_SHEET: "fact",
        CALCULATIONS_SHEET: "calculation",
        SCENARIOS_SHEET: "scenario",
        NO_RULES_SHEET: "paragraph",
        "sheet": 'Sheet "{sheet}" {status}',
        "in": "in {workbook}",
    },
}
_SECTION_TITLES = {
    "nl": {
        GLOSSARY_SHEET: "Begrippen",
        CALCULATIONS_SHEET: "Berekeningen",
        SCENARIOS_SHEET: "Tests",
        NO_RULES_SHEET: "Geen regels",
    },
    "en": {
        GLOSSARY_SHEET: "Glossary",
        CALCULATIONS_SHEET: "Calculations",
        SCENARIOS_SHEET: "Tests",
        NO_RULES_SHEET: "Geen regels",
    },
}


def _shown(text: str, lang: str) -> str:
    return text if text else _WORDS[lang]["empty"]


def _cell_lines(cells: tuple[CellChange, ...], lang: str, indent: str) -> list[str]:
    return [f"{indent}{c.label}: {_shown(c.before, lang)} → {_shown(c.after, lang)}" for c in cells]


def _entry_lines(noun: str, change: EntryChange, lang: str, indent: str) -> list[str]:
    words = _WORDS[lang]
    if change.status == CHANGED:
        return [f"{indent}{noun} {change.key} {words[CHANGED]}:", *_cell_lines(change.cells, lang, indent + "  ")]
    return [f"{indent}{noun} {change.key} {words[change.status]}: {change.content}"]


def text_report(diff: Diff, lang: str = "nl") -> list[str]:
    words = _WORDS[lang]
    lines = [words["title"].format(old=diff.old, new=diff.new)]
    if diff.empty:
        lines.append(words["none"])
        return lines
    workbooks: list[str] = []
    for name in [
        *(t.workbook for t in diff.tables),
        *(e.workbook for changes in diff.sections.values() for e in changes),
        *(s.workbook for s in diff.sheets),
        *diff.workbooks_added,
        *diff.workbooks_removed,
    ]:
        if name not in workbooks:
            workbooks.append(name)
    workbooks.sort()
    for workbook in workbooks:
        key = (
            "workbook_added"
            if workbook in diff.workbooks_added
            else "workbook_removed"
            if workbook in diff.workbooks_removed
            else "workbook"
        )
        lines.append("")
        lines.append(words[key].format(name=workbook))
        for table in (t for t in diff.tables if t.workbook == workbook):
            lines.extend(_table_lines(table, lang))
        for kind in SECTIONS:
            changes = [e for e in diff.sections[kind] if e.workbook == workbook]
            if changes:
                lines.append(f"  {_SECTION_TITLES[lang][kind]}:")
                for change in changes:
                    lines.extend(_entry_lines(words[kind], change, lang, "    "))
        for sheet in (s for s in diff.sheets if s.workbook == workbook):
            lines.append("  " + words["sheet"].format(sheet=sheet.sheet, status=words[sheet.status]))
    lines.append("")
    lines.append(summary(diff, lang))
    return lines


def _table_lines(table: TableChange, lang: str) -> list[str]:
    words = _WORDS[lang]
    if table.status == ADDED:
        head = [f"  {words['table_added'].format(name=table.name, sheet=table.sheet, count=table.rule_count)}"]
        return head + [f"    {words['rule']} {r.key}: {r.content}" for r in table.rules]
    if table.status == REMOVED:
        return [f"  {words['table_removed'].format(name=table.name, sheet=table.sheet, count=table.rule_count)}"]
    lines = [f"  {words['table'].format(name=table.name, sheet=table.sheet)}:"]
    lines.extend(_cell_lines(table.properties, lang, "    "))
    lines.extend(f"    {words['column_added'].format(name=c)}" for c in table.columns_added)
    lines.extend(f"    {words['column_removed'].format(name=c)}" for c in table.columns_removed)
    for rule in table.rules:
        lines.extend(_entry_lines(words["rule"], rule, lang, "    "))
    if table.order_changed:
        lines.append(f"    {words['order']}")
    return lines


def counts(diff: Diff) -> dict[str, dict[str, int]]:
    """How many tables, rules, facts, calculations, scenarios and paragraphs were added, removed, changed."""
    result: dict[str, dict[str, int]] = {}

    def count(kind: str, status: str) -> None:
        result.setdefault(kind, {ADDED: 0, REMOVED: 0, CHANGED: 0})[status] += 1

    for table in diff.tables:
        count("tables", table.status)
        for rule in table.rules:
            if table.status == CHANGED:
                count("rules", rule.status)
        if table.status != CHANGED:
            for _ in range(table.rule_count):
                count("rules", table.status)
    names = {
        GLOSSARY_SHEET: "glossary",
        CALCULATIONS_SHEET: "calculations",
        SCENARIOS_SHEET: "scenarios",
        NO_RULES_SHEET: "no_rules",
    }
    for kind, changes in diff.sections.items():
        for change in changes:
            count(names[kind], change.status)
    return result


_COUNT_NAMES = {
    "nl": {
        "tables": ("tabel", "tabellen"),
        "rules": ("regel", "regels"),
        "glossary": ("begrip", "begrippen"),
        "calculations": ("berekening", "berekeningen"),
        "scenarios": ("scenario", "scenario's"),
        "no_rules": ("paragraaf zonder regels", "paragrafen zonder regels"),
    },
    "en": {
        "tables": ("table", "tables"),
        "rules": ("rule", "rules"),
        "glossary": ("fact", "facts"),
        "calculations": ("calculation", "calculations"),
        "scenarios": ("scenario", "scenarios"),
        "no_rules": ("paragraph without rules", "paragraphs without rules"),
    },
}


def summary(diff: Diff, lang: str = "nl") -> str:
    """`Samenvatting: regels: 1 toegevoegd, 1 gewijzigd; begrippen: 1 gewijzigd` (only what changed)."""
    words = _WORDS[lang]
    parts = []
    for kind, numbers in counts(diff).items():
        shown = [f"{n} {words[status]}" for status in (ADDED, REMOVED, CHANGED) if (n := numbers[status])]
        parts.append(f"{_COUNT_NAMES[lang][kind][1]}: {', '.join(shown)}")
    if diff.sheets:
        parts.append(("andere bladen: " if lang == "nl" else "other sheets: ") + str(len(diff.sheets)))
    return ("Samenvatting: " if lang == "nl" else "Summary: ") + "; ".join(parts)
