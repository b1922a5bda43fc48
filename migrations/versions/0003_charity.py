"""charity linkage: charities, projects, referrals and aid records (二、(五))

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('charity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('charity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charity_region_id'), ['region_id'], unique=False)

    op.create_table('charity_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charity_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('budget', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('remaining', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('remaining >= 0', name='ck_charity_project_remaining'),
    sa.ForeignKeyConstraint(['charity_id'], ['charity.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('charity_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charity_project_charity_id'), ['charity_id'], unique=False)

    op.create_table('charity_project_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['charity_project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'category', name='uq_charity_project_category')
    )
    with op.batch_alter_table('charity_project_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charity_project_category_category'), ['category'], unique=False)

    op.create_table('charity_project_region',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['charity_project.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('project_id', 'region_id')
    )
    with op.batch_alter_table('charity_project_region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charity_project_region_region_id'), ['region_id'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('category_kind', sa.String(length=16), nullable=False),
    sa.Column('need', sa.String(length=1000), nullable=False),
    sa.Column('gap_money', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('gap_goods', sa.String(length=500), nullable=True),
    sa.Column('gap_services', sa.String(length=500), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('referred_by_id', sa.Integer(), nullable=False),
    sa.Column('referred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by_charity_id', sa.Integer(), nullable=True),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('aided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['aid_case.id'], ),
    sa.ForeignKeyConstraint(['claimed_by_charity_id'], ['charity.id'], ),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['county_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.ForeignKeyConstraint(['referred_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['region.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_claimed_by_charity_id'), ['claimed_by_charity_id'], unique=False)
        batch_op.create_index('ix_referral_county_state', ['county_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_township_id'), ['township_id'], unique=False)
        batch_op.create_index('ux_referral_active_per_case', ['case_id'], unique=True, sqlite_where=sa.text("state <> 'closed'"), postgresql_where=sa.text("state <> 'closed'"))

    op.create_table('aid_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('charity_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['aid_case.id'], ),
    sa.ForeignKeyConstraint(['charity_id'], ['charity.id'], ),
    sa.ForeignKeyConstraint(['county_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['charity_project.id'], ),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ),
    sa.ForeignKeyConstraint(['township_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('aid_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_record_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_record_charity_id'), ['charity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_record_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_record_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_record_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_record_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_record_township_id'), ['township_id'], unique=False)

    _add_user_charity()


def downgrade():
    _drop_user_charity()

    with op.batch_alter_table('aid_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_record_township_id'))
        batch_op.drop_index(batch_op.f('ix_aid_record_referral_id'))
        batch_op.drop_index(batch_op.f('ix_aid_record_project_id'))
        batch_op.drop_index(batch_op.f('ix_aid_record_household_id'))
        batch_op.drop_index(batch_op.f('ix_aid_record_county_id'))
        batch_op.drop_index(batch_op.f('ix_aid_record_charity_id'))
        batch_op.drop_index(batch_op.f('ix_aid_record_case_id'))

    op.drop_table('aid_record')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ux_referral_active_per_case', sqlite_where=sa.text("state <> 'closed'"), postgresql_where=sa.text("state <> 'closed'"))
        batch_op.drop_index(batch_op.f('ix_referral_township_id'))
        batch_op.drop_index(batch_op.f('ix_referral_state'))
        batch_op.drop_index(batch_op.f('ix_referral_household_id'))
        batch_op.drop_index('ix_referral_county_state')
        batch_op.drop_index(batch_op.f('ix_referral_claimed_by_charity_id'))
        batch_op.drop_index(batch_op.f('ix_referral_case_id'))

    op.drop_table('referral')
    with op.batch_alter_table('charity_project_region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charity_project_region_region_id'))

    op.drop_table('charity_project_region')
    with op.batch_alter_table('charity_project_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charity_project_category_category'))

    op.drop_table('charity_project_category')
    with op.batch_alter_table('charity_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charity_project_charity_id'))

    op.drop_table('charity_project')
    with op.batch_alter_table('charity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charity_region_id'))

    op.drop_table('charity')


def _add_user_charity():
    """Charity staff belong to a charity: ``ab_user.charity_id``.

    SQLite adds the column with its reference in place; the batch alternative would copy ``ab_user``,
    which the enforced foreign keys of the tables referring to users make unsafe on a live database.
    """
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE ab_user ADD COLUMN charity_id INTEGER "
                   "CONSTRAINT fk_ab_user_charity_id REFERENCES charity (id)")
    else:
        op.add_column('ab_user', sa.Column('charity_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_ab_user_charity_id', 'ab_user', 'charity', ['charity_id'], ['id'])
    op.create_index('ix_ab_user_charity_id', 'ab_user', ['charity_id'], unique=False)


def _drop_user_charity():
    """SQLite (3.35+) drops the column in place, for the same reason as :func:`_add_user_charity`."""
    op.drop_index('ix_ab_user_charity_id', table_name='ab_user')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE ab_user DROP COLUMN charity_id")
    else:
        op.drop_constraint('fk_ab_user_charity_id', 'ab_user', type_='foreignkey')
        op.drop_column('ab_user', 'charity_id')
