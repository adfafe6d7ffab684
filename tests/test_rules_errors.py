"""Cross-file checks and the rendered report of `python -m rules check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rules.__main__ import main

SHIPPED = Path(__file__).resolve().parent.parent / "rules" / "policies"


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A copy of the shipped pack that a test may break."""
    return Path(shutil.copytree(SHIPPED, tmp_path / "policies"))


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in `path` by `new`; the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, index) + 1


def test_two_unknown_keys_in_two_files_are_both_reported(
    pack_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spam, harassment = pack_copy / "spam.yaml", pack_copy / "harassment.yaml"
    line_a = edit(spam, "    queue: spam\n", "    queu: spam\n")
    line_b = edit(harassment, "    priority: 90\n", "    priorty: 90\n")
    assert main(["check", str(pack_copy)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("2 errors in the rules pack:")
    assert f"{spam}:{line_a}:5: error: rule `scam_offer_with_contact_v1`: unknown key `queu`" in out
    assert f"{harassment}:{line_b}:5: error: rule `slur_en_v1`: unknown key `priorty`" in out
    assert "did you mean `queue`?" in out and "did you mean `priority`?" in out


def test_duplicate_ids_across_files_name_both_places(
    pack_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(pack_copy / "labels.yaml", "id: newcomer_welcome_label_v1", "id: loan_scam_v1")
    assert main(["check", str(pack_copy)]) == 1
    out = capsys.readouterr().out
    assert "duplicate rule id `loan_scam_v1`" in out and "also defined at" in out


def test_an_unknown_list_suggests_the_closest(
    pack_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(pack_copy / "spam.yaml", "matches_list: loan_scam", "matches_list: loan_scams")
    assert main(["check", str(pack_copy)]) == 1
    assert "unknown list `loan_scams`" in (out := capsys.readouterr().out)
    assert "did you mean `loan_scam`?" in out


def test_a_rule_with_the_same_condition_as_a_stricter_one_is_shadowed(
    pack_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (pack_copy / "spam.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "\n  - id: gambling_again_v1\n    description: the same gambling rule, weaker\n"
            "    action: review\n    status: live\n    when:\n      matches_list: gambling_promo\n"
        )
    assert main(["check", str(pack_copy)]) == 1
    assert "rule `gambling_again_v1` is shadowed by `gambling_promo_v1`" in capsys.readouterr().out


@pytest.mark.parametrize("action", ["label", "no_auto_remove"])
def test_a_rule_that_never_flags_is_not_shadowed_by_a_flagging_one(
    pack_copy: Path, action: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with (pack_copy / "spam.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "\n  - id: gambling_guard_v1\n    description: the same condition, a guard\n"
            f"    action: {action}\n    status: live\n    when:\n"
            "      matches_list: gambling_promo\n"
        )
    assert main(["check", str(pack_copy)]) == 0, capsys.readouterr().out


def test_a_failing_example_fails_rules_test(
    pack_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = edit(pack_copy / "spam.yaml", "- 网贷秒批，无需征信", "- 网上冲浪真开心")
    assert main(["test", str(pack_copy)]) == 1
    out = capsys.readouterr().out
    assert f"spam.yaml:{line}:11: error: rule `loan_scam_v1`: example does not match" in out


def test_a_missing_folder_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 1
    assert "no such file or folder" in capsys.readouterr().out
