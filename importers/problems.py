"""Problems found in an input: every one named by file, line, column and value.

Importers collect *all* problems of an input before anything is written (a user fixes
an export once, not once per error), up to :data:`MAX_ERRORS`: an input with more is the
wrong file or broken throughout, and is not read further (so a small file of a million
bad rows costs neither minutes nor a million messages). Errors stop the import;
warnings are rows that are skipped on purpose (a task about a Lead, a contact outside
the export) and are counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graph.errors import InvalidData

#: How many examples of each kind of warning an import report shows.
WARNING_EXAMPLES = 3

#: How many errors an input may have before it is not read further.
MAX_ERRORS = 1000


@dataclass(frozen=True)
class Problem:
    """One problem at one place in one input file.

    >>> str(Problem("Contact.csv", 7, "Email", "x@", "not an email address"))
    "Contact.csv line 7, column Email, value 'x@': not an email address"
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f" line {self.line}")
        if self.column is not None:
            where.append(f", column {self.column}")
        if self.value is not None:
            where.append(f", value {_shown(self.value)!r}")
        return "".join(where) + f": {self.message}"


@dataclass
class Problems:
    """Every error and warning of one input, in the order found."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    warning_counts: Counter[str] = field(default_factory=Counter)

    def error(
        self,
        file: str,
        line: int | None,
        column: str | None,
        value: str | None,
        message: str,
    ) -> None:
        """Record a problem that stops the import (past :data:`MAX_ERRORS`, dropped)."""
        if not self.full:
            self.errors.append(Problem(file, line, column, value, message))

    @property
    def full(self) -> bool:
        """True once :data:`MAX_ERRORS` errors are listed: readers stop reading then."""
        return len(self.errors) >= MAX_ERRORS

    def warn(
        self,
        kind: str,
        file: str,
        line: int | None,
        column: str | None,
        value: str | None,
        message: str,
    ) -> None:
        """Record a row skipped on purpose; ``kind`` groups them in the report.

        >>> found = Problems()
        >>> found.warn("task about a Lead", "Task.csv", 4, None, None, "skipped")
        >>> found.warning_lines()
        ['1 × task about a Lead', '  e.g. Task.csv line 4: skipped']
        """
        self.warning_counts[kind] += 1
        if self.warning_counts[kind] <= WARNING_EXAMPLES:
            self.warnings.append(Problem(file, line, column, value, message))

    def raise_if_errors(self, source: str) -> None:
        """Raise :class:`InvalidData` listing every error, if there is any."""
        if self.errors:
            lines = [str(p) for p in self.errors]
            if self.full:
                lines.append(f"not read further after {MAX_ERRORS:,} problems: fix these first")
            raise InvalidData(lines, source)

    def warning_lines(self) -> list[str]:
        """The warnings for a report: a count per kind, then the first few examples."""
        lines = [f"{n} × {kind}" for kind, n in self.warning_counts.most_common()]
        return lines + [f"  e.g. {p}" for p in self.warnings]


def _shown(value: str, limit: int = 80) -> str:
    """A value short enough to quote in a message."""
    return value if len(value) <= limit else value[: limit - 1] + "…"
