"""Notification rules without I/O: rendering, retry timing, which failures are final."""
