"""The events a partner may subscribe a webhook to live once (anken_common.events.PARTNER_WEBHOOK_EVENTS).

The worker's request schema spells them as a Literal (for validation and the OpenAPI enum), and the web
offers them as checkboxes with labels: both must equal the one list, and each must have a label.
"""

from __future__ import annotations

from typing import get_args

from anken_common.events import PARTNER_WEBHOOK_EVENTS, EventType
from anken_web.vocabulary import VALUES, WEBHOOK_EVENTS
from anken_worker.webhook_endpoints.schemas import WebhookEvent


def test_the_worker_validates_exactly_the_partner_events() -> None:
    assert list(get_args(WebhookEvent)) == [str(event) for event in PARTNER_WEBHOOK_EVENTS]


def test_the_web_offers_exactly_the_partner_events_each_with_a_label() -> None:
    assert list(WEBHOOK_EVENTS) == [str(event) for event in PARTNER_WEBHOOK_EVENTS]
    assert all(event in VALUES for event in WEBHOOK_EVENTS)


def test_every_partner_event_is_an_event_anken_emits() -> None:
    assert set(PARTNER_WEBHOOK_EVENTS) <= set(EventType)
