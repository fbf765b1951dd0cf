"""Integration settings per client or project (tokens encrypted at rest)."""
