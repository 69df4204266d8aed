"""A local stand-in for Telegram: the Bot API the assistant calls, and the updates Telegram posts.

FakeBotApi answers POST /bot<token>/<method> on loopback like the Bot API does
(sendMessage returns a new message id per chat, deleteMessage, answerCallbackQuery,
leaveChat and setWebhook return true) and records every call, so a test reads what
the person would have seen. It refuses a wrong token with 401, and can be told to
answer the next calls of a method with 429 and a retry_after (flood control).
Nothing leaves the machine.
"""

from __future__ import annotations

import http.server
import itertools
import json
import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import requests

from tests.support.servers import free_port

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Call:
    method: str
    params: Dict[str, Any]
    result: Any = None


class FakeBotApi:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: List[Call] = []
        self._lock = threading.Lock()
        self._message_ids: Dict[int, itertools.count] = {}
        self._failures: Dict[str, List[int]] = {}
        self._server: Optional[http.server.ThreadingHTTPServer] = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FakeBotApi":
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = fake.answer(self.path, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def flood_next(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls of `method` get 429 with this retry_after."""
        with self._lock:
            self._failures.setdefault(method, []).extend([retry_after] * times)

    def answer(self, path: str, body: bytes) -> tuple:
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix):]
        params = json.loads(body or b"{}")
        with self._lock:
            pending = self._failures.get(method)
            if pending:
                retry_after = pending.pop(0)
                self.calls.append(Call(method, params, "429"))
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                             "parameters": {"retry_after": retry_after}}
            result: Any = True
            if method == "sendMessage":
                counter = self._message_ids.setdefault(params["chat_id"], itertools.count(1000))
                result = {"message_id": next(counter), "chat": {"id": params["chat_id"]}, "text": params["text"]}
            elif method not in ("deleteMessage", "answerCallbackQuery", "leaveChat", "setWebhook"):
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            self.calls.append(Call(method, params, result))
        return 200, {"ok": True, "result": result}

    # What a test reads
    def calls_of(self, method: str, chat_id: Optional[int] = None) -> List[Call]:
        with self._lock:
            return [
                c for c in self.calls
                if c.method == method and c.result != "429" and (chat_id is None or c.params.get("chat_id") == chat_id)
            ]

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def sent_since(self, mark: int, chat_id: int) -> List[Call]:
        with self._lock:
            return [
                c for c in self.calls[mark:]
                if c.method == "sendMessage" and c.result != "429" and c.params.get("chat_id") == chat_id
            ]


class TelegramUser:
    """One person in a private chat with the bot: posts updates as Telegram would and reads
    the answers the fake Bot API received for their chat."""

    _update_ids = itertools.count(500_000)

    def __init__(self, rasa_url: str, secret: str, api: FakeBotApi, chat_id: int, language_code: str = "") -> None:
        self.rasa_url, self.secret, self.api = rasa_url, secret, api
        self.chat_id, self.language_code = chat_id, language_code
        self._message_ids = itertools.count(1)
        self.own_message_ids: List[int] = []
        self.last_replies: List[Call] = []

    def post(self, update: Dict[str, Any], secret: Optional[str] = "valid", **headers: str) -> requests.Response:
        sent = {"Content-Type": "application/json", **headers}
        if secret == "valid":
            sent[SECRET_HEADER] = self.secret
        elif secret is not None:
            sent[SECRET_HEADER] = secret
        return requests.post(f"{self.rasa_url}/webhooks/telegram/webhook", data=json.dumps(update),
                             headers=sent, timeout=60)

    def sender(self) -> Dict[str, Any]:
        person = {"id": self.chat_id, "is_bot": False, "first_name": "A"}
        if self.language_code:
            person["language_code"] = self.language_code
        return person

    def message_update(self, text: Optional[str], chat_type: str = "private") -> Dict[str, Any]:
        message_id = next(self._message_ids)
        message: Dict[str, Any] = {
            "message_id": message_id, "date": 1764547200, "from": self.sender(),
            "chat": {"id": self.chat_id, "type": chat_type},
        }
        if text is not None:
            message["text"] = text
        return {"update_id": next(self._update_ids), "message": message}

    def write(self, text: Optional[str]) -> List[Call]:
        """Send a message; the bot's answers to it, in order."""
        update = self.message_update(text)
        self.own_message_ids.append(update["message"]["message_id"])
        return self._exchange(update)

    def press(self, payload: str) -> List[Call]:
        """Press the button with this callback data on the latest keyboard the bot sent."""
        keyboard = self.latest_keyboard()
        pressed = [key for row in keyboard["rows"] for key in row if key["callback_data"] == payload]
        assert pressed, (payload, keyboard["rows"])
        update = {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": f"cq{next(self._update_ids)}", "from": self.sender(), "data": payload, "chat_instance": "1",
                "message": {"message_id": keyboard["message_id"], "date": 1764547200,
                            "chat": {"id": self.chat_id, "type": "private"}, "text": "..."},
            },
        }
        return self._exchange(update)

    def press_nth(self, position: int) -> List[Call]:
        """Press the button at this position (1-based, in reading order) of the latest keyboard."""
        keys = [key for row in self.latest_keyboard()["rows"] for key in row]
        return self.press(keys[position - 1]["callback_data"])

    def latest_keyboard(self) -> Dict[str, Any]:
        for call in reversed(self.api.calls_of("sendMessage", self.chat_id)):
            markup = call.params.get("reply_markup")
            if markup:
                return {"rows": markup["inline_keyboard"], "message_id": call.result["message_id"]}
        raise AssertionError("no keyboard was sent to this chat")

    def _exchange(self, update: Dict[str, Any]) -> List[Call]:
        mark = self.api.mark()
        reply = self.post(update)
        assert reply.status_code == 200, reply.text
        self.last_replies = self.api.sent_since(mark, self.chat_id)
        return self.last_replies

    def text(self, replies: Optional[List[Call]] = None) -> str:
        """The answers' texts as the person reads them, one after another."""
        return "\n\n".join(c.params["text"] for c in (self.last_replies if replies is None else replies))

    def bot_message_ids(self) -> List[int]:
        return [c.result["message_id"] for c in self.api.calls_of("sendMessage", self.chat_id)]
