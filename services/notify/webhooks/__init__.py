"""Webhooks an organizer registers: the API, and planning a delivery per webhook and event."""

from .routes import router
from .service import plan_webhooks

__all__ = ["plan_webhooks", "router"]
