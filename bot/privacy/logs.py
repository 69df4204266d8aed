"""Every log record of a process redacted as it is created (bot.privacy.redaction).

A record factory rather than a handler filter: Rasa and Sanic add handlers after
our code is loaded, and some loggers do not propagate to the root; the factory
sees every record of every logger. Log lines carry no sign of whose text they
quote, so the whole line is redacted, bot texts included; conversation ids,
message ids, hashes, object addresses and long decimals (confidences, timestamps)
are left alone so that operators can follow a conversation. Rasa's structlog lines are JSON with non-ASCII escaped
(\\u0434); those escapes are read back first, or a number in Arabic-Indic
digits would pass unseen.
"""

from __future__ import annotations

import logging
import re

from bot.privacy.redaction import redact

WITHHELD = "[log line withheld: it could not be redacted]"
ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")
IDENTIFIER = re.compile(
    r"(?<![0-9A-Za-z+.])(?:"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # message ids
    r"|(?=[0-9a-f]*[a-f])[0-9a-f]{12,}"  # conversation ids, hashes
    r"|0x[0-9a-fA-F]+"  # object addresses in reprs
    r"|\d+\.\d{5,}(?:e-?\d+)?"  # confidences, timestamps
    r")(?![0-9A-Za-z.])"
)


def _unescaped(match: re.Match) -> str:
    code = int(match.group(1), 16)
    return chr(code) if code >= 0x80 and not 0xD800 <= code <= 0xDFFF else match.group()


def redact_log_text(text: str) -> str:
    """A log line with personal data replaced; identifiers between the pieces kept."""
    text = ESCAPED.sub(_unescaped, text)
    pieces, last = [], 0
    for match in IDENTIFIER.finditer(text):
        pieces += [redact(text[last: match.start()]), match.group()]
        last = match.end()
    pieces.append(redact(text[last:]))
    return "".join(pieces)


def redact_record(record: logging.LogRecord) -> None:
    """Message, arguments, traceback and stack of `record`, redacted in place."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep what can be shown of it, redacted
        message = f"{record.msg!s} {record.args!s}"
    record.msg, record.args = redact_log_text(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact_log_text(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact_log_text(record.stack_info)


def install() -> None:
    """Make every record of this process redacted from now on (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            redact_record(record)
        except Exception:  # logging must never fail a person's message, nor leak the line
            record.msg, record.args, record.exc_info, record.exc_text = WITHHELD, None, None, None
        return record

    factory.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
