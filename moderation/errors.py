"""Domain exceptions. The CLI and the dashboard render them; nothing inside prints.

ModerationError
 ├── MalformedPost        a JSONL line that breaks the post contract (goes to dead letters)
 ├── UnknownClassifier    a backend name that is not registered
 ├── ClassifierFailure    a backend that raised, timed out or returned garbage
 ├── ModelNotAvailable    weights or artifacts missing on this machine
 └── ConfigError          a setting with a value it does not take
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


class ModelNotAvailable(ModerationError):
    pass


class ConfigError(ModerationError):
    pass
