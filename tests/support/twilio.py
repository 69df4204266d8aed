"""A local stand-in for Twilio: SMS and WhatsApp webhook requests as Twilio posts them, signed with
Twilio's own validator (Twilio's cloud cannot be reached from the tests)."""

import uuid
from typing import Dict, Optional
from urllib.parse import urlencode

import requests
from twilio.request_validator import RequestValidator

FORM = "application/x-www-form-urlencoded"
OUR_NUMBER = "+37120000000"


def post_sms(
    rasa_url: str,
    token: str,
    public_url: str,
    phone: str,
    body: str,
    sid: Optional[str] = None,
    signature: Optional[str] = "valid",
    content_type: str = FORM,
    headers: Optional[Dict[str, str]] = None,
    channel: str = "sms",
    to: str = OUR_NUMBER,
) -> requests.Response:
    """POST one SMS to the webhook. `signature`: "valid" (signed for `public_url`, the URL
    Twilio signs behind a proxy), None (unsigned) or a string sent as it is. Each message
    gets its own MessageSid unless `sid` is given (Twilio's retries repeat it). WhatsApp
    messages come the same way to /webhooks/whatsapp/webhook (channel="whatsapp"), from
    and to "whatsapp:+..." addresses."""
    params = {"From": phone, "To": to, "Body": body, "MessageSid": sid or "SM" + uuid.uuid4().hex}
    sent = {"Content-Type": content_type, **(headers or {})}
    if signature == "valid":
        sent["X-Twilio-Signature"] = RequestValidator(token).compute_signature(public_url, params)
    elif signature:
        sent["X-Twilio-Signature"] = signature
    return requests.post(f"{rasa_url}/webhooks/{channel}/webhook", data=urlencode(params), headers=sent, timeout=60)
