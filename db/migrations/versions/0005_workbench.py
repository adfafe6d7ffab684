"""policy workbench: stored rule packs and an append-only log of deployments

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rule_packs",
        sa.Column("version", sa.String(80), primary_key=True),  # content hash of the files
        sa.Column("files", sa.JSON, nullable=False),  # {file name: YAML text}
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),  # draft | deployed
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "deployments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("version", sa.String(80), sa.ForeignKey("rule_packs.version"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # deploy | rollback
        sa.Column("mode", sa.String(16), nullable=False),  # live | shadow
        sa.Column("shadow_rules", sa.JSON, nullable=False),  # rule ids forced to shadow
        sa.Column("actor", sa.String(80), nullable=False, index=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False, index=True),
    )
    # Deployments are history: like review_events, refuse UPDATE and DELETE on both backends.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION deployments_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'deployments are append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER deployments_no_change BEFORE UPDATE OR DELETE ON deployments "
            "FOR EACH ROW EXECUTE FUNCTION deployments_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER deployments_no_{event.lower()} BEFORE {event} ON deployments "
                "BEGIN SELECT RAISE(ABORT, 'deployments are append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER deployments_no_change ON deployments")
        op.execute("DROP FUNCTION deployments_append_only()")
    op.drop_table("deployments")
    op.drop_table("rule_packs")
