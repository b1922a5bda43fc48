"""a session generation per user: logout, a password change and deactivation end the user's sessions on
the server (a copied session cookie stops working)

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # in place, also on SQLite: a batch copy of ab_user would break the tables that refer to it
    op.add_column('ab_user', sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE ab_user DROP COLUMN session_generation")
    else:
        op.drop_column('ab_user', 'session_generation')
