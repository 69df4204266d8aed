"""Telegram's pure parts: reading updates, inline keyboards, the Bot API client and the
ledger of message ids that /clear may delete. bot/server/channels/telegram.py joins them."""
