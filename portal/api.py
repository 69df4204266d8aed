"""The intake API the assistant (or any sender holding INTAKE_SECRET) calls.

POST /api/intakes                      store an intake once (201 new, 200 repeat)
POST /api/intakes/<reference>/withdraw the person withdrew: status withdrawn, contact erased

Both are signed (signing.py). The protocol is documented in portal/README.md.
"""

from __future__ import annotations

import json as jsonlib
import re

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from portal import audit, intakes, signing
from portal.jobs import notify_new, spawn
from portal.validation import REFERENCE, ValidationError, validate_intake

bp = Blueprint("api", url_prefix="/api")
_JSON = re.compile(r"^application/json\s*(;\s*charset=utf-8\s*)?$", re.IGNORECASE)


def _problem(status: int, error: str, **extra) -> HTTPResponse:
    return json({"error": error, **extra}, status=status)


def _check(request: Request) -> HTTPResponse | None:
    """Signature, size and content type; returns an error response or None."""
    settings = request.app.ctx.settings
    body = request.body or b""
    if len(body) > settings.max_body_bytes:
        return _problem(413, "body too large", limit=settings.max_body_bytes)
    try:
        signing.verify(
            settings.intake_secret,
            request.headers.get(signing.TIMESTAMP_HEADER),
            request.headers.get(signing.SIGNATURE_HEADER),
            body,
            settings.max_clock_skew_seconds,
        )
    except signing.SignatureError as error:
        return _problem(401, "unauthorised", reason=str(error))
    return None


@bp.post("/intakes")
async def receive(request: Request):
    refused = _check(request)
    if refused:
        return refused
    if not _JSON.match(request.headers.get("content-type", "")):
        return _problem(415, "unsupported media type", reason="send application/json (UTF-8)")
    try:
        payload = jsonlib.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested too deep: not an intake either
        return _problem(400, "malformed JSON")
    try:
        clean = validate_intake(payload)
    except ValidationError as error:
        return _problem(422, "invalid intake", problems=error.problems)

    async with request.app.ctx.sessions.begin() as session:
        try:
            result = await intakes.store(session, request.app.ctx.ring, clean)
        except intakes.Conflict as error:
            return _problem(409, "conflict", reason=str(error))
        intake = result.intake
        if result.created:
            audit.record(session, "receive", "assistant", provider=intake.provider, reference=intake.reference,
                         urgent=intake.urgent)
    if result.created:
        spawn(request.app, notify_new(request.app, intake.reference))
    return json(
        {"reference": intake.reference, "id": intake.id, "status": intake.status, "created": result.created},
        status=201 if result.created else 200,
    )


@bp.post("/intakes/<reference:str>/withdraw")
async def withdraw(request: Request, reference: str):
    refused = _check(request)
    if refused:
        return refused
    if not REFERENCE.fullmatch(reference):
        return _problem(404, "not found")
    async with request.app.ctx.sessions.begin() as session:
        intake = await intakes.by_reference(session, reference)
        if intake is None:
            return _problem(404, "not found")
        changed = await intakes.withdraw(session, intake)
        if changed:
            audit.record(session, "withdraw", "assistant", provider=intake.provider, reference=reference)
    return json({"reference": reference, "status": "withdrawn", "changed": changed})
