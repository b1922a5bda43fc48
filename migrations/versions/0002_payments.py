"""payments, bank-transfer batches, township reserve funds and their movements (二、(四); 三、(五))

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reserve_fund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('balance >= 0', name='ck_reserve_fund_balance'),
    sa.ForeignKeyConstraint(['county_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('township_id')
    )
    with op.batch_alter_table('reserve_fund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reserve_fund_county_id'), ['county_id'], unique=False)

    op.create_table('payment_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('payment_count', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['county_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('payment_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_batch_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_batch_township_id'), ['township_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('items', sa.String(length=500), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('paid_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.CheckConstraint("method IN ('bank_transfer', 'cash', 'in_kind', 'referral')", name='ck_payment_method'),
    sa.CheckConstraint('amount >= 0', name='ck_payment_amount'),
    sa.CheckConstraint('stage >= 1', name='ck_payment_stage'),
    sa.ForeignKeyConstraint(['batch_id'], ['payment_batch.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['aid_case.id'], ),
    sa.ForeignKeyConstraint(['county_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.ForeignKeyConstraint(['paid_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'stage', name='uq_payment_case_stage')
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_payment_county_paid_on', ['county_id', 'paid_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_payment_township_paid_on', ['township_id', 'paid_on'], unique=False)
        batch_op.create_index('ix_payment_unbatched', ['county_id', 'township_id'], unique=False, sqlite_where=sa.text("batch_id IS NULL AND method = 'bank_transfer'"), postgresql_where=sa.text("batch_id IS NULL AND method = 'bank_transfer'"))

    op.create_table('fund_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fund_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('balance_after', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(kind = 'draw' AND amount < 0) OR (kind <> 'draw' AND amount > 0)", name='ck_fund_movement_sign'),
    sa.CheckConstraint("kind IN ('allocation_own', 'allocation_county', 'return', 'draw')", name='ck_fund_movement_kind'),
    sa.CheckConstraint('balance_after >= 0', name='ck_fund_movement_balance_after'),
    sa.ForeignKeyConstraint(['case_id'], ['aid_case.id'], ),
    sa.ForeignKeyConstraint(['county_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['fund_id'], ['reserve_fund.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('payment_id')
    )
    with op.batch_alter_table('fund_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_movement_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_movement_county_id'), ['county_id'], unique=False)
        batch_op.create_index('ix_fund_movement_fund_at', ['fund_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_movement_township_id'), ['township_id'], unique=False)


def downgrade():
    with op.batch_alter_table('fund_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_movement_township_id'))
        batch_op.drop_index('ix_fund_movement_fund_at')
        batch_op.drop_index(batch_op.f('ix_fund_movement_county_id'))
        batch_op.drop_index(batch_op.f('ix_fund_movement_case_id'))

    op.drop_table('fund_movement')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_unbatched', sqlite_where=sa.text("batch_id IS NULL AND method = 'bank_transfer'"), postgresql_where=sa.text("batch_id IS NULL AND method = 'bank_transfer'"))
        batch_op.drop_index('ix_payment_township_paid_on')
        batch_op.drop_index(batch_op.f('ix_payment_household_id'))
        batch_op.drop_index('ix_payment_county_paid_on')
        batch_op.drop_index(batch_op.f('ix_payment_case_id'))
        batch_op.drop_index(batch_op.f('ix_payment_batch_id'))

    op.drop_table('payment')
    with op.batch_alter_table('payment_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_batch_township_id'))
        batch_op.drop_index(batch_op.f('ix_payment_batch_county_id'))

    op.drop_table('payment_batch')
    with op.batch_alter_table('reserve_fund', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reserve_fund_county_id'))

    op.drop_table('reserve_fund')
