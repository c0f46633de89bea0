"""The `valence` command line: serve, migrate, manage users."""

import copy
import logging
import sys
from typing import Annotated, Any

import typer
import uvicorn
from pydantic import ValidationError
from sqlmodel import Session

from api.auth import service as auth_service
from api.auth.models import RegisterIn, Role, RoleGrantIn, ValidatorService
from api.config import Settings, get_settings
from api.db import get_engine
from api.errors import AppError, Conflict
from api.migrate import pending_revisions, upgrade

app = typer.Typer(help="Cœur de Valence: API, PWA and administration.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        typer.echo(f"Configuration error: {exc.errors()[0]['msg']}", err=True)
        raise typer.Exit(2) from None


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
    with Session(get_engine(), expire_on_commit=False) as session:
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


def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    app()


if __name__ == "__main__":
    main()
