"""A partner's webhook receiver that verifies Standard Webhooks signatures."""
