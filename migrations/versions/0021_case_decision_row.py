"""the rule editor's impact at a province's scale: each case keeps what a decision reads of its inputs as
one short text (``decision_row``, app.rules.stored_rows), written for the cases already stored

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

from app.models.decision_rows import write_rows

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('aid_case', sa.Column('decision_row', sa.Text(), nullable=True))
    write_rows(op.get_bind())


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # in place (SQLite 3.35+): copying aid_case is refused while other tables refer to it
        op.execute("ALTER TABLE aid_case DROP COLUMN decision_row")
    else:
        op.drop_column('aid_case', 'decision_row')
