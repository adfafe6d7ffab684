"""The closed schema of a rules file (pydantic v2, unknown keys are errors).

A file holds `lists:` (named term lists) and/or `rules:`. A rule's `when` is one condition from a
closed set, combined with `all` / `any` / `not`. A new kind of condition needs a code change and a
test, on purpose: what policy staff can write is exactly what the engine knows how to run.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

# `label` tags a post; `no_auto_remove` lowers a classifier score's removal to review (a person
# decides). Neither flags a post by itself.
Action = Literal["review", "remove", "label", "no_auto_remove"]
Status = Literal["draft", "shadow", "live", "retired"]
Lang = Literal["en", "zh", "mixed", "other"]
ContactKind = Literal["wechat", "qq", "telegram", "whatsapp", "line", "phone", "qr"]
Fold = Literal["leet", "homoglyph", "separators", "traditional", "emoji", "accents"]
NAME = r"^[a-z][a-z0-9_]*$"


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Range(_Closed):
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Range:
        if self.at_least is None and self.at_most is None:
            raise ValueError("give `at_least`, `at_most` or both")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError("can never be true: `at_least` is above `at_most`")
        return self

    def holds(self, value: float | None) -> bool:
        if value is None:
            return False
        low, high = self.at_least, self.at_most
        return (low is None or value >= low) and (high is None or value <= high)


class MatchesList(_Closed):
    matches_list: str


class Contains(_Closed):
    contains: list[str] = Field(min_length=1)


class MatchesRegex(_Closed):
    matches_regex: str = Field(min_length=1)


class HasContact(_Closed):
    contact: list[ContactKind] = Field(min_length=1)


class LangIs(_Closed):
    lang: list[Lang] = Field(min_length=1)


class LinksAtLeast(_Closed):
    links_at_least: int = Field(ge=1)


class LinkDomain(_Closed):
    link_domain: list[str] = Field(min_length=1)


class LinkDomainList(_Closed):
    link_domain_list: str


class AccountAge(_Closed):
    account_age_days: Range


class Followers(_Closed):
    followers: Range


class PostsCount(_Closed):
    posts_count: Range


class Strikes(_Closed):
    strikes: Range


class ClusterSize(_Closed):
    cluster_size: Range


class Score(_Closed):
    score: str
    at_least: float | None = Field(default=None, ge=0.0, le=1.0)
    at_most: float | None = Field(default=None, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _bounded(self) -> Score:
        Range(at_least=self.at_least, at_most=self.at_most)
        return self


class All(_Closed):
    all_: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(_Closed):
    any_: list[Condition] = Field(alias="any", min_length=1)


class Not(_Closed):
    not_: Condition = Field(alias="not")


# The condition key that selects each model: the closed set, in the order the README lists it.
CONDITIONS: dict[str, type[_Closed]] = {
    "matches_list": MatchesList,
    "contains": Contains,
    "matches_regex": MatchesRegex,
    "contact": HasContact,
    "lang": LangIs,
    "links_at_least": LinksAtLeast,
    "link_domain": LinkDomain,
    "link_domain_list": LinkDomainList,
    "account_age_days": AccountAge,
    "followers": Followers,
    "posts_count": PostsCount,
    "strikes": Strikes,
    "cluster_size": ClusterSize,
    "score": Score,
    "all": All,
    "any": AnyOf,
    "not": Not,
}


def _condition_key(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return next(k for k, m in CONDITIONS.items() if isinstance(value, m))
    if isinstance(value, dict):
        return next((k for k in CONDITIONS if k in value), None)
    return None


Condition = Annotated[
    Annotated[MatchesList, Tag("matches_list")]
    | Annotated[Contains, Tag("contains")]
    | Annotated[MatchesRegex, Tag("matches_regex")]
    | Annotated[HasContact, Tag("contact")]
    | Annotated[LangIs, Tag("lang")]
    | Annotated[LinksAtLeast, Tag("links_at_least")]
    | Annotated[LinkDomain, Tag("link_domain")]
    | Annotated[LinkDomainList, Tag("link_domain_list")]
    | Annotated[AccountAge, Tag("account_age_days")]
    | Annotated[Followers, Tag("followers")]
    | Annotated[PostsCount, Tag("posts_count")]
    | Annotated[Strikes, Tag("strikes")]
    | Annotated[ClusterSize, Tag("cluster_size")]
    | Annotated[Score, Tag("score")]
    | Annotated[All, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")],
    Discriminator(
        _condition_key,
        custom_error_type="unknown_condition",
        custom_error_message="not a known condition",
    ),
]


class Example(_Closed):
    """A post for a rule's own tests; only `text` is required."""

    text: str
    lang: Lang | None = None
    links: list[str] = []
    account_age_days: float | None = None
    followers: int | None = None
    posts_count: int | None = None
    strikes: int | None = None
    scores: dict[str, float] = {}
    cluster_size: int | None = None


class Examples(_Closed):
    match: list[str | Example] = []
    no_match: list[str | Example] = []


class Rule(_Closed):
    id: str = Field(pattern=NAME)
    description: str = Field(min_length=10)
    action: Action
    status: Status
    when: Condition
    queue: str = Field(default="default", pattern=NAME)
    priority: int = Field(default=0, ge=0, le=100)
    daily_cap: int | None = Field(default=None, ge=1)
    skip_folds: list[Fold] = []
    examples: Examples = Examples()


class TermList(_Closed):
    description: str = Field(min_length=10)
    terms: list[str] = []
    regexes: list[str] = []
    domains: list[str] = []


class PolicyFile(_Closed):
    lists: dict[Annotated[str, Field(pattern=NAME)], TermList] = {}
    rules: list[Rule] = []


for _model in (All, AnyOf, Not):
    _model.model_rebuild()

# Every key the schema knows, for "did you mean" on unknown keys.
_MODELS: tuple[type[BaseModel], ...] = (
    *CONDITIONS.values(),
    Range,
    Example,
    Examples,
    Rule,
    TermList,
    PolicyFile,
)
KNOWN_KEYS = frozenset(
    name
    for model in _MODELS
    for name, field in model.model_fields.items()
    for name in (field.alias or name,)
)
