"""tempaid: temporary assistance (临时救助) administration.

The package root stays free of Flask imports so that ``app.rules`` (the pure engine) can be imported
by the CLI and benchmarks without loading the web stack. ``create_app`` imports the factory lazily.
"""


def create_app(overrides: dict | None = None):
    """Build the Flask application; see :func:`app.factory.create_app`."""
    from app.factory import create_app as _create_app

    return _create_app(overrides)
