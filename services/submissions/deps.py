"""Dependencies of the submissions routes, as Annotated types."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends

from shared.auth import Principal, Role
from shared.runtime import ServiceRuntime
from shared.web import require_roles

from .settings import SubmissionsSettings

Contestant = Annotated[Principal, Depends(require_roles(Role.CONTESTANT))]
Secretariat = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT, Role.ORGANIZER))]
Organizer = Annotated[Principal, Depends(require_roles(Role.ORGANIZER))]


def submissions_settings(runtime: ServiceRuntime) -> SubmissionsSettings:
    return cast(SubmissionsSettings, runtime.settings)
