"""The integration sandbox: a real HTTP server emulating Slack, Confluence, Google Sheets, Google OAuth
and a partner webhook receiver, with fault injection. Self-contained: imports only anken_common."""
