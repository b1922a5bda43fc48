"""the dashboards' summary tables: each additive quantity per township × kind × category × month
(dashboard_cell), the histogram of days to payment (dashboard_days), and the township-months written since
their cells were built (dashboard_stale) — so a dashboard of a year at the city adds up some thousand rows
instead of a million cases. The cells start empty and every township-month that holds a row starts marked
stale, so the dashboards keep reading those from the rows (right, as before) until the refresh job
(``tempaid job refresh_dashboards``) has built them.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

#: the quantities' columns, as app/models/summary.py names them on this revision (money in fen)
QUANTITIES = [
    'cases',
    'emergency_cases',
    'aided_cases',
    'aided_persons',
    'passing_aided',
    'approved_amount_fen',
    'repeat_aid',
    'met_pre_assist_due',
    'met_registration_due',
    'met_decision_due',
    'met_quick_due',
    'on_time_pre_assist_due',
    'on_time_registration_due',
    'on_time_decision_due',
    'on_time_quick_due',
    'paid_total_fen',
    'paid_bank_transfer_fen',
    'paid_cash_fen',
    'paid_in_kind_fen',
    'paid_referral_fen',
    'referrals_made',
    'referrals_claimed',
    'referrals_closed',
    'charity_aid_count',
    'charity_aid_amount_fen',
    'fund_allocated_fen',
    'fund_drawn_fen',
    'accountability_deliberate',
    'accountability_objective',
    'accountability_innovation',
    'leads_reported',
    'handled_lead',
    'on_time_lead',
]


def _place():
    return [sa.Column('id', sa.Integer(), primary_key=True),
            sa.Column('township_id', sa.Integer(), nullable=False),
            sa.Column('county_id', sa.Integer(), nullable=False)]


def upgrade():
    op.create_table('dashboard_cell', *_place(),
                    sa.Column('kind', sa.String(12), nullable=False),
                    sa.Column('category', sa.String(64), nullable=False),
                    sa.Column('month', sa.Date(), nullable=False),
                    sa.Column('repeat_window', sa.Integer(), nullable=False),
                    *[sa.Column(name, sa.BigInteger(), nullable=False) for name in QUANTITIES])
    op.create_table('dashboard_days', *_place(),
                    sa.Column('kind', sa.String(12), nullable=False),
                    sa.Column('category', sa.String(64), nullable=False),
                    sa.Column('month', sa.Date(), nullable=False),
                    sa.Column('days', sa.Integer(), nullable=False),
                    sa.Column('cases', sa.Integer(), nullable=False))
    op.create_table('dashboard_stale',
                    sa.Column('id', sa.Integer(), primary_key=True),
                    sa.Column('township_id', sa.Integer(), nullable=False),
                    sa.Column('county_id', sa.Integer(), nullable=True),
                    sa.Column('month', sa.Date(), nullable=False))
    for table in ('dashboard_cell', 'dashboard_days'):
        op.create_index(f'ix_{table}_month', table, ['month', 'township_id'])
        op.create_index(f'ix_{table}_county_month', table, ['county_id', 'month'])
    # one cell per township, month, kind and category (and one histogram bar per number of days): a second
    # build of a township-month can never add to the first
    op.create_index('ix_dashboard_cell_township_month', 'dashboard_cell', ['township_id', 'month', 'kind', 'category'],
                    unique=True)
    op.create_index('ix_dashboard_days_township_month', 'dashboard_days',
                    ['township_id', 'month', 'kind', 'category', 'days'], unique=True)
    op.create_index('ix_dashboard_stale_month', 'dashboard_stale', ['month', 'township_id'])
    # the city's dashboard reads the days of a period's partial months from the rows, city-wide
    op.create_index('ix_aid_case_application', 'aid_case', ['application_date'])
    op.create_index('ix_payment_paid_on', 'payment', ['paid_on'])
    # the clocks carry their case's category (as they carry its kind): the split by category without a join
    op.add_column('case_clock', sa.Column('category', sa.String(64), nullable=False, server_default=''))
    op.execute("UPDATE case_clock SET category = (SELECT category FROM aid_case WHERE aid_case.id = case_clock.case_id)")
    # the open clocks' index carries what the dashboards group them by (PostgreSQL reads the index alone)
    op.drop_index('ix_case_clock_open_due', table_name='case_clock')
    op.create_index('ix_case_clock_open_due', 'case_clock', ['due_at'], sqlite_where=sa.text('met_at IS NULL'),
                    postgresql_where=sa.text('met_at IS NULL'), postgresql_include=list(OPEN_CLOCK_COLUMNS))
    _mark_everything_stale()


OPEN_CLOCK_COLUMNS = ('county_id', 'township_id', 'kind', 'category', 'name', 'application_date')

#: each counted table and the columns that place its rows in a month (days, then moments)
DATED = [('aid_case', ['application_date'], []), ('case_clock', ['application_date'], []),
         ('payment', ['paid_on'], []), ('referral', [], ['referred_at', 'claimed_at', 'closed_at']),
         ('aid_record', [], ['at']), ('fund_movement', [], ['at']), ('accountability_record', [], ['at']),
         ('lead', [], ['reported_at'])]


def _mark_everything_stale():
    """Every township-month with a row, marked: the figures of a database upgraded with its data stay right."""
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table, days, moments in DATED:
        for column, moment in [(c, False) for c in days] + [(c, True) for c in moments]:
            if postgres:
                value = f"({column} AT TIME ZONE 'Asia/Shanghai')" if moment else column
                month = f"CAST(date_trunc('month', {value}) AS date)"
            else:
                month = f"date({column}, '+8 hours', 'start of month')" if moment else f"date({column}, 'start of month')"
            op.execute(f"INSERT INTO dashboard_stale (township_id, county_id, month) "
                       f"SELECT DISTINCT t.township_id, r.parent_id, {month} FROM {table} t "
                       f"JOIN region r ON r.id = t.township_id WHERE {column} IS NOT NULL")


def downgrade():
    op.drop_index('ix_case_clock_open_due', table_name='case_clock')
    op.create_index('ix_case_clock_open_due', 'case_clock', ['due_at'], sqlite_where=sa.text('met_at IS NULL'),
                    postgresql_where=sa.text('met_at IS NULL'))
    with op.batch_alter_table('case_clock') as batch:
        batch.drop_column('category')
    op.drop_index('ix_payment_paid_on', table_name='payment')
    op.drop_index('ix_aid_case_application', table_name='aid_case')
    op.drop_table('dashboard_stale')
    op.drop_table('dashboard_days')
    op.drop_table('dashboard_cell')
