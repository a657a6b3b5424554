"""Outlet credentials sealed at rest with Fernet (AES-128-CBC and HMAC-SHA256) under the
service's ``credentials_key``; without a key no credential is stored at all."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken

from ..settings import PublishSettings

NO_KEY = (
    "Chưa cấu hình khoá mã hoá thông tin bí mật (LANTOA_PUBLISH_CREDENTIALS_KEY), không thể lưu "
    "mật khẩu hay token / no credentials key is configured "
    "(LANTOA_PUBLISH_CREDENTIALS_KEY): passwords and tokens cannot be stored"
)
BAD_KEY = (
    "Khoá mã hoá thông tin bí mật không hợp lệ / the credentials key is not a valid Fernet key"
)
UNREADABLE = (
    "Không mở được thông tin bí mật đã lưu (khoá đã đổi?), hãy nhập lại / the stored "
    "credentials cannot be opened (was the key changed?); enter them again"
)


class CredentialsUnavailable(Exception):
    """No key, a bad key, or sealed text this key cannot open; the message says which."""


class Sealer:
    def __init__(self, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode())
        except (ValueError, TypeError) as error:
            raise CredentialsUnavailable(BAD_KEY) from error

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except (InvalidToken, ValueError) as error:
            raise CredentialsUnavailable(UNREADABLE) from error

    def seal_mapping(self, values: dict[str, str]) -> str:
        return self.seal(json.dumps(values, ensure_ascii=False, sort_keys=True)) if values else ""

    def open_mapping(self, sealed: str) -> dict[str, str]:
        if not sealed:
            return {}
        opened = json.loads(self.open(sealed))
        return {str(k): str(v) for k, v in opened.items()}


def sealer_for(settings: PublishSettings) -> Sealer:
    if settings.credentials_key is None or not settings.credentials_key.get_secret_value():
        raise CredentialsUnavailable(NO_KEY)
    return Sealer(settings.credentials_key.get_secret_value())
