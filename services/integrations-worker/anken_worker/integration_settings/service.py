"""Saving integration settings: one row per (integration, client, project), secret sealed."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from anken_common.outbound_guard import OutboundPolicy, OutboundRefused
from anken_common.problems import UnprocessableEntity
from anken_worker.connectors import stored as repo
from anken_worker.connectors.secret_hosts import (
    URL_FIELDS,
    EnvironmentUrls,
    changed_host_fields,
    custom_host_fields,
    field_url,
)
from anken_worker.integration_settings.schemas import IntegrationSettingsIn
from anken_worker.kit.secret_box import SecretBox

HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")
SECRET_KEYS = ("token", "secret", "password", "private_key", "api_key")


def to_out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "client_id": row["client_id"], "project_id": row["project_id"],
            "integration": row["integration"], "config": row["config"] or {},
            "has_secret": bool(row.get("secret_encrypted")), "enabled": row["enabled"], "updated_at": row["updated_at"]}


def _check(body: IntegrationSettingsIn) -> None:
    for key in body.config:
        if key in URL_FIELDS[body.integration]:
            continue  # `token_url` names where tokens come from; it holds none
        if any(word in key.lower() for word in SECRET_KEYS):
            raise UnprocessableEntity(f"config.{key}", "secrets go in `secret`, which is stored encrypted")
    if body.integration == "sheets" and body.secret:
        try:
            data = json.loads(body.secret)
            assert data["client_email"] and data["private_key"]
        except (ValueError, KeyError, TypeError, AssertionError):
            raise UnprocessableEntity("secret", "a Google service-account JSON key with client_email and private_key") from None
    if body.integration == "slack" and body.secret and not body.secret.startswith("xox"):
        raise UnprocessableEntity("secret", "a Slack bot token (xoxb-…)")


async def _check_urls(body: IntegrationSettingsIn, policy: OutboundPolicy) -> None:
    """Every URL the config names passes the outbound guard (resolved now; checked again at connect)."""
    for field in URL_FIELDS[body.integration]:
        value = body.config.get(field)
        if value is None or value == "":
            continue  # unset: the integration's own default (or the sandbox) is used, as elsewhere
        if field == "site" and not (isinstance(value, str) and HOST_NAME.fullmatch(value.strip())):
            raise UnprocessableEntity("config.site", "a host name such as yourco.atlassian.net")
        if not isinstance(value, str):
            raise UnprocessableEntity(f"config.{field}", "must be a URL")
        try:
            await policy.check_url(field_url(body.integration, field, body.config) or "")
        except OutboundRefused as exc:
            raise UnprocessableEntity(f"config.{field}", exc.reason) from None


def _check_secret_binding(body: IntegrationSettingsIn, existing: dict[str, Any] | None) -> None:
    """A stored secret never travels to a host other than the one it was entered for."""
    if body.secret or not existing or not existing.get("secret_encrypted"):
        return
    moved = changed_host_fields(body.integration, existing.get("config") or {}, body.config)
    if moved:
        raise UnprocessableEntity(f"config.{moved[0]}", "the host changed: enter the secret again for the new host "
                                                        "(the stored one stays bound to the old host)")


def _check_own_secret(body: IntegrationSettingsIn, existing: dict[str, Any] | None, env: EnvironmentUrls) -> None:
    """A row naming its own host carries its own secret: the deployment's credentials are never sent
    to a host typed into a settings row (the connectors refuse that at send time too)."""
    if body.secret or (existing and existing.get("secret_encrypted")):
        return  # a stored secret is bound to its host by _check_secret_binding
    custom = custom_host_fields(body.integration, body.config, env)
    if custom:
        raise UnprocessableEntity("secret", f"config.{custom[0]} names a host of its own: enter the credentials "
                                            "for it (the deployment's own are only sent to its own hosts)")


async def save(conn: AsyncConnection, box: SecretBox, body: IntegrationSettingsIn, policy: OutboundPolicy,
               env: EnvironmentUrls) -> dict[str, Any]:
    """Create or replace the settings of a scope; an omitted secret keeps the stored one, as long as
    the origins it is sent to stay the same."""
    _check(body)
    await _check_urls(body, policy)
    existing = await repo.find_scope(conn, body.integration, body.client_id, body.project_id)
    _check_secret_binding(body, existing)
    _check_own_secret(body, existing, env)
    values: dict[str, Any] = {"config": body.config, "enabled": body.enabled}
    if body.secret:
        values["secret_encrypted"] = box.seal(body.secret)
    if existing:
        await repo.update(conn, existing["id"], values)
        settings_id = existing["id"]
    else:
        settings_id = uuid.uuid4()
        await repo.insert(conn, {"id": settings_id, "client_id": body.client_id, "project_id": body.project_id,
                                 "integration": body.integration, **values})
    saved = await repo.get(conn, settings_id)
    if saved is None:  # written above in this transaction
        raise RuntimeError(f"integration settings {settings_id} vanished")
    return saved
