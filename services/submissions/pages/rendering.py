"""Rendering the submissions pages: the shared page kit (``shared.pages.rendering``) with this
service's templates, catalogue, filters and labels, the role checks of its pages, and where
each person lands after signing in."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from jinja2 import pass_context
from jinja2.runtime import Context

from shared.auth import Principal, Role
from shared.contracts.submissions import MediaKind
from shared.pages.i18n import Translator
from shared.pages.rendering import PageKit, capitalised, gettext_of, lang_of, signed_in

from ..domain.formatting import (
    KIND_NAMES,
    LANGUAGE_NAMES,
    duration_en,
    format_duration,
    format_size,
)
from .forms import field_label
from .i18n import (
    ACTION_LABELS,
    CATALOGUES,
    DISTRICTS,
    FILE_ROLE_LABELS,
    FILE_STATUS_LABELS,
    PHASE_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# --- filters of these pages ------------------------------------------------------------------


@pass_context
def size(context: Context, n: int) -> str:
    """``1,5 GiB`` (a decimal point in English)."""
    return format_size(n, "." if lang_of(context) == "en" else ",")


@pass_context
def duration(context: Context, seconds: float) -> str:
    return duration_en(seconds) if lang_of(context) == "en" else format_duration(seconds)


@pass_context
def kinds(context: Context, values: Iterable[str]) -> str:
    """Accepted kinds of file, in words: ``văn bản, ảnh``."""
    _ = gettext_of(context)
    return ", ".join(_(KIND_NAMES.get(MediaKind(k), k)) for k in values)


@pass_context
def language_names(context: Context, codes: Iterable[str]) -> str:
    _ = gettext_of(context)
    return ", ".join(_(LANGUAGE_NAMES.get(code, code)) for code in codes)


@pass_context
def language_options(context: Context, codes: Iterable[str]) -> list[tuple[str, str]]:
    _ = gettext_of(context)
    return [(code, capitalised(_(LANGUAGE_NAMES.get(code, code)))) for code in codes]


@pass_context
def district_options(context: Context, names: Iterable[str]) -> list[tuple[str, str]]:
    _ = gettext_of(context)
    return [(name, _(name)) for name in names]


@pass_context
def status_options(context: Context, statuses: Iterable[str]) -> list[tuple[str, str]]:
    _ = gettext_of(context)
    return [(status, _(STATUS_LABELS.get(status, status))) for status in statuses]


def _page_variables(request: Request, t: Translator, who: Principal | None) -> Mapping[str, Any]:
    return {
        "label": lambda name: field_label(name, t),
        "is_contestant": bool(who and who.has_any(Role.CONTESTANT)),
        "is_screener": bool(who and who.has_any(Role.SECRETARIAT, Role.ORGANIZER)),
        "is_organizer": bool(who and who.has_any(Role.ORGANIZER)),
    }


pages = PageKit(
    templates_dir=TEMPLATES,
    catalogues=CATALOGUES,
    sign_in_url="/sign-in",
    filters={
        "size": size,
        "duration": duration,
        "kinds": kinds,
        "language_names": language_names,
        "language_options": language_options,
        "district_options": district_options,
        "status_options": status_options,
    },
    template_globals={
        "STATUS_LABELS": STATUS_LABELS,
        "FILE_STATUS_LABELS": FILE_STATUS_LABELS,
        "FILE_ROLE_LABELS": FILE_ROLE_LABELS,
        "ACTION_LABELS": ACTION_LABELS,
        "PHASE_LABELS": PHASE_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "DISTRICTS": DISTRICTS,
        "LANGUAGE_NAMES": LANGUAGE_NAMES,
        "KIND_NAMES": KIND_NAMES,
    },
    context=_page_variables,
)
render = pages.render
error_page = pages.error_page
page_router = pages.page_router
translator_for = pages.translator_for

ContestantPage = Annotated[Principal, Depends(signed_in(Role.CONTESTANT))]
SecretariatPage = Annotated[Principal, Depends(signed_in(Role.SECRETARIAT, Role.ORGANIZER))]
OrganizerPage = Annotated[Principal, Depends(signed_in(Role.ORGANIZER))]


def home_for(roles: Collection[str]) -> str:
    """Where a person lands after signing in, by role."""
    if Role.ORGANIZER in roles:
        return "/organizer"
    if Role.SECRETARIAT in roles:
        return "/screening"
    return "/entries" if Role.CONTESTANT in roles else "/"
