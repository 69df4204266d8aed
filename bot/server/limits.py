"""Abuse limits, pure and in memory: sliding-window rate limits and a replay guard.

- `SlidingWindowLimit`: at most N messages per key in a sliding window (an SMS
  conversation: every reply costs money, and a looping phone or a prankster
  could send hundreds).
- `MessageLimits`: one message counts against its client address and its
  conversation together, or against neither, so a refused message never uses
  up what the other key allows.
- `ReplayGuard`: a key is accepted once within a window (Twilio's MessageSid).

In memory, for one process (Rasa runs one); the locks make them safe for
threads, and on the event loop nothing here awaits, so every call is atomic
there anyway. Several replicas need a shared store instead (README, Settings).
"""

from __future__ import annotations

import enum
import threading
import time
from collections import deque
from typing import Deque, Dict, Optional

FORGET_EVERY = 1000  # calls between sweeps of idle keys (keeps memory bounded)


class _Windows:
    """Timestamps per key within a sliding window; callers hold the lock."""

    def __init__(self, max_messages: int, window_seconds: float) -> None:
        if max_messages < 1 or window_seconds <= 0:
            raise ValueError("a limit needs at least one message and a positive window")
        self.max_messages = max_messages
        self.window_seconds = window_seconds
        self._seen: Dict[str, Deque[float]] = {}

    def has_room(self, key: str, now: float) -> bool:
        times = self._seen.get(key)
        if not times:
            return True
        while times and times[0] <= now - self.window_seconds:
            times.popleft()
        return len(times) < self.max_messages

    def count(self, key: str, now: float) -> None:
        self._seen.setdefault(key, deque()).append(now)

    def forget_idle(self, now: float) -> None:
        cutoff = now - self.window_seconds
        for key in [k for k, times in self._seen.items() if not times or times[-1] <= cutoff]:
            del self._seen[key]

    def __len__(self) -> int:
        return len(self._seen)


class SlidingWindowLimit:
    """At most `max_messages` per key in any `window_seconds`."""

    def __init__(self, max_messages: int = 20, window_seconds: float = 600.0) -> None:
        self._windows = _Windows(max_messages, window_seconds)
        self._lock = threading.Lock()
        self._calls = 0

    @property
    def max_messages(self) -> int:
        return self._windows.max_messages

    @property
    def window_seconds(self) -> float:
        return self._windows.window_seconds

    def allow(self, key: str, now: Optional[float] = None) -> bool:
        """Counts the message if it is allowed; refused ones do not extend the wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._calls += 1
            if self._calls % FORGET_EVERY == 0:
                self._windows.forget_idle(now)
            if not self._windows.has_room(key, now):
                return False
            self._windows.count(key, now)
            return True

    def __len__(self) -> int:
        return len(self._windows)


class Verdict(enum.Enum):
    ALLOWED = "allowed"
    ADDRESS_LIMIT = "too many messages from this address"
    CONVERSATION_LIMIT = "too many messages in this conversation"

    @property
    def allowed(self) -> bool:
        return self is Verdict.ALLOWED


class MessageLimits:
    """Per client address and per conversation, in one window."""

    def __init__(self, per_address: int, per_conversation: int, window_seconds: float) -> None:
        self._address = _Windows(per_address, window_seconds)
        self._conversation = _Windows(per_conversation, window_seconds)
        self._lock = threading.Lock()
        self._calls = 0

    def check(self, address: str, conversation: str, now: Optional[float] = None) -> Verdict:
        """Counts the message against both keys if both have room; otherwise counts nothing."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._calls += 1
            if self._calls % FORGET_EVERY == 0:
                self._address.forget_idle(now)
                self._conversation.forget_idle(now)
            if not self._address.has_room(address, now):
                return Verdict.ADDRESS_LIMIT
            if not self._conversation.has_room(conversation, now):
                return Verdict.CONVERSATION_LIMIT
            self._address.count(address, now)
            self._conversation.count(conversation, now)
            return Verdict.ALLOWED

    def __len__(self) -> int:
        return len(self._address) + len(self._conversation)


class ReplayGuard:
    """Accepts each key once within `window_seconds` (keys should already be hashed)."""

    def __init__(self, window_seconds: float) -> None:
        if window_seconds <= 0:
            raise ValueError("the replay window must be positive")
        self.window_seconds = window_seconds
        self._seen: Dict[str, float] = {}  # insertion order is time order
        self._lock = threading.Lock()

    def first_time(self, key: str, now: Optional[float] = None) -> bool:
        """True (and remembered) the first time a key is seen in the window."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._expire(now)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True

    def forget(self, key: str) -> None:
        """Lets a key through again (its processing failed, so a retry should run)."""
        with self._lock:
            self._seen.pop(key, None)

    def _expire(self, now: float) -> None:
        cutoff = now - self.window_seconds
        while self._seen:
            oldest_key, seen_at = next(iter(self._seen.items()))
            if seen_at > cutoff:
                break
            del self._seen[oldest_key]

    def __len__(self) -> int:
        return len(self._seen)
