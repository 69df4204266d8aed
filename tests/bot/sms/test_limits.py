import threading

import pytest

from bot.sms.limits import SlidingWindowLimit


def test_allows_up_to_the_limit_within_the_window():
    limit = SlidingWindowLimit(max_messages=3, window_seconds=10)
    assert [limit.allow("a", now=t) for t in (0, 1, 2, 3, 9.9)] == [True, True, True, False, False]


@pytest.mark.parametrize(
    "times, expected",
    [
        # the window slides: the message at t=0 leaves it at t=10
        ((0, 1, 2, 10), [True, True, True, True]),
        ((0, 1, 2, 10, 10.5), [True, True, True, True, False]),
        ((0, 1, 2, 11, 11.5, 11.8), [True, True, True, True, True, False]),
        # refused messages do not extend the wait
        ((0, 0, 0, 5, 6, 7, 10), [True, True, True, False, False, False, True]),
    ],
)
def test_sliding_window(times, expected):
    limit = SlidingWindowLimit(max_messages=3, window_seconds=10)
    assert [limit.allow("a", now=t) for t in times] == expected


def test_keys_are_independent():
    limit = SlidingWindowLimit(max_messages=1, window_seconds=60)
    assert limit.allow("a", now=0)
    assert not limit.allow("a", now=1)
    assert limit.allow("b", now=1)


def test_idle_keys_are_forgotten():
    limit = SlidingWindowLimit(max_messages=5, window_seconds=10)
    limit.allow("idle", now=0)
    for n in range(999):
        limit.allow(f"busy-{n % 3}", now=100)
    assert len(limit) == 3


def test_default_without_explicit_time():
    limit = SlidingWindowLimit()
    assert all(limit.allow("a") for _ in range(20))
    assert not limit.allow("a")


@pytest.mark.parametrize("max_messages, window", [(0, 10), (5, 0), (5, -1)])
def test_invalid_limits(max_messages, window):
    with pytest.raises(ValueError):
        SlidingWindowLimit(max_messages, window)


def test_thread_safe():
    limit = SlidingWindowLimit(max_messages=50, window_seconds=60)
    results = []
    lock = threading.Lock()

    def send():
        allowed = [limit.allow("a", now=1.0) for _ in range(100)]
        with lock:
            results.extend(allowed)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 50
