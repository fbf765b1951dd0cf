"""Slack Web API emulation under /slack/api/<method>."""
