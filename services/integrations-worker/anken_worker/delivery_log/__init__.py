"""The delivery log API: list deliveries, redrive dead letters."""
