"""Errors for rule authors, rendered like a compiler's.

RulesError            every problem found in a pack, raised once after all were collected
 └── .errors: list[RuleError]   one problem: file, line, column, message, hint, offending line

`rendered()` is the text policy staff see in `python -m rules check`, CI and the dashboard:

    rules/policies/spam.yaml:12:5: error: unknown key `descripton`
       12 |     descripton: Contact handles ...
          |     ^ did you mean `description`?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RuleError:
    """One problem in a rules file; `line` and `col` are 1-based (0 when unknown)."""

    file: str
    line: int
    col: int
    message: str
    hint: str = ""
    source: str = ""  # the offending line, as written

    def rendered(self) -> str:
        head = f"{self.file}:{self.line}:{self.col}: error: {self.message}"
        if not self.source:
            return head + (f"\n    hint: {self.hint}" if self.hint else "")
        gutter = " " * len(str(self.line))
        caret = " " * max(self.col - 1, 0) + "^" + (f" {self.hint}" if self.hint else "")
        return f"{head}\n   {self.line} | {self.source}\n   {gutter} | {caret}"


class RulesError(Exception):
    """A rules pack that cannot be used; carries every problem found, not just the first."""

    def __init__(self, errors: Sequence[RuleError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.file, e.line, e.col, e.message))
        super().__init__(self.rendered())

    def rendered(self) -> str:
        count = len(self.errors)
        noun = "error" if count == 1 else "errors"
        parts = [f"{count} {noun} in the rules pack:"]
        parts += [f"[{i}/{count}] {e.rendered()}" for i, e in enumerate(self.errors, 1)]
        return "\n".join(parts)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A ", did you mean `x`?" style hint, or "" when nothing is close."""
    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""
