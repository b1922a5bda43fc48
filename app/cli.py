"""The ``tempaid`` command: a Flask CLI group.

``tempaid db upgrade`` (Flask-Migrate), ``tempaid run`` (Flask), ``tempaid rules ...`` (the engine;
needs no database), ``tempaid roles sync``, ``tempaid regions load``.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from app.rules.cli import rules_group


def _create_app():
    from app import create_app

    return create_app()


#: no .env or .flaskenv found by walking up from the working directory: the settings are the environment's,
#: or the file given by -e (the units' own, README: Deployment)
@click.group(cls=FlaskGroup, create_app=_create_app, load_dotenv=False,
             help="tempaid: temporary assistance administration")
def cli() -> None:
    pass


cli.add_command(rules_group)


def _fail(faults) -> None:
    """Print every fault (file:line:column: key: found …, expected …) and exit non-zero."""
    for fault in faults:
        click.echo(str(fault), err=True)
    raise SystemExit(1)


@cli.group("roles")
def roles_group() -> None:
    """Roles declared in config/roles.yaml."""


@roles_group.command("sync")
@with_appcontext
def roles_sync() -> None:
    """Write config/roles.yaml into the permission tables."""
    from app.security.roles import RolesInvalid
    from app.security.sync import sync_security

    try:
        counts = sync_security()
    except RolesInvalid as exc:
        _fail(exc.faults)
    for role, count in counts.items():
        click.echo(f"{role}: {count} permissions")


@roles_group.command("check")
def roles_check() -> None:
    """Validate config/roles.yaml without touching the database."""
    from app.security.roles import RolesInvalid, load_roles

    try:
        roles = load_roles()
    except RolesInvalid as exc:
        _fail(exc.faults)
    click.echo(f"{len(roles)} roles OK")


@cli.group("regions")
def regions_group() -> None:
    """The region hierarchy (config/regions.csv)."""


@regions_group.command("load")
@with_appcontext
def regions_load() -> None:
    """Insert or update the regions of config/regions.csv."""
    from app.services.regions import load_regions

    session = current_app.appbuilder.session
    count = load_regions(session)
    session.commit()
    click.echo(f"{count} regions loaded")


@cli.command("deadlines")
@click.option("--county", help="Only this county (6-digit code).")
@with_appcontext
def deadlines(county: str | None) -> None:
    """Print the overdue cases: number, county, township, state, what is due and when; then the leads
    whose first contact is overdue and the decisions not delivered in the county's time, in the same
    columns."""
    from app.models.audit import utcnow
    from app.services.deadlines import CST, as_utc, overdue_cases

    cases = overdue_cases(current_app.appbuilder.session, utcnow(), county)
    for case in cases:
        names = ",".join(name for name, d in case.deadlines.items() if d["met"] is None)
        due = as_utc(case.due_at).astimezone(CST).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{case.number}\t{case.county.name}\t{case.township.name}\t{case.state}\t{names}\t{due}")
    click.echo(f"{len(cases)} overdue case(s)", err=True)
    from app.services.leads import overdue_leads

    leads = overdue_leads(current_app.appbuilder.session, utcnow(), county)
    for lead in leads:  # 急难线索 not yet contacted within the county's leads.first_contact_hours
        due = as_utc(lead.first_contact_due).astimezone(CST).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{lead.number}\t{lead.county.name}\t{lead.township.name}\tlead\tfirst_contact_due\t{due}")
    click.echo(f"{len(leads)} overdue lead(s)", err=True)
    from app.services.deliveries import overdue_deliveries
    from app.services.rules import current_rules

    late = overdue_deliveries(current_app.appbuilder.session, current_rules(), utcnow(), county)
    for case, due in late:  # decisions not delivered (送达) within the county's documents.delivery_days
        shown = due.astimezone(CST).strftime("%Y-%m-%d %H:%M")
        click.echo(f"{case.number}\t{case.county.name}\t{case.township.name}\t{case.state}\tdelivery_due\t{shown}")
    click.echo(f"{len(late)} undelivered decision(s)", err=True)


@cli.group("referrals")
def referrals_group() -> None:
    """Referrals to the charities (二、(五))."""


@referrals_group.command("return-stale")
@with_appcontext
def referrals_return_stale() -> None:
    """Return to the pool the claims with no aid within the county's charity.claim_return_days (run daily)."""
    from app.services.referrals import return_stale
    from app.services.rules import current_rules

    session = current_app.appbuilder.session
    returned = return_stale(session, current_rules())
    session.commit()
    for referral_id in returned:
        click.echo(referral_id)
    click.echo(f"{len(returned)} claim(s) returned to the pool", err=True)


@cli.command("worker", context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def worker(celery_args) -> None:
    """Run a job worker (Celery, broker CELERY_BROKER_URL); extra arguments go to ``celery worker``."""
    from app.jobs import celery_app, init_celery

    init_celery(current_app)
    if celery_app.conf.task_always_eager:
        raise click.ClickException("CELERY_BROKER_URL is not set: jobs run in the web process, no worker needed")
    celery_app.worker_main(["worker", "--loglevel=INFO", *celery_args])


@cli.command("beat", context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def beat(celery_args) -> None:
    """Run the scheduler that queues the daily jobs (one per installation); extra arguments go to ``celery beat``."""
    from app.jobs import celery_app, init_celery

    init_celery(current_app)
    if celery_app.conf.task_always_eager:
        raise click.ClickException("CELERY_BROKER_URL is not set: there is no queue to schedule jobs on")
    schedule = f"--schedule={current_app.config['INSTANCE_DIR']}/celerybeat-schedule"
    celery_app.start(["beat", "--loglevel=INFO", schedule, *celery_args])


@cli.command("job")
@click.argument("name", type=click.Choice(["overdue_reminders", "return_stale_claims", "post_disclosures",
                                           "refresh_dashboards"]))
@with_appcontext
def job(name: str) -> None:
    """Queue one scheduled job now (run at once without a broker); it shows in the job runs list."""
    from app.jobs import celery_app, init_celery
    from app.jobs import tasks

    init_celery(current_app)
    if name == "post_disclosures" and not current_app.config.get("JOBS_DISCLOSURE_USER"):
        raise click.ClickException("JOBS_DISCLOSURE_USER is not set: name the city-scope account that posts "
                                   "the monthly disclosure lists (README, Jobs)")
    getattr(tasks, name).delay()
    click.echo(f"{name}: {'done' if celery_app.conf.task_always_eager else 'queued'}")


def main() -> None:
    cli(prog_name="tempaid")
