"""The four services as real processes on the test infrastructure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from deploy.local.processes import Child, free_port, wait_until
from tests.support.infra import Infra

SERVICES = ("submissions", "judging", "notify", "publish")
PYTHON = sys.executable


@dataclass
class DatabaseChoice:
    """SQLite files in the stack's directory, or one PostgreSQL schema per service."""

    postgres_url: str | None = None
    schema_prefix: str | None = None


@dataclass
class Stack:
    infra: Infra
    base: Path
    database: DatabaseChoice = field(default_factory=DatabaseChoice)
    smtp_port: int | None = None
    nats_url: str | None = None
    extra_env: dict[str, dict[str, str]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    children: dict[str, Child] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in SERVICES:
            self.ports.setdefault(name, free_port())

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def env(self, name: str, port: int | None = None) -> dict[str, str]:
        prefix = f"LANTOA_{name.upper()}_"
        env = dict(self.infra.env())
        if self.nats_url:
            env["LANTOA_NATS_URL"] = self.nats_url
        env[prefix + "HTTP_PORT"] = str(port or self.ports[name])
        if self.database.postgres_url:
            env[prefix + "DATABASE_URL"] = self.database.postgres_url
            env[prefix + "DATABASE_SCHEMA"] = f"{self.database.schema_prefix}_{name}"
        else:
            env[prefix + "DATABASE_URL"] = f"sqlite+aiosqlite:///{self.base}/{name}.db"
        env[prefix + "CONSUMER_BACKOFF_SECONDS"] = json.dumps([0.2, 0.5, 1.0, 2.0])
        env[prefix + "SHUTDOWN_GRACE_SECONDS"] = "10"
        if name == "submissions":
            env[prefix + "AUTH_PRIVATE_KEY_FILE"] = str(self.infra.private_key)
            env[prefix + "PUBLIC_URL"] = self.url("submissions")
        if name == "notify":
            env[prefix + "SMTP_PORT"] = str(self.smtp_port or 1)
            env[prefix + "DISPATCH_POLL_SECONDS"] = "0.5"
            env[prefix + "PORTAL_URL"] = self.url("submissions")
        env.update(self.extra_env.get(name, {}))
        return env

    def seed(self) -> None:
        """The demo contest and accounts, as `make up` creates them."""
        result = subprocess.run(
            [PYTHON, "-m", "services.submissions", "seed-demo"],
            env={**os.environ, **self.env("submissions")},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def launch(
        self,
        name: str,
        *,
        label: str | None = None,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> Child:
        """Start a service process without waiting for it."""
        key = label or name
        child = Child(
            key,
            [PYTHON, "-m", f"services.{name}"],
            self.base / "logs" / f"{key}.log",
            env={**self.env(name, port), **(env or {})},
        ).start()
        self.children[key] = child
        return child

    def start(self, name: str, **options: Any) -> Child:
        """Start a service process and wait until it answers (options as for launch)."""
        child = self.launch(name, **options)
        self.wait_healthy(name, label=options.get("label"), port=options.get("port"))
        return child

    def wait_healthy(self, name: str, *, label: str | None = None, port: int | None = None) -> None:
        url = f"http://127.0.0.1:{port or self.ports[name]}"
        child = self.children[label or name]
        wait_until(
            lambda: httpx.get(f"{url}/healthz", timeout=1).status_code == 200,
            60,
            label or name,
            child,
        )

    def wait_ready(self, name: str, timeout: float = 60, port: int | None = None) -> None:
        url = f"http://127.0.0.1:{port or self.ports[name]}"
        wait_until(
            lambda: httpx.get(f"{url}/readyz", timeout=2).status_code == 200,
            timeout,
            f"{name} ready",
            self.children.get(name),
        )

    def start_all(self) -> None:
        for name in SERVICES:
            self.launch(name)
        for name in SERVICES:
            self.wait_ready(name)

    def stop(self, key: str) -> int | None:
        child = self.children.pop(key)
        return child.stop()

    def kill(self, key: str) -> None:
        self.children.pop(key).kill()

    def stop_all(self) -> dict[str, int | None]:
        return {key: self.stop(key) for key in list(self.children)}

    def log(self, key: str) -> str:
        return (self.base / "logs" / f"{key}.log").read_text(errors="replace")
