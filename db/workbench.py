"""The policy workbench's service layer: save, check, deploy and roll back rules packs.

A pack is stored whole (`{file name: YAML text}`) under its content hash, the same version
`python -m rules check` prints for the same files. Which pack is live is never a flag that gets
updated: it is the pack named by the newest row of the append-only `deployments` table, so a
rollback is one more row and the history can't be rewritten.

Every mutating function calls `authorize(..., Permission.EDIT_RULES)` first.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.accounts import Permission, authorize
from db.models import DeploymentRow, RulePackRow
from moderation.config import Settings
from moderation.pipeline import Policy
from rules import RuleError, RulesError, Ruleset, load_ruleset
from rules.examples import run_examples
from rules.loader import Pack, policy_files, read_texts

logger = logging.getLogger(__name__)

Mode = Literal["live", "shadow"]
Files = Mapping[str, str]


class WorkbenchError(Exception):
    """A workbench request that was refused; `rendered()` is what the edges show."""

    def rendered(self) -> str:
        return str(self)


class DeployRefused(WorkbenchError):
    """The pack has check errors or failing examples; nothing was deployed."""

    def __init__(self, errors: list[RuleError]) -> None:
        self.errors = RulesError(errors).errors
        super().__init__(RulesError(errors).rendered())


@dataclass(frozen=True, slots=True)
class Deployment:
    id: int
    version: str
    kind: str  # deploy | rollback
    mode: str  # live | shadow
    shadow_rules: tuple[str, ...]
    actor: str
    message: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class StoredPack:
    version: str
    files: dict[str, str]
    author: str
    message: str
    status: str
    created_at: datetime


def read_files(files: Files) -> Pack:
    """Check an in-memory pack exactly as `python -m rules check` checks a folder."""
    return read_texts(sorted(files.items()))


def problems(files: Files) -> list[RuleError]:
    """Check errors, then (only for a clean pack) failing examples, as `python -m rules test`."""
    pack = read_files(files)
    if pack.errors:
        return RulesError(pack.errors).errors
    return run_examples(pack)[1]


def folder_files(path: str | Path) -> dict[str, str]:
    """The files of a pack folder, keyed by base name (what the editor starts from)."""
    return {f.name: f.read_text(encoding="utf-8") for f in policy_files(Path(path))}


def pack_ruleset(files: Files, shadow_rules: tuple[str, ...] | list[str] = ()) -> Ruleset:
    """Compile a stored pack; rules named in `shadow_rules` run in shadow whatever their status."""
    pack = read_files(files)
    if pack.errors:
        raise RulesError(pack.errors)
    forced = set(shadow_rules)
    rules = [
        r.model_copy(update={"status": "shadow"}) if r.id in forced and r.status == "live" else r
        for r in pack.rules
    ]
    # A shadow deployment must not share a version with the live deployment of the same files.
    version = pack.version + ("+shadow" if forced else "")
    return Ruleset(rules, pack.lists, version)


def save_draft(session: Session, actor: str, files: Files, message: str) -> str:
    """Store the files as a pack (kept even if they do not check yet); returns its version."""
    authorize(session, actor, Permission.EDIT_RULES)
    return _store(session, actor, files, message)


def deploy(
    session: Session,
    actor: str,
    files: Files,
    message: str,
    *,
    mode: Mode = "live",
    base_dir: str | Path | None = None,
) -> Deployment:
    """Make the pack live if it checks clean and its examples pass, else raise DeployRefused.

    `mode="shadow"` deploys it with every rule that is new or changed against the live pack
    forced to shadow: those record hits and take no action. `base_dir` is the live pack when
    none was deployed from the workbench yet (the folder the pipeline reads otherwise).
    """
    authorize(session, actor, Permission.EDIT_RULES)
    errors = problems(files)
    if errors:
        logger.info("deploy by %s refused: %d problems", actor, len(errors))
        raise DeployRefused(errors)
    version = _store(session, actor, files, message)
    shadow = _changed_rules(session, files, base_dir) if mode == "shadow" else []
    return _record(session, version, "deploy", mode, shadow, actor, message)


def rollback(session: Session, actor: str, version: str, message: str = "") -> Deployment:
    """Make an earlier deployed version live again, in the mode it was last deployed with."""
    authorize(session, actor, Permission.EDIT_RULES)
    last = session.scalar(
        select(DeploymentRow)
        .where(DeploymentRow.version == version)
        .order_by(DeploymentRow.id.desc())
        .limit(1)
    )
    if last is None:
        raise WorkbenchError(f"version {version} was never deployed; nothing to roll back to")
    note = message or f"rollback to {version}"
    return _record(session, version, "rollback", last.mode, last.shadow_rules, actor, note)


def live_deployment(session: Session) -> Deployment | None:
    """The newest deployment event, i.e. the live pack; None before the first deploy."""
    row = session.scalar(select(DeploymentRow).order_by(DeploymentRow.id.desc()).limit(1))
    return _deployment(row) if row else None


def live_pack(session: Session) -> StoredPack | None:
    live = live_deployment(session)
    return stored_pack(session, live.version) if live else None


def stored_pack(session: Session, version: str) -> StoredPack | None:
    row = session.get(RulePackRow, version)
    if row is None:
        return None
    return StoredPack(
        row.version, dict(row.files), row.author, row.message, row.status, row.created_at
    )


def live_ruleset(session: Session, fallback_dir: str | Path) -> Ruleset:
    """The deployed pack, compiled; the folder's pack before anything was deployed."""
    live = live_deployment(session)
    if live is None:
        return load_ruleset(fallback_dir)
    pack = stored_pack(session, live.version)
    assert pack is not None  # the foreign key guarantees it
    return pack_ruleset(pack.files, live.shadow_rules)


