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
        "click>=8.1",
        # the public disclosure list (公示) and the cash ledger as Excel workbooks
        "openpyxl>=3.1",
    ],
    extras_require={
        "test": [
            "pytest>=8",
            "hypothesis>=6.100",
            # the browser suite (tests/browser/) drives Debian's Chromium; no browser download
            "playwright>=1.45",
            # the suite must pass in any order (issue #19); -p no:randomly turns it off for one run
            "pytest-randomly>=3.15",
        ],
        "postgres": ["psycopg[binary]>=3.1,<4"],
        "prod": ["gunicorn>=22"],
    },
    entry_points={"console_scripts": ["tempaid=app.cli:main"]},
)
