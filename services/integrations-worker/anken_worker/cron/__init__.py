"""Scheduled jobs: end-of-day reports, pace check, weekly forecast snapshot, sheet status pull."""
