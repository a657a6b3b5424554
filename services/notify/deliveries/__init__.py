"""The delivery log: search what was sent to whom, see each attempt, resend a failed one."""

from .routes import router

__all__ = ["router"]
