"""posts, verdicts and dead letters

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "posts",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("author_id", sa.String(200), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created_at", TZ, index=True),
        sa.Column("author_created_at", TZ),
        sa.Column("ingested_at", TZ, nullable=False, index=True),
        sa.Column("raw", sa.Text, nullable=False),
    )
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("post_id", sa.String(200), sa.ForeignKey("posts.id"), nullable=False, index=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("queue", sa.String(64)),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("rules", sa.JSON, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("matches", sa.JSON, nullable=False),
        sa.Column("rules_version", sa.String(80), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("cluster_id", sa.String(64), index=True),
        sa.Column("cluster_size", sa.Integer),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_verdicts_action_created", "verdicts", ["action", "created_at"])
    op.create_table(
        "dead_letters",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("line_no", sa.Integer, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("dead_letters")
    op.drop_index("ix_verdicts_action_created", "verdicts")
    op.drop_table("verdicts")
    op.drop_table("posts")
