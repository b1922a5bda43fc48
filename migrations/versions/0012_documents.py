"""decision documents: their delivery (送达) and the monthly disclosure lists as posted (公示, frozen)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'document_delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('document', sa.String(length=16), nullable=False),
        sa.Column('stage', sa.Integer(), nullable=True),
        sa.Column('method', sa.String(length=12), nullable=False),
        sa.Column('delivered_on', sa.Date(), nullable=False),
        sa.Column('recipient', sa.String(length=64), nullable=False),
        sa.Column('signed', sa.Boolean(), nullable=False),
        sa.Column('reference', sa.String(length=64), nullable=True),
        sa.Column('acknowledged_on', sa.Date(), nullable=True),
        sa.Column('acknowledgement', sa.String(length=500), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("method IN ('in_person', 'post', 'message')", name='ck_document_delivery_method'),
        sa.ForeignKeyConstraint(['case_id'], ['aid_case.id'], ),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_document_delivery_case_document', 'document_delivery', ['case_id', 'document'])
    op.create_table(
        'disclosure_posting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=True),
        sa.Column('township_key', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('posted_on', sa.Date(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=False),
        sa.Column('households', sa.Integer(), nullable=False),
        sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('posted_by_id', sa.Integer(), nullable=False),
        sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['county_id'], ['region.id'], ),
        sa.ForeignKeyConstraint(['township_id'], ['region.id'], ),
        sa.ForeignKeyConstraint(['posted_by_id'], ['ab_user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('county_id', 'township_key', 'month', name='uq_disclosure_posting'),
    )
    # the undelivered-decision list: decided cases by county and decision time
    op.create_index('ix_aid_case_county_decided', 'aid_case', ['county_id', 'decided_at'])


def downgrade():
    op.drop_index('ix_aid_case_county_decided', table_name='aid_case')
    op.drop_table('disclosure_posting')
    op.drop_index('ix_document_delivery_case_document', table_name='document_delivery')
    op.drop_table('document_delivery')
