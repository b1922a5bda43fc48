"""payment reversals (冲正): ``payment.reverses_id``, the signs a reversal carries, never batched

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

A reversal is a new payment row pointing at the one it reverses, with the amount negated. The CHECK on
the amount changes, which SQLite can only do by copying the table (``batch_alter_table``). SQLite refuses
to drop a table other rows refer to while foreign keys are enforced (the app turns them on for every
connection, and the pragma cannot be switched off inside the migration's transaction), and
``fund_movement.payment_id`` refers to payments: so on SQLite those references are set aside in a
temporary table and put back after the copy, all in the one transaction. PostgreSQL alters in place.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# frozen here as they were written: later changes to the model do not rewrite this revision
OLD_AMOUNT = "amount >= 0"
NEW_AMOUNT = "(reverses_id IS NULL AND amount >= 0) OR (reverses_id IS NOT NULL AND amount <= 0)"
REVERSAL_UNBATCHED = "reverses_id IS NULL OR batch_id IS NULL"
OLD_UNBATCHED = "batch_id IS NULL AND method = 'bank_transfer'"
NEW_UNBATCHED = "batch_id IS NULL AND method = 'bank_transfer' AND reverses_id IS NULL"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _set_aside_fund_links() -> None:
    """SQLite: keep the fund movements' payment references aside while ``payment`` is copied."""
    op.execute("CREATE TEMPORARY TABLE _fund_payment_link AS "
               "SELECT id, payment_id FROM fund_movement WHERE payment_id IS NOT NULL")
    op.execute("UPDATE fund_movement SET payment_id = NULL WHERE payment_id IS NOT NULL")


def _restore_fund_links() -> None:
    op.execute("UPDATE fund_movement SET payment_id = (SELECT l.payment_id FROM _fund_payment_link l "
               "WHERE l.id = fund_movement.id) WHERE id IN (SELECT id FROM _fund_payment_link)")
    op.execute("DROP TABLE _fund_payment_link")


def _swap_unbatched(where: str) -> None:
    op.drop_index('ix_payment_unbatched', table_name='payment')
    op.create_index('ix_payment_unbatched', 'payment', ['county_id', 'township_id'], unique=False,
                    sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def upgrade():
    sqlite = _sqlite()
    if sqlite:
        _set_aside_fund_links()
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reverses_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_payment_reverses_id', 'payment', ['reverses_id'], ['id'])
        batch_op.create_unique_constraint('uq_payment_reverses', ['reverses_id'])
        batch_op.drop_constraint('ck_payment_amount', type_='check')
        batch_op.create_check_constraint('ck_payment_amount', NEW_AMOUNT)
        batch_op.create_check_constraint('ck_payment_reversal_unbatched', REVERSAL_UNBATCHED)
    if sqlite:
        _restore_fund_links()
    _swap_unbatched(NEW_UNBATCHED)


def downgrade():
    reversals = op.get_bind().execute(sa.text("SELECT count(*) FROM payment WHERE reverses_id IS NOT NULL")).scalar()
    if reversals:
        raise RuntimeError(f"{reversals} payment reversals are recorded: money records are not deleted to go back "
                           "before revision 0005")
    sqlite = _sqlite()
    _swap_unbatched(OLD_UNBATCHED)
    if sqlite:
        _set_aside_fund_links()
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint('ck_payment_reversal_unbatched', type_='check')
        batch_op.drop_constraint('ck_payment_amount', type_='check')
        batch_op.create_check_constraint('ck_payment_amount', OLD_AMOUNT)
        batch_op.drop_constraint('uq_payment_reverses', type_='unique')
        batch_op.drop_constraint('fk_payment_reverses_id', type_='foreignkey')
        batch_op.drop_column('reverses_id')
    if sqlite:
        _restore_fund_links()
