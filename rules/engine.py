"""The compiled ruleset: `Ruleset.evaluate(contexts) -> list[list[RuleHit]]`, batch in, pure.

Per post: fold the text once per fold profile (rules that opt out of a fold get their own
profile), scan it with that profile's single matcher, then evaluate only the rules whose gate
patterns occurred plus the few rules without a text gate. Spans are mapped back onto the
original text only for posts that hit something.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from moderation.types import PostContext, RuleHit
from rules import schema as s
from rules.conditions import LINK_ID, Facts, Leaves, Predicate, compile_condition, gate
from rules.conditions import text_leaves as positive_text_leaves
from rules.contacts import DETECTORS, URL
from rules.matcher import Literal, Matcher, Regex, Span
from rules.normalise import Folder, original_span

EVALUATED = frozenset({"live", "shadow"})
Profile = frozenset[str]
_DEFAULT: Profile = frozenset()


@dataclass(frozen=True, slots=True)
class CompiledRule:
    rule: s.Rule
    predicate: Predicate
    pattern_ids: frozenset[int]  # the text leaves that explain a hit


@dataclass
class _Patterns:
    """Pattern ids per (profile, kind, folded text), shared by every rule that uses them."""

    literals: dict[Profile, list[Literal]] = field(default_factory=dict)
    regexes: dict[Profile, list[Regex]] = field(default_factory=dict)
    ids: dict[tuple[Profile, str, str], int] = field(default_factory=dict)
    folders: dict[Profile, Folder] = field(default_factory=dict)

    def folder(self, profile: Profile) -> Folder:
        if profile not in self.folders:
            self.folders[profile] = Folder(profile)
            self.literals[profile], self.regexes[profile] = [], []
        return self.folders[profile]

    def literal(self, profile: Profile, term: str) -> list[int]:
        folded = self.folder(profile).fold(term).strip()
        variants = {folded}
        if " " in folded and "separators" not in profile:
            variants.add(folded.replace(" ", ""))  # "b u y f o l l o w e r s" folds to one word
        return [self._add(profile, "lit", v) for v in variants if v]

    def regex(self, profile: Profile, pattern: str) -> int:
        self.folder(profile)
        return self._add(profile, "re", pattern)

    def _add(self, profile: Profile, kind: str, text: str) -> int:
        key = (profile, kind, text)
        if key not in self.ids:
            pid = self.ids[key] = len(self.ids)
            if kind == "lit":
                self.literals[profile].append(Literal(pid, text))
            else:
                self.regexes[profile].append(Regex(pid, text))
        return self.ids[key]


class Ruleset:
    """A loaded, compiled rules pack. Immutable once built; `version` is the pack's content hash."""

    def __init__(self, rules: Sequence[s.Rule], lists: dict[str, s.TermList], version: str) -> None:
        self.version = version
        self.rules = tuple(rules)
        self.lists = dict(lists)
        patterns = _Patterns()
        patterns.folder(_DEFAULT)
        self._url_id = patterns.regex(_DEFAULT, URL)
        leaves = Leaves({}, {name: t.domains for name, t in lists.items()})
        compiled: list[CompiledRule] = []
        gates: list[frozenset[int] | None] = []
        for rule in (r for r in rules if r.status in EVALUATED):
            _register_leaves(rule, lists, patterns, leaves)
            ids = frozenset().union(*(leaves.of(leaf) for leaf in positive_text_leaves(rule.when)))
            compiled.append(CompiledRule(rule, compile_condition(rule.when, leaves), ids))
            gates.append(gate(rule.when, leaves))
        self._compiled = tuple(compiled)
        self._always = tuple(i for i, g in enumerate(gates) if g is None)
        index: dict[int, list[int]] = {}
        for i, g in enumerate(gates):
            for pid in g or ():
                index.setdefault(pid, []).append(i)
        self._gated = {pid: tuple(rules_) for pid, rules_ in index.items()}
        self._profiles = tuple(
            (profile, folder, Matcher(patterns.literals[profile], patterns.regexes[profile]))
            for profile, folder in patterns.folders.items()
        )
        self._profile_of = {pid: profile for (profile, _, _), pid in patterns.ids.items()}

    def evaluate(self, contexts: Sequence[PostContext]) -> list[list[RuleHit]]:
        """Hits per post, in input order; each post's hits in pack order."""
        return [self._evaluate_one(ctx) for ctx in contexts]

    def _evaluate_one(self, ctx: PostContext) -> list[RuleHit]:
        text = ctx.post.text
        found: dict[int, list[Span]] = {}
        folded: dict[Profile, str] = {}
        for profile, folder, matcher in self._profiles:
            folded[profile] = folder.fold(text)
            matcher.scan(folded[profile], found)
        if ctx.post.links or self._url_id in found:
            found[LINK_ID] = []
        candidates = set(self._always)
        for pid in found:
            candidates.update(self._gated.get(pid, ()))
        if not candidates:
            return []
        facts = Facts(ctx, found)
        hits = [self._compiled[i] for i in sorted(candidates) if self._compiled[i].predicate(facts)]
        offsets: dict[Profile, tuple[str, list[int]]] = {}  # per post: several hits share a fold
        return [self._hit(c, text, found, offsets) for c in hits]

    def _hit(
        self,
        compiled: CompiledRule,
        text: str,
        found: dict[int, list[Span]],
        offsets: dict[Profile, tuple[str, list[int]]],
    ) -> RuleHit:
        rule = compiled.rule
        return RuleHit(
            rule_id=rule.id,
            action=rule.action,
            description=rule.description.strip(),
            queue=rule.queue,
            priority=rule.priority,
            spans=self._spans(compiled.pattern_ids.intersection(found), text, found, offsets),
            shadow=rule.status == "shadow",
        )

    def _spans(
        self,
        pids: Iterable[int],
        text: str,
        found: dict[int, list[Span]],
        offsets: dict[Profile, tuple[str, list[int]]],
    ) -> tuple[Span, ...]:
        by_profile: dict[Profile, list[int]] = {}
        for pid in pids:
            by_profile.setdefault(self._profile_of[pid], []).append(pid)
        spans: set[Span] = set()
        for profile, folder, matcher in self._profiles:
            if profile not in by_profile:
                continue
            if profile not in offsets:
                offsets[profile] = folder.fold_with_offsets(text)
            folded, to_original = offsets[profile]
            for pid in by_profile[profile]:
                local = found[pid] or matcher.regex_spans(pid, folded)
                spans.update(original_span(to_original, a, b) for a, b in local)
        return tuple(sorted(spans))


