"""WhatsApp through Twilio at /webhooks/whatsapp/webhook, answered with TwiML.

Twilio posts WhatsApp messages exactly as it posts SMS (form fields, signed with
X-Twilio-Signature, From = "whatsapp:+371..."), so this is the SMS channel
(bot/server/channels/sms.py: signature check, replay guard, rate limits,
keywords, numbered answers, "cannot answer right now") with three differences:

- conversation ids are `wa-` + an HMAC of the number under SENDER_KEY, a
  namespace of their own, so an SMS and a WhatsApp conversation never mix;
- the reply is the web chat's full text, buttons as a numbered list, in as many
  messages of at most 1,600 characters as it needs (bot/whatsapp/render.py);
- a request whose From is not a WhatsApp address, or (when
  TWILIO_WHATSAPP_NUMBER is set) that was not sent to our number, is refused.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel
from sanic.request import Request

from bot.server.channels.sms import Inbound, SmsConfig, SmsInput, parse_form, sms_config
from bot.settings import Settings, load_settings
from bot.sms.pseudonym import WHATSAPP_ADDRESS, normalise_number, whatsapp_conversation_id
from bot.vocabulary import WHATSAPP
from bot.whatsapp.render import render_turn

logger = logging.getLogger(__name__)


class WhatsAppOutput(CollectingOutputChannel):
    """Named "whatsapp" so that Rasa picks the `channel: whatsapp` variations of responses."""

    @classmethod
    def name(cls) -> Text:
        return WHATSAPP


class WhatsAppInput(SmsInput):
    channel = WHATSAPP

    def __init__(self, config: SmsConfig, our_number: str = "", **kwargs: Any) -> None:
        super().__init__(config, **kwargs)
        self.our_number = normalise_number(our_number.removeprefix(WHATSAPP_ADDRESS)) if our_number else ""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WhatsAppInput":
        settings = load_settings()
        config = whatsapp_config(settings)
        if not config.ready:
            logger.warning("WhatsApp channel: TWILIO_AUTH_TOKEN or SENDER_KEY missing; it answers 503")
        elif not config.public_url:
            logger.warning("WhatsApp channel: WHATSAPP_PUBLIC_URL missing; signatures checked against the request URL")
        return cls(config, our_number=settings.twilio_whatsapp_number.strip())

    def check(self, request: Request) -> Inbound:
        inbound = super().check(request)
        if not inbound.accepted:
            return inbound
        if not inbound.phone.startswith(WHATSAPP_ADDRESS):
            return Inbound(400, "From is not a WhatsApp address")
        if self.our_number:
            to = parse_form(request.body).get("To", "")
            if normalise_number(to.removeprefix(WHATSAPP_ADDRESS)) != self.our_number:
                return Inbound(400, "not sent to this channel's number")
        return inbound

    def conversation_id(self, phone: str) -> str:
        return whatsapp_conversation_id(self.config.sender_key, phone)

    def output(self) -> CollectingOutputChannel:
        return WhatsAppOutput()

    def render(self, messages: List[Dict[str, Any]]) -> List[str]:
        return render_turn(messages)


def whatsapp_config(settings: Optional[Settings] = None) -> SmsConfig:
    """The SMS settings (token, key, limits) with WhatsApp's public URL."""
    settings = load_settings() if settings is None else settings
    return replace(sms_config(settings), public_url=settings.whatsapp_public_url.strip())
