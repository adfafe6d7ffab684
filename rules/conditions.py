"""Compile a rule's `when` into a Python predicate over one post's facts.

A predicate reads `Facts`: the context plus the pattern ids the matcher found. `gate()` works
out which pattern ids a condition cannot be true without, so the engine only evaluates a rule on
posts where one of them occurred; rules with no such gate (pure author or score conditions) run
on every post.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from moderation.types import PostContext
from rules import schema as s
from rules.contacts import URL

Span = tuple[int, int]
Predicate = Callable[["Facts"], bool]
LINK_ID = -1  # pseudo pattern id: "this post has at least one link"


_URL = re.compile(URL, re.IGNORECASE)


@dataclass(slots=True)
class Facts:
    ctx: PostContext
    found: dict[int, list[Span]]
    _urls: list[str] | None = None
    _age: float | None = -1.0  # -1: not computed yet (None is a real answer: unknown)

    @property
    def age_days(self) -> float | None:
        if self._age == -1.0:
            self._age = self.ctx.post.account_age_days()
        return self._age

    @property
    def urls(self) -> list[str]:
        """Links written in the text (the post's `links` field is separate)."""
        if self._urls is None:
            self._urls = _URL.findall(self.ctx.post.text)
        return self._urls

    def domains(self) -> list[str]:
        links = [*self.ctx.post.links, *self.urls]
        hosts = (urlsplit(u if "//" in u else "//" + u).hostname or "" for u in links)
        return [h.removeprefix("www.") for h in hosts if h]


@dataclass
class Leaves:
    """Pattern ids for each text leaf (filled in while the matcher is built) and domain lists."""

    ids: dict[int, frozenset[int]]  # id(leaf model) -> pattern ids
    domain_lists: dict[str, list[str]]

    def of(self, leaf: object) -> frozenset[int]:
        return self.ids[id(leaf)]


def compile_condition(cond: s.Condition, leaves: Leaves) -> Predicate:
    """A predicate for `cond`; text leaves look up their pattern ids in `leaves`."""
    match cond:
        case s.All(all_=parts):
            return functools.reduce(_both, [compile_condition(p, leaves) for p in parts])
        case s.AnyOf(any_=parts):
            return functools.reduce(_either, [compile_condition(p, leaves) for p in parts])
        case s.Not(not_=inner):
            pred = compile_condition(inner, leaves)
            return lambda f: not pred(f)
        case s.MatchesList() | s.Contains() | s.MatchesRegex() | s.HasContact():
            ids = leaves.of(cond)
            return lambda f: not ids.isdisjoint(f.found)
        case s.LinksAtLeast(links_at_least=n):
            return lambda f: len(f.ctx.post.links) + len(f.urls) >= n
        case s.LinkDomain(link_domain=domains):
            return _domain_predicate(domains)
        case s.LinkDomainList(link_domain_list=name):
            return _domain_predicate(leaves.domain_lists[name])
        case s.LangIs(lang=langs):
            wanted = frozenset(langs)
            return lambda f: f.ctx.lang in wanted
        case _:
            return _number_predicate(cond)


# Chained two-argument closures: measurably cheaper per call than all()/any() over a generator.
def _both(a: Predicate, b: Predicate) -> Predicate:
    return lambda f: a(f) and b(f)


def _either(a: Predicate, b: Predicate) -> Predicate:
    return lambda f: a(f) or b(f)


def _domain_predicate(domains: Sequence[str]) -> Predicate:
    exact = frozenset(d.lower().lstrip(".") for d in domains)
    suffixes = tuple("." + d for d in exact)
    return lambda f: any(d in exact or d.endswith(suffixes) for d in f.domains())


def _number_predicate(cond: s.Condition) -> Predicate:
    match cond:
        case s.AccountAge(account_age_days=r):
            return lambda f: r.holds(f.age_days)
        case s.Followers(followers=r):
            return lambda f: r.holds(f.ctx.post.author.followers)
        case s.PostsCount(posts_count=r):
            return lambda f: r.holds(f.ctx.post.author.posts_count)
        case s.Strikes(strikes=r):
            return lambda f: r.holds(f.ctx.post.author.strikes)
        case s.ClusterSize(cluster_size=r):
            return lambda f: r.holds(None if f.ctx.cluster is None else f.ctx.cluster.size)
        case s.Score(score=name, at_least=low, at_most=high):
            bounds = s.Range(at_least=low, at_most=high)
            return lambda f: bounds.holds(f.ctx.scores.get(name))
    raise TypeError(f"no predicate for {type(cond).__name__}")  # a schema change without code


def gate(cond: s.Condition, leaves: Leaves) -> frozenset[int] | None:
    """Pattern ids of which at least one must occur for `cond` to hold; None if there is none."""
    match cond:
        case s.MatchesList() | s.Contains() | s.MatchesRegex() | s.HasContact():
            return leaves.of(cond)
        case s.LinksAtLeast() | s.LinkDomain() | s.LinkDomainList():
            return frozenset({LINK_ID})
        case s.All(all_=parts):
            known = [g for g in (gate(p, leaves) for p in parts) if g is not None]
            return min(known, key=len) if known else None
        case s.AnyOf(any_=parts):
            maybe = [gate(p, leaves) for p in parts]
            if any(g is None for g in maybe):
                return None
            return frozenset().union(*(g for g in maybe if g is not None))
    return None


def text_leaves(cond: s.Condition, negated: bool = False) -> list[object]:
    """The text leaves whose matches explain a hit (those not under a `not`)."""
    match cond:
        case s.All(all_=parts) | s.AnyOf(any_=parts):
            return [leaf for p in parts for leaf in text_leaves(p, negated)]
        case s.Not(not_=inner):
            return text_leaves(inner, not negated)
        case s.MatchesList() | s.Contains() | s.MatchesRegex() | s.HasContact():
            return [] if negated else [cond]
    return []
