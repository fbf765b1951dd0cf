"""Which pace alerts a Slack interaction may acknowledge: those the worker posted for the project
linked to the channel the button was pressed in, or into that very channel (the director's direct
message, where alert buttons are posted). An alert id arriving from any other channel is not acted on,
so nobody acknowledges another project's alert by sending its id."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_worker.kit.tables import deliveries as d
from anken_worker.projects_state import repository as projects

ALERT_ACTION = "slack.notify_director"


def interaction_channel(payload: dict[str, Any]) -> str:
    """The channel a block action came from (Slack sends `channel.id`, and `container.channel_id`)."""
    for key, field in (("channel", "id"), ("container", "channel_id")):
        part = payload.get(key)
        if isinstance(part, dict) and isinstance(part.get(field), str) and part[field]:
            return cast("str", part[field])
    return ""


async def alert_posted_for_channel(conn: AsyncConnection, alert_id: str, channel_id: str) -> bool:
    if not channel_id:
        return False
    carries_alert = sa.and_(d.c.integration == "slack", d.c.action == ALERT_ACTION, d.c.payload.contains(
        {"blocks": [{"elements": [{"action_id": "ack_alert", "value": alert_id}]}]}))
    project = await projects.by_channel(conn, channel_id)
    # Two lookups, each on its own index (ix_deliveries_project, ix_deliveries_alert_target).
    places = [d.c.target == channel_id]
    if project is not None:
        places.insert(0, d.c.project_id == project["project_id"])
    for posted in places:
        if (await conn.execute(sa.select(sa.literal(1)).where(posted, carries_alert).limit(1))).first():
            return True
    return False
