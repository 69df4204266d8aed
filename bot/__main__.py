"""python -m bot: the assistant's command line."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional


def _cmd_build(args: argparse.Namespace) -> int:
    from bot.tooling.domain import build_button_examples, build_domain

    changed = build_domain()
    print("build/domain/responses.yml " + ("updated" if changed else "unchanged"))
    changed = build_button_examples()
    print("build/nlu/ (button titles as examples) " + ("updated" if changed else "unchanged"))
    return 0


def _cmd_i18n(args: argparse.Namespace) -> int:
    from bot.tooling import catalogs as i18n_tasks

    return i18n_tasks.run(args.task)


def _cmd_serve_actions(args: argparse.Namespace) -> int:
    from bot.actions.app import serve

    serve(host=args.host, port=args.port)
    return 0


def _cmd_purge(args: argparse.Namespace) -> int:
    from bot.handoff.outbox import Outbox
    from bot.settings import load_settings
    from bot.tooling.retention import purge_tracker_store

    settings = load_settings()
    days = args.days if args.days is not None else settings.retention_days
    removed = purge_tracker_store(settings.tracker_db_url, days)
    print(f"removed {removed} conversation events older than {days} days")
    delivered = Outbox.from_settings(settings).purge(days)
    print(f"removed {delivered} delivered outbox entries older than {days} days")
    if settings.telegram_bot_token:
        from bot.telegram.ledger import MessageLedger

        ledger = MessageLedger(settings.tracker_db_url, days)
        print(f"removed {ledger.purge()} Telegram message ids past the window /clear may delete them in")
        ledger.dispose()
    return 0


def _cmd_telegram(args: argparse.Namespace) -> int:
    import asyncio

    from bot.settings import load_settings
    from bot.telegram.webhook import register_webhook

    return asyncio.run(register_webhook(load_settings(), args.url))


def _cmd_content(args: argparse.Namespace) -> int:
    from bot.tooling.content_check import report

    problems = report()
    for line in problems:
        print(line)
    print(f"{len(problems)} fact(s) to verify")
    return 0


def _cmd_nlu_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.language.registry import registry
    from bot.tooling.nlu_report import (
        FIRST_LANGUAGES_FLOORS,
        FLOORS,
        GOALS,
        format_report,
        heldout_report,
        shortfalls,
    )

    enabled = registry().enabled_codes
    named = {"all": enabled, "goals": list(FIRST_LANGUAGES_FLOORS)}
    leave_out = [] if args.quick else named.get(args.leave_out) or args.leave_out.split(",")
    unknown = sorted(set(leave_out) - set(enabled))
    if unknown:
        print(f"--leave-out: not enabled languages {unknown}; enabled: {', '.join(enabled)}")
        return 2
    report = heldout_report(Path(args.output), Path(args.config), leave_out=leave_out)
    print("\n".join(format_report(report)))
    print(
        f"goals: emergency recall >= {GOALS.emergency_recall:.0%}, precision >= {GOALS.emergency_precision:.0%}, "
        f"accuracy >= {GOALS.accuracy:.0%}, left out (top intent) >= {GOALS.leave_one_language_out:.0%}"
    )
    for problem in shortfalls(report, GOALS):
        print("below goal: " + problem)
    floors = shortfalls(report, FLOORS, FIRST_LANGUAGES_FLOORS)
    for problem in floors:
        print("BELOW FLOOR: " + problem)
    return 1 if floors and args.check else 0


def _cmd_qr(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.campaigns import materials as print_run
    from bot.campaigns.posters import PosterRefused
    from bot.campaigns.registry import campaigns
    from bot.contacts.book import contact_book, display_phone
    from bot.i18n.catalogs import MissingCatalog
    from bot.settings import load_settings

    try:
        selection = print_run.select(campaigns(), args.campaign, args.lang, args.all)
        made = print_run.materials_for(selection, load_settings().chat_public_url)
        out_dir = Path(args.out)
        index = print_run.make_all(made, out_dir, display_phone(contact_book()["hotline"].phone), report=print)
    except print_run.SelectionError as mistake:
        print(f"python -m bot qr: {mistake}", file=sys.stderr)
        return 2
    except (MissingCatalog, PosterRefused) as problem:
        print(f"python -m bot qr: {problem}", file=sys.stderr)
        return 1
    print(f"{out_dir / print_run.INDEX_FILE}: {len(index['materials'])} campaign language(s)")
    return 0


def _cmd_secrets(args: argparse.Namespace) -> int:
    from bot.paths import REPO_DIR
    from bot.tooling.secrets import fresh_env

    sys.stdout.write(fresh_env((REPO_DIR / ".env.example").read_text(encoding="utf-8")))
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m bot", description="Palīgs assistant tools.")
    commands = main.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build the domain's responses from the catalogs")
    build.set_defaults(handler=_cmd_build)

    i18n = commands.add_parser("i18n", help="gettext catalogs: extract, update, compile, check")
    i18n.add_argument("task", choices=["extract", "update", "compile", "check"])
    i18n.set_defaults(handler=_cmd_i18n)

    serve = commands.add_parser("serve-actions", help="run the action server (internal: only the Rasa server calls it)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=5055)
    serve.set_defaults(handler=_cmd_serve_actions)

    purge = commands.add_parser(
        "purge", help="delete conversation events and delivered outbox entries past the retention limit"
    )
    purge.add_argument("--days", type=int, default=None, help="default: TRACKER_RETENTION_DAYS")
    purge.set_defaults(handler=_cmd_purge)

    report = commands.add_parser("nlu-report", help="held-out NLU accuracy per language")
    report.add_argument("--config", default="config.yml", help="pipeline to evaluate")
    report.add_argument("--output", default="results/nlu-heldout.json")
    report.add_argument("--check", action="store_true", help="exit 1 when a figure is below its floor")
    report.add_argument("--quick", action="store_true", help="skip the leave-one-language-out trainings")
    report.add_argument(
        "--leave-out", default="goals", metavar="CODES",
        help="languages to leave out one at a time, comma-separated, 'all', or 'goals' (the default: the ones "
        "with a leave-one-language-out goal, lv,en,ru); one training each",
    )
    report.set_defaults(handler=_cmd_nlu_report)

    fresh = commands.add_parser("secrets", help="print a fresh .env with random secrets (python -m bot secrets > .env)")
    fresh.set_defaults(handler=_cmd_secrets)

    telegram = commands.add_parser("telegram", help="the Telegram channel")
    telegram.add_argument("task", choices=["set-webhook"])
    telegram.add_argument("--url", help="the public webhook URL (default: TELEGRAM_PUBLIC_URL)")
    telegram.set_defaults(handler=_cmd_telegram)

    qr = commands.add_parser(
        "qr", help="QR codes (PNG, SVG), an A5 poster and a card (PDF) per campaign language, and index.json"
    )
    which = qr.add_mutually_exclusive_group(required=True)
    which.add_argument("--campaign", metavar="CODE", help="a campaign of bot/data/content/campaigns.yml")
    which.add_argument("--all", action="store_true", help="every campaign in each of its languages")
    qr.add_argument("--lang", metavar="CODE", help="one of the campaign's languages (default: all of them)")
    qr.add_argument("--out", metavar="DIR", default="build/posters", help="where the files go (default: %(default)s)")
    qr.set_defaults(handler=_cmd_qr)

    content = commands.add_parser("content", help="facts as data")
    content.add_argument("task", choices=["check"])
    content.set_defaults(handler=_cmd_content)
    return main


def main(argv: Optional[List[str]] = None) -> int:
    from bot.settings import StartupRefused

    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except StartupRefused as refused:  # an operator's mistake: the message, not a traceback
        print(f"python -m bot {args.command}: {refused}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
