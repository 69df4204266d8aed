"""Staff authentication: argon2id passwords (checked in a worker thread, off the
event loop), a TOTP second factor whose steps are claimed with a conditional
UPDATE, server-side sessions with an idle timeout, CSRF tokens, one-time
enrolment links and login throttling.

The session cookie holds a random token; the database keeps only its HMAC
(keyed with PORTAL_SESSION_SECRET), so a copy of the database opens no session.
The CSRF token is derived from the session token, so it needs no storage.

Throttling counts attempts per account and per client address in
`login_throttle`, with atomic UPDATEs in one transaction (see `claim_attempt`):
after PORTAL_LOGIN_MAX_FAILURES the next attempt waits a delay that doubles
with each further failure, up to PORTAL_LOGIN_MAX_DELAY_SECONDS. It never locks
an account: once the delay is over the right password works. A refused attempt
is not counted, and nothing in the table says what was typed as the account.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from portal.crypto import KeyRing, Sealed
from portal.i18n import DEFAULT_LANGUAGE
from portal.models import Enrolment, LoginThrottle, Session, User, utcnow
from portal.vocabulary import COORDINATOR, PROVIDERS, ROLES, STAFF_LANGUAGES

EMAIL_LIMIT = 254
TOTP_ISSUER = "Palīgs portal"

# argon2id (the library's default type) with its RFC 9106 "low memory" profile.
_hasher = PasswordHasher()
# Checked against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not a password")


class AuthError(Exception):
    pass


PASSWORD_MIN = 12
PASSWORD_MAX = 1024  # argon2 hashes anything, but a megabyte "password" is only load


def hash_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise AuthError(f"a password needs at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise AuthError(f"a password has at most {PASSWORD_MAX} characters")
    return _hasher.hash(password)


def check_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password[:PASSWORD_MAX]) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_off_loop(password: str) -> str:
    """argon2 takes tens of milliseconds of CPU: a worker thread, so other requests go on."""
    return await asyncio.to_thread(hash_password, password)


async def check_password_off_loop(stored: str | None, password: str) -> bool:
    return await asyncio.to_thread(check_password, stored, password)


def normal_email(text: str | None) -> str:
    """An e-mail address as accounts store it: trimmed and lower-case. Text with
    control characters is no address at all (""), and never reaches the database."""
    email = (text or "").strip().lower()
    if len(email) > EMAIL_LIMIT or any(ord(char) < 32 or ord(char) == 127 for char in email):
        return ""
    return email


def totp_context(user_email: str) -> str:
    return f"user:{user_email}:totp"


def new_password() -> str:
    return secrets.token_urlsafe(15)


@dataclass(frozen=True)
class NewUser:
    user: User
    password: str
    totp_secret: str
    provisioning_uri: str


def new_account(email: str, provider: str | None, role: str, language: str = DEFAULT_LANGUAGE) -> User:
    """An account without password or TOTP: the person sets both through their enrolment link."""
    email = normal_email(email)
    if "@" not in email or any(char.isspace() for char in email):
        raise AuthError("an e-mail address is needed")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if role == COORDINATOR:
        provider = None
    elif provider not in PROVIDERS:
        raise AuthError(f"provider must be one of {', '.join(PROVIDERS)}")
    return User(email=email, provider=provider, role=role, password_hash=None, totp_sealed=None, totp_key_id=None,
                totp_last_step=0, language=language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE,
                active=True, created_at=utcnow())


def set_totp(ring: KeyRing, user: User, secret: str, last_step: int = 0) -> None:
    sealed = ring.seal(secret.encode(), totp_context(user.email))
    user.totp_sealed, user.totp_key_id, user.totp_last_step = sealed.blob, sealed.key_id, last_step


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)


def make_user(ring: KeyRing, email: str, provider: str | None, role: str, password: str | None = None,
              language: str = DEFAULT_LANGUAGE) -> NewUser:
    """An enrolled account in one step (for tests and scripted set-ups; people enrol through a link)."""
    user = new_account(email, provider, role, language)
    password = password or new_password()
    user.password_hash = hash_password(password)
    secret = pyotp.random_base32()
    set_totp(ring, user, secret)
    return NewUser(user, password, secret, provisioning_uri(secret, user.email))


# --- enrolment links --------------------------------------------------------------

ENROL, TOTP_RESET = "enrol", "totp"  # set password and TOTP / set a new TOTP after an admin reset


def link_hash(secret: bytes, token: str) -> str:
    return hmac.new(secret, b"enrol:" + token.encode(), hashlib.sha256).hexdigest()


async def issue_link(session: AsyncSession, secret: bytes, user: User, purpose: str, hours: int) -> str:
    """A new one-time link for `user` (any older one stops working); returns its token."""
    await session.execute(delete(Enrolment).where(Enrolment.user_id == user.id))
    token = secrets.token_urlsafe(32)
    session.add(Enrolment(token_hash=link_hash(secret, token), user_id=user.id, purpose=purpose,
                          created_at=utcnow(), expires_at=utcnow() + dt.timedelta(hours=hours)))
    return token


async def open_link(session: AsyncSession, secret: bytes, token: str) -> tuple[Enrolment, User] | None:
    if not token or len(token) > 128:
        return None
    enrolment = await session.get(Enrolment, link_hash(secret, token))
    if enrolment is None or enrolment.expires_at < utcnow():
        return None
    user = await session.get(User, enrolment.user_id)
    return (enrolment, user) if user is not None and user.active else None


def offered_totp(ring: KeyRing, enrolment: Enrolment) -> str:
    """The TOTP secret this link offers, made on first view and kept (sealed) until used,
    so reloading the page shows the same one."""
    context = f"enrolment:{enrolment.token_hash}:totp"
    if enrolment.totp_sealed is None:
        sealed = ring.seal(pyotp.random_base32().encode(), context)
        enrolment.totp_sealed, enrolment.totp_key_id = sealed.blob, sealed.key_id
    return ring.open(Sealed(enrolment.totp_key_id, enrolment.totp_sealed), context).decode()


async def use_link(session: AsyncSession, enrolment: Enrolment) -> bool:
    """Spend the link: a conditional DELETE, so of two posts only one goes through."""
    spent = await session.execute(
        delete(Enrolment).where(Enrolment.token_hash == enrolment.token_hash)
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def totp_step(secret: str, code: str, last_step: int, now: float | None = None) -> int | None:
    """The 30-second step (this one or a neighbour, after `last_step`) whose code this is."""
    code = "".join((code or "").split())
    if not code.isascii() or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // totp.interval)
    for step in (current - 1, current, current + 1):
        if step > last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def totp_secret(ring: KeyRing, user: User) -> str | None:
    if user.totp_sealed is None or user.totp_key_id is None:
        return None  # not enrolled yet, or reset by an admin
    return ring.open(Sealed(user.totp_key_id, user.totp_sealed), totp_context(user.email)).decode()


async def claim_totp(session: AsyncSession, ring: KeyRing, user: User, code: str, now: float | None = None) -> bool:
    """A valid code, never one used before: its step is claimed with a conditional
    UPDATE, so of two requests posting one code at the same instant only one wins."""
    secret = totp_secret(ring, user)
    step = totp_step(secret, code, user.totp_last_step, now) if secret else None
    if step is None:
        return False
    claimed = await session.execute(
        update(User).where(User.id == user.id, User.totp_last_step < step).values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


async def find_user(session: AsyncSession, email: str) -> User | None:
    """The active account with this e-mail, if any."""
    email = normal_email(email)
    user = await session.scalar(select(User).where(User.email == email)) if email else None
    return user if user is not None and user.active else None


# --- throttling -------------------------------------------------------------------

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Limits:
    max_failures: int  # attempts per account before the delay starts (4x that per address)
    window: dt.timedelta  # failures older than this are forgotten
    delay_seconds: int  # the first delay, doubled with each further failure
    max_delay_seconds: int

    @classmethod
    def of(cls, settings) -> "Limits":
        return cls(settings.login_max_failures, dt.timedelta(minutes=settings.login_window_minutes),
                   settings.login_delay_seconds, settings.login_max_delay_seconds)


def delay_after(failures: int, limit: int, limits: Limits) -> int:
    """Seconds before the next attempt: none below the limit, then growing, never forever."""
    if failures < limit:
        return 0
    return min(limits.max_delay_seconds, limits.delay_seconds * 2 ** min(failures - limit, 30))


def throttle_key(secret: bytes, kind: str, value: str) -> str:
    """"account", "address" or "totp" + an HMAC: the table never says who or what was typed."""
    return kind[0] + ":" + hmac.new(secret, f"throttle:{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def login_keys(secret: bytes, email: str, client: str, limits: Limits) -> list[tuple[str, int]]:
    return [(throttle_key(secret, "account", normal_email(email)), limits.max_failures),
            (throttle_key(secret, "address", client), 4 * limits.max_failures)]


def totp_keys(secret: bytes, user: User, client: str, limits: Limits) -> list[tuple[str, int]]:
    return [(throttle_key(secret, "totp", str(user.id)), limits.max_failures),
            (throttle_key(secret, "address", client), 4 * limits.max_failures)]


class _Blocked(Exception):
    def __init__(self, wait: int):
        self.wait = wait


async def claim_attempt(sessions: async_sessionmaker, keys: list[tuple[str, int]], limits: Limits,
                        now: dt.datetime | None = None) -> int | None:
    """Count one attempt against every key, or none: the seconds to wait when a key
    is still in its delay, None when the attempt may go ahead.

    Each counter moves by an UPDATE ... WHERE blocked_until <= now RETURNING failures,
    and the delay is set in the same transaction, which holds the row until it
    commits: concurrent attempts queue on it, and those arriving after the limit
    find the delay set and are refused without being counted."""
    now = now or utcnow()
    async with sessions() as db:
        async with db.begin():
            insert = postgresql_insert if db.bind.dialect.name == "postgresql" else sqlite_insert
            await db.execute(insert(LoginThrottle).values(
                [{"key": key, "failures": 0, "last_failure_at": EPOCH, "blocked_until": EPOCH} for key, _ in keys]
            ).on_conflict_do_nothing(index_elements=["key"]))
        try:
            async with db.begin():
                for key, limit in keys:  # always in this order (account, then address): no deadlock
                    counted = await db.execute(
                        update(LoginThrottle)
                        .where(LoginThrottle.key == key, LoginThrottle.blocked_until <= now)
                        .values(failures=case((LoginThrottle.last_failure_at < now - limits.window, 1),
                                              else_=LoginThrottle.failures + 1),
                                last_failure_at=now)
                        .returning(LoginThrottle.failures)
                        .execution_options(synchronize_session=False)
                    )
                    failures = counted.scalar()
                    if failures is None:
                        blocked = await db.scalar(select(LoginThrottle.blocked_until).where(LoginThrottle.key == key))
                        raise _Blocked(max(1, math.ceil((blocked - now).total_seconds())))
                    delay = delay_after(failures, limit, limits)
                    if delay:
                        await db.execute(
                            update(LoginThrottle).where(LoginThrottle.key == key)
                            .values(blocked_until=now + dt.timedelta(seconds=delay))
                            .execution_options(synchronize_session=False)
                        )
        except _Blocked as blocked:  # rolled back: a refused attempt counts for nothing
            return blocked.wait
    return None


async def clear_attempts(session: AsyncSession, keys: list[tuple[str, int]]) -> None:
    """After a whole login (password and code): this account and address start afresh."""
    await session.execute(
        update(LoginThrottle).where(LoginThrottle.key.in_([key for key, _ in keys]))
        .values(failures=0, blocked_until=EPOCH).execution_options(synchronize_session=False)
    )


# --- sessions ---------------------------------------------------------------------

def token_hash(secret: bytes, token: str) -> str:
    return hmac.new(secret, b"session:" + token.encode(), hashlib.sha256).hexdigest()


def csrf_token(secret: bytes, token: str) -> str:
    return hmac.new(secret, b"csrf:" + token.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, token: str | None, given: str | None) -> bool:
    return bool(token and given) and hmac.compare_digest(csrf_token(secret, token), given)


def pre_login_csrf(secret: bytes, nonce: str) -> str:
    """The login form has no session yet: a signed double-submit token instead."""
    return hmac.new(secret, b"login:" + nonce.encode(), hashlib.sha256).hexdigest()


async def start_session(session: AsyncSession, secret: bytes, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(Session(token_hash=token_hash(secret, token), user_id=user.id, second_factor_done=False,
                        created_at=utcnow(), last_seen=utcnow()))
    return token


async def complete_session(session: AsyncSession, secret: bytes, old_token: str, user: User) -> str:
    """After the second factor: a fresh token, so a token seen before login is worthless."""
    await end_session(session, secret, old_token)
    token = secrets.token_urlsafe(32)
    session.add(Session(token_hash=token_hash(secret, token), user_id=user.id, second_factor_done=True,
                        created_at=utcnow(), last_seen=utcnow()))
    return token


async def end_session(session: AsyncSession, secret: bytes, token: str) -> None:
    await session.execute(delete(Session).where(Session.token_hash == token_hash(secret, token)))


@dataclass(frozen=True)
class Current:
    user: User
    row: Session
    token: str


async def load_session(
    session: AsyncSession, secret: bytes, token: str | None, idle_minutes: int, max_hours: int
) -> Current | None:
    """The live session for this cookie, touched; None (and deleted) if idle or too old."""
    if not token or len(token) > 128:
        return None
    row = await session.get(Session, token_hash(secret, token))
    if row is None:
        return None
    now = utcnow()
    user = await session.get(User, row.user_id)
    expired = (
        now - row.last_seen > dt.timedelta(minutes=idle_minutes)
        or now - row.created_at > dt.timedelta(hours=max_hours)
        or user is None
        or not user.active
    )
    if expired:
        await session.delete(row)
        return None
    row.last_seen = now
    return Current(user, row, token)


async def end_other_sessions(session: AsyncSession, secret: bytes, user: User, keep_token: str) -> None:
    await session.execute(
        delete(Session).where(Session.user_id == user.id, Session.token_hash != token_hash(secret, keep_token))
    )


async def purge_sessions(session: AsyncSession, idle_minutes: int, max_hours: int, attempts_days: int = 1) -> None:
    """Expired sessions and enrolment links, and throttle counters idle for a day."""
    now = utcnow()
    await session.execute(
        delete(Session).where(
            (Session.last_seen < now - dt.timedelta(minutes=idle_minutes))
            | (Session.created_at < now - dt.timedelta(hours=max_hours))
        )
    )
    stale = now - dt.timedelta(days=attempts_days)
    await session.execute(
        delete(LoginThrottle).where(LoginThrottle.last_failure_at < stale, LoginThrottle.blocked_until < now)
    )
    await session.execute(delete(Enrolment).where(Enrolment.expires_at < now))
