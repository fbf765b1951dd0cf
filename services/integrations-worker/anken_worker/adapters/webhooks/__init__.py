"""adapters/webhooks."""
