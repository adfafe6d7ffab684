"""review queues, append-only review events, users

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

# Decisions are history: both backends refuse to change or delete a stored event.
SQLITE_GUARDS = [
    f"CREATE TRIGGER review_events_no_{verb.lower()} BEFORE {verb} ON review_events "
    f"BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRES_GUARD = """
CREATE FUNCTION review_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'review_events is append-only'; END $$;
CREATE TRIGGER review_events_append_only BEFORE UPDATE OR DELETE ON review_events
FOR EACH ROW EXECUTE FUNCTION review_events_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "queue_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("post_id", sa.String(200), sa.ForeignKey("posts.id"), nullable=False, index=True),
        sa.Column("queue", sa.String(64), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("cluster_id", sa.String(64)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("escalated_from", sa.Integer, sa.ForeignKey("queue_items.id")),
        sa.Column("claimed_by", sa.String(80)),
        sa.Column("claim_expires_at", TZ),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index(
        "ix_queue_items_open",
        "queue_items",
        ["queue", sa.text("priority DESC"), "id"],
        postgresql_where=sa.text("status = 'open'"),
        sqlite_where=sa.text("status = 'open'"),
    )
    op.create_index("ix_queue_items_cluster", "queue_items", ["cluster_id", "status"])
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("queue_items.id"), nullable=False, index=True),
        sa.Column("post_id", sa.String(200), nullable=False, index=True),
        sa.Column("queue", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False, index=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("batch_id", sa.String(36), index=True),
        sa.Column("rules_version", sa.String(80), nullable=False),
        sa.Column("rules", sa.Text, nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False, index=True),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_GUARD)
    else:
        for statement in SQLITE_GUARDS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER review_events_append_only ON review_events")
        op.execute("DROP FUNCTION review_events_append_only()")
    op.drop_table("review_events")
    op.drop_index("ix_queue_items_cluster", "queue_items")
    op.drop_index("ix_queue_items_open", "queue_items")
    op.drop_table("queue_items")
    op.drop_table("users")
