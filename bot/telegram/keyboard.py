"""Buttons as Telegram's inline keyboard: the button's payload is its callback data.

Telegram refuses callback data over 64 bytes (UTF-8), so every payload must fit; a
table test checks every button of every response (tests/bot/telegram). Short titles
share a row, so the eleven languages or yes / no / not sure fit a phone screen
without scrolling.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

MAX_CALLBACK_BYTES = 64
SHORT_TITLE_CHARS = 18  # two of these side by side fit a narrow phone


class PayloadTooLong(ValueError):
    """A payload Telegram would refuse as callback data."""


def fits_callback(payload: str) -> bool:
    return 0 < len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES


def _title(button: Mapping[str, Any]) -> str:
    return " ".join(str(button.get("title") or "").split())


def inline_keyboard(buttons: Optional[Sequence[Mapping[str, Any]]]) -> Optional[Dict[str, Any]]:
    """reply_markup for sendMessage, or None without buttons. Two to a row when every
    title is short, one per row otherwise."""
    usable = [b for b in buttons or [] if _title(b) and b.get("payload")]
    if not usable:
        return None
    keys = []
    for button in usable:
        payload = str(button["payload"])
        if not fits_callback(payload):
            raise PayloadTooLong(f"payload of {len(payload.encode('utf-8'))} bytes")
        keys.append({"text": _title(button), "callback_data": payload})
    per_row = 2 if all(len(key["text"]) <= SHORT_TITLE_CHARS for key in keys) else 1
    rows: List[List[Dict[str, str]]] = [keys[i : i + per_row] for i in range(0, len(keys), per_row)]
    return {"inline_keyboard": rows}
