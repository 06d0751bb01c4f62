"""One error base class for every problem a user can cause, each knowing where it comes from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class Location:
    """Where something comes from: a workbook, a sheet and a cell (or a row), or a path in a case file."""

    workbook: str = ""
    sheet: str = ""
    cell: str = ""

    def sort_key(self) -> tuple[str, str, int, str]:
        """Workbook, sheet, then row before column: B9 comes before B10."""
        match = re.fullmatch(r"([A-Z]+)(\d+)", self.cell)
        if match:
            return (self.workbook, self.sheet, int(match.group(2)), match.group(1).rjust(3))
        return (self.workbook, self.sheet, 0, self.cell)

    def __str__(self) -> str:
        parts = []
        if self.workbook:
            parts.append(self.workbook)
        if self.sheet:
            parts.append(f'sheet "{self.sheet}"')
        if self.cell:
            parts.append(self.cell if self.cell.startswith("row ") else f"cell {self.cell}")
        return ", ".join(parts)


EXIT_RULES = 1  # the decision tables have a problem (loading, a scenario, a hit-policy conflict)
EXIT_CASE = 2  # the case file, a saved decision or the command line is not valid
EXIT_INTERNAL = 3  # a bug in nareis: never 1, so that CI can tell a crash from a failing rule


def _restore(cls: type[NareisError], args: tuple[Any, ...], state: dict[str, Any]) -> NareisError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class NareisError(Exception):
    """Base of every error a user of nareis can cause. `str(error)` is the whole message the user sees.

    `exit_code` is what the command line exits with. Errors pickle with their fields (worker processes send them
    back), whatever their subclass's constructor takes.
    """

    exit_code: ClassVar[int] = EXIT_RULES

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{location}: {message}" if location and str(location) else message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, dict(self.__dict__)))

    def text(self, lang: str = "en") -> str:
        """The message without its location: in Dutch (`nl`) where the code that raised it wrote one, else the
        English `message`."""
        dutch: str = getattr(self, "dutch", "")
        return dutch if lang == "nl" and dutch else self.message


class WorkbookError(NareisError):
    """A problem in a workbook: reading it, its layout, a cell's text or type. `dutch` is the message for policy
    staff where the raiser gives one (`nareis check` shows it; `str()` stays English)."""

    def __init__(self, message: str, location: Location | None = None, *, dutch: str = "") -> None:
        self.dutch = dutch
        super().__init__(message, location)


class CellError(WorkbookError):
    """A cell's text is not valid in the cell language. `column` is the 1-based position in the cell's text."""

    def __init__(self, message: str, location: Location | None = None, column: int = 0) -> None:
        self.column = column
        super().__init__(message, location)


class WorkbookProblems(NareisError):
    """Every problem found while loading a set of workbooks, reported together."""

    def __init__(self, problems: Iterable[NareisError]) -> None:
        self.problems = sorted(problems, key=lambda p: ((p.location or Location()).sort_key(), p.message))
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the decision tables:"
        super().__init__("\n".join([header, *(str(p) for p in self.problems)]))


class CaseError(NareisError):
    """A case file is malformed: every problem is named by its path in the case."""

    exit_code = EXIT_CASE

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(["The case is not valid:", *self.problems]))


class RuleConflictError(NareisError):
    """A hit policy was violated at run time (U or A with conflicting rules)."""


class DecisionFileError(NareisError):
    """A saved decision given to `nareis render` is not one nareis wrote for the current tables."""

    exit_code = EXIT_CASE


class UsageError(NareisError):
    """A command line that nareis refuses, such as an output file that is one of the command's inputs."""

    exit_code = EXIT_CASE
