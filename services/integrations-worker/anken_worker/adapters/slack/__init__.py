"""adapters/slack."""
