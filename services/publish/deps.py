"""Dependencies of publish's routes, as Annotated types."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends

from shared.auth import Principal, Role
from shared.runtime import ServiceRuntime
from shared.web import require_roles

from .settings import PublishSettings

Organizer = Annotated[Principal, Depends(require_roles(Role.ORGANIZER))]
Staff = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.ORGANIZER))]


def publish_settings(runtime: ServiceRuntime) -> PublishSettings:
    return cast(PublishSettings, runtime.settings)
