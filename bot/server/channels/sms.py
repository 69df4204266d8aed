"""SMS through Twilio at /webhooks/sms/webhook, answered with TwiML.

Instead of Rasa's stock Twilio channel, which stores the phone number as the
conversation id, checks no signature, fails with 500 on an empty body and
lists buttons with their payloads. Here:

- every request must carry a valid X-Twilio-Signature (403 otherwise; 503
  when the channel has no token, rather than accepting unsigned requests);
- the conversation id is an HMAC of the number (bot.sms.pseudonym); the number
  is never logged, stored or passed to Rasa, not even as metadata;
- a repeated MessageSid (Twilio retrying, or a captured request replayed) is
  answered with an empty TwiML and not processed again; a client address past
  its limit gets 429 before anything else is looked at;
- a campaign's keyword (UZ1, bot/data/content/campaigns.yml) sets that campaign and
  its first language for a new conversation;
- keywords (0, HELP, DELETE, LV ...) and numbered answers are resolved before
  Rasa sees the message; the reply goes back in the webhook response, so
  nothing is sent from the event loop;
- a message from Twilio that could not be handled (a store briefly down) before
  any reply was ready is answered with "cannot answer right now", ending with
  the hotline (in the default language: the conversation, which holds the
  person's language, is not read when it may be what failed), and may be
  processed again if Twilio retries it. Only a failure before the signature
  is known to be good still answers a bare 503 (Twilio's fallback URL, if set,
  answers instead): a forged request gets no text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Text
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.campaigns.registry import campaigns
from bot.server.channels.guard import client_address, error_place, temporarily_unavailable
from bot.server.channels.language_offer import answer_and_offer
from bot.server.channels.webhook import webhook_blueprint
from bot.server.limits import ReplayGuard, SlidingWindowLimit
from bot.settings import Settings, load_settings
from bot.sms.keywords import DELETE, DO_NOT_ANSWER, change_language, keyword_payload
from bot.sms.pseudonym import conversation_id, message_key
from bot.sms.render import choice_for, is_number_reply, previous_choices, render_turn
from bot.vocabulary import SMS

logger = logging.getLogger(__name__)

CHANNEL = SMS
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Twilio's Body is at most 1600 characters; percent-encoded, with the other
# fields, a genuine request stays well below this.
MAX_REQUEST_BYTES = 64 * 1024
MAX_MESSAGE_CHARS = 2000
MAX_FORM_FIELDS = 200
MAX_MESSAGE_SID_CHARS = 64
RATE_WINDOW_SECONDS = 600
# XML 1.0 cannot carry these, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class SmsConfig:
    auth_token: str = field(default="", repr=False)
    public_url: str = ""
    sender_key: str = field(default="", repr=False)
    max_segments: int = 8
    rate_limit: int = 20  # messages per conversation per RATE_WINDOW_SECONDS
    address_limit: int = 600  # requests per client address per address_window_seconds
    address_window_seconds: float = 60.0
    replay_window_seconds: float = 86400.0  # a MessageSid is processed once within this

    @property
    def ready(self) -> bool:
        return bool(self.auth_token and self.sender_key)


def sms_config(settings: Optional[Settings] = None) -> SmsConfig:
    settings = load_settings() if settings is None else settings
    return SmsConfig(
        auth_token=settings.twilio_auth_token.strip(),
        public_url=settings.sms_public_url.strip(),
        sender_key=settings.sender_key,
        max_segments=max(1, settings.sms_max_segments),
        rate_limit=max(1, settings.sms_rate_limit),
        address_limit=max(1, settings.sms_rate_limit_per_address),
        address_window_seconds=max(1.0, settings.rate_limit_window_seconds),
        replay_window_seconds=max(1.0, settings.sms_replay_window_seconds),
    )


@dataclass(frozen=True)
class Inbound:
    """A checked request: status 200 with the message, or the refusal."""

    status: int
    reason: str = ""
    phone: str = field(default="", repr=False)
    text: str = field(default="", repr=False)
    message_sid: str = field(default="", repr=False)

    @property
    def accepted(self) -> bool:
        return self.status == 200


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return ""


def parse_form(body: bytes) -> Dict[str, str]:
    """Form fields, the first value of each; blank values kept (Twilio signs them)."""
    fields: Dict[str, str] = {}
    pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def check_request(body: bytes, headers: Mapping[str, str], auth_token: str, url: str) -> Inbound:
    """Whether a webhook request came from Twilio and carries an SMS.

    The signature is checked before the fields, so a forged request learns
    nothing about what a valid one needs.
    """
    if not auth_token:
        return Inbound(503, "sms channel not configured")
    content_type = _header(headers, "content-type").split(";")[0].strip().lower()
    if content_type != FORM_CONTENT_TYPE:
        return Inbound(400, f"content type must be {FORM_CONTENT_TYPE}")
    if len(body or b"") > MAX_REQUEST_BYTES:
        return Inbound(400, "request too large")
    try:
        form = parse_form(body or b"")
    except (UnicodeDecodeError, ValueError):
        return Inbound(400, "malformed form body")
    signature = _header(headers, "x-twilio-signature")
    if not signature or not RequestValidator(auth_token).validate(url, form, signature):
        return Inbound(403, "invalid signature")
    phone, text = form.get("From", "").strip(), form.get("Body")
    if not phone:
        return Inbound(400, "missing From")
    if text is None:
        return Inbound(400, "missing Body")
    if len(text) > MAX_MESSAGE_CHARS:
        return Inbound(400, "Body too long")
    message_sid = form.get("MessageSid", "").strip()
    if not message_sid or len(message_sid) > MAX_MESSAGE_SID_CHARS:
        return Inbound(400, "missing MessageSid")
    return Inbound(200, phone=phone, text=text, message_sid=message_sid)


def twiml(*texts: str) -> str:
    """The webhook answer: one message per text, or an empty <Response/> for silence."""
    reply = MessagingResponse()
    for text in texts:
        text = _XML_INVALID.sub("", text or "")
        if text.strip():
            reply.message(text)
    return reply.to_xml()


class SmsOutput(CollectingOutputChannel):
    """Collects the turn's messages; named "sms" so that Rasa picks the
    `channel: sms` variations of responses."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL


