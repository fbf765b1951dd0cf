"""Small shared pieces of the worker: encryption, Redis locks and pacing, table definitions."""
