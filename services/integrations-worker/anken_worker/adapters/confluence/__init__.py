"""adapters/confluence."""
