"""The migrations and the models agree: autogenerate would produce no change."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model


def test_models_match_migrations(ctx):
    from app.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Model.metadata)
    assert diff == []


def test_database_is_at_head(ctx):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config  # noqa: F401

    from app.extensions import db

    script = ScriptDirectory(str(ctx.extensions["migrate"].directory))
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert set(current) == set(script.get_heads())
    assert len(script.get_heads()) == 1, "the migrations form one chain (`tempaid db upgrade` takes the head)"
