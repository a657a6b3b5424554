"""The HTTP surface every service shares: health, readiness, metrics, AsyncAPI, correlation."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from html import escape
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from faststream.specification.asyncapi.site import get_asyncapi_html
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from shared.auth import TOKEN_COOKIE, InvalidToken, Principal, Role
from shared.bus.asyncapi import asyncapi_specification
from shared.correlation import CORRELATION_HEADER, correlation_scope
from shared.errors import ApiError
from shared.logs import get_logger
from shared.runtime import ServiceRuntime

log = get_logger("lantoa.http")

SIGN_IN_REQUIRED = "Bạn cần đăng nhập. / Sign-in required."
FORBIDDEN = "Bạn không có quyền thực hiện việc này. / You are not allowed to do this."
INVALID_REQUEST = "Dữ liệu gửi lên không hợp lệ. / The request data is invalid."


def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[ServiceRuntime, Depends(get_runtime)]


def _token_from(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(TOKEN_COOKIE)


def current_principal(request: Request, runtime: Runtime) -> Principal:
    token = _token_from(request)
    if not token:
        raise HTTPException(401, SIGN_IN_REQUIRED, headers={"WWW-Authenticate": "Bearer"})
    try:
        return runtime.verifier.verify(token)
    except InvalidToken as error:
        raise HTTPException(
            401, SIGN_IN_REQUIRED, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        ) from error


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """Dependency: the caller must hold one of ``roles``."""

    def check(principal: CurrentUser) -> Principal:
        if not principal.has_any(*roles):
            raise HTTPException(403, FORBIDDEN)
        return principal

    return check


def build_app(runtime: ServiceRuntime, routers: Sequence[APIRouter] = ()) -> FastAPI:
    definition = runtime.definition

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(
        title=definition.title,
        description=definition.description,
        version=definition.version,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.middleware("http")(_same_site_only)
    app.middleware("http")(_observe(runtime))
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ApiError, _api_error)
    app.include_router(_operations_router(runtime))
    for router in routers:
        app.include_router(router)
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        app.add_api_route("/", _home_page(runtime), include_in_schema=False)
    return app


def _home_page(runtime: ServiceRuntime) -> Callable[[], Awaitable[HTMLResponse]]:
    """A plain page for services whose own pages are elsewhere: what it is, where its docs are."""
    definition = runtime.definition
    page = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(definition.title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;
color:#1d2430;line-height:1.5}}a{{color:#8a1c1c}}</style></head>
<body><h1>{escape(definition.title)}</h1><p>{escape(definition.description)}</p>
<ul><li><a href="/docs">API (OpenAPI)</a></li>
<li><a href="/asyncapi">Sự kiện / events (AsyncAPI)</a></li>
<li><a href="/readyz">Tình trạng / readiness</a></li><li><a href="/metrics">Metrics</a></li></ul>
</body></html>"""

    async def home() -> HTMLResponse:
        return HTMLResponse(page)

    return home


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE = (
    "Yêu cầu bị từ chối vì không được gửi từ trang của Lan Toả. "
    "/ Refused: the request did not come from this site."
)


async def _same_site_only(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """A change made with the sign-in cookie must come from a page of this same site: the
    browser's Origin (or Referer) names the host it came from. Bearer tokens are not sent by
    browsers on their own, so requests without the cookie are not at risk."""
    if request.method in UNSAFE_METHODS and TOKEN_COOKIE in request.cookies:
        source = request.headers.get("origin") or request.headers.get("referer") or ""
        if not source or urlsplit(source).netloc != request.headers.get("host"):
            return JSONResponse({"detail": CROSS_SITE}, status_code=403)
    return await call_next(request)


def _observe(
    runtime: ServiceRuntime,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def middleware(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        with correlation_scope(request.headers.get(CORRELATION_HEADER)) as cid:
            response = await call_next(request)
            route = request.scope.get("route")
            template = getattr(route, "path", "unmatched")
            elapsed = time.perf_counter() - started
            runtime.metrics.http_requests.labels(
                request.method, template, str(response.status_code)
            ).inc()
            runtime.metrics.http_latency.labels(request.method, template).observe(elapsed)
            response.headers[CORRELATION_HEADER] = cid
            if template not in ("/healthz", "/readyz", "/metrics"):
                log.info(
                    "http request",
                    method=request.method,
                    path=request.url.path,
                    status=response.status_code,
                    ms=round(elapsed * 1000, 1),
                )
        return response

    return middleware


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return JSONResponse(
        status_code=422,
        content={
            "detail": INVALID_REQUEST,
            "errors": json.loads(json.dumps(error.errors(), default=str)),
        },
    )


async def _api_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return JSONResponse(status_code=error.status, content=error.body())


def _operations_router(runtime: ServiceRuntime) -> APIRouter:
    router = APIRouter(tags=["operations"])
    specification = asyncapi_specification(runtime.definition)
    document: dict[str, Any] = json.loads(specification.to_json())
    page = get_asyncapi_html(specification)

    @router.get("/healthz", summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "alive", "service": runtime.name}

    @router.get("/readyz", summary="Ready: database, bus and storage reachable")
    async def readyz() -> JSONResponse:
        checks = await runtime.readiness()
        ready = all(value == "ok" for value in checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @router.get("/asyncapi.json", summary="AsyncAPI document of this service's events")
    async def asyncapi_json() -> JSONResponse:
        return JSONResponse(document)

    @router.get("/asyncapi", summary="AsyncAPI page", include_in_schema=False)
    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(page)

    return router
