"""Load a rules pack: YAML → schema → cross-file checks, collecting every problem.

`check(path)` returns all errors with file:line:col; `load_ruleset(path)` raises one `RulesError`
holding them, or returns the compiled `Ruleset`. The checks beyond the schema are the ones a
typo in production would otherwise find: duplicate ids, unknown lists and scores (with "did you
mean"), regexes RE2 cannot run in linear time, terms that fold to nothing, and rules that can
never fire or never change a decision because an earlier rule already covers them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from moderation.classifiers.base import CANONICAL_LABELS
from rules import schema as s
from rules.engine import EVALUATED, Ruleset
from rules.errors import RuleError, RulesError, did_you_mean
from rules.matcher import regex_problem
from rules.normalise import Folder
from rules.source import Path as DataPath
from rules.source import Source, read_source

_SEVERITY = {"review": 1, "remove": 2}


@dataclass
class Pack:
    """Validated files of one pack, before compilation."""

    sources: list[tuple[Source, s.PolicyFile]] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    version: str = ""

    @property
    def rules(self) -> list[s.Rule]:
        return [r for _, f in self.sources for r in f.rules]

    @property
    def lists(self) -> dict[str, s.TermList]:
        return {name: t for _, f in self.sources for name, t in f.lists.items()}


def policy_files(path: Path) -> list[Path]:
    return sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if path.is_dir() else [path]


def read_pack(path: str | Path) -> Pack:
    """Parse and validate every file, then run the cross-file checks; never raises RulesError."""
    root = Path(path)
    if not root.exists():
        return Pack(errors=[RuleError(str(root), 0, 0, "no such file or folder")])
    return read_texts((str(f), f.read_text(encoding="utf-8")) for f in policy_files(root))


def read_texts(files: Iterable[tuple[str, str]]) -> Pack:
    """`read_pack` over (file name, text) pairs held in memory, e.g. a pack stored in the database.

    The version hashes base names and texts only, so the same files give the same version
    whether they come from a folder or from memory.
    """
    pack = Pack()
    digest = hashlib.sha256()
    for file, text in files:
        digest.update(f"{Path(file).name}\0{text}\0".encode())
        source, errors = read_source(file, text)
        pack.errors += errors
        if source is None:
            continue
        try:
            pack.sources.append((source, s.PolicyFile.model_validate(source.data)))
        except ValidationError as err:
            pack.errors += [_schema_error(source, e) for e in err.errors()]
    pack.version = digest.hexdigest()[:12]
    pack.errors += _cross_checks(pack)
    return pack


def check(path: str | Path) -> list[RuleError]:
    """Every problem in the pack at `path`, in file and line order; [] when it is clean."""
    return RulesError(read_pack(path).errors).errors


def load_ruleset(path: str | Path) -> Ruleset:
    """The compiled pack at `path`; raises RulesError with every problem found."""
    pack = read_pack(path)
    if pack.errors:
        raise RulesError(pack.errors)
    return Ruleset(pack.rules, pack.lists, pack.version)


def _schema_error(source: Source, err: Any) -> RuleError:
    path, value = source.resolve(err["loc"])
    where = _rule_label(source, path)
    name = path[-1] if path else ""
    kind = err["type"]
    if kind == "extra_forbidden":
        hint = did_you_mean(str(name), s.KNOWN_KEYS)
        return source.error(path, f"{where}unknown key `{name}`", hint, at_key=True)
    if kind == "missing":
        return source.error(path[:-1], f"{where}missing required key `{name}`")
    if kind == "unknown_condition":
        keys = list(value) if isinstance(value, dict) else []
        hint = did_you_mean(str(keys[0]), s.CONDITIONS) if keys else ""
        shown = ", ".join(f"`{k}`" for k in keys) or repr(value)
        hint = hint or "conditions are: " + ", ".join(s.CONDITIONS)
        return source.error(path, f"{where}{shown} is not a known condition", hint, at_key=True)
    if kind == "string_pattern_mismatch":
        return source.error(
            path,
            f"{where}`{name}` must be lower_snake_case (got `{value}`)",
            "use letters, digits and `_`, starting with a letter",
        )
    return source.error(path, f"{where}`{name}`: {err['msg']} (got `{value}`)")


def _rule_label(source: Source, path: DataPath) -> str:
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rule = source.data["rules"][path[1]]
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            return f"rule `{rule['id']}`: "
    return ""


def _cross_checks(pack: Pack) -> list[RuleError]:
    errors: list[RuleError] = []
    lists: dict[str, tuple[Source, s.TermList]] = {}
    for source, policy in pack.sources:
        for name, term_list in policy.lists.items():
            if name in lists:
                errors.append(
                    source.error(
                        ("lists", name),
                        f"list `{name}` is declared twice",
                        f"first declared in {lists[name][0].file}",
                        at_key=True,
                    )
                )
            lists[name] = (source, term_list)
            errors += _list_errors(source, name, term_list)
    seen: dict[str, tuple[Source, int]] = {}
    for source, policy in pack.sources:
        for i, rule in enumerate(policy.rules):
            if rule.id in seen:
                other, line = seen[rule.id]
                errors.append(
                    source.error(
                        ("rules", i, "id"),
                        f"duplicate rule id `{rule.id}`",
                        f"also defined at {other.file}:{line}",
                    )
                )
            seen.setdefault(rule.id, (source, source.values[("rules", i)][0]))
            raw = source.data["rules"][i]["when"]
            for path, leaf in _leaves(raw, ("rules", i, "when")):
                errors += _leaf_errors(source, path, leaf, lists, rule)
    return errors + _shadowed(pack)


def _list_errors(source: Source, name: str, term_list: s.TermList) -> list[RuleError]:
    errors = []
    folder = Folder()
    for j, term in enumerate(term_list.terms):
        if not folder.fold(term).strip():
            errors.append(
                source.error(
                    ("lists", name, "terms", j),
                    f"term {term!r} is empty once folded, so it never matches",
                )
            )
    for j, rx in enumerate(term_list.regexes):
        if problem := regex_problem(rx):
            errors.append(source.error(("lists", name, "regexes", j), problem, _REGEX_HINT))
    return errors


_REGEX_HINT = "RE2 syntax: no backreferences or lookarounds; use `\\b` for word edges"


def _leaves(node: Any, path: DataPath) -> Iterator[tuple[DataPath, dict[str, Any]]]:
    for key in ("all", "any"):
        if key in node:
            for j, part in enumerate(node[key]):
                yield from _leaves(part, path + (key, j))
            return
    if "not" in node:
        yield from _leaves(node["not"], path + ("not",))
        return
    yield path, node


def _leaf_errors(
    source: Source, path: DataPath, leaf: dict[str, Any], lists: dict[str, Any], rule: s.Rule
) -> list[RuleError]:
    for key, wants in (("matches_list", "terms or regexes"), ("link_domain_list", "domains")):
        if key not in leaf:
            continue
        name = leaf[key]
        if name not in lists:
            hint = did_you_mean(name, lists) or "declare it under `lists:` in any file of the pack"
            return [source.error(path + (key,), f"rule `{rule.id}`: unknown list `{name}`", hint)]
        term_list = lists[name][1]
        empty = (
            not term_list.domains
            if key == "link_domain_list"
            else not (term_list.terms or term_list.regexes)
        )
        if empty:
            return [source.error(path + (key,), f"rule `{rule.id}`: list `{name}` has no {wants}")]
    if "score" in leaf and leaf["score"] not in CANONICAL_LABELS:
        hint = did_you_mean(leaf["score"], CANONICAL_LABELS) or "scores: " + ", ".join(
            CANONICAL_LABELS
        )
        return [
            source.error(
                path + ("score",), f"rule `{rule.id}`: unknown score `{leaf['score']}`", hint
            )
        ]
    if "matches_regex" in leaf and (problem := regex_problem(leaf["matches_regex"])):
        return [
            source.error(path + ("matches_regex",), f"rule `{rule.id}`: {problem}", _REGEX_HINT)
        ]
    if "contains" in leaf:
        folder = Folder(frozenset(rule.skip_folds))
        return [
            source.error(
                path + ("contains", j),
                f"rule `{rule.id}`: term {t!r} is empty once folded, so it never matches",
            )
            for j, t in enumerate(leaf["contains"])
            if not folder.fold(t).strip()
        ]
    return []


def _shadowed(pack: Pack) -> list[RuleError]:
    """Rules with the same condition as an earlier, at-least-as-strict rule: they never matter."""
    errors = []
    earlier: dict[str, tuple[s.Rule, str]] = {}
    for source, policy in pack.sources:
        for i, rule in enumerate(policy.rules):
            if rule.status not in EVALUATED:
                continue
            key = rule.when.model_dump_json(by_alias=True) + repr(sorted(rule.skip_folds))
            first = earlier.get(key)
            if first and first[0].status == rule.status and _covers(first[0], rule):
                errors.append(
                    source.error(
                        ("rules", i, "when"),
                        f"rule `{rule.id}` is shadowed by `{first[0].id}` ({first[1]}): same "
                        f"condition, and `{first[0].action}` is as strict as `{rule.action}`",
                        "retire one of them, or make the conditions differ",
                    )
                )
            else:
                earlier.setdefault(key, (rule, f"{source.file}:{source.values[('rules', i)][0]}"))
    return errors


def _covers(first: s.Rule, later: s.Rule) -> bool:
    """Whether `first` already does all `later` would (a label or a guard is never covered by a
    flag)."""
    if not {first.action, later.action} <= _SEVERITY.keys():
        return first.action == later.action
    return _SEVERITY[first.action] >= _SEVERITY[later.action]
