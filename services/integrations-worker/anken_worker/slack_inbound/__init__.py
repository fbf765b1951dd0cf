"""Requests from Slack: the /anken slash command and interactive buttons."""
