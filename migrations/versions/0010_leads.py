"""leads (急难线索) reported by grid workers and the public, with their photos

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lead',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=24), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('reported_by_id', sa.Integer(), nullable=True),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('person_name', sa.String(length=64), nullable=False),
        sa.Column('id_number', sa.String(length=18), nullable=True),
        sa.Column('phone', sa.String(length=20), nullable=True),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=False),
        sa.Column('village', sa.String(length=64), nullable=True),
        sa.Column('address', sa.String(length=200), nullable=True),
        sa.Column('category', sa.String(length=64), nullable=False),
        sa.Column('severity', sa.String(length=12), nullable=False),
        sa.Column('description', sa.String(length=1000), nullable=False),
        sa.Column('first_contact_due', sa.DateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('close_reason', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['aid_case.id']),
        sa.ForeignKeyConstraint(['county_id'], ['region.id']),
        sa.ForeignKeyConstraint(['handled_by_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['reported_by_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['township_id'], ['region.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('number'),
    )
    op.create_index('ix_lead_case_id', 'lead', ['case_id'])
    op.create_index('ix_lead_id_number', 'lead', ['id_number'])
    op.create_index('ix_lead_reported_by_id', 'lead', ['reported_by_id'])
    op.create_index('ix_lead_state', 'lead', ['state'])
    op.create_index('ix_lead_township_state_due', 'lead', ['township_id', 'state', 'first_contact_due'])
    op.create_index('ix_lead_county_state_due', 'lead', ['county_id', 'state', 'first_contact_due'])
    op.create_table(
        'lead_photo',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=43), nullable=False),
        sa.Column('content_type', sa.String(length=32), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['lead_id'], ['lead.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token'),
    )
    op.create_index('ix_lead_photo_lead_id', 'lead_photo', ['lead_id'])


def downgrade():
    op.drop_index('ix_lead_photo_lead_id', table_name='lead_photo')
    op.drop_table('lead_photo')
    for name in ('ix_lead_county_state_due', 'ix_lead_township_state_due', 'ix_lead_state', 'ix_lead_reported_by_id',
                 'ix_lead_id_number', 'ix_lead_case_id'):
        op.drop_index(name, table_name='lead')
    op.drop_table('lead')
