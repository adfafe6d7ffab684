"""Local accounts, argon2 passwords, and the one table of what each role may do.

Every mutating service function checks the actor's role as stored in the database, never a role
taken from the caller, so a page that forgets a check (or passes a forged role) still cannot write.
It either calls `authorize(session, actor, permission)` first, or, on a hot path, folds
`granted(actor, permission)` into the WHERE clause of its one write (the role is then read in the
same statement that writes) and calls `authorize` when that write matched nothing, to tell
"forbidden" from "nothing to do".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, exists, literal_column, select
from sqlalchemy.orm import Session

from db.models import UserRow

logger = logging.getLogger(__name__)


class Role(StrEnum):
    MODERATOR = "moderator"
    POLICY = "policy"
    ENGINEER = "engineer"
    ADMIN = "admin"


assert all(role.isalpha() and role.islower() for role in Role)  # see `granted`


class Permission(StrEnum):
    REVIEW = "review"  # claim, decide, skip in the ordinary queues
    REVIEW_ESCALATIONS = "review_escalations"  # claim from the escalations queue
    BULK_REVIEW = "bulk_review"  # one decision over a whole near-duplicate cluster
    VIEW_AUDIT = "view_audit"
    VIEW_METRICS = "view_metrics"
    EDIT_RULES = "edit_rules"
    MANAGE_USERS = "manage_users"


_REVIEWER = {Permission.REVIEW, Permission.BULK_REVIEW, Permission.VIEW_AUDIT}
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.MODERATOR: frozenset(_REVIEWER),
    Role.POLICY: frozenset(
        _REVIEWER | {Permission.REVIEW_ESCALATIONS, Permission.EDIT_RULES, Permission.VIEW_METRICS}
    ),
    # Engineers see metrics and the audit trail, and never act on content.
    Role.ENGINEER: frozenset({Permission.VIEW_METRICS, Permission.VIEW_AUDIT}),
    Role.ADMIN: frozenset(Permission),
}


class AccountError(Exception):
    """A problem with an account the edges show to the user as is."""


class Forbidden(AccountError):
    def __init__(self, actor: str, permission: Permission) -> None:
        super().__init__(f"{actor!r} may not {permission.value.replace('_', ' ')}")
        self.actor = actor
        self.permission = permission


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is logged in; what they may do is always re-read from the database."""

    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        """For showing or hiding UI only; the service layer checks again."""
        return permission in GRANTS[self.role]


def role_of(session: Session, name: str) -> Role | None:
    role = session.scalar(select(UserRow.role).where(UserRow.name == name))
    return Role(role) if role else None


def roles_granted(permission: Permission) -> list[str]:
    """The roles whose grants include `permission` (from the table above, not the database)."""
    return sorted(role.value for role, grants in GRANTS.items() if permission in grants)


def granted(actor: ColumnElement[str], permission: Permission) -> ColumnElement[bool]:
    """SQL: the stored role of `actor` (a bound parameter or column) grants `permission`."""
    users = UserRow.__table__.c
    # Role names are fixed lowercase words from this module, so they are written into the SQL
    # as literals: an expanding bound list would be re-rendered on every execution.
    roles: list[ColumnElement[str]] = [
        literal_column(f"'{role}'") for role in roles_granted(permission)
    ]
    return exists().where(users.name == actor, users.role.in_(roles))


def authorize(session: Session, actor: str, permission: Permission) -> Role:
    """The actor's stored role, or Forbidden if it lacks `permission` (or the user is unknown)."""
    role = role_of(session, actor)
    if role is None or permission not in GRANTS[role]:
        raise Forbidden(actor, permission)
    return role


def create_user(
    session: Session,
    name: str,
    role: Role,
    password: str,
    *,
    by: str | None = None,
    hasher: PasswordHasher | None = None,
) -> Actor:
    """Add an account. `by` is the admin doing it; None only for the CLI and demo set-up."""
    if by is not None:
        authorize(session, by, Permission.MANAGE_USERS)
    if not name.strip() or not password:
        raise AccountError("a user needs a name and a non-empty password")
    if role_of(session, name.strip()) is not None:
        raise AccountError(f"user {name!r} already exists")
    row = UserRow(
        name=name.strip(),
        role=Role(role).value,
        password_hash=(hasher or PasswordHasher()).hash(password),
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    logger.info("user %s added with role %s", row.name, row.role)
    return Actor(row.name, Role(row.role))


def authenticate(
    session: Session, name: str, password: str, *, hasher: PasswordHasher | None = None
) -> Actor | None:
    """The actor if the password matches, else None (no hint whether the name exists)."""
    row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
    ph = hasher or PasswordHasher()
    if row is None:
        return None
    try:
        ph.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return Actor(row.name, Role(row.role))


def list_users(session: Session) -> list[Actor]:
    rows = session.execute(select(UserRow.name, UserRow.role).order_by(UserRow.name))
    return [Actor(name, Role(role)) for name, role in rows]
