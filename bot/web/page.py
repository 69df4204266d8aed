"""The web chat page, served by the Rasa server's web channel at /webhooks/web/chat.

The page is a template filled with catalog strings for the language asked
for in `?lang=`; the widget (chat.js) talks to the socket.io channel of the
same server, on the same origin (bot.server.channels.web), so no CORS is needed.
"""

from __future__ import annotations

import html
import json
import re
from string import Template
from typing import Dict
from urllib.parse import urlsplit

from sanic import Blueprint, response
from sanic.request import Request

from bot.contacts.book import contact_book, display_phone
from bot.i18n.catalogs import Catalogs, Translator
from bot.language.registry import registry
from bot.paths import WEB_DIR
from bot.settings import Settings

STATIC_FILES = {
    "chat.js": (WEB_DIR / "chat.js", "text/javascript; charset=utf-8"),
    "chat.css": (WEB_DIR / "chat.css", "text/css; charset=utf-8"),
    "socket.io.min.js": (
        WEB_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js",
        "text/javascript; charset=utf-8",
    ),
}


def ui_strings(t: Translator) -> Dict[str, str]:
    hotline = display_phone(contact_book()["hotline"].phone)
    return {
        # A neutral tab title: someone else may look at the phone.
        "page_title": t.pgettext("web", "Palīgs"),
        "log_label": t.pgettext("web", "Conversation with Palīgs"),
        "input_label": t.pgettext("web", "Your message"),
        "input_placeholder": t.pgettext("web", "Write here…"),
        "send": t.pgettext("web", "Send"),
        "quick_exit": t.pgettext("web", "Quick exit"),
        "quick_exit_hint": t.pgettext(
            "web", "Leaves this page at once and opens a neutral site. You can also press Esc."
        ),
        "typing": t.pgettext("web", "Palīgs is writing…"),
        "disconnected": t.pgettext(
            "web",
            "The connection was lost. Trying again… If you need help now, call 112 or the hotline {hotline}.",
            hotline=hotline,
        ),
        "you_said": t.pgettext("web", "You:"),
        "bot_said": t.pgettext("web", "Palīgs:"),
        "dir": registry().get(t.lang).direction,
    }


def _socket_origins(socket_url: str) -> str:
    parts = urlsplit(socket_url)
    if not parts.netloc:
        return ""
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc} {ws_scheme}://{parts.netloc}"


def _own_websocket_origins(host: str) -> str:
    """ws:// and wss:// of the page's own host: browsers that predate CSP 3 do not count them as 'self'."""
    if not re.fullmatch(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?", host or ""):
        return ""
    return f"ws://{host} wss://{host}"


def security_headers(settings: Settings, host: str = "") -> Dict[str, str]:
    """The page's headers; `host` is the one the page was asked for (its socket.io lives there)."""
    sources = " ".join(s for s in (_own_websocket_origins(host), _socket_origins(settings.chat_socket_url)) if s)
    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {sources}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )
    return {
        "Content-Security-Policy": csp,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


def chat_blueprint(settings: Settings, catalogs: Catalogs) -> Blueprint:
    """GET chat, chat/strings.json and chat/static/<name>, below the prefix the blueprint is mounted at."""
    template = Template((WEB_DIR / "chat.html").read_text(encoding="utf-8"))
    blueprint = Blueprint("paligs_web_chat_page")

    def language_from(request: Request) -> str:
        return registry().supported(request.args.get("lang")) or registry().default

    @blueprint.get("/chat")
    async def chat_page(request: Request) -> response.HTTPResponse:
        lang = language_from(request)
        values = dict(ui_strings(catalogs.translator(lang)))
        values.update(
            lang=lang,
            socket_url=settings.chat_socket_url,
            quick_exit_url=settings.quick_exit_url,
            # wherever the page is mounted (…/webhooks/web/chat), its assets sit below it
            static=request.path.rstrip("/") + "/static",
        )
        page = template.substitute({k: html.escape(str(v), quote=True) for k, v in values.items()})
        return response.html(page, headers=security_headers(settings, request.host))

    @blueprint.get("/chat/strings.json")
    async def chat_strings(request: Request) -> response.HTTPResponse:
        strings = ui_strings(catalogs.translator(language_from(request)))
        return response.json(
            strings, headers=security_headers(settings), dumps=lambda o: json.dumps(o, ensure_ascii=False)
        )

    @blueprint.get("/chat/static/<name>")
    async def chat_static(request: Request, name: str) -> response.HTTPResponse:
        if name not in STATIC_FILES:
            return response.json({"error": "not found"}, status=404)
        path, content_type = STATIC_FILES[name]
        if not path.exists():
            return response.json({"error": "not installed: run make run"}, status=404)
        return response.raw(
            path.read_bytes(),
            content_type=content_type,
            headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    return blueprint
