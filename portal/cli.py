"""`python -m portal`: serve, migrations, staff users, keys, export, purge, stats, catalogs."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from contextlib import asynccontextmanager

from portal import __version__
from portal.i18n import DEFAULT_LANGUAGE
from portal.settings import SERVE_SECRETS, Settings, SettingsError, new_key_entry, require_real_secrets
from portal.vocabulary import PROVIDERS, ROLES, STAFF_LANGUAGES


@asynccontextmanager
async def _database(settings: Settings):
    from portal import db

    engine = db.make_engine(settings.db_url)
    try:
        async with db.make_sessionmaker(engine).begin() as session:
            yield session
    finally:
        await engine.dispose()


def _ring(settings: Settings):
    from portal.crypto import KeyRing

    return KeyRing(settings.data_keys)


# --- commands -----------------------------------------------------------------------

def cmd_serve(settings: Settings, args) -> int:
    from portal import db
    from portal.app import create_app

    if not settings.intake_secret:
        print("INTAKE_SECRET must be set: the assistant signs intakes with it.", file=sys.stderr)
        return 2
    if settings.migrate_on_start and not args.no_migrate:
        db.upgrade(settings.db_url)
    app = create_app(settings)
    logging.getLogger("sanic").propagate = False  # Sanic prints its own lines
    print(f"portal: http://{args.host}:{args.port}/portal  (intake API /api/intakes)", flush=True)
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)
    return 0


def cmd_db(settings: Settings, args) -> int:
    from portal import db

    if args.action == "upgrade":
        db.upgrade(settings.db_url, args.revision or "head")
    elif args.action == "downgrade":
        db.downgrade(settings.db_url, args.revision or "-1")
    print(f"database at revision {db.current_revision(settings.db_url)}")
    return 0


def cmd_users(settings: Settings, args) -> int:
    from sqlalchemy import delete, select

    from portal import audit, auth
    from portal.models import Session, User

    async def print_link(session, user, purpose: str) -> None:
        token = await auth.issue_link(session, settings.session_secret, user, purpose, settings.enrol_hours)
        link = settings.public_url + f"/portal/enrol/{token}"
        print(f"one-time link for {user.email} (valid {settings.enrol_hours} hours; they set their own password"
              f" and authenticator there):\n{link}")

    async def add() -> int:
        user = auth.new_account(args.email, args.provider, args.role, args.language)
        async with _database(settings) as session:
            if await session.scalar(select(User).where(User.email == user.email)):
                print(f"{user.email} already exists", file=sys.stderr)
                return 1
            session.add(user)
            await session.flush()
            audit.record(session, "user_add", "cli", provider=user.provider, email=user.email, role=user.role)
            print(f"user {user.email} ({user.role}, {user.provider or 'all providers'}) added")
            await print_link(session, user, auth.ENROL)
        return 0

    async def link() -> int:
        """A new link: enrolment if they never enrolled, else a new authenticator (the old one stops working)."""
        async with _database(settings) as session:
            user = await session.scalar(select(User).where(User.email == auth.normal_email(args.email)))
            if user is None or not user.active:
                print("no such active user", file=sys.stderr)
                return 1
            if user.password_hash is None:
                audit.record(session, "enrol_link", "cli", provider=user.provider, email=user.email)
                await print_link(session, user, auth.ENROL)
            else:
                user.totp_sealed = user.totp_key_id = None
                await session.execute(delete(Session).where(Session.user_id == user.id))
                audit.record(session, "totp_reset", "cli", provider=user.provider, email=user.email)
                await print_link(session, user, auth.TOTP_RESET)
        return 0

    async def listing() -> int:
        async with _database(settings) as session:
            for user in (await session.scalars(select(User).order_by(User.provider, User.email))).all():
                state = "active" if user.active else "disabled"
                print(f"{user.email}\t{user.role}\t{user.provider or '-'}\t{state}")
        return 0

    async def disable() -> int:
        async with _database(settings) as session:
            user = await session.scalar(select(User).where(User.email == auth.normal_email(args.email)))
            if user is None:
                print("no such user", file=sys.stderr)
                return 1
            user.active = False
            audit.record(session, "user_disable", "cli", provider=user.provider, email=user.email)
        print(f"{args.email} disabled")
        return 0

    try:
        return asyncio.run({"add": add, "link": link, "list": listing, "disable": disable}[args.action]())
    except auth.AuthError as error:
        print(error, file=sys.stderr)
        return 2


def cmd_keys(settings: Settings, args) -> int:
    from portal import audit
    from portal.keys import rotate

    async def run() -> int:
        async with _database(settings) as session:
            counts = await rotate(session, _ring(settings))
            audit.record(session, "keys_rotate", "cli", key_id=settings.data_keys[0][0], **counts)
        print(f"re-encrypted with key {settings.data_keys[0][0]}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return 0

    return asyncio.run(run())


def cmd_intakes(settings: Settings, args) -> int:
    from sqlalchemy import select

    from portal import audit, intakes
    from portal.models import Intake

    async def run() -> int:
        async with _database(settings) as session:
            query = select(Intake).order_by(Intake.received_at)
            if args.provider:
                query = query.where(intakes.visible_to(args.provider))
            rows = (await session.scalars(query)).all()
            audit.record(session, "export", "cli", provider=args.provider, format="json", count=len(rows))
        json.dump([intakes.to_json(row) for row in rows], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0

    return asyncio.run(run())


def cmd_purge(settings: Settings, args) -> int:
    from portal import retention

    async def run() -> int:
        async with _database(settings) as session:
            result = await retention.purge(session, settings.contact_retention_days, settings.closed_retention_days,
                                           idle_minutes=settings.idle_minutes, session_hours=settings.session_hours,
                                           funnel_weeks=settings.funnel_retention_weeks)
        print(f"contact details erased: {result.contacts_erased}; intakes deleted: {result.intakes_deleted}; "
              f"funnel counts deleted: {result.funnel_counts_deleted}")
        return 0

    return asyncio.run(run())


def cmd_stats(settings: Settings, args) -> int:
    from portal import intakes, stats

    async def run() -> int:
        async with _database(settings) as session:
            aggregates = await stats.compute(session, intakes.scope(args.provider) if args.provider else None)
        # What the Statistics page publishes, suppressed the same way ("<5", "x", withheld).
        published = stats.publish(aggregates)
        if args.format == "csv":
            sys.stdout.write(stats.to_csv(published))
        elif args.format == "json":
            data = {"total": published.total.text,
                    **{name: {key: cell.text for key, cell in rows} for name, rows in published.by.items()},
                    "withheld": list(published.withheld)}
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print(f"total: {published.total.text}")
            for name in stats.BREAKDOWNS:
                print(f"\n{name}:" + (" withheld (it would give away a count under 5)"
                                       if name in published.withheld else ""))
                for key, cell in published.by.get(name, []):
                    print(f"  {key:<24} {cell.text}")
        return 0

    return asyncio.run(run())


def cmd_i18n(args) -> int:
    from portal import i18n

    if args.action == "compile":
        for path in i18n.compile_all():
            print(f"compiled {path}")
        return 0
    from portal.i18n_extract import update_catalogs

    for path, missing in update_catalogs():
        print(f"updated {path}: {missing} message(s) to translate")
    return 0


# --- parser ------------------------------------------------------------------------

def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m portal",
        description="Palīgs intake service and staff portal. Settings come from the environment "
                    "(see portal/README.md, section Settings).",
    )
    root.add_argument("--version", action="version", version=f"portal {__version__}")
    commands = root.add_subparsers(dest="command", required=True, metavar="command")

    serve = commands.add_parser("serve", help="run the intake API and the staff portal")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--no-migrate", action="store_true", help="do not upgrade the database first")

    db = commands.add_parser("db", help="database migrations (Alembic)")
    db.add_argument("action", choices=("upgrade", "downgrade", "current"))
    db.add_argument("revision", nargs="?", help="target revision (default: head / one step down)")

    users = commands.add_parser("users", help="staff accounts")
    user_commands = users.add_subparsers(dest="action", required=True)
    add = user_commands.add_parser("add", help="add a user; prints a one-time link where they set their own "
                                                  "password and authenticator")
    add.add_argument("--email", required=True)
    add.add_argument("--provider", choices=PROVIDERS, help="not for coordinators")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--language", choices=STAFF_LANGUAGES, default=DEFAULT_LANGUAGE)
    link = user_commands.add_parser("link", help="a new one-time link: to enrol, or to set a new authenticator "
                                                 "(the old one stops working at once; audited)")
    link.add_argument("--email", required=True)
    user_commands.add_parser("list", help="list users")
    disable = user_commands.add_parser("disable", help="disable a user")
    disable.add_argument("--email", required=True)

    keys = commands.add_parser("keys", help="encryption keys (PORTAL_DATA_KEY)")
    key_commands = keys.add_subparsers(dest="action", required=True)
    key_commands.add_parser("rotate", help="re-encrypt everything with the first key of PORTAL_DATA_KEY")
    new = key_commands.add_parser("new", help="print a new key entry to put first in PORTAL_DATA_KEY")
    new.add_argument("--kid", default="k" + time.strftime("%Y%m%d"), help="key id (default: k<today>)")

    intakes = commands.add_parser("intakes", help="intakes as JSON for tooling (no contact details)")
    intake_commands = intakes.add_subparsers(dest="action", required=True)
    export = intake_commands.add_parser("export", help="print every intake as a JSON list")
    export.add_argument("--format", choices=("json",), default="json")
    export.add_argument("--provider", choices=PROVIDERS)

    commands.add_parser("purge", help="apply the retention limits now")

    stat = commands.add_parser("stats", help="aggregate counts as the Statistics page shows them (<5, x)")
    stat.add_argument("--format", choices=("text", "csv", "json"), default="text")
    stat.add_argument("--provider", choices=PROVIDERS)

    i18n = commands.add_parser("i18n", help="translation catalogs")
    i18n.add_argument("action", choices=("compile", "extract"))
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if args.command == "i18n":
        return cmd_i18n(args)
    if args.command == "keys" and args.action == "new":  # needs no settings: it makes one
        print(new_key_entry(args.kid))
        return 0
    try:
        if args.command == "serve":
            require_real_secrets(SERVE_SECRETS)  # before anything else reads them
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    handlers = {
        "serve": cmd_serve, "db": cmd_db, "users": cmd_users, "keys": cmd_keys,
        "intakes": cmd_intakes, "purge": cmd_purge, "stats": cmd_stats,
    }
    return handlers[args.command](settings, args)
