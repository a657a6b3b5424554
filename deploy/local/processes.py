"""Start the embedded infrastructure (nats-server, SeaweedFS) as child processes.

Used by `make up` and by the tests. Children get SIGTERM if this process dies (Linux
PR_SET_PDEATHSIG), so nothing is left behind even after a hard kill.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

BIN = Path(sys.executable).parent
PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex((host, port)) == 0


def _die_with_parent() -> None:
    """Runs in the child before exec: its own process group, SIGTERM when the parent dies."""
    os.setpgrp()
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    args: Sequence[str]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def start(self) -> Child:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            list(self.args),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **self.env},
            cwd=self.cwd,
            preexec_fn=_die_with_parent,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, sig: int) -> None:
        if self.alive():
            assert self.process is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, wait, then SIGKILL; returns the exit code."""
        if self.process is None:
            return None
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait(5)
        if self._log is not None:
            self._log.close()
        return self.process.returncode

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(5)
        if self._log is not None:
            self._log.close()

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def wait_until(check: object, timeout: float, what: str, child: Child | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and not child.alive():
            raise RuntimeError(f"{what}: process exited\n{child.tail()}")
        try:
            if check():  # type: ignore[operator]
                return
        except Exception:  # noqa: S110 - not up yet
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s\n{child.tail() if child else ''}")


@dataclass
class NatsServer:
    data_dir: Path
    port: int
    monitor_port: int
    log_path: Path
    child: Child | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> NatsServer:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.child = Child(
            "nats",
            [
                str(BIN / "nats-server"),
                "-a",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-m",
                str(self.monitor_port),
                "-js",
                "-sd",
                str(self.data_dir),
                "-n",
                "lantoa-local",
            ],
            self.log_path,
        ).start()
        wait_until(self.healthy, timeout, "nats-server", self.child)
        return self

    def healthy(self) -> bool:
        response = httpx.get(
            f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true", timeout=1
        )
        return response.status_code == 200

    def stop(self) -> None:
        if self.child:
            self.child.stop()

    def kill(self) -> None:
        if self.child:
            self.child.kill()


@dataclass
class SeaweedS3:
    """SeaweedFS `weed mini` (master, volume, filer, S3) with every port chosen by us."""

    data_dir: Path
    s3_port: int
    log_path: Path
    access_key: str
    secret_key: str
    ports: dict[str, int] = field(default_factory=dict)
    child: Child | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    # Every port `weed mini` opens besides S3; left to itself it takes common ones (8888, 9333...).
    PORT_NAMES = (
        "master",
        "master.grpc",
        "volume",
        "volume.grpc",
        "filer",
        "filer.grpc",
        "s3.grpc",
        "admin",
        "admin.grpc",
    )

    def start(self, timeout: float = 60.0) -> SeaweedS3:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for name in self.PORT_NAMES:
            self.ports.setdefault(name, free_port())
        flags = [
            f"-{name.replace('.grpc', '.port.grpc') if '.grpc' in name else name + '.port'}={port}"
            for name, port in self.ports.items()
        ]
        self.child = Child(
            "seaweedfs",
            [
                str(BIN / "weed"),
                "mini",
                f"-dir={self.data_dir}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                "-admin.ui=false",
                "-webdav=false",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                f"-s3.port={self.s3_port}",
                *flags,
            ],
            self.log_path,
            env={"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key},
            cwd=self.data_dir,
        ).start()
        wait_until(self.healthy, timeout, "SeaweedFS S3", self.child)
        return self

    def healthy(self) -> bool:
        # Anonymous requests are refused (403) once the S3 gateway is up with credentials.
        response = httpx.get(f"{self.endpoint}/", timeout=1)
        return response.status_code in (200, 403)

    def stop(self) -> None:
        if self.child:
            self.child.stop()
