"""shops and catalogue

Revision ID: be8c9987c2f2
Revises: 83537fde4a53
Create Date: 2026-11-26 08:21:40.714157+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "be8c9987c2f2"
down_revision: str | None = "83537fde4a53"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shop",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("opening_hours", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("osm_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_shop_owner_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop")),
        sa.UniqueConstraint("osm_id", name=op.f("uq_shop_osm_id")),
    )
    with op.batch_alter_table("shop", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_shop_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_shop_status_created_at", ["status", "created_at"], unique=False)

    op.create_table(
        "item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column("in_stock", sa.Boolean(), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_item_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("shop_id", "external_ref", name="uq_item_shop_id_external_ref"),
    )
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index("ix_item_shop_id_created_at", ["shop_id", "created_at"], unique=False)

    op.create_table(
        "shop_claim",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user.id"], name=op.f("fk_shop_claim_decided_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_shop_claim_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_shop_claim_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shop_claim")),
    )
    with op.batch_alter_table("shop_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shop_claim_shop_id"), ["shop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shop_claim_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("shop_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shop_claim_user_id"))
        batch_op.drop_index(batch_op.f("ix_shop_claim_shop_id"))

    op.drop_table("shop_claim")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_shop_id_created_at")

    op.drop_table("item")
    with op.batch_alter_table("shop", schema=None) as batch_op:
        batch_op.drop_index("ix_shop_status_created_at")
        batch_op.drop_index(batch_op.f("ix_shop_owner_id"))
        batch_op.drop_index(batch_op.f("ix_shop_category"))

    op.drop_table("shop")
