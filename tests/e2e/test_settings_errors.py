"""A missing or invalid setting stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.infra import Infra


def _run(service: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LANTOA_")}
    return subprocess.run(
        [sys.executable, "-m", f"services.{service}"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("service", ["submissions", "judging", "notify", "publish"])
def test_missing_settings_are_named(service: str) -> None:
    result = _run(service, {})
    assert result.returncode == 2
    prefix = f"LANTOA_{service.upper()}_"
    assert f"{prefix}AUTH_PUBLIC_KEY_FILE or LANTOA_AUTH_PUBLIC_KEY_FILE: required" in result.stderr
    assert f"{prefix}S3_SECRET_KEY or LANTOA_S3_SECRET_KEY: required" in result.stderr
    if service == "submissions":
        assert "LANTOA_SUBMISSIONS_AUTH_PRIVATE_KEY_FILE: required" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_settings_are_named_with_the_value(infra: Infra) -> None:
    env = dict(infra.env())
    env["LANTOA_JUDGING_HTTP_PORT"] = "tám nghìn"
    env["LANTOA_JUDGING_LOG_LEVEL"] = "LOUD"
    env["LANTOA_S3_SECRET_KEY"] = "super-secret-value"
    env["LANTOA_JUDGING_S3_BUCKET"] = "Not A Bucket"
    result = _run("judging", env)
    assert result.returncode == 2
    assert "LANTOA_JUDGING_HTTP_PORT: Input should be a valid integer" in result.stderr
    assert "'tám nghìn'" in result.stderr
    assert "LANTOA_JUDGING_LOG_LEVEL or LANTOA_LOG_LEVEL" in result.stderr
    assert "LANTOA_JUDGING_S3_BUCKET or LANTOA_S3_BUCKET" in result.stderr
    assert "super-secret-value" not in result.stderr
