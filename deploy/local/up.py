"""`make up`: the whole of Lan Toả on this machine.

Starts nats-server (JetStream, data under the data directory), SeaweedFS S3, a mail catcher and
the four services as separate processes with SQLite files; seeds the demo contest; prints every
address and the demo logins. Ctrl+C stops everything; a second run keeps the data.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from deploy.local.processes import Child, NatsServer, SeaweedS3, port_open, wait_until
from services.submissions.seed import DEMO_ACCOUNTS, DEMO_PASSWORD

SERVICES = {"submissions": 8001, "judging": 8002, "notify": 8003, "publish": 8004}
PYTHON = sys.executable


@dataclass(frozen=True)
class Ports:
    nats: int
    nats_monitor: int
    s3: int
    smtp: int
    weed_base: int
    services: dict[str, int]

    @classmethod
    def from_env(cls) -> Ports:
        def port(name: str, default: int) -> int:
            value = os.environ.get(name, str(default))
            if not value.isdigit() or not 0 < int(value) < 65536:
                raise SystemExit(f"{name}={value!r} is not a port number")
            return int(value)

        return cls(
            nats=port("LANTOA_UP_NATS_PORT", 14222),
            nats_monitor=port("LANTOA_UP_NATS_MONITOR_PORT", 18222),
            s3=port("LANTOA_UP_S3_PORT", 18333),
            smtp=port("LANTOA_UP_SMTP_PORT", 18025),
            weed_base=port("LANTOA_UP_WEED_PORT_BASE", 19330),
            services={
                name: port(f"LANTOA_{name.upper()}_HTTP_PORT", default)
                for name, default in SERVICES.items()
            },
        )

    def weed_ports(self) -> dict[str, int]:
        return {name: self.weed_base + i for i, name in enumerate(SeaweedS3.PORT_NAMES)}

    def all(self) -> dict[str, int]:
        ports = {
            "LANTOA_UP_NATS_PORT": self.nats,
            "LANTOA_UP_NATS_MONITOR_PORT": self.nats_monitor,
            "LANTOA_UP_S3_PORT": self.s3,
            "LANTOA_UP_SMTP_PORT": self.smtp,
        }
        ports.update(
            {
                f"LANTOA_UP_WEED_PORT_BASE (+{i})": p
                for i, p in enumerate(self.weed_ports().values())
            }
        )
        ports.update({f"LANTOA_{n.upper()}_HTTP_PORT": p for n, p in self.services.items()})
        return ports


def ensure_keys(directory: Path) -> tuple[Path, Path]:
    private, public = directory / "auth_ed25519.pem", directory / "auth_ed25519.pub.pem"
    if not private.exists():
        directory.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        private.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        private.chmod(0o600)
        public.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private, public


def ensure_credentials(path: Path) -> dict[str, str]:
    if not path.exists():
        path.write_text(
            json.dumps({"access_key": "lantoa", "secret_key": secrets.token_urlsafe(24)})
        )
        path.chmod(0o600)
    credentials: dict[str, str] = json.loads(path.read_text())
    return credentials


def ensure_fernet_key(path: Path) -> str:
    """The key that seals publish's outlet credentials, made once and kept with the data."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


