"""anomaly alerts, and the classifier errors behind each verdict

Revision ID: 0003
Revises: 0001 on the metrics branch; the lead re-points it at 0002 when merging the review queues.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("window_start", TZ, nullable=False),
        sa.Column("window_end", TZ, nullable=False, index=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("observed", sa.Float, nullable=False),
        sa.Column("expected", sa.Float, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("kind", "subject", "window_start", name="uq_alerts_kind_subject_start"),
    )
    with op.batch_alter_table("verdicts") as batch:
        batch.add_column(sa.Column("errors", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("verdicts") as batch:
        batch.drop_column("errors")
    op.drop_table("alerts")