def deployments(session: Session, *, limit: int = 200) -> list[Deployment]:
    """Deployment events, newest first."""
    stmt = select(DeploymentRow).order_by(DeploymentRow.id.desc()).limit(limit)
    return [_deployment(r) for r in session.scalars(stmt)]


def packs(session: Session, *, limit: int = 200) -> list[StoredPack]:
    """Saved packs, newest first."""
    stmt = select(RulePackRow).order_by(RulePackRow.created_at.desc()).limit(limit)
    return [
        StoredPack(r.version, dict(r.files), r.author, r.message, r.status, r.created_at)
        for r in session.scalars(stmt)
    ]


def _store(session: Session, actor: str, files: Files, message: str) -> str:
    version = read_files(files).version
    if session.get(RulePackRow, version) is None:
        session.add(
            RulePackRow(
                version=version,
                files=dict(files),
                author=actor,
                message=message,
                status="draft",
                created_at=datetime.now(UTC),
            )
        )
        session.flush()
    return version


def _record(
    session: Session,
    version: str,
    kind: str,
    mode: str,
    shadow: list[str],
    actor: str,
    message: str,
) -> Deployment:
    row = DeploymentRow(
        version=version,
        kind=kind,
        mode=mode,
        shadow_rules=sorted(shadow),
        actor=actor,
        message=message,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    pack = session.get(RulePackRow, version)
    if pack is not None:
        pack.status = "deployed"
    session.flush()
    logger.info("%s %s version %s (%s) by %s", kind, mode, version, len(shadow), actor)
    return _deployment(row)


def _changed_rules(session: Session, files: Files, base_dir: str | Path | None) -> list[str]:
    """Live-status rules of `files` that are new or differ from the live pack's rule of that id."""
    live = live_deployment(session)
    if live is not None:
        base_pack = stored_pack(session, live.version)
        base = read_files(base_pack.files if base_pack else {}).rules
    else:
        base = read_texts(sorted(folder_files(base_dir).items())).rules if base_dir else []
    before = {r.id: r.model_dump() for r in base}
    return [
        r.id
        for r in read_files(files).rules
        if r.status == "live" and before.get(r.id) != r.model_dump()
    ]


def _deployment(row: DeploymentRow) -> Deployment:
    return Deployment(
        row.id,
        row.version,
        row.kind,
        row.mode,
        tuple(row.shadow_rules),
        row.actor,
        row.message,
        row.created_at,
    )


def live_ruleset_for(Session: sessionmaker[Session], settings: Settings) -> Ruleset:
    """The pack the pipeline runs, by RULES_SOURCE: `dir` (the folder) or `db` (deployed)."""
    if settings.rules_source == "dir":
        return load_ruleset(settings.rules_dir)
    if settings.rules_source != "db":
        raise WorkbenchError(f"RULES_SOURCE must be `dir` or `db` (got `{settings.rules_source}`)")
    with Session() as session:
        return live_ruleset(session, settings.rules_dir)


class LivePolicy:
    """Keeps a long-running process (a stream worker) on the deployed pack.

    One indexed query per batch reads the newest deployment id; when it changed, the deployed pack
    is compiled and swapped in whole, between batches. A pack that fails to load (it cannot, as
    deploy refuses invalid packs, but a database may be edited by hand) leaves the current one.
    """

    def __init__(self, Session: sessionmaker[Session], settings: Settings, policy: Policy) -> None:
        self._Session, self._settings, self._policy = Session, settings, policy
        with Session() as session:
            self._seen = _deployment_id(session)

    def current(self) -> Policy:
        if self._settings.rules_source != "db":
            return self._policy
        with self._Session() as session:
            newest = _deployment_id(session)
            if newest == self._seen:
                return self._policy
            try:
                ruleset = live_ruleset(session, self._settings.rules_dir)
            except RulesError:
                logger.exception(
                    "deployment %s does not load; keeping %s", newest, self._policy.ruleset.version
                )
                return self._policy
        self._policy, self._seen = replace(self._policy, ruleset=ruleset), newest
        logger.info("now running rules version %s", ruleset.version)
        return self._policy


def _deployment_id(session: Session) -> int | None:
    return session.scalar(select(func.max(DeploymentRow.id)))
