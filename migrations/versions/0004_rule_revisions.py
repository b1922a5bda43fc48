"""rule revisions: every save of a rule file from the web editor, with its diff and previous text

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rule_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file', sa.String(length=200), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('effective', sa.Date(), nullable=True),
    sa.Column('diff', sa.Text(), nullable=False),
    sa.Column('digest_before', sa.String(length=64), nullable=False),
    sa.Column('digest_after', sa.String(length=64), nullable=False),
    sa.Column('previous_text', sa.Text(), nullable=False),
    sa.Column('reverts_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reverts_id'], ['rule_revision.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rule_revision', schema=None) as batch_op:
        batch_op.create_index('ix_rule_revision_file_at', ['file', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rule_revision_region_code'), ['region_code'], unique=False)


def downgrade():
    with op.batch_alter_table('rule_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_revision_region_code'))
        batch_op.drop_index('ix_rule_revision_file_at')

    op.drop_table('rule_revision')
