"""E-mail to a provider when an intake arrives: the reference, the urgency and
a link, nothing else, because e-mail crosses servers we do not control.

SMTP_URL: `smtp://host:port` (plain, e.g. a local relay), `smtp+starttls://`
or `smtps://`, with optional `user:password@`. Empty: no e-mail, the portal
queue is the only signal. Failed sends are retried by the periodic job.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from portal.vocabulary import providers_for


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    mode: str  # plain, starttls, ssl
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    modes = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("ssl", 465)}
    if parts.scheme not in modes or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://host:port, smtp+starttls://... or smtps://...")
    mode, default_port = modes[parts.scheme]
    return SmtpTarget(
        host=parts.hostname,
        port=parts.port or default_port,
        mode=mode,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def recipients(provider: str, addresses: dict[str, str]) -> list[str]:
    """An intake for any provider goes to every provider."""
    return [addresses[name] for name in providers_for(provider) if addresses.get(name)]


def compose(reference: str, urgent: bool, link: str, sender: str, to: list[str]) -> EmailMessage:
    """Latvian first, then English; deliberately no answers, language or contact."""
    message = EmailMessage()
    flag = "STEIDZAMI / URGENT: " if urgent else ""
    message["Subject"] = f"{flag}Palīgs: jauns pieteikums / new intake {reference}"
    message["From"] = sender
    message["To"] = ", ".join(to)
    urgency_lv = "steidzams" if urgent else "nav steidzams"
    urgency_en = "urgent" if urgent else "not urgent"
    message.set_content(
        f"Jauns pieteikums {reference} ({urgency_lv}).\n"
        f"Atveriet to portālā: {link}\n\n"
        f"New intake {reference} ({urgency_en}).\n"
        f"Open it in the portal: {link}\n"
    )
    return message


def send(smtp_url: str, message: EmailMessage, timeout: float = 15) -> None:
    """Blocking; call it in a thread from async code."""
    target = parse_smtp_url(smtp_url)
    if target.mode == "ssl":
        client = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(target.host, target.port, timeout=timeout)
    with client:
        if target.mode == "starttls":
            client.starttls(context=ssl.create_default_context())
        if target.username:
            client.login(target.username, target.password or "")
        client.send_message(message)
