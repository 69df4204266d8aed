"""The intake API the assistant (or any sender holding INTAKE_SECRET) calls.

POST /api/intakes                      store an intake once (201 new, 200 repeat)
POST /api/intakes/<reference>/withdraw the person withdrew: status withdrawn, contact erased;
                                       the body names the reference again: {"reference": "..."}
POST /api/funnel                       anonymous weekly campaign counts (funnel.py): the largest kept

All are signed (signing.py) over timestamp, method, path and body, and each
signature is accepted once. The protocol is documented in portal/README.md.
"""

from __future__ import annotations

import json as jsonlib
import re

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, json

from portal import audit, funnel, intakes, signing
from portal.jobs import notify_new, spawn
from portal.validation import REFERENCE, ValidationError, validate_intake

bp = Blueprint("api", url_prefix="/api")
_JSON = re.compile(r"^application/json\s*(;\s*charset=utf-8\s*)?$", re.IGNORECASE)


def _problem(status: int, error: str, **extra) -> HTTPResponse:
    return json({"error": error, **extra}, status=status)


async def _check(request: Request, max_bytes: int | None = None) -> HTTPResponse | None:
    """Size, then the signature (once only); returns an error response or None."""
    settings = request.app.ctx.settings
    body = request.body or b""
    limit = max_bytes or settings.max_body_bytes
    if len(body) > limit:
        return _problem(413, "body too large", limit=limit)
    timestamp = request.headers.get(signing.TIMESTAMP_HEADER)
    path = request.path + (f"?{request.query_string}" if request.query_string else "")
    try:
        digest = signing.verify(settings.intake_secret, timestamp, request.headers.get(signing.SIGNATURE_HEADER),
                                request.method, path, body, settings.max_clock_skew_seconds)
        async with request.app.ctx.sessions.begin() as session:
            await signing.remember(session, digest, timestamp, settings.max_clock_skew_seconds)
    except signing.SignatureError as error:
        return _problem(401, "unauthorised", reason=str(error))
    return None


def _json_body(request: Request) -> tuple[object, HTTPResponse | None]:
    if not _JSON.match(request.headers.get("content-type", "")):
        return None, _problem(415, "unsupported media type", reason="send application/json (UTF-8)")
    try:
        return jsonlib.loads(request.body.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError, RecursionError):  # nested too deep: not an intake either
        return None, _problem(400, "malformed JSON")


@bp.post("/intakes")
async def receive(request: Request):
    refused = await _check(request)
    if refused:
        return refused
    payload, refused = _json_body(request)
    if refused:
        return refused
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
    refused = await _check(request)
    if refused:
        return refused
    payload, refused = _json_body(request)
    if refused:
        return refused
    # The body names what it withdraws, so the signed request means one reference only.
    if not isinstance(payload, dict) or payload.get("reference") != reference:
        return _problem(422, "invalid withdrawal", reason="the body must name the reference of the path")
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


@bp.post("/funnel")
async def receive_funnel(request: Request):
    refused = await _check(request, funnel.MAX_BODY_BYTES)
    if refused:
        return refused
    payload, refused = _json_body(request)
    if refused:
        return refused
    try:
        counts = funnel.validate_push(payload)
    except ValidationError as error:
        return _problem(422, "invalid funnel counts", problems=error.problems)
    async with request.app.ctx.sessions.begin() as session:
        await funnel.store(session, counts)
    return json({"stored": len(counts)})
