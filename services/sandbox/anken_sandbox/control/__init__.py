"""The sandbox's own API under /_sandbox/: reset, config, faults, request log and what each vendor received."""
