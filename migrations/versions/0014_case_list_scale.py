"""the case list at a province's scale: an index on the due time for users who see the whole city (the
county and township lists have theirs; all three now carry the state, for the due list's count), and a pattern index so a search by case number (FAB's
"starts with", an ILIKE) finds the case by its leading digits without reading every row on PostgreSQL

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


#: the due-time indexes carry the state (PostgreSQL's INCLUDE), so the due list's count ("due soon or
#: overdue, not closed") is read from the index alone: without it, 10,000 rows of heap for each page
DUE_INDEXES = [('ix_aid_case_county_due', ['county_id', 'due_at']),
               ('ix_aid_case_township_due', ['township_id', 'due_at'])]


def upgrade():
    # the list sorts by due time, then id (FAB adds the key to keep pages stable): one index serves both
    op.create_index('ix_aid_case_due', 'aid_case', ['due_at', 'id'], unique=False, postgresql_include=['state'])
    for name, columns in DUE_INDEXES:
        op.drop_index(name, table_name='aid_case')
        op.create_index(name, 'aid_case', columns, unique=False, postgresql_include=['state'])
    # ILIKE 'prefix%' uses a b-tree only under the C collation or with the pattern operator class; the
    # case number's leading county code and date are digits, which ILIKE matches as a fixed prefix.
    # On SQLite a plain index (the option is PostgreSQL's), so models and schema agree on both.
    op.create_index('ix_aid_case_number_pattern', 'aid_case', ['number'], unique=False,
                    postgresql_ops={'number': 'varchar_pattern_ops'})


def downgrade():
    op.drop_index('ix_aid_case_number_pattern', table_name='aid_case')
    op.drop_index('ix_aid_case_due', table_name='aid_case')
    for name, columns in DUE_INDEXES:
        op.drop_index(name, table_name='aid_case')
        op.create_index(name, 'aid_case', columns, unique=False)
