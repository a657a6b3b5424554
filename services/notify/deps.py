"""Dependencies of notify's routes, as Annotated types."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends

from shared.auth import Principal, Role
from shared.runtime import ServiceRuntime
from shared.web import require_roles

from .settings import NotifySettings

Organizer = Annotated[Principal, Depends(require_roles(Role.ORGANIZER))]
Operator = Annotated[Principal, Depends(require_roles(Role.OPERATOR))]
Staff = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.ORGANIZER))]
SignedIn = Annotated[
    Principal,
    Depends(
        require_roles(Role.CONTESTANT, Role.JUROR, Role.SECRETARIAT, Role.ORGANIZER, Role.OPERATOR)
    ),
]


def notify_settings(runtime: ServiceRuntime) -> NotifySettings:
    return cast(NotifySettings, runtime.settings)
