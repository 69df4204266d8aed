"""The chat link a campaign's poster and card print: the public chat address, the language the
chat opens in and the campaign that is counted (bot/campaigns/registry.py)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit


def chat_link(chat_public_url: str, lang: str, campaign: str) -> str:
    """`{CHAT_PUBLIC_URL}?lang=<lang>&src=<campaign>`, both values quoted; joined with `&` when the
    address already has a query of its own."""
    base = chat_public_url.rstrip("/")
    separator = "&" if urlsplit(base).query else "?"
    return base + separator + urlencode({"lang": lang, "src": campaign})


def printed_link(url: str) -> str:
    """The link as a person types it from paper: without `https://` (every browser adds it)."""
    scheme, _, rest = url.partition("://")
    return rest if scheme.lower() in ("http", "https") and rest else url
