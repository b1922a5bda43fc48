"""the rule editor's impact finds the cases without a decision row (few, or none) by a partial index, not by
a pass over every case of the year (0.29 s for each half of a million cases split over two cores)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02

"""
from alembic import op
from sqlalchemy import text

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_aid_case_unrowed", "aid_case", ["id"], sqlite_where=text("decision_row IS NULL"),
                    postgresql_where=text("decision_row IS NULL"))


def downgrade():
    op.drop_index("ix_aid_case_unrowed", table_name="aid_case")
