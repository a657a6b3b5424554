"""Settings: a prefix per service, shared values given once, errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.judging.settings import JudgingSettings
from services.notify.settings import NotifySettings
from services.submissions.settings import SubmissionsSettings
from shared.settings import SettingsError, describe_errors, load_settings


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "key.pem"
    path.write_text("-----BEGIN PUBLIC KEY-----\n")
    return path


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    import os

    for name in list(os.environ):
        if name.startswith("LANTOA_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_shared_values_are_given_once_and_the_service_variable_wins(clean_env, key_file) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("LANTOA_NATS_URL", "nats://shared:4222")
    clean_env.setenv("LANTOA_S3_ACCESS_KEY", "key")
    clean_env.setenv("LANTOA_S3_SECRET_KEY", "hush-hush-value")
    clean_env.setenv("LANTOA_AUTH_PUBLIC_KEY_FILE", str(key_file))
    clean_env.setenv("LANTOA_NOTIFY_NATS_URL", "nats://own:4222")
    clean_env.setenv("LANTOA_HTTP_PORT", "9999")  # not a shared field: ignored
    judging = JudgingSettings()  # type: ignore[call-arg]
    notify = NotifySettings()  # type: ignore[call-arg]
    assert judging.nats_url == "nats://shared:4222"
    assert notify.nats_url == "nats://own:4222"
    assert (judging.http_port, notify.http_port) == (8002, 8003)
    assert judging.effective_database_url == "sqlite+aiosqlite:///var/judging.db"
    assert judging.s3_secret_key.get_secret_value() == "hush-hush-value"
    assert "hush-hush-value" not in repr(judging)


def test_errors_name_each_variable(clean_env, capsys) -> None:  # type: ignore[no-untyped-def]
    clean_env.setenv("LANTOA_SUBMISSIONS_TOKEN_TTL_MINUTES", "0")
    with pytest.raises(SettingsError) as stopped:
        load_settings(SubmissionsSettings)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Lan Toả submissions cannot start" in err
    assert "LANTOA_SUBMISSIONS_AUTH_PRIVATE_KEY_FILE: required, not set" in err
    assert "LANTOA_SUBMISSIONS_S3_ACCESS_KEY or LANTOA_S3_ACCESS_KEY: required" in err
    assert "LANTOA_SUBMISSIONS_TOKEN_TTL_MINUTES: Input should be greater than or equal to 1" in err


def test_secrets_are_never_echoed() -> None:
    try:
        NotifySettings(s3_secret_key=12345, s3_access_key="k", auth_public_key_file="/nope")  # type: ignore[arg-type]
    except ValidationError as error:
        text = describe_errors(NotifySettings, error)
    assert "12345" not in text
    assert "LANTOA_NOTIFY_AUTH_PUBLIC_KEY_FILE or LANTOA_AUTH_PUBLIC_KEY_FILE" in text
