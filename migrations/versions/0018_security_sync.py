"""the digest the permission tables were last synced from, so gunicorn workers, the job worker and beat
starting at once sync the roles one at a time and skip a sync already made

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('security_sync',
                    sa.Column('name', sa.String(length=32), nullable=False),
                    sa.Column('digest', sa.String(length=64), nullable=False),
                    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('name'))


def downgrade():
    op.drop_table('security_sync')
