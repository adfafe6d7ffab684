"""Domain exceptions. The CLI and the dashboard render them; nothing inside prints.

ModerationError
 ├── MalformedPost        a JSONL line that breaks the post contract (goes to dead letters)
 ├── UnknownClassifier    a backend name that is not registered
 ├── ClassifierFailure    a backend that raised, timed out or returned garbage
 │    └── PartialFailure  a cascade whose slow stage failed: only its posts fail closed
 ├── ModelNotAvailable    weights or artifacts missing on this machine
 ├── ConfigError          a setting with a value it does not take
 └── CorpusError          labeled CSVs that break their format (train, evaluate)
"""

from __future__ import annotations

import difflib


class ModerationError(Exception):
    """Base of every error the moderation package raises on purpose."""


class MalformedPost(ModerationError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownClassifier(ModerationError):
    def __init__(self, name: str, available: list[str]) -> None:
        close = difflib.get_close_matches(name, available, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        super().__init__(f"unknown classifier {name!r}{hint} (available: {', '.join(available)})")


class ClassifierFailure(ModerationError):
    pass


class PartialFailure(ClassifierFailure):
    """Some posts of a batch have no complete scores; the others keep theirs.

    A cascade's slow stage sees a few percent of a batch: when it fails, failing the whole batch
    closed would flood review with posts it was never going to score.
    """

    def __init__(self, message: str, scores: list[dict[str, float]], failed: list[int]) -> None:
        super().__init__(message)
        self.scores, self.failed = scores, failed


class ModelNotAvailable(ModerationError):
    pass


class ConfigError(ModerationError):
    pass


class CorpusError(ModerationError):
    """Labeled CSVs that break their format (SOURCES.md): every problem, as file:line."""

    SHOWN = 20

    def __init__(self, problems: list[str], hint: str | None = None) -> None:
        self.problems = problems
        shown = problems[: self.SHOWN]
        more = len(problems) - len(shown)
        lines = [f"{len(problems)} problem(s) in the labeled corpora:", *shown]
        if more:
            lines.append(f"… and {more} more")
        lines.append(
            hint
            or "fix these rows: header text,label,lang,source; label 0 or 1; lang en or zh "
            "(see ../shared/data/SOURCES.md)"
        )
        super().__init__("\n".join(lines))
