"""the rule editor's impact at a province's scale: each case keeps what a decision reads of its inputs as
one short text (``decision_row``, app.rules.stored_rows), written for the cases already stored

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

from app.rules.jsonin import json_loads
from app.rules.stored_rows import stored_row

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

BATCH = 5000
_cases = sa.table("aid_case", sa.column("id", sa.Integer), sa.column("inputs", sa.Text),
                  sa.column("decision_row", sa.Text))


def upgrade():
    op.add_column('aid_case', sa.Column('decision_row', sa.Text(), nullable=True))
    connection = op.get_bind()
    # in id order, a batch at a time: memory flat however many cases there are, no query per case
    after = 0
    while True:
        rows = connection.execute(sa.select(_cases.c.id, sa.cast(_cases.c.inputs, sa.Text)).where(
            _cases.c.id > after).order_by(_cases.c.id).limit(BATCH)).all()
        if not rows:
            break
        stored = [{"key": id_, "row": stored_row(json_loads(inputs))} for id_, inputs in rows]
        stored = [item for item in stored if item["row"] is not None]
        if stored:
            connection.execute(_cases.update().where(_cases.c.id == sa.bindparam("key")).values(
                decision_row=sa.bindparam("row")), stored)
        after = rows[-1][0]


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # in place (SQLite 3.35+): copying aid_case is refused while other tables refer to it
        op.execute("ALTER TABLE aid_case DROP COLUMN decision_row")
    else:
        op.drop_column('aid_case', 'decision_row')