class Up:
    def __init__(self, data: Path, ports: Ports) -> None:
        self.data = data.resolve()
        self.ports = ports
        self.logs = self.data / "logs"
        self.children: list[Child] = []
        self.stopping = False

    def check_ports(self) -> None:
        busy = [f"{port} ({name})" for name, port in self.ports.all().items() if port_open(port)]
        if busy:
            raise SystemExit(
                "Cổng đang bận / ports in use: "
                + ", ".join(busy)
                + "\nĐổi cổng bằng biến môi trường ở trên / choose others with the variables named."
            )

    def service_env(self, keys: tuple[Path, Path], credentials: dict[str, str]) -> dict[str, str]:
        private, public = keys
        env = {
            "LANTOA_NATS_URL": f"nats://127.0.0.1:{self.ports.nats}",
            "LANTOA_S3_ENDPOINT": f"http://127.0.0.1:{self.ports.s3}",
            "LANTOA_S3_ACCESS_KEY": credentials["access_key"],
            "LANTOA_S3_SECRET_KEY": credentials["secret_key"],
            "LANTOA_AUTH_PUBLIC_KEY_FILE": str(public),
            "LANTOA_SUBMISSIONS_AUTH_PRIVATE_KEY_FILE": str(private),
            "LANTOA_SUBMISSIONS_PUBLIC_URL": f"http://127.0.0.1:{self.ports.services['submissions']}",
            "LANTOA_SUBMISSIONS_RETURN_ORIGINS": ",".join(
                f"http://127.0.0.1:{self.ports.services[name]}"
                for name in ("judging", "notify", "publish")
            ),
            "LANTOA_JUDGING_PUBLIC_URL": f"http://127.0.0.1:{self.ports.services['judging']}",
            "LANTOA_JUDGING_SIGN_IN_URL": (
                f"http://127.0.0.1:{self.ports.services['submissions']}/sign-in"
            ),
            "LANTOA_NOTIFY_SMTP_PORT": str(self.ports.smtp),
            "LANTOA_NOTIFY_PORTAL_URL": f"http://127.0.0.1:{self.ports.services['submissions']}",
            "LANTOA_NOTIFY_PUBLIC_URL": f"http://127.0.0.1:{self.ports.services['notify']}",
            "LANTOA_NOTIFY_SIGN_IN_URL": (
                f"http://127.0.0.1:{self.ports.services['submissions']}/sign-in"
            ),
            "LANTOA_NOTIFY_MAIL_CATCHER_DIR": str(self.data / "mail"),
            "LANTOA_PUBLISH_PUBLIC_URL": f"http://127.0.0.1:{self.ports.services['publish']}",
            "LANTOA_PUBLISH_PORTAL_URL": f"http://127.0.0.1:{self.ports.services['submissions']}",
            "LANTOA_PUBLISH_SIGN_IN_URL": (
                f"http://127.0.0.1:{self.ports.services['submissions']}/sign-in"
            ),
            "LANTOA_PUBLISH_CREDENTIALS_KEY": ensure_fernet_key(self.data / "publish-key.txt"),
            # Loudspeaker bulletins for the provincial source-information system land here.
            "LANTOA_PUBLISH_BULLETIN_DROP_DIR": str(self.data / "bulletins"),
        }
        for name, port in self.ports.services.items():
            prefix = f"LANTOA_{name.upper()}_"
            env[prefix + "HTTP_PORT"] = str(port)
            env.setdefault(prefix + "DATABASE_URL", f"sqlite+aiosqlite:///{self.data}/{name}.db")
        # Anything the operator set explicitly wins.
        env.update(
            {
                k: v
                for k, v in os.environ.items()
                if k.startswith("LANTOA_") and not k.startswith("LANTOA_UP_")
            }
        )
        return env

    def run(self) -> int:
        self.check_ports()
        self.data.mkdir(parents=True, exist_ok=True)
        keys = ensure_keys(self.data / "keys")
        credentials = ensure_credentials(self.data / "s3-credentials.json")
        say("Đang khởi động / starting: NATS JetStream, SeaweedFS S3, mail catcher …")
        nats = NatsServer(
            self.data / "nats", self.ports.nats, self.ports.nats_monitor, self.logs / "nats.log"
        )
        nats.start()
        self.children.append(nats.child)  # type: ignore[arg-type]
        s3 = SeaweedS3(
            self.data / "s3",
            self.ports.s3,
            self.logs / "seaweedfs.log",
            credentials["access_key"],
            credentials["secret_key"],
            ports=self.ports.weed_ports(),
        )
        s3.start()
        self.children.append(s3.child)  # type: ignore[arg-type]
        mail = Child(
            "mail",
            [
                PYTHON,
                "-m",
                "services.notify.catcher",
                "--port",
                str(self.ports.smtp),
                "--maildir",
                str(self.data / "mail"),
            ],
            self.logs / "mail.log",
        ).start()
        self.children.append(mail)
        wait_until(lambda: port_open(self.ports.smtp), 20, "mail catcher", mail)

        env = {**os.environ, **self.service_env(keys, credentials)}
        say("Tạo cuộc thi mẫu / seeding the demo contest …")
        seeded = subprocess.run(
            [PYTHON, "-m", "services.submissions", "seed-demo"],
            env=env,
            capture_output=True,
            text=True,
        )
        (self.logs / "seed.log").write_text(seeded.stdout + seeded.stderr)
        if seeded.returncode != 0:
            say(seeded.stdout + seeded.stderr)
            raise SystemExit("Không tạo được cuộc thi mẫu / seeding failed (see var/logs/seed.log)")

        services = {}
        for name in SERVICES:
            services[name] = Child(
                name,
                [PYTHON, "-m", f"services.{name}"],
                self.logs / f"{name}.log",
                env=self.service_env(keys, credentials),
            ).start()
            self.children.append(services[name])
        say("Khởi động bốn dịch vụ / starting the four services …")
        for name, child in services.items():
            url = f"http://127.0.0.1:{self.ports.services[name]}/readyz"
            wait_until(lambda u=url: httpx.get(u, timeout=2).status_code == 200, 120, name, child)
        say("Tạo hội đồng giám khảo mẫu / seeding the demo councils …")
        councils = subprocess.run(
            [PYTHON, "-m", "services.judging", "seed-demo"],
            env=env,
            capture_output=True,
            text=True,
        )
        with (self.logs / "seed.log").open("a") as log:
            log.write(councils.stdout + councils.stderr)
        if councils.returncode != 0:
            say(councils.stdout + councils.stderr)
            raise SystemExit("Không tạo được hội đồng mẫu / seeding failed (see var/logs/seed.log)")
        say("Phòng báo chí, tin tức và loa truyền thanh mẫu / seeding the press room …")
        press = subprocess.run(
            [PYTHON, "-m", "services.publish", "seed-demo"],
            env=env,
            capture_output=True,
            text=True,
        )
        with (self.logs / "seed.log").open("a") as log:
            log.write(press.stdout + press.stderr)
        if press.returncode != 0:
            say(press.stdout + press.stderr)
            raise SystemExit("Không tạo được dữ liệu mẫu / seeding failed (see var/logs/seed.log)")
        self.write_state()
        self.banner(credentials)
        return self.supervise()

    def write_state(self) -> None:
        state = self.data / "run" / "up.json"
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(
            json.dumps({"pid": os.getpid(), "children": {c.name: c.pid for c in self.children}})
        )

    def banner(self, credentials: dict[str, str]) -> None:
        p = self.ports
        lines = [
            "",
            "Lan Toả đang chạy / is running",
            "",
            f"  Nhận bài dự thi / submissions   http://127.0.0.1:{p.services['submissions']}/",
            f"  Chấm thi / judging              http://127.0.0.1:{p.services['judging']}/",
            f"  Thông báo / notify              http://127.0.0.1:{p.services['notify']}/",
            f"  Trang công khai / publish       http://127.0.0.1:{p.services['publish']}/",
            "  API …/docs · sự kiện / events …/asyncapi · tình trạng …/readyz · …/metrics",
            "",
            f"  NATS JetStream   nats://127.0.0.1:{p.nats}   (monitor http://127.0.0.1:{p.nats_monitor}/)",
            f"  S3 (SeaweedFS)   http://127.0.0.1:{p.s3}   "
            f"(khoá / keys: {self.data}/s3-credentials.json)",
            f"  Thư đã gửi / caught e-mail   http://127.0.0.1:{p.services['notify']}/mail"
            f"   (SMTP 127.0.0.1:{p.smtp} → {self.data}/mail)",
            f"  Phòng báo chí / press room   http://127.0.0.1:{p.services['publish']}/phong-bao-chi",
            f"  Bản tin loa truyền thanh / loudspeaker bulletins   {self.data}/bulletins",
            f"  Nhật ký / logs   {self.logs}/*.log",
            "",
            f"  Tài khoản mẫu / demo logins (mật khẩu / password: {DEMO_PASSWORD})",
        ]
        lines += [f"    {a.email:<28} {a.what}" for a in DEMO_ACCOUNTS]
        lines += ["", "Nhấn Ctrl+C để dừng / press Ctrl+C to stop.", ""]
        say("\n".join(lines))

    def supervise(self) -> int:
        def request_stop(*_: object) -> None:
            self.stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not self.stopping:
            for child in self.children:
                if not child.alive():
                    say(f"{child.name} đã dừng bất ngờ / stopped unexpectedly:\n{child.tail()}")
                    return 1
            time.sleep(0.5)
        return 0

    def shutdown(self) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for child in reversed(self.children):
            child.stop(timeout=25)
        state = self.data / "run" / "up.json"
        state.unlink(missing_ok=True)


def say(text: str) -> None:
    print(text, flush=True)


def main() -> None:
    data = Path(os.environ.get("LANTOA_UP_DATA_DIR", "var"))
    up = Up(data, Ports.from_env())
    code = 1
    try:
        code = up.run()
    except KeyboardInterrupt:
        code = 0
    finally:
        say("Đang dừng / stopping …")
        up.shutdown()
        say("Đã dừng hết / everything stopped.")
    sys.exit(code)


if __name__ == "__main__":
    main()
