"""index of live claims, so "does this reviewer already hold an item?" is one index probe

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Tiny: only open items somebody holds (or held, until the claim is reclaimed or decided).
CLAIMED = "status = 'open' AND claimed_by IS NOT NULL"


def upgrade() -> None:
    op.create_index(
        "ix_queue_items_claimed",
        "queue_items",
        ["claimed_by", "queue"],
        postgresql_where=sa.text(CLAIMED),
        sqlite_where=sa.text(CLAIMED),
    )


def downgrade() -> None:
    op.drop_index("ix_queue_items_claimed", "queue_items")
