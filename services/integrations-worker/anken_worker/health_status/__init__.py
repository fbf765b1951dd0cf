"""Integration health: a permanently failing integration is marked unhealthy and its director told once."""
