"""Object storage over S3 (MinIO SDK): the one adapter every service uses.

Two clients: one talks to storage from the service; the other only signs URLs for browsers,
with the public endpoint, because the host is part of the signature. Both have a region, so the
SDK never asks the server for the bucket's location before signing. The SDK keeps its multipart
calls private; they are used here only, behind methods with a contract test.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import urllib3
from minio import Minio
from minio.commonconfig import CopySource
from minio.datatypes import Part
from minio.error import S3Error

READ_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str
    content_type: str | None
    last_modified: datetime | None


@dataclass(frozen=True)
class UploadedPart:
    number: int
    etag: str
    size: int


@dataclass(frozen=True)
class PendingUpload:
    key: str
    upload_id: str
    initiated: datetime | None


class ObjectNotFound(Exception):
    pass


_NOT_FOUND = frozenset({"NoSuchKey", "NoSuchObject", "NotFound"})


@contextmanager
def _not_found_as(key: str) -> Iterator[None]:
    """A missing object raises ObjectNotFound, whichever call found it missing."""
    try:
        yield
    except S3Error as error:
        if error.code in _NOT_FOUND:
            raise ObjectNotFound(key) from error
        raise


def _client(endpoint: str, access_key: str, secret_key: str, region: str) -> Minio:
    parts = urlsplit(endpoint if "://" in endpoint else f"http://{endpoint}")
    if not parts.netloc:
        raise ValueError(f"storage endpoint {endpoint!r} has no host")
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=5, read=120),
        retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        maxsize=16,
    )
    return Minio(
        parts.netloc,
        access_key=access_key,
        secret_key=secret_key,
        secure=parts.scheme == "https",
        region=region,
        http_client=http,
    )


class ObjectStorage:
    def __init__(
        self,
        *,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        region: str = "us-east-1",
        public_endpoint: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.region = region
        self._client = _client(endpoint, access_key, secret_key, region)
        self._signer = _client(public_endpoint or endpoint, access_key, secret_key, region)

    async def _run(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(func, *args, **kwargs)

    # --- bucket ---------------------------------------------------------------------------

    async def ensure_bucket(self) -> None:
        if not await self._run(self._client.bucket_exists, self.bucket):
            try:
                await self._run(self._client.make_bucket, self.bucket, self.region)
            except S3Error as error:
                if error.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise

    async def ping(self) -> bool:
        return bool(await self._run(self._client.bucket_exists, self.bucket))

    # --- objects --------------------------------------------------------------------------

    async def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        await self._run(
            self._client.put_object, self.bucket, key, io.BytesIO(data), len(data), content_type
        )

    async def stat(self, key: str) -> ObjectInfo:
        with _not_found_as(key):
            result = await self._run(self._client.stat_object, self.bucket, key)
        return ObjectInfo(
            key=key,
            size=int(result.size or 0),
            etag=(result.etag or "").strip('"'),
            content_type=result.content_type,
            last_modified=result.last_modified,
        )

    async def read_range(self, key: str, offset: int, length: int) -> bytes:
        """Bytes [offset, offset + length) of an object (fewer at its end)."""
        if offset < 0 or length < 0:
            raise ValueError(f"invalid range: offset={offset}, length={length}")
        if length == 0:
            # The SDK sends no Range header for length 0, which would read the whole object.
            return b""

        def read() -> bytes:
            response = self._client.get_object(self.bucket, key, offset=offset, length=length)
            try:
                return bytes(response.read())
            finally:
                response.close()
                response.release_conn()

        with _not_found_as(key):
            return bytes(await self._run(read))

    async def iter_chunks(self, key: str, chunk: int = READ_CHUNK) -> AsyncIterator[bytes]:
        info = await self.stat(key)
        offset = 0
        while offset < info.size:
            length = min(chunk, info.size - offset)
            yield await self.read_range(key, offset, length)
            offset += length

    async def sha256(self, key: str) -> tuple[str, int]:
        """Hash an object by streaming it; returns (hex digest, bytes read)."""
        return await self._stream(key, None)

    async def list_keys(self, prefix: str) -> list[str]:
        """Keys of the stored objects under a prefix (all pages)."""

        def keys() -> list[str]:
            found = self._client.list_objects(self.bucket, prefix=prefix, recursive=True)
            return [str(o.object_name) for o in found if o.object_name]

        result: list[str] = await self._run(keys)
        return result

    async def download(self, key: str, target: Path) -> tuple[str, int]:
        """Stream an object into a local file, hashing it on the way: (SHA-256 hex, bytes)."""
        return await self._stream(key, target)

    async def _stream(self, key: str, target: Path | None) -> tuple[str, int]:
        def read() -> tuple[str, int]:
            hasher = hashlib.sha256()
            total = 0
            response = self._client.get_object(self.bucket, key)
            try:
                with target.open("wb") if target else contextlib.nullcontext() as out:
                    for block in response.stream(READ_CHUNK):
                        hasher.update(block)
                        if out is not None:
                            out.write(block)
                        total += len(block)
            finally:
                response.close()
                response.release_conn()
            return hasher.hexdigest(), total

        with _not_found_as(key):
            result: tuple[str, int] = await self._run(read)
        return result

    async def upload(self, key: str, source: Path, content_type: str) -> None:
        """Store a local file (multipart for large ones, by the SDK)."""
        await self._run(
            self._client.fput_object, self.bucket, key, str(source), content_type=content_type
        )

    async def copy(self, source_key: str, target_key: str) -> None:
        await self._run(
            self._client.copy_object, self.bucket, target_key, CopySource(self.bucket, source_key)
        )

    async def delete(self, key: str) -> None:
        await self._run(self._client.remove_object, self.bucket, key)

    # --- presigned URLs (for browsers) ----------------------------------------------------

    def presign_put(self, key: str, expires: timedelta) -> str:
        return str(self._signer.presigned_put_object(self.bucket, key, expires=expires))

    def presign_get(
        self, key: str, expires: timedelta, response_headers: Mapping[str, str] | None = None
    ) -> str:
        return str(
            self._signer.presigned_get_object(
                self.bucket,
                key,
                expires=expires,
                response_headers=dict(response_headers) if response_headers else None,
            )
        )

    def presign_part(self, key: str, upload_id: str, part_number: int, expires: timedelta) -> str:
        return str(
            self._signer.get_presigned_url(
                "PUT",
                self.bucket,
                key,
                expires=expires,
                extra_query_params={"uploadId": upload_id, "partNumber": str(part_number)},
            )
        )

    # --- multipart uploads (the SDK's private calls, kept here only) ----------------------

    async def create_multipart(self, key: str, content_type: str) -> str:
        headers = {"Content-Type": content_type}
        return str(
            await self._run(self._client._create_multipart_upload, self.bucket, key, headers)
        )

    async def list_parts(self, key: str, upload_id: str) -> list[UploadedPart]:
        parts: list[UploadedPart] = []
        marker: str | None = None
        while True:
            result = await self._run(
                self._client._list_parts,
                self.bucket,
                key,
                upload_id,
                part_number_marker=marker,
            )
            parts.extend(
                UploadedPart(number=p.part_number, etag=p.etag.strip('"'), size=int(p.size or 0))
                for p in result.parts
            )
            if not result.is_truncated:
                return parts
            # A page holds at most 1000 parts; the next one starts after the last part listed.
            following = result.next_part_number_marker or (
                str(result.parts[-1].part_number) if result.parts else None
            )
            if following is None or following == marker:
                raise RuntimeError(f"listing the parts of {key!r} makes no progress")
            marker = following

    async def complete_multipart(self, key: str, upload_id: str, parts: list[UploadedPart]) -> str:
        ordered = [Part(p.number, p.etag) for p in sorted(parts, key=lambda p: p.number)]
        result = await self._run(
            self._client._complete_multipart_upload, self.bucket, key, upload_id, ordered
        )
        return str(result.etag or "").strip('"')

    async def abort_multipart(self, key: str, upload_id: str) -> None:
        try:
            await self._run(self._client._abort_multipart_upload, self.bucket, key, upload_id)
        except S3Error as error:
            if error.code != "NoSuchUpload":
                raise

    async def pending_uploads(self, prefix: str = "") -> list[PendingUpload]:
        """Every unfinished multipart upload under a prefix, over as many pages as it takes.

        A page holds at most 1000 uploads. The next page starts after the last upload listed:
        its id is the upload-id marker (the SDK loses NextUploadIdMarker while parsing), with
        the key marker the server gave. SeaweedFS pages by upload id alone and sends no
        NextKeyMarker; S3 and MinIO send both.
        """
        uploads: list[PendingUpload] = []
        key_marker: str | None = None
        upload_id_marker: str | None = None
        while True:
            result = await self._run(
                self._client._list_multipart_uploads,
                self.bucket,
                prefix=prefix,
                key_marker=key_marker,
                upload_id_marker=upload_id_marker,
            )
            uploads.extend(
                PendingUpload(key=u.object_name, upload_id=u.upload_id, initiated=u.initiated_time)
                for u in result.uploads
                if u.upload_id
            )
            if not result.is_truncated:
                return uploads
            markers = (
                result.next_key_marker,
                result.uploads[-1].upload_id if result.uploads else None,
            )
            if markers == (key_marker, upload_id_marker) or markers[1] is None:
                raise RuntimeError(f"listing multipart uploads under {prefix!r} makes no progress")
            key_marker, upload_id_marker = markers
