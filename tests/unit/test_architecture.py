"""How the code is allowed to depend on itself: services never import one another, shared/
never imports a service, and each domain layer does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("submissions", "judging", "notify", "publish")
IO_MODULES = {
    "sqlalchemy",
    "httpx",
    "aiosmtplib",
    "minio",
    "nats",
    "faststream",
    "fastapi",
    "asyncpg",
    "aiosqlite",
    "urllib3",
    "socket",
    "subprocess",
    "requests",
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def python_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*.py") if "__pycache__" not in p.parts]


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_never_imports_another(service: str) -> None:
    others = [f"services.{s}" for s in SERVICES if s != service]
    for path in python_files(ROOT / "services" / service):
        bad = [m for m in imports_of(path) if any(m == o or m.startswith(o + ".") for o in others)]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_shared_imports_no_service() -> None:
    for path in python_files(ROOT / "shared"):
        bad = [m for m in imports_of(path) if m == "services" or m.startswith("services.")]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_layer_does_no_io(service: str) -> None:
    for path in python_files(ROOT / "services" / service / "domain"):
        bad = [m for m in imports_of(path) if m.split(".")[0] in IO_MODULES]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_reads_the_same_way(service: str) -> None:
    folder = ROOT / "services" / service
    for part in (
        "main.py",
        "__main__.py",
        "settings.py",
        "models.py",
        "domain",
        "migrations/env.py",
    ):
        assert (folder / part).exists(), f"{service} lacks {part}"
    main = (folder / "main.py").read_text()
    assert "def create_app" in main and "build_app(" in main
