"""The one error a use case raises to answer its caller: an HTTP status, a message in Vietnamese
and English, and, where several things are wrong, each of them."""

from __future__ import annotations

from collections.abc import Sequence


class ApiError(Exception):
    def __init__(self, status: int, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = list(problems)

    def body(self) -> dict[str, object]:
        if self.problems:
            return {"detail": {"message": self.message, "problems": self.problems}}
        return {"detail": self.message}
