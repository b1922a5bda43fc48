"""the 2026 national opinion: 低保边缘 / 刚性支出 households and the day each status was recognised, people
passing through (临时遇困人员) with their home place, what happened where, and 公示 before aid with its
objections

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Columns are added in place (no table copy): SQLite accepts ``ADD COLUMN … REFERENCES`` for a nullable
column, and ``household`` is referred to by other tables, which a copy could not drop while foreign keys
are enforced. The new booleans carry a server default, so existing rows read False.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _add_region_reference(table: str, column: str) -> None:
    """A nullable reference to a region: inline on SQLite (which cannot add a constraint later). A
    SQLite database downgraded before keeps the column (see :func:`downgrade`): it is reused, emptied."""
    if _sqlite():
        if column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}:
            return
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES region (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(f"fk_{table}_{column}", table, 'region', [column], ['id'])


def upgrade():
    op.add_column('household', sa.Column('dibao_edge', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('household', sa.Column('rigid_expense', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('household', sa.Column('dibao_recognised_on', sa.Date(), nullable=True))
    op.add_column('household', sa.Column('dibao_edge_recognised_on', sa.Date(), nullable=True))
    op.add_column('household', sa.Column('rigid_expense_recognised_on', sa.Date(), nullable=True))
    op.add_column('household', sa.Column('passing_through', sa.Boolean(), server_default=sa.false(),
                                         nullable=False))
    for column in ('home_region_id', 'home_county_id'):
        _add_region_reference('household', column)
    op.add_column('household', sa.Column('home_place', sa.String(length=200), nullable=True))
    op.create_index('ix_household_home_county_id', 'household', ['home_county_id'], unique=False)
    op.add_column('aid_case', sa.Column('incident_place', sa.String(length=200), nullable=True))
    op.add_column('aid_case', sa.Column('incident', sa.String(length=500), nullable=True))
    op.create_table(
        'case_posting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('opened_on', sa.Date(), nullable=False),
        sa.Column('working_days', sa.Integer(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['aid_case.id'], ),
        sa.ForeignKeyConstraint(['opened_by_id'], ['ab_user.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id'),
    )
    op.create_table(
        'posting_objection',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('raised_by', sa.String(length=64), nullable=False),
        sa.Column('content', sa.String(length=1000), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('resolution', sa.String(length=1000), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['aid_case.id'], ),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['ab_user.id'], ),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['ab_user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_posting_objection_case_id', 'posting_objection', ['case_id'], unique=False)


def downgrade():
    op.drop_index('ix_posting_objection_case_id', table_name='posting_objection')
    op.drop_table('posting_objection')
    op.drop_table('case_posting')
    op.drop_index('ix_household_home_county_id', table_name='household')
    plain = ['incident', 'incident_place']
    household = ['home_place', 'passing_through', 'rigid_expense_recognised_on', 'dibao_edge_recognised_on',
                 'dibao_recognised_on', 'rigid_expense', 'dibao_edge']
    if _sqlite():
        # in place (SQLite 3.35+): copying household or aid_case is refused while other tables refer to them.
        # SQLite never drops a column that holds a foreign key: the two region references stay, emptied,
        # and an upgrade reuses them.
        for column in plain:
            op.execute(f"ALTER TABLE aid_case DROP COLUMN {column}")
        for column in household:
            op.execute(f"ALTER TABLE household DROP COLUMN {column}")
        op.execute("UPDATE household SET home_region_id = NULL, home_county_id = NULL")
        return
    for column in plain:
        op.drop_column('aid_case', column)
    op.drop_constraint('fk_household_home_region_id', 'household', type_='foreignkey')
    op.drop_constraint('fk_household_home_county_id', 'household', type_='foreignkey')
    for column in household + ['home_county_id', 'home_region_id']:
        op.drop_column('household', column)
