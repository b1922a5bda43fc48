"""the rule editor's impact decides a major (一事一议) application from its decision row too: the rows of
the cases stored without one, where they now have one, are written

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02

"""
from alembic import op
from sqlalchemy import text

from app.models.decision_rows import write_rows

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    write_rows(op.get_bind(), missing_only=True)


def downgrade():
    # the decision path before this revision does not read a major row: it must not find one. A row's
    # fields are separated by "|", which county and category never hold, so "|major|" is its severity
    op.execute(text("UPDATE aid_case SET decision_row = NULL WHERE decision_row LIKE '%|major|%'"))
