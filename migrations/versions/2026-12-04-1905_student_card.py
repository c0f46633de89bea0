"""student card: cards, entitlements, phones, credentials, issuer keys, checks; the server's sealed keys

Revision ID: 76874af80038
Revises: 7d3f2a9c4e18
Create Date: 2026-12-04 19:05:42.456708+00:00

Credential serials are never reused (SQLite AUTOINCREMENT): a revoked serial stays revoked.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "76874af80038"
down_revision: str | None = "7d3f2a9c4e18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "server_key",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("public", sa.LargeBinary(), nullable=False),
        sa.Column("sealed_private", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_server_key")),
    )
    op.create_table(
        "student_card_check_count",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("service", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "service", "verdict", "reason", name=op.f("pk_student_card_check_count")
        ),
    )
    op.create_table(
        "student_card_issuer_key",
        sa.Column("kid", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("sealed_private", sa.LargeBinary(), nullable=False),
        sa.Column("services", sa.String(length=40), nullable=False),
        sa.Column("signs_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signs_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_student_card_issuer_key")),
    )
    op.create_table(
        "student_card_seen_code",
        sa.Column("service", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.LargeBinary(length=12), nullable=False),
        sa.Column("time_step", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("signature_r", sa.LargeBinary(length=32), nullable=False),
        sa.Column("keep_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "service", "pseudonym", "time_step", "signature_r", name=op.f("pk_student_card_seen_code")
        ),
    )
    with op.batch_alter_table("student_card_seen_code", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_student_card_seen_code_keep_until"), ["keep_until"], unique=False
        )

    op.create_table(
        "student_card",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("institution", sa.String(length=120), nullable=False),
        sa.Column("student_number", sa.String(length=40), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_type", sa.String(length=20), nullable=True),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["user.id"], name=op.f("fk_student_card_issued_by_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_student_card_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_card")),
    )
    with op.batch_alter_table("student_card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_card_user_id"), ["user_id"], unique=False)

    op.create_table(
        "student_card_check",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=True),
        sa.Column("validator_id", sa.Uuid(), nullable=True),
        sa.Column("service", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["student_card.id"],
            name=op.f("fk_student_card_check_card_id_student_card"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["validator_id"],
            ["user.id"],
            name=op.f("fk_student_card_check_validator_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_card_check")),
    )
    with op.batch_alter_table("student_card_check", schema=None) as batch_op:
        batch_op.create_index(
            "ix_student_card_check_card_id_checked_at", ["card_id", "checked_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_student_card_check_checked_at"), ["checked_at"], unique=False)

    op.create_table(
        "student_card_device",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=33), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["student_card.id"],
            name=op.f("fk_student_card_device_card_id_student_card"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_card_device")),
    )
    with op.batch_alter_table("student_card_device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_card_device_card_id"), ["card_id"], unique=False)

    op.create_table(
        "student_card_entitlement",
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("service", sa.Integer(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("pseudonym", sa.LargeBinary(length=12), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["student_card.id"],
            name=op.f("fk_student_card_entitlement_card_id_student_card"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("card_id", "service", name=op.f("pk_student_card_entitlement")),
        sa.UniqueConstraint("service", "pseudonym", name="service_pseudonym"),
    )
    op.create_table(
        "student_card_credential",
        sa.Column("serial", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("card_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("service", sa.Integer(), nullable=False),
        sa.Column("kid", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["student_card.id"],
            name=op.f("fk_student_card_credential_card_id_student_card"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["student_card_device.id"],
            name=op.f("fk_student_card_credential_device_id_student_card_device"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("serial", name=op.f("pk_student_card_credential")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("student_card_credential", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_student_card_credential_card_id"), ["card_id"], unique=False)
        batch_op.create_index(
            "ix_student_card_credential_revoked_expires", ["revoked_at", "expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("student_card_credential", schema=None) as batch_op:
        batch_op.drop_index("ix_student_card_credential_revoked_expires")
        batch_op.drop_index(batch_op.f("ix_student_card_credential_card_id"))

    op.drop_table("student_card_credential")
    op.drop_table("student_card_entitlement")
    with op.batch_alter_table("student_card_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_card_device_card_id"))

    op.drop_table("student_card_device")
    with op.batch_alter_table("student_card_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_card_check_checked_at"))
        batch_op.drop_index("ix_student_card_check_card_id_checked_at")

    op.drop_table("student_card_check")
    with op.batch_alter_table("student_card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_card_user_id"))

    op.drop_table("student_card")
    with op.batch_alter_table("student_card_seen_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_student_card_seen_code_keep_until"))

    op.drop_table("student_card_seen_code")
    op.drop_table("student_card_issuer_key")
    op.drop_table("student_card_check_count")
    op.drop_table("server_key")
