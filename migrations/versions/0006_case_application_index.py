"""an index on a county's cases by application date: the rule editor's impact reads a county's last
twelve months of applications

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_aid_case_county_application', 'aid_case', ['county_id', 'application_date'], unique=False)


def downgrade():
    op.drop_index('ix_aid_case_county_application', table_name='aid_case')
