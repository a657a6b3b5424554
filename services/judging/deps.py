"""Dependencies of the judging routes, as Annotated types."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends

from shared.auth import Principal, Role
from shared.runtime import ServiceRuntime
from shared.web import require_roles

from .settings import JudgingSettings

Juror = Annotated[Principal, Depends(require_roles(Role.JUROR))]
Staff = Annotated[Principal, Depends(require_roles(Role.SECRETARIAT, Role.ORGANIZER))]
Organizer = Annotated[Principal, Depends(require_roles(Role.ORGANIZER))]


def judging_settings(runtime: ServiceRuntime) -> JudgingSettings:
    return cast(JudgingSettings, runtime.settings)
