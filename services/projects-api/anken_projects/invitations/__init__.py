"""Invitations of client users: a one-time link (72 h) to set a password and become active."""
