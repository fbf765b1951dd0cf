"""Who may call the worker API."""