def _register_leaves(
    rule: s.Rule, lists: dict[str, s.TermList], patterns: _Patterns, leaves: Leaves
) -> None:
    profile = frozenset(rule.skip_folds)
    for leaf in _all_text_leaves(rule.when):
        ids: list[int] = []
        match leaf:
            case s.MatchesList(matches_list=name):
                for term in lists[name].terms:
                    ids += patterns.literal(profile, term)
                ids += [patterns.regex(profile, rx) for rx in lists[name].regexes]
            case s.Contains(contains=terms):
                for term in terms:
                    ids += patterns.literal(profile, term)
            case s.MatchesRegex(matches_regex=rx):
                ids.append(patterns.regex(profile, rx))
            case s.HasContact(contact=kinds):
                ids += [patterns.regex(_DEFAULT, DETECTORS[k]) for k in kinds]
        leaves.ids[id(leaf)] = frozenset(ids)


def _all_text_leaves(cond: s.Condition) -> list[s.Condition]:
    match cond:
        case s.All(all_=parts) | s.AnyOf(any_=parts):
            return [leaf for p in parts for leaf in _all_text_leaves(p)]
        case s.Not(not_=inner):
            return _all_text_leaves(inner)
        case s.MatchesList() | s.Contains() | s.MatchesRegex() | s.HasContact():
            return [cond]
    return []
