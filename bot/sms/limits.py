"""A per-conversation rate limit: at most N messages in a sliding window.

Every SMS we answer costs money and a looping phone or a prankster could send
hundreds; past the limit the channel stays silent until the window moves on.
In memory, for one process (Rasa runs one); a lock makes it safe for threads,
and on the event loop `allow` never awaits, so it is atomic there anyway.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Deque, Dict, Optional


class SlidingWindowLimit:
    def __init__(self, max_messages: int = 20, window_seconds: float = 600.0) -> None:
        if max_messages < 1 or window_seconds <= 0:
            raise ValueError("the limit needs at least one message and a positive window")
        self.max_messages = max_messages
        self.window_seconds = window_seconds
        self._seen: Dict[str, Deque[float]] = {}
        self._lock = threading.Lock()
        self._calls = 0

    def allow(self, key: str, now: Optional[float] = None) -> bool:
        """Counts the message if it is allowed; refused ones do not extend the wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._calls += 1
            if self._calls % 1000 == 0:
                self._forget_idle(now)
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= now - self.window_seconds:
                times.popleft()
            if len(times) >= self.max_messages:
                return False
            times.append(now)
            return True

    def _forget_idle(self, now: float) -> None:
        # Keeps memory bounded by the people active in the last window.
        cutoff = now - self.window_seconds
        for key in [k for k, times in self._seen.items() if not times or times[-1] <= cutoff]:
            del self._seen[key]

    def __len__(self) -> int:
        return len(self._seen)
