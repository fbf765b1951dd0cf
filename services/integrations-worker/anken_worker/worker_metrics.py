"""The worker's Prometheus counters, on the shared registry served at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from anken_common.metrics import REGISTRY

DELIVERY_ATTEMPTS = Counter(
    "anken_worker_delivery_attempts_total", "External calls attempted, by outcome",
    ["integration", "action", "outcome"], registry=REGISTRY,
)
DELIVERY_LATENCY = Histogram(
    "anken_worker_delivery_seconds", "From a delivery being recorded to its success",
    ["integration"], buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300), registry=REGISTRY,
)
EVENTS_HANDLED = Counter("anken_worker_events_total", "Events consumed, by type", ["type"], registry=REGISTRY)
UNKNOWN_EVENTS = Counter(
    "anken_worker_unknown_events_total", "Events of a type this worker does not know (ignored)", ["type"],
    registry=REGISTRY,
)
MALFORMED_EVENTS = Counter(
    "anken_worker_malformed_events_total", "Events whose payload does not match the contract (dead-lettered)",
    ["type"], registry=REGISTRY,
)
EVENT_LOOP_LAG = Histogram(
    "anken_worker_event_loop_lag_seconds",
    "How late a timer fires on the main process's event loop (a busy loop delays every delivery step)",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5), registry=REGISTRY,
)
