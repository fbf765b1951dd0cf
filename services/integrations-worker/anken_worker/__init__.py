"""Anken integrations-worker: Slack, Confluence, Google Sheets, partner webhooks, scheduled jobs."""
