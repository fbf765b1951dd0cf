"""How arq jobs and their results are stored in Redis: MessagePack (msgspec), never pickle.

arq pickles by default, and unpickling runs code: anyone who can write to the Redis the worker
reads (a shared instance, a leaked password) would run code in the worker. A job here carries only
strings and lists, which MessagePack holds as data; anything else in a result is stored as its text.
"""

from __future__ import annotations

from typing import Any

from msgspec import msgpack

_ENCODER = msgpack.Encoder(enc_hook=str)


def job_serializer(data: dict[str, Any]) -> bytes:
    return _ENCODER.encode(data)


def job_deserializer(data: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = msgpack.decode(data)
    return decoded


ARQ_SERIALIZERS: dict[str, Any] = {"job_serializer": job_serializer, "job_deserializer": job_deserializer}
