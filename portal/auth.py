"""Staff authentication: argon2id passwords, a TOTP second factor, server-side
sessions with an idle timeout, CSRF tokens and login throttling.

The session cookie holds a random token; the database keeps only its HMAC
(keyed with PORTAL_SESSION_SECRET), so a copy of the database opens no session.
The CSRF token is derived from the session token, so it needs no storage.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.crypto import KeyRing, Sealed
from portal.i18n import DEFAULT_LANGUAGE
from portal.models import LoginAttempt, Session, User, utcnow
from portal.vocabulary import COORDINATOR, PROVIDERS, ROLES, STAFF_LANGUAGES

EMAIL_LIMIT = 254
TOTP_ISSUER = "Palīgs portal"

# argon2id (the library's default type) with its RFC 9106 "low memory" profile.
_hasher = PasswordHasher()
# Checked against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not a password")


class AuthError(Exception):
    pass


def hash_password(password: str) -> str:
    if len(password) < 12:
        raise AuthError("a password needs at least 12 characters")
    return _hasher.hash(password)


def check_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


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


def make_user(ring: KeyRing, email: str, provider: str | None, role: str, password: str | None = None,
              language: str = DEFAULT_LANGUAGE) -> NewUser:
    email = normal_email(email)
    if "@" not in email or any(char.isspace() for char in email):
        raise AuthError("an e-mail address is needed")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if role == COORDINATOR:
        provider = None
    elif provider not in PROVIDERS:
        raise AuthError(f"provider must be one of {', '.join(PROVIDERS)}")
    password = password or new_password()
    secret = pyotp.random_base32()
    sealed = ring.seal(secret.encode(), totp_context(email))
    user = User(
        email=email,
        provider=provider,
        role=role,
        password_hash=hash_password(password),
        totp_sealed=sealed.blob,
        totp_key_id=sealed.key_id,
        totp_last_step=0,
        language=language if language in STAFF_LANGUAGES else DEFAULT_LANGUAGE,
        active=True,
        created_at=utcnow(),
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=TOTP_ISSUER)
    return NewUser(user, password, secret, uri)


def check_totp(ring: KeyRing, user: User, code: str, now: float | None = None) -> bool:
    """A valid code for this or the neighbouring 30-second step, never one used before."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return False
    secret = ring.open(Sealed(user.totp_key_id, user.totp_sealed), totp_context(user.email)).decode()
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    current = int(now // totp.interval)
    for step in (current - 1, current, current + 1):
        if step > user.totp_last_step and hmac.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    email = normal_email(email)
    user = await session.scalar(select(User).where(User.email == email)) if email else None
    if user is None or not user.active:
        check_password(_DUMMY_HASH, password)
        return None
    return user if check_password(user.password_hash, password) else None


# --- throttling -------------------------------------------------------------------

async def throttled(session: AsyncSession, email: str, client: str, max_failures: int, window_minutes: int) -> bool:
    """Too many recent failures for this account, or (4x more) from this client."""
    since = utcnow() - dt.timedelta(minutes=window_minutes)
    failures = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
    )
    by_email = await session.scalar(failures.where(LoginAttempt.email == normal_email(email)))
    by_client = await session.scalar(failures.where(LoginAttempt.client == client))
    return by_email >= max_failures or by_client >= 4 * max_failures


def record_attempt(session: AsyncSession, email: str, client: str, succeeded: bool) -> None:
    session.add(LoginAttempt(email=normal_email(email), client=client[:64], succeeded=succeeded, at=utcnow()))


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


async def purge_sessions(session: AsyncSession, idle_minutes: int, max_hours: int, attempts_days: int = 30) -> None:
    now = utcnow()
    await session.execute(
        delete(Session).where(
            (Session.last_seen < now - dt.timedelta(minutes=idle_minutes))
            | (Session.created_at < now - dt.timedelta(hours=max_hours))
        )
    )
    await session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - dt.timedelta(days=attempts_days)))
