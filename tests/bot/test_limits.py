"""The abuse limits' pure core: sliding windows, per address and conversation together, replays."""

import threading

import pytest

from bot.server.limits import MessageLimits, ReplayGuard, SlidingWindowLimit, Verdict


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


A, C = Verdict.ADDRESS_LIMIT, Verdict.CONVERSATION_LIMIT
OK = Verdict.ALLOWED


@pytest.mark.parametrize(
    "messages, expected",
    [
        # (address, conversation, time): 2 per address, 1 per conversation, 10 s window
        ([("a", "x", 0), ("a", "x", 1)], [OK, C]),
        ([("a", "x", 0), ("a", "y", 1), ("a", "z", 2)], [OK, OK, A]),
        # a refusal by the conversation uses up nothing of the address
        ([("a", "x", 0), ("a", "x", 1), ("a", "x", 2), ("a", "y", 3)], [OK, C, C, OK]),
        # a refusal by the address uses up nothing of the conversation
        ([("a", "x", 0), ("a", "y", 1), ("a", "z", 2), ("b", "z", 3)], [OK, OK, A, OK]),
        # one conversation from two addresses is still one conversation
        ([("a", "x", 0), ("b", "x", 1)], [OK, C]),
        # the window slides for both
        ([("a", "x", 0), ("a", "y", 1), ("a", "z", 10), ("a", "x", 11)], [OK, OK, OK, OK]),
        ([("a", "x", 0), ("a", "y", 1), ("a", "z", 10), ("a", "w", 10.5)], [OK, OK, OK, A]),
    ],
)
def test_message_limits(messages, expected):
    limits = MessageLimits(per_address=2, per_conversation=1, window_seconds=10)
    assert [limits.check(address, conversation, now=t) for address, conversation, t in messages] == expected


def test_verdicts_say_whether_allowed():
    assert OK.allowed and not A.allowed and not C.allowed


@pytest.mark.parametrize("per_address, per_conversation, window", [(0, 1, 10), (1, 0, 10), (1, 1, 0)])
def test_invalid_message_limits(per_address, per_conversation, window):
    with pytest.raises(ValueError):
        MessageLimits(per_address, per_conversation, window)


def test_message_limits_forget_idle_keys():
    limits = MessageLimits(per_address=5000, per_conversation=5, window_seconds=10)
    limits.check("idle-address", "idle-conversation", now=0)
    for n in range(999):
        limits.check("busy", f"c-{n % 3}", now=100)
    assert len(limits) == 1 + 3


def test_message_limits_thread_safe():
    limits = MessageLimits(per_address=30, per_conversation=1000, window_seconds=60)
    results = []
    lock = threading.Lock()

    def send(n):
        allowed = [limits.check("a", f"c{n}", now=1.0).allowed for _ in range(20)]
        with lock:
            results.extend(allowed)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 30


@pytest.mark.parametrize(
    "seen, expected",
    [
        # (key, time) with a 10 s window
        ([("m1", 0), ("m1", 1)], [True, False]),
        ([("m1", 0), ("m2", 1), ("m1", 9.9)], [True, True, False]),
        # after the window the key is forgotten (a replay then is Twilio's signature's problem)
        ([("m1", 0), ("m1", 10)], [True, True]),
        ([("m1", 0), ("m2", 5), ("m1", 12), ("m2", 12)], [True, True, True, False]),
    ],
)
def test_replay_guard(seen, expected):
    guard = ReplayGuard(window_seconds=10)
    assert [guard.first_time(key, now=t) for key, t in seen] == expected


def test_replay_guard_forget_lets_a_retry_through_and_expiry_bounds_memory():
    guard = ReplayGuard(window_seconds=10)
    assert guard.first_time("m1", now=0)
    guard.forget("m1")
    assert guard.first_time("m1", now=1)
    for n in range(100):
        guard.first_time(f"k{n}", now=2)
    assert len(guard) == 101
    guard.first_time("late", now=30)
    assert len(guard) == 1


def test_invalid_replay_window():
    with pytest.raises(ValueError):
        ReplayGuard(0)
