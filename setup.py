"""Packaging for tempaid: temporary-assistance administration for county civil-affairs offices."""
from setuptools import find_packages, setup

setup(
    name="tempaid",
    version="0.1.0",
    description="Temporary assistance (临时救助) administration for county civil-affairs offices",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.11",
    packages=find_packages(include=["app", "app.*", "config", "config.*"]),
    include_package_data=True,
    install_requires=[
        "Flask-AppBuilder>=5.3,<6",
        "Flask>=3.1,<4",
        "SQLAlchemy>=2.0,<3",
        "Flask-SQLAlchemy>=3.1,<4",
        # marshmallow 4 breaks FAB's REST layer (FK columns, security API): upstream #2425 / #2361.
        "marshmallow>=3.26,<4",
        "marshmallow-sqlalchemy>=1.5,<1.6",
        # FAB's related select fields use what WTForms 3.4 removes.
        "WTForms>=3.2,<3.4",
        "ruamel.yaml>=0.18,<0.20",
        "Babel>=2.14",
        "Flask-Babel>=4,<5",
        "Flask-Migrate>=4.1,<5",
        "alembic>=1.13",
        "chinese-calendar>=1.11",
        # reads the batch door's and the evaluation API's JSON about 13x faster than json.loads; anything
        # it refuses, and every error, is read again by json (app/rules/jsonout.py)
        "orjson>=3.10,<4",
        # decodes each application line straight into typed structs in C (types, vocabularies, unknown and
        # missing fields checked as it reads): the single door's and the batch door's fast path
        # (app/rules/plainjson.py); anything it refuses is read again by json, so no error changes
        "msgspec>=0.18,<1",
        # the batch door's column evaluator: a chunk's amounts and checks as int64 arrays in whole fen
        # (app/rules/columns.py); imported by the batch door only, so `tempaid rules` starts without it
        "numpy>=1.26",
        "click>=8.1",
        # the public disclosure list (公示) and the cash ledger as Excel workbooks
        "openpyxl>=3.1",
        # decision documents as PDF (HTML and CSS on pango, the same page that prints); the CJK font is
        # Debian's fonts-noto-cjk (README, .ci/run)
        "weasyprint>=60",
        # the dashboards' charts drawn on the server as SVG (no script, nothing from the internet; prints)
        "pygal>=3.0,<4",
        # the public pages' image captcha, drawn offline (no third-party service); brings Pillow, which
        # also checks and re-encodes lead photos (app/services/lead_photos.py)
        "captcha>=0.7,<1",
        "Pillow>=10",
        # scheduled and long work (reminders, stale claims, monthly posting, impact runs) on a real queue,
        # as Apache Superset runs Flask-AppBuilder's jobs; eager in tests and when no broker is configured
        "celery>=5.4,<6",
        # Celery's own fork of multiprocessing: a big impact job forks its parts from a worker's pool
        # process, which multiprocessing refuses (a daemonic process may not have children)
        "billiard>=4.2,<5",
        # Celery's broker and result store, and the lock that keeps a job from running twice at once
        "redis>=5,<7",
        # `tempaid -e /etc/tempaid/tempaid.env …`: the administrator's commands read the units' own
        # environment file (Flask's --env-file needs it)
        "python-dotenv>=1",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "hypothesis>=6.100",
            # the browser suite (tests/browser/) drives Debian's Chromium; no browser download
            "playwright>=1.45",
            # reads the text of the decision-document PDFs (tests/documents/)
            "pypdf>=4",
            # a local SMTP server for the reminder e-mails' test (no mail leaves the machine)
            "aiosmtpd>=1.4",
            # the API contract: fuzzing the OpenAPI document (tests/web/test_fuzz_contract.py), checking it is
            # valid OpenAPI and every answer against it (openapi-schema-validator comes with the validator)
            "schemathesis>=4,<5",
            "openapi-spec-validator>=0.7",
            # a client generated from the document does intake to payment (tests/web/test_generated_client.py)
            "openapi-python-client>=0.21",
            # the suite must pass in any order (issue #19); -p no:randomly turns it off for one run
            "pytest-randomly>=3.15",
            # deploy/ followed in the suite (tests/deploy/test_follow_deploy.py): the web unit's own gunicorn
            "gunicorn>=22",
        ],
        "postgres": ["psycopg[binary]>=3.1,<4"],
        # redis: Flask-Limiter's shared storage (RATELIMIT_STORAGE_URI=redis://…) for login and public limits
        "prod": ["gunicorn>=22", "redis>=5"],
    },
    entry_points={"console_scripts": ["tempaid=app.entry:main"]},
)
