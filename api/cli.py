"""The `valence` command line: serve, migrate, manage users, load demo data, import OpenStreetMap."""

import copy
import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine
from sqlmodel import Session

from api import demo, search
from api.auth import service as auth_service
from api.auth.models import RegisterIn, Role, RoleGrantIn, ValidatorService
from api.config import Settings, get_settings
from api.db import get_engine, utcnow
from api.errors import AppError, Conflict
from api.http import ProblemHttpToolsProtocol
from api.loyalty import ledger as loyalty_ledger
from api.loyalty import service as loyalty_service
from api.loyalty import upkeep as loyalty_upkeep
from api.migrate import pending_revisions, upgrade
from api.shops import osm_import
from api.student_card import keys as card_keys
from api.student_card import service as card_service

app = typer.Typer(help="Cœur de Valence: API, PWA and administration.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
demo_app = typer.Typer(help="Generated demo data (never in production).", no_args_is_help=True)
import_app = typer.Typer(help="Data from outside sources.", no_args_is_help=True)
loyalty_app = typer.Typer(help="Points Cœur de Ville: expiry, audit, data protection.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(demo_app, name="demo")
app.add_typer(import_app, name="import")
app.add_typer(loyalty_app, name="loyalty")
keys_app = typer.Typer(help="The student card's signing keys.", no_args_is_help=True)
card_app = typer.Typer(help="The student multiservice card: check records.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(card_app, name="student-card")


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        typer.echo(f"Configuration error: {exc.errors()[0]['msg']}", err=True)
        raise typer.Exit(2) from None


def _engine() -> Engine:
    """The database's engine, with search wired to it: its index follows every shop and item written."""
    engine = get_engine()
    search.install(engine)
    return engine


def _log_config(level: str) -> dict[str, Any]:
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["api"] = {"handlers": ["default"], "level": level.upper(), "propagate": False}
    return config


def _ensure_schema(settings: Settings) -> None:
    """SQLite is migrated on the spot; a shared PostgreSQL is migrated on purpose, never by a worker."""
    if settings.is_sqlite:
        upgrade(settings.database_url)
        return
    current, head = pending_revisions(get_engine())
    if current != head:
        typer.echo(
            f"The database schema is not up to date (at {current or 'nothing'}, code expects {head}). "
            "Run `valence db upgrade` first.",
            err=True,
        )
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Number of worker processes.")] = 1,
) -> None:
    """Serve the API and the PWA (migrates a SQLite database first)."""
    settings = _settings()
    _ensure_schema(settings)
    get_engine().dispose()
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # httptools, as uvicorn would pick, with a bounded request head and problem+json refusals.
        http=ProblemHttpToolsProtocol,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        server_header=False,
        log_config=_log_config(settings.log_level),
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Upgrade the configured database to the latest schema."""
    settings = _settings()
    upgrade(settings.database_url, revision)
    typer.echo("Database schema is up to date.")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="E-mail address (sign-in name).")],
    password: Annotated[str, typer.Option(help="At least 10 characters.")],
    role: Annotated[list[Role] | None, typer.Option(help="Role to grant; repeat for several.")] = None,
    service: Annotated[ValidatorService | None, typer.Option(help="A validator's service.")] = None,
    display_name: Annotated[str | None, typer.Option(help="Name shown in the app.")] = None,
) -> None:
    """Create a user and print its id."""
    settings = _settings()
    if settings.is_sqlite:
        upgrade(settings.database_url)
    try:
        data = RegisterIn(email=email, password=password, display_name=display_name or email.split("@")[0])
    except ValidationError as exc:
        for error in exc.errors():
            typer.echo(f"{'.'.join(map(str, error['loc']))}: {error['msg']}", err=True)
        raise typer.Exit(2) from None
    with Session(_engine(), expire_on_commit=False) as session:
        try:
            user = auth_service.register(session=session, data=data)
            for granted in role or []:
                auth_service.grant_role(
                    session=session,
                    user_id=user.id,
                    grant=RoleGrantIn(role=granted, service=service if granted == Role.validator else None),
                    granted_by=user.id,
                )
            session.commit()
        except Conflict:
            typer.echo(f"A user with the e-mail {data.email} already exists; nothing was changed.", err=True)
            raise typer.Exit(1) from None
        except AppError as exc:
            typer.echo(exc.detail, err=True)
            raise typer.Exit(2) from None
    typer.echo(str(user.id))


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


@demo_app.command("load")
def demo_load(
    seed: Annotated[int, typer.Option(help="Same seed, same shops, items and ids.")] = demo.DEFAULT_SEED,
    shops: Annotated[int, typer.Option(min=0, help="Number of demo shops.")] = demo.DEFAULT_SHOPS,
    items: Annotated[
        int, typer.Option(min=0, help="Number of items across the demo shops.")
    ] = demo.DEFAULT_ITEMS,
) -> None:
    """Load the deterministic Valence demo data and demo accounts (migrates a SQLite database first)."""
    settings = _settings()
    if settings.is_production:
        typer.echo(
            "Refusing to load demo data in production (VALENCE_ENV=production): the demo accounts have "
            "public passwords and the shops are fictitious.",
            err=True,
        )
        raise typer.Exit(1)
    if items and not shops:
        typer.echo("--items needs at least one shop (--shops 0 was given).", err=True)
        raise typer.Exit(2)
    _ensure_schema(settings)
    console = Console(stderr=True)
    started = time.perf_counter()
    with _progress(console) as progress, Session(_engine(), expire_on_commit=False) as session:
        task = progress.add_task("Demo items", total=items)
        result = demo.load_demo(
            session=session,
            seed=seed,
            shops=shops,
            items=items,
            on_progress=lambda done: progress.advance(task, done),
            on_stage=lambda stage: progress.update(task, description=stage),
        )
        session.commit()
        if result.reindexed:
            progress.update(task, description="Tidying the search tables")
            search.settle_after_bulk_load(get_engine())
    elapsed = time.perf_counter() - started
    if result.loaded:
        typer.echo(f"Demo data loaded: {shops} shops and {items} items (seed {seed}) in {elapsed:.1f} s.")
    else:
        done = "search index rebuilt" if result.reindexed else "nothing to do"
        typer.echo(f"Demo data already loaded ({shops} shops, {items} items, seed {seed}): {done}.")
    typer.echo("The demo shops are fictitious (source « demo ») on real streets of downtown Valence.")
    typer.echo("Demo accounts — for trying the app only; their passwords are public:")
    for account in result.accounts:
        note = "" if account.created else " (already there: left as it was)"
        role = f"{account.role} ({account.service})" if account.service else account.role
        typer.echo(f"  {role:<21} {account.email:<44} {account.password}{note}")
    if result.merchant_shops:
        typer.echo("  The demo merchant owns « " + " » and « ".join(result.merchant_shops) + " ».")
    shopper = next((account for account in result.accounts if account.role == Role.shopper.value), None)
    if shopper is not None:
        with Session(get_engine()) as session:
            points = loyalty_service.member_balance(session=session, user_id=shopper.user_id, now=utcnow())
        soon = sum(item.points for item in points.expiring)
        typer.echo(
            f"  The demo shopper has {points.balance} points Cœur de Ville ({soon} expire within 60 days); "
            "the demo merchant's shops have rewards."
        )
    typer.echo(
        "  The demo student's card opens the bus, the library and the gym; each validator above checks "
        "the codes of one service."
    )


def _read_osm_file(file: Path) -> list[osm_import.OsmElement]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        typer.echo(f"{file}: not a UTF-8 text file; expected Overpass JSON or GeoJSON.", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.echo(f"{file}: cannot be read ({exc.strerror}).", err=True)
        raise typer.Exit(2) from None
    try:
        return osm_import.read_document(text)
    except osm_import.OsmFormatError as exc:
        typer.echo(f"{file}: unknown format: {exc}.", err=True)
        raise typer.Exit(2) from None
    except osm_import.OsmTooDeepError as exc:
        typer.echo(f"{file} : {exc}", err=True)
        raise typer.Exit(1) from None


@import_app.command("osm")
def import_osm(
    file: Annotated[Path, typer.Argument(help="Overpass JSON or overpass-turbo GeoJSON export.")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every skipped element.")] = False,
) -> None:
    """Import shops from an OpenStreetMap export, updating those already imported."""
    settings = _settings()
    elements = _read_osm_file(file)
    _ensure_schema(settings)
    console = Console(stderr=True)
    with _progress(console) as progress, Session(_engine(), expire_on_commit=False) as session:
        task = progress.add_task("OpenStreetMap elements", total=len(elements))
        report = osm_import.import_elements(
            session=session,
            elements=elements,
            territory=settings.territory,
            on_progress=lambda done: progress.advance(task, done),
        )
        session.commit()
    by_reason = report.skipped_by_reason()
    typer.echo(f"OpenStreetMap import of {file.name}: {report.read} elements read.")
    typer.echo(f"  created: {report.created}")
    typer.echo(f"  updated: {report.updated}")
    typer.echo(f"  unchanged: {report.unchanged}")
    typer.echo(f"  kept as their merchant edited them: {report.kept_by_merchant}")
    typer.echo(f"  skipped: {len(report.skipped)}")
    examples = 3
    for reason, count in sorted(by_reason.items(), key=lambda pair: (-pair[1], pair[0])):
        typer.echo(f"    {reason}: {count}")
        listed = [s for s in report.skipped if s.reason == reason]
        for skip in listed if verbose else listed[:examples]:
            tag = f" ({skip.tag})" if skip.tag else ""
            typer.echo(f"      {skip.osm_id or '(no id)'} {skip.name or ''}".rstrip() + tag)
        if not verbose and len(listed) > examples:
            typer.echo(f"      … and {len(listed) - examples} more (--verbose lists them all)")
    if report.dropped_hours:
        typer.echo(
            f"  opening hours dropped as unreadable (shops imported with unknown hours): "
            f"{len(report.dropped_hours)}"
        )
        for dropped in report.dropped_hours:
            typer.echo(f"    {dropped.osm_id} {dropped.name}: « {dropped.opening_hours} »")
    typer.echo(osm_import.CREDIT)


def _sessions() -> Any:
    engine = _engine()
    return lambda: Session(engine, expire_on_commit=False)


@loyalty_app.command("expire")
def loyalty_expire() -> None:
    """Expire the points earned more than 12 months ago, oldest first (safe to run twice)."""
    _ensure_schema(_settings())
    run = loyalty_upkeep.expire_all(session_for=_sessions(), now=utcnow())
    typer.echo(f"Expired {run.points} points of {run.members} members.")
    typer.echo(f"Forgot {run.forgotten_codes} unused codes and {run.forgotten_keys} old idempotency keys.")


@loyalty_app.command("audit")
def loyalty_audit() -> None:
    """Check every invariant of the ledger; exits with 1 when one does not hold."""
    _ensure_schema(_settings())
    with Session(_engine()) as session:
        report = loyalty_ledger.audit(session, now=utcnow())
    for field, value in report.model_dump(mode="json").items():
        typer.echo(f"{field}: {value}")
    if not report.healthy:
        typer.echo("The ledger is NOT healthy: see the counts above.", err=True)
        raise typer.Exit(1)


@loyalty_app.command("purge")
def loyalty_purge() -> None:
    """Anonymise the accounts inactive for three years; the ledger keeps its sums."""
    _ensure_schema(_settings())
    count = loyalty_upkeep.purge_inactive(session_for=_sessions(), now=utcnow())
    typer.echo(f"Anonymised {count} accounts inactive for three years.")


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Make the next issuer key: published now in the trust bundle, signing three days from now (safe to run
    twice)."""
    _ensure_schema(_settings())
    with Session(_engine(), expire_on_commit=False) as session:
        key = card_keys.rotate(session, now=utcnow())
        session.commit()
    typer.echo(
        f"Issuer key {key.kid} signs from {key.signs_from.isoformat(timespec='seconds')} "
        f"until {key.signs_until.isoformat(timespec='seconds')}; verifiers accept it until "
        f"{card_keys.accepted_until(key).isoformat(timespec='seconds')}."
    )


@card_app.command("purge")
def student_card_purge() -> None:
    """Turn the checks older than 48 hours into counts, and forget the codes no longer acceptable."""
    _ensure_schema(_settings())
    with Session(_engine(), expire_on_commit=False) as session:
        purged = card_service.purge(session=session, now=utcnow())
        session.commit()
    typer.echo(
        f"Counted and removed {purged.checks_counted} checks older than 48 hours; "
        f"forgot {purged.seen_codes_forgotten} codes seen online."
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    app()


if __name__ == "__main__":
    main()
