"""adapters/sheets."""