class SmsInput(InputChannel):
    """The SMS channel, and the base of WhatsApp through Twilio (bot/server/channels/whatsapp.py),
    which differs only in the hooks below the blueprint: its name, its ids and its rendering."""

    channel: str = CHANNEL

    @classmethod
    def name(cls) -> Text:
        return cls.channel

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SmsInput":
        config = sms_config()
        if not config.ready:
            logger.warning("SMS channel: TWILIO_AUTH_TOKEN or SENDER_KEY missing; it answers 503")
        elif not config.public_url:
            logger.warning(
                "SMS channel: SMS_PUBLIC_URL missing; signatures checked against the request URL"
            )
        return cls(config)

    def __init__(self, config: SmsConfig, limit: Optional[SlidingWindowLimit] = None) -> None:
        self.config = config
        self.limit = limit or SlidingWindowLimit(config.rate_limit, RATE_WINDOW_SECONDS)
        self.address_limit = SlidingWindowLimit(config.address_limit, config.address_window_seconds)
        self.replays = ReplayGuard(config.replay_window_seconds)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        async def receive(request: Request) -> response.HTTPResponse:
            try:
                return await self._receive(request, on_new_message)
            except Exception as error:  # never a 500, and never the number in a log
                # Not known to come from Twilio (the signature may not have been checked):
                # no text for it.
                logger.error("sms webhook failed: %s", error_place(error))
                return response.text("temporarily unavailable", status=503)

        return webhook_blueprint(f"paligs_{self.channel}_webhook", receive)

    async def _receive(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> response.HTTPResponse:
        if not self.config.ready:
            return response.text(f"{self.channel} channel not configured", status=503)
        if not self.address_limit.allow(client_address(request)):
            logger.info("%s webhook: too many requests from one address", self.channel)
            return response.text("too many requests", status=429)
        inbound = self.check(request)
        if not inbound.accepted:
            logger.info("%s webhook refused a request: %s", self.channel, inbound.reason)
            return response.text(inbound.reason, status=inbound.status)

        replay_key = message_key(self.config.sender_key, inbound.message_sid)
        if not self.replays.first_time(replay_key):
            logger.info("%s webhook: a MessageSid seen before, not processed again", self.channel)
            return _xml()
        try:
            return await self._answer(request, inbound, on_new_message)
        except Exception as error:  # a request from Twilio: the person reads why there is no answer
            logger.error("%s message failed for a conversation: %s", self.channel, error_place(error))
            self.replays.forget(replay_key)  # not processed: Twilio's retry should be
            return _xml(temporarily_unavailable(None, self.channel))

    async def _answer(
        self, request: Request, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> response.HTTPResponse:
        sender_id = self.conversation_id(inbound.phone)
        text = inbound.text.strip()
        payload = keyword_payload(text) if text else None
        if not text or payload == DO_NOT_ANSWER:  # a picture without words, or an opt-out
            return _xml()
        # Erasing must work even for someone who has written a lot just now.
        if payload != DELETE and not self.limit.allow(sender_id):
            logger.info("%s rate limit reached for a conversation", self.channel)
            return _xml()
        metadata = {"channel": self.channel}
        campaign = campaigns().for_keyword(text)
        if campaign:  # "UZ1" from a poster: that campaign, in its first language
            metadata.update(src=campaign.code, lang=campaign.languages[0])
            text = change_language(campaign.languages[0])
        elif payload:
            text = payload
        elif is_number_reply(text):
            # The choices live in the tracker (the last bot turn's buttons), so
            # they survive restarts and need no store of their own.
            text = choice_for(text, await self._previous_choices(request, sender_id)) or text

        output = self.output()
        try:
            await answer_and_offer(
                on_new_message,
                UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata),
                request,
            )
        except Exception as error:
            if not output.messages:  # nothing to send: _receive answers "cannot answer right now"
                raise
            logger.error("%s message failed for a conversation after a reply: %s", self.channel, error_place(error))
        return _xml(*self.render(output.messages))

    # The hooks WhatsApp overrides.
    def check(self, request: Request) -> Inbound:
        return check_request(
            request.body, request.headers, self.config.auth_token, self.config.public_url or request.url
        )

    def conversation_id(self, phone: str) -> str:
        return conversation_id(self.config.sender_key, phone)

    def output(self) -> CollectingOutputChannel:
        return SmsOutput()

    def render(self, messages: List[Dict[str, Any]]) -> List[str]:
        """The turn as the messages of the TwiML answer: one SMS here, at most max_segments long."""
        return [render_turn(messages).fitted(self.config.max_segments).text]

    async def _previous_choices(self, request: Request, sender_id: str) -> Dict[str, str]:
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return {}
        try:
            tracker = await agent.tracker_store.retrieve(sender_id)
        except Exception as error:
            logger.error("%s could not read the previous reply: %s", self.channel, error_place(error))
            return {}
        return previous_choices(tracker.events) if tracker else {}


def _xml(*texts: str) -> response.HTTPResponse:
    return response.text(twiml(*texts), content_type="text/xml; charset=utf-8")
