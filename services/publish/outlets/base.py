"""What every outlet kind implements. A kind is one module in ``outlets/kinds`` exposing
``ADAPTER``; the registry finds it, the organizers' forms and the job runner use it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

import httpx

from shared.db import Database
from shared.storage import ObjectStorage

from ..settings import PublishSettings


class TemporaryFailure(Exception):
    """The outlet may take it later (5xx, timeout, refused connection): retried with backoff."""


class PermanentFailure(Exception):
    """The outlet refused for good (4xx other than an expired token, bad configuration)."""


@dataclass(frozen=True)
class WorkFile:
    kind: str  # text | audio | video | photo | document
    media_type: str
    size_bytes: int
    object_key: str
    download_name: str  # e.g. "LS-A-007-1.mp4": never the contestant's own file name
    duration_s: float | None = None


@dataclass(frozen=True)
class Work:
    """A winning work as outlets receive it. Only works whose authors consented to
    republication reach an outlet."""

    entry_id: str
    code: str
    title: str
    contest_title: str
    category_name: str
    tier_name: str
    language: str
    synopsis: str
    body_text: str | None  # the text's words, paragraphs separated by blank lines
    credits: tuple[str, ...]  # "Nguyễn Văn A (Báo Lạng Sơn)", as printed under the work
    exemplars: tuple[str, ...]  # names of the people or collectives the work is about
    files: tuple[WorkFile, ...]
    page_url: str  # the work on the public site
    ninjs: Mapping[str, Any] = field(default_factory=dict)  # the feed's item for this work


@dataclass(frozen=True)
class Outlet:
    outlet_id: str
    name: str
    kind: str
    address: str
    settings: Mapping[str, Any]  # the kind's options (not secret)
    credentials: Mapping[str, str]  # opened from their sealed form just for this call


@dataclass(frozen=True)
class Published:
    """The outlet's answer, kept on the job: enough to show the link and to retract."""

    remote_id: str
    url: str | None
    answer: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What an adapter may use; nothing else (no database session of its own)."""

    settings: PublishSettings
    http: httpx.AsyncClient
    storage: ObjectStorage
    db: Database
    workdir: Path  # a scratch folder for this call, removed afterwards
    clock: Callable[[], datetime]
    # Steps an earlier, failed try of this job completed at the outlet (e.g. media already
    # uploaded): an adapter records its steps here and skips them the next time, so a retry
    # leaves no second copy behind. Kept with the job between tries.
    progress: dict[str, Any] = field(default_factory=dict)


class OutletAdapter(Protocol):
    kind: ClassVar[str]
    label: ClassVar[str]  # "Vietnamese name / English name", shown in forms
    secret_fields: ClassVar[tuple[str, ...]]  # credential names the form asks for
    # An http(s) address (checked for scheme and internal hosts), or the kind's own form of
    # address that its ``check`` validates (a folder, an s3:// prefix).
    address_is_url: ClassVar[bool]

    def check(
        self, address: str, settings: Mapping[str, Any], credentials: Mapping[str, str]
    ) -> list[str]:
        """What is wrong with a configuration, each as a Vietnamese / English sentence."""
        ...

    async def publish(self, work: Work, outlet: Outlet, ctx: Context) -> Published: ...

    async def retract(
        self, work: Work, outlet: Outlet, published: Published, ctx: Context
    ) -> Mapping[str, Any]:
        """Take the work down (or announce it canceled); returns the outlet's answer."""
        ...
