"""dashboards: the clock table the timeliness rates aggregate over (filled from every case's deadlines),
and accountability records (责任追究和容错纠错)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

"""
import datetime as dt
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

CST = dt.timezone(dt.timedelta(hours=8))


def _due(value):
    if "T" in value:
        return dt.datetime.fromisoformat(value).astimezone(dt.timezone.utc)
    day = dt.date.fromisoformat(value)
    return dt.datetime.combine(day, dt.time(23, 59, 59), CST).astimezone(dt.timezone.utc)


def _backfill(bind, clock_table):
    """Existing cases get their clock rows, read in pages so a large table does not sit in memory."""
    last = 0
    while True:
        rows = bind.execute(sa.text(
            "SELECT id, county_id, township_id, application_date, kind, deadlines FROM aid_case "
            "WHERE id > :last ORDER BY id LIMIT 5000"), {"last": last}).all()
        if not rows:
            return
        out = []
        for case_id, county_id, township_id, application_date, kind, deadlines in rows:
            if isinstance(deadlines, str):
                deadlines = json.loads(deadlines)
            if isinstance(application_date, str):
                application_date = dt.date.fromisoformat(application_date)
            for name, entry in (deadlines or {}).items():
                met = entry.get("met")
                out.append(dict(case_id=case_id, county_id=county_id, township_id=township_id,
                                application_date=application_date, kind=kind, name=name, due_at=_due(entry["due"]),
                                met_at=dt.datetime.fromisoformat(met).astimezone(dt.timezone.utc) if met else None))
        if out:
            bind.execute(clock_table.insert(), out)
        last = rows[-1][0]


def upgrade():
    clock = op.create_table(
        'case_clock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=False),
        sa.Column('application_date', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('name', sa.String(length=24), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('met_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['aid_case.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['county_id'], ['region.id']),
        sa.ForeignKeyConstraint(['township_id'], ['region.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_id', 'name', name='uq_case_clock_case_name'),
    )
    op.create_index('ix_case_clock_county_name_due', 'case_clock', ['county_id', 'name', 'due_at'])
    op.create_index('ix_case_clock_township_name_due', 'case_clock', ['township_id', 'name', 'due_at'])
    op.create_index('ix_case_clock_open_due', 'case_clock', ['due_at'], sqlite_where=sa.text('met_at IS NULL'),
                    postgresql_where=sa.text('met_at IS NULL'))
    op.create_index('ix_case_clock_application', 'case_clock', ['application_date'])
    op.create_table(
        'accountability_record',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('county_id', sa.Integer(), nullable=False),
        sa.Column('township_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=12), nullable=False),
        sa.Column('clock', sa.String(length=24), nullable=True),
        sa.Column('adjustment_id', sa.Integer(), nullable=True),
        sa.Column('cause', sa.String(length=12), nullable=False),
        sa.Column('note', sa.String(length=1000), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("cause IN ('deliberate', 'objective', 'innovation')", name='ck_accountability_cause'),
        sa.CheckConstraint("subject IN ('overdue', 'corrected')", name='ck_accountability_subject'),
        sa.CheckConstraint("(subject = 'overdue' AND clock IS NOT NULL) OR "
                           "(subject = 'corrected' AND adjustment_id IS NOT NULL)", name='ck_accountability_about'),
        sa.ForeignKeyConstraint(['adjustment_id'], ['case_adjustment.id']),
        sa.ForeignKeyConstraint(['case_id'], ['aid_case.id']),
        sa.ForeignKeyConstraint(['county_id'], ['region.id']),
        sa.ForeignKeyConstraint(['township_id'], ['region.id']),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_accountability_record_case_id', 'accountability_record', ['case_id'])
    op.create_index('ix_accountability_county_at', 'accountability_record', ['county_id', 'at'])
    op.create_index('ix_accountability_township_at', 'accountability_record', ['township_id', 'at'])
    # the dashboards' aggregates: cases by region and application date, payments by method
    op.create_index('ix_aid_case_township_application', 'aid_case', ['township_id', 'application_date'])
    op.create_index('ix_aid_case_household_application', 'aid_case', ['household_id', 'application_date'])
    _backfill(op.get_bind(), clock)


def downgrade():
    op.drop_index('ix_aid_case_household_application', table_name='aid_case')
    op.drop_index('ix_aid_case_township_application', table_name='aid_case')
    op.drop_table('accountability_record')
    op.drop_table('case_clock')
