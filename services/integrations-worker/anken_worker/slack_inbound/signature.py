"""Slack request signing: v0 HMAC-SHA256 over "v0:{timestamp}:{raw body}" with the app's signing
secret, accepted within five minutes of the request's timestamp, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import time

MAX_AGE_S = 300


class BadSignature(Exception):
    pass


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str | None, signature: str | None, body: bytes, now: float | None = None) -> None:
    if not timestamp or not signature:
        raise BadSignature("missing X-Slack-Request-Timestamp or X-Slack-Signature")
    try:
        ts = int(timestamp)
    except ValueError:
        raise BadSignature("timestamp is not a number") from None
    if abs((now or time.time()) - ts) > MAX_AGE_S:
        raise BadSignature("timestamp outside the five-minute window (replay?)")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise BadSignature("signature does not match")
