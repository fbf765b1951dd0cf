"""What the worker knows about projects, people and members (from events), and the links it made."""
