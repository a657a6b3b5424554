"""The loudspeaker bulletin manifest's JSON Schema, public: the provincial source-information
system (or whoever takes our packages) checks manifests against it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from .package import load_schema

router = APIRouter(tags=["loudspeaker bulletins"])


@router.get(
    "/bulletins/manifest.schema.json",
    summary="JSON Schema of a loudspeaker bulletin's manifest.json",
    response_class=JSONResponse,
)
async def manifest_schema() -> JSONResponse:
    schema: dict[str, Any] = load_schema()
    return JSONResponse(
        schema,
        media_type="application/schema+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )
