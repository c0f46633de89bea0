"""loyalty: the points ledger (accounts, transactions, entries), codes, rewards, shop settings; idempotency keys

Revision ID: 7d3f2a9c4e18
Revises: 5b1e7c9a2d40
Create Date: 2026-12-03 12:56:56.956900+00:00

The ledger's transactions and entries are append-only, and the database holds to it: a trigger refuses any
UPDATE or DELETE of them, on SQLite and on PostgreSQL alike. A correction is a reversing transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d3f2a9c4e18"
down_revision: str | None = "5b1e7c9a2d40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_record",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_idempotency_record_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_record")),
    )
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_record_created_at"), ["created_at"], unique=False)

    op.create_table(
        "loyalty_account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("shop_id", sa.Uuid(), nullable=True),
        sa.Column("balance", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'member') = (balance IS NOT NULL)", name=op.f("ck_loyalty_account_member_balance")
        ),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (shop_id IS NULL)", name=op.f("ck_loyalty_account_one_owner")
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_loyalty_account_shop_id_shop")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_loyalty_account_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_account")),
        sa.UniqueConstraint("shop_id", name=op.f("uq_loyalty_account_shop_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_loyalty_account_user_id")),
    )
    op.create_table(
        "loyalty_code",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_loyalty_code_shop_id_shop")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_loyalty_code_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_loyalty_code_code_hash")),
    )
    with op.batch_alter_table("loyalty_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loyalty_code_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_loyalty_code_user_id"), ["user_id"], unique=False)

    op.create_table(
        "loyalty_reward",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("cost_points", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stock IS NULL OR stock >= 0", name=op.f("ck_loyalty_reward_stock_not_negative")),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_loyalty_reward_shop_id_shop")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_reward")),
    )
    with op.batch_alter_table("loyalty_reward", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loyalty_reward_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "loyalty_shop_settings",
        sa.Column("shop_id", sa.Uuid(), nullable=False),
        sa.Column("points_per_euro", sa.Integer(), nullable=False),
        sa.Column("daily_cap_points", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shop.id"], name=op.f("fk_loyalty_shop_settings_shop_id_shop"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["user.id"],
            name=op.f("fk_loyalty_shop_settings_updated_by_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_loyalty_shop_settings")),
    )
    op.create_table(
        "loyalty_transaction",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("shop_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("reward_id", sa.Uuid(), nullable=True),
        sa.Column("reverses_id", sa.Uuid(), nullable=True),
        sa.Column("code_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user.id"], name=op.f("fk_loyalty_transaction_actor_id_user")),
        sa.ForeignKeyConstraint(
            ["code_id"], ["loyalty_code.id"], name=op.f("fk_loyalty_transaction_code_id_loyalty_code")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["loyalty_transaction.id"],
            name=op.f("fk_loyalty_transaction_reverses_id_loyalty_transaction"),
        ),
        sa.ForeignKeyConstraint(
            ["reward_id"], ["loyalty_reward.id"], name=op.f("fk_loyalty_transaction_reward_id_loyalty_reward")
        ),
        sa.ForeignKeyConstraint(["shop_id"], ["shop.id"], name=op.f("fk_loyalty_transaction_shop_id_shop")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_loyalty_transaction_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_transaction")),
        sa.UniqueConstraint("code_id", name=op.f("uq_loyalty_transaction_code_id")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_loyalty_transaction_reverses_id")),
    )
    with op.batch_alter_table("loyalty_transaction", schema=None) as batch_op:
        batch_op.create_index("ix_loyalty_transaction_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_loyalty_transaction_shop_id_created_at", ["shop_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_loyalty_transaction_user_id_created_at", ["user_id", "created_at"], unique=False
        )

    op.create_table(
        "loyalty_entry",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("points <> 0", name=op.f("ck_loyalty_entry_not_zero")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["loyalty_account.id"], name=op.f("fk_loyalty_entry_account_id_loyalty_account")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["loyalty_transaction.id"],
            name=op.f("fk_loyalty_entry_transaction_id_loyalty_transaction"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loyalty_entry")),
    )
    with op.batch_alter_table("loyalty_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_loyalty_entry_account_id_expires_at", ["account_id", "expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_loyalty_entry_transaction_id"), ["transaction_id"], unique=False)

    _append_only_triggers()


APPEND_ONLY = ("loyalty_transaction", "loyalty_entry")


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION loyalty_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'the loyalty ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME; "
            "END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION loyalty_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION loyalty_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'the loyalty ledger is append-only: {action} on {table} refused'); END"
            )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION loyalty_append_only()")
        return
    for table in APPEND_ONLY:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{action}")


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table("loyalty_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loyalty_entry_transaction_id"))
        batch_op.drop_index("ix_loyalty_entry_account_id_expires_at")

    op.drop_table("loyalty_entry")
    with op.batch_alter_table("loyalty_transaction", schema=None) as batch_op:
        batch_op.drop_index("ix_loyalty_transaction_user_id_created_at")
        batch_op.drop_index("ix_loyalty_transaction_shop_id_created_at")
        batch_op.drop_index("ix_loyalty_transaction_created_at")

    op.drop_table("loyalty_transaction")
    op.drop_table("loyalty_shop_settings")
    with op.batch_alter_table("loyalty_reward", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loyalty_reward_shop_id"))

    op.drop_table("loyalty_reward")
    with op.batch_alter_table("loyalty_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loyalty_code_user_id"))
        batch_op.drop_index(batch_op.f("ix_loyalty_code_expires_at"))

    op.drop_table("loyalty_code")
    op.drop_table("loyalty_account")
    with op.batch_alter_table("idempotency_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_record_created_at"))

    op.drop_table("idempotency_record")
