"""Delivery actions: what each kind of delivery does, made idempotent. Importing this package
registers every handler with deliveries.executor."""

from anken_worker.actions import confluence, sheets, slack, webhooks, weekly_report

__all__ = ["confluence", "sheets", "slack", "webhooks", "weekly_report"]
