"""Log redaction: lines as Rasa writes them (structlog JSON with escapes, repr of
events), and the record factory on real loggers and handlers."""

import io
import json
import logging

import pytest

from bot.privacy import logs
from bot.privacy.logs import redact_log_text

SMS_ID = "sms-0123456789abcdef0123456789abcd12"  # 7+ decimal digits in a row, as hashes often have
MESSAGE_ID = "3f2a9b81-2345-4789-a123-456789012345"
CONFIDENCE, TIMESTAMP = 0.9814256947473244, 1764505423.1234567
ADDRESS = "<rasa.shared.core.events.DefinePrevUserUtteredFeaturization object at 0x7fadc1234567>"
KEPT = (SMS_ID, MESSAGE_ID, str(CONFIDENCE), str(TIMESTAMP), ADDRESS)


def structlog_line(text: str) -> str:
    """What Rasa's JSONRenderer prints for a parsed message (ensure_ascii escapes)."""
    return json.dumps({"event": "processor.message.parse", "parse_data_text": text, "sender_id": SMS_ID,
                       "message_id": MESSAGE_ID, "parse_data_intent": {"confidence": CONFIDENCE},
                       "timestamp": TIMESTAMP, "prediction_events": [ADDRESS], "level": "debug"})


@pytest.mark.parametrize(
    "line, raw, placeholder",
    [
        (structlog_line("мой номер +7 (912) 345-67-89"), "345-67-89", "[phone]"),
        (structlog_line("میرا نمبر ۰۳۰۰۱۲۳۴۵۶۷ ہے"), "۰۳۰۰۱۲۳۴۵۶۷", "[phone]"),
        (structlog_line("my boss took my passport AB1234567"), "AB1234567", "[passport]"),
        (structlog_line("пишите иван@почта.рф"), "иван@почта.рф", "[email]"),
        ("Received user message 'call 8-029-123-45-67' with intent 'ask_contacts'", "123-45-67", "[phone]"),
        (f"UserUttered(text: personas kods 123456-12345, sender: {SMS_ID})", "123456-12345", "[personal_code]"),
    ],
)
def test_log_lines_lose_personal_data_and_keep_identifiers(line, raw, placeholder):
    assert raw in line or raw.encode("unicode_escape").decode() in line  # the line really carried it
    redacted = redact_log_text(line)
    assert placeholder in redacted
    assert raw not in redacted and raw.encode("unicode_escape").decode() not in redacted
    for identifier in KEPT:
        assert (identifier in line) <= (identifier in redacted), identifier


def test_identifiers_survive_in_every_line():
    line = structlog_line("my number is +371 2000 1234")
    assert all(identifier in line for identifier in KEPT)  # the control: they are all there
    redacted = redact_log_text(line)
    assert all(identifier in redacted for identifier in KEPT) and "2000 1234" not in redacted
    # but a phone number is no identifier, however it is written
    for number in ("+371.20001234", "20001234.5", "8-029-123-45-67", "tel20001234"):
        assert "[phone]" in redact_log_text(f"text: {number}"), number


def test_non_ascii_is_read_back_but_surrogates_are_not():
    assert redact_log_text('"\\u043d\\u043e\\u043c\\u0435\\u0440"') == '"номер"'
    assert redact_log_text('"\\ud83d\\ude00 \\u0041"') == '"\\ud83d\\ude00 \\u0041"'


@pytest.fixture
def capture():
    """A logger that does not propagate, with a handler added after install() (as Sanic's are)."""
    saved = logging.getLogRecordFactory()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.privacy.capture")
    logger.propagate, logger.level = False, logging.DEBUG

    def attach():
        logger.addHandler(handler)

    yield logger, stream, attach
    logger.removeHandler(handler)
    logging.setLogRecordFactory(saved)


def log_everything(logger):
    logger.debug("Received user message '%s' with intent '%s'", "+371 2000 1234", "ask_contacts")
    try:
        raise ValueError("bad contact john.doe@mail.ru")
    except ValueError:
        logger.exception("handler failed for %s", "AB1234567")


def test_without_install_the_raw_values_reach_the_log(capture):
    """The positive control: the setup below would see a leak."""
    logger, stream, attach = capture
    attach()
    log_everything(logger)
    output = stream.getvalue()
    assert "2000 1234" in output and "john.doe@mail.ru" in output and "AB1234567" in output


def test_installed_every_record_is_redacted(capture):
    logger, stream, attach = capture
    logs.install()
    logs.install()  # twice: still one layer
    attach()
    log_everything(logger)
    output = stream.getvalue()
    assert "Received user message '[phone]' with intent 'ask_contacts'" in output
    assert "ValueError: bad contact [email]" in output and "handler failed for [passport]" in output
    assert "2000 1234" not in output and "john.doe" not in output and "AB1234567" not in output
    assert logging.getLogRecordFactory().redacts


def test_a_line_that_cannot_be_redacted_is_withheld_not_raised(capture, monkeypatch):
    logger, stream, attach = capture
    logs.install()
    attach()

    def broken(text):
        raise RuntimeError("redaction failed")

    monkeypatch.setattr(logs, "redact", broken)
    logger.warning("message from %s", "+371 2000 1234")  # must not raise into the caller
    output = stream.getvalue()
    assert logs.WITHHELD in output and "2000 1234" not in output
