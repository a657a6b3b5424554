"""Notify: every message a contest needs (e-mail now; Zalo ZNS and webhooks), exactly once per
event, recipient and channel, with a delivery log."""
