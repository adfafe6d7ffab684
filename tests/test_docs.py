"""The README documents every setting."""

from __future__ import annotations

import pytest

from moderation.config import SETTINGS
from tests.conftest import REPO


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_every_setting_is_in_the_readme(name: str) -> None:
    default, _ = SETTINGS[name]
    readme = (REPO / "README.md").read_text()
    assert f"| `{name}` | `{default}` |" in readme
