"""Contract of shared.storage.ObjectStorage on a real SeaweedFS S3 server.

The browser side is played by httpx without credentials: it only ever sees presigned URLs.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from deploy.local.processes import free_port, port_open
from shared.storage import READ_CHUNK, ObjectNotFound, ObjectStorage, UploadedPart
from tests.support.infra import Infra

pytestmark = pytest.mark.timeout(120)

T = TypeVar("T")

MIB = 1024 * 1024
TEN_MINUTES = timedelta(minutes=10)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def make_storage(infra: Infra, bucket: str, **overrides: str) -> ObjectStorage:
    settings = {
        "endpoint": infra.s3.endpoint,
        "access_key": infra.s3.access_key,
        "secret_key": infra.s3.secret_key,
        "bucket": bucket,
        **overrides,
    }
    return ObjectStorage(**settings)


def with_query(url: str, **changes: str) -> str:
    """The same URL with some query parameters replaced (order and encoding kept)."""
    parts = urlsplit(url)
    query = [(k, changes.get(k, v)) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def with_host(url: str, netloc: str) -> str:
    return urlunsplit(urlsplit(url)._replace(netloc=netloc))


def tampered(url: str) -> str:
    signature = dict(parse_qsl(urlsplit(url).query))["X-Amz-Signature"]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    return with_query(url, **{"X-Amz-Signature": flipped})


def assert_refused(response: httpx.Response, code: str) -> None:
    """403 with the S3 error code saying why."""
    assert response.status_code == 403, response.text
    assert f"<Code>{code}</Code>" in response.text, response.text


def etag_of(response: httpx.Response) -> str:
    return response.headers["etag"].strip('"')


@pytest.fixture(scope="module")
async def storage(infra: Infra) -> ObjectStorage:
    store = make_storage(infra, unique("contract"))
    await store.ensure_bucket()
    return store


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client with no credentials at all, like a browser holding presigned URLs."""
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


# --- bucket -------------------------------------------------------------------------------


async def test_ensure_bucket_is_idempotent_and_ping_follows_it(infra: Infra) -> None:
    store = make_storage(infra, unique("bucket"))
    assert await store.ping() is False

    await store.ensure_bucket()
    await store.ensure_bucket()

    assert await store.ping() is True
    assert await make_storage(infra, unique("missing")).ping() is False


# --- objects ------------------------------------------------------------------------------


async def test_objects_put_stat_read_hash_copy_delete(storage: ObjectStorage) -> None:
    small_key = unique("objects/small")
    small = b"hello, Lan Toa\n" * 100
    await storage.put_bytes(small_key, small, "text/plain")
    info = await storage.stat(small_key)
    assert info.key == small_key
    assert info.size == len(small)
    assert info.etag == hashlib.md5(small).hexdigest()  # noqa: S324 - S3 ETag of a single PUT
    assert info.content_type == "text/plain"
    assert info.last_modified is not None

    big_key = unique("objects/big")
    big = os.urandom(20 * MIB + 12345)
    await storage.put_bytes(big_key, big, "application/octet-stream")
    assert (await storage.stat(big_key)).size == len(big)

    # Exact slices: the start, across a READ_CHUNK boundary, the last byte, nothing.
    assert await storage.read_range(big_key, 0, 10) == big[:10]
    assert await storage.read_range(big_key, READ_CHUNK - 7, 100) == big[READ_CHUNK - 7 :][:100]
    assert await storage.read_range(big_key, len(big) - 1, 1) == big[-1:]
    assert await storage.read_range(big_key, 5, 0) == b""
    assert await storage.read_range(big_key, 0, 0) == b""

    chunks = [chunk async for chunk in storage.iter_chunks(big_key)]
    assert len(chunks) == -(-len(big) // READ_CHUNK)
    assert b"".join(chunks) == big

    assert await storage.sha256(big_key) == (hashlib.sha256(big).hexdigest(), len(big))
    assert await storage.sha256(small_key) == (hashlib.sha256(small).hexdigest(), len(small))

    copy_key = unique("objects/copy")
    await storage.copy(big_key, copy_key)
    assert (await storage.stat(copy_key)).size == len(big)
    assert await storage.sha256(copy_key) == (hashlib.sha256(big).hexdigest(), len(big))

    await storage.delete(copy_key)
    with pytest.raises(ObjectNotFound):
        await storage.stat(copy_key)
    # The source survives the copy's deletion; deleting a missing key is not an error.
    assert (await storage.stat(big_key)).size == len(big)
    await storage.delete(copy_key)


async def test_missing_object_raises_object_not_found(storage: ObjectStorage) -> None:
    missing = unique("objects/missing")
    with pytest.raises(ObjectNotFound):
        await storage.stat(missing)
    with pytest.raises(ObjectNotFound):
        await storage.read_range(missing, 0, 10)
    with pytest.raises(ObjectNotFound):
        await storage.sha256(missing)


# --- presigned single PUT and GET ----------------------------------------------------------


async def test_presigned_put_from_a_browser(
    storage: ObjectStorage, browser: httpx.AsyncClient
) -> None:
    key = unique("browser/put")
    data = os.urandom(300_000)
    url = storage.presign_put(key, TEN_MINUTES)
    assert "X-Amz-Signature=" in url

    refused = await browser.put(tampered(url), content=data)
    assert_refused(refused, "SignatureDoesNotMatch")
    with pytest.raises(ObjectNotFound):
        await storage.stat(key)

    response = await browser.put(url, content=data, headers={"Content-Type": "image/png"})
    assert response.status_code == 200, response.text
    info = await storage.stat(key)
    assert info.size == len(data)
    assert info.etag == etag_of(response)
    assert await storage.sha256(key) == (hashlib.sha256(data).hexdigest(), len(data))


async def test_presigned_put_expires(storage: ObjectStorage, browser: httpx.AsyncClient) -> None:
    key = unique("browser/expired")
    url = storage.presign_put(key, timedelta(seconds=1))
    await asyncio.sleep(2)
    response = await browser.put(url, content=b"too late")
    assert_refused(response, "AccessDenied")
    assert "expired" in response.text.lower()
    with pytest.raises(ObjectNotFound):
        await storage.stat(key)


async def test_presigned_get_with_content_disposition(
    storage: ObjectStorage, browser: httpx.AsyncClient
) -> None:
    key = unique("browser/get")
    data = os.urandom(70_000)
    await storage.put_bytes(key, data, "application/octet-stream")
    disposition = 'attachment; filename="x.bin"'

    url = storage.presign_get(
        key, TEN_MINUTES, response_headers={"response-content-disposition": disposition}
    )
    response = await browser.get(url)
    assert response.status_code == 200, response.text
    assert response.content == data
    assert response.headers["content-disposition"] == disposition

    unsigned = urlunsplit(urlsplit(url)._replace(query=""))
    anonymous = await browser.get(unsigned)
    assert_refused(anonymous, "AccessDenied")
    assert anonymous.content != data

    refused = await browser.get(tampered(url))
    assert_refused(refused, "SignatureDoesNotMatch")


async def test_public_endpoint_is_the_signed_host(
    infra: Infra, storage: ObjectStorage, browser: httpx.AsyncClient
) -> None:
    port = urlsplit(infra.s3.endpoint).port
    assert urlsplit(infra.s3.endpoint).hostname == "127.0.0.1"
    public = make_storage(infra, storage.bucket, public_endpoint=f"http://localhost:{port}")

    key = unique("browser/public")
    data = os.urandom(50_000)
    url = public.presign_put(key, TEN_MINUTES)
    assert urlsplit(url).netloc == f"localhost:{port}"

    # Signed for localhost, sent to 127.0.0.1: same server, but the host is signed.
    misdirected = await browser.put(with_host(url, f"127.0.0.1:{port}"), content=data)
    assert_refused(misdirected, "SignatureDoesNotMatch")

    response = await browser.put(url, content=data)
    assert response.status_code == 200, response.text
    assert (await public.stat(key)).size == len(data)

    get_url = public.presign_get(key, TEN_MINUTES)
    assert urlsplit(get_url).netloc == f"localhost:{port}"
    assert (await browser.get(get_url)).content == data
    wrong_host = await browser.get(with_host(get_url, f"127.0.0.1:{port}"))
    assert_refused(wrong_host, "SignatureDoesNotMatch")


# --- multipart, as the browser flow uses it ------------------------------------------------


async def put_part(
    browser: httpx.AsyncClient,
    storage: ObjectStorage,
    key: str,
    upload_id: str,
    number: int,
    data: bytes,
) -> UploadedPart:
    url = storage.presign_part(key, upload_id, number, TEN_MINUTES)
    response = await browser.put(url, content=data)
    assert response.status_code == 200, response.text
    return UploadedPart(number=number, etag=etag_of(response), size=len(data))


def three_parts() -> list[bytes]:
    return [os.urandom(5 * MIB), os.urandom(5 * MIB), os.urandom(MIB + 321)]


async def test_multipart_upload_with_parallel_presigned_parts(
    storage: ObjectStorage, browser: httpx.AsyncClient
) -> None:
    key = unique("multipart/parallel")
    parts = three_parts()
    upload_id = await storage.create_multipart(key, "video/mp4")
    assert upload_id
    assert await storage.list_parts(key, upload_id) == []

    uploaded = await asyncio.gather(
        *(
            put_part(browser, storage, key, upload_id, number, data)
            for number, data in enumerate(parts, start=1)
        )
    )

    listed = await storage.list_parts(key, upload_id)
    assert listed == sorted(uploaded, key=lambda p: p.number)
    assert [p.size for p in listed] == [len(d) for d in parts]

    with pytest.raises(ObjectNotFound):
        await storage.stat(key)
    etag = await storage.complete_multipart(key, upload_id, listed)
    assert etag

    whole = b"".join(parts)
    info = await storage.stat(key)
    assert info.size == len(whole)
    assert info.content_type == "video/mp4"
    assert await storage.sha256(key) == (hashlib.sha256(whole).hexdigest(), len(whole))
    assert await storage.read_range(key, 5 * MIB - 3, 6) == whole[5 * MIB - 3 : 5 * MIB + 3]


async def test_multipart_upload_resumes_after_reload(
    infra: Infra, storage: ObjectStorage, browser: httpx.AsyncClient
) -> None:
    key = unique("multipart/resume")
    parts = three_parts()
    upload_id = await storage.create_multipart(key, "application/pdf")
    first = await put_part(browser, storage, key, upload_id, 1, parts[0])

    # The page reloads: a new adapter knows only the key and the upload id.
    reloaded = make_storage(infra, storage.bucket)
    assert await reloaded.list_parts(key, upload_id) == [first]
    for number in (2, 3):
        await put_part(browser, reloaded, key, upload_id, number, parts[number - 1])

    listed = await reloaded.list_parts(key, upload_id)
    assert [p.number for p in listed] == [1, 2, 3]
    assert [p.size for p in listed] == [len(d) for d in parts]
    await reloaded.complete_multipart(key, upload_id, listed)

    whole = b"".join(parts)
    assert (await reloaded.stat(key)).size == len(whole)
    assert await reloaded.sha256(key) == (hashlib.sha256(whole).hexdigest(), len(whole))
    assert upload_id not in {u.upload_id for u in await reloaded.pending_uploads("multipart/")}


async def test_pending_uploads_and_abort(
    storage: ObjectStorage, browser: httpx.AsyncClient
) -> None:
    prefix = unique("pending") + "/"
    key = prefix + "draft.bin"
    other = unique("elsewhere") + "/draft.bin"
    upload_id = await storage.create_multipart(key, "application/octet-stream")
    other_id = await storage.create_multipart(other, "application/octet-stream")
    await put_part(browser, storage, key, upload_id, 1, os.urandom(1000))

    pending = await storage.pending_uploads(prefix)
    assert [(u.key, u.upload_id) for u in pending] == [(key, upload_id)]
    assert pending[0].initiated is not None

    await storage.abort_multipart(key, upload_id)
    assert await storage.pending_uploads(prefix) == []
    await storage.abort_multipart(key, upload_id)
    # SeaweedFS accepts a second abort; an id it never issued is NoSuchUpload, also swallowed.
    await storage.abort_multipart(key, "no-such-upload")

    assert other_id in {u.upload_id for u in await storage.pending_uploads()}
    await storage.abort_multipart(other, other_id)
    assert other_id not in {u.upload_id for u in await storage.pending_uploads()}
    with pytest.raises(ObjectNotFound):
        await storage.stat(key)


async def bounded(limit: int, jobs: list[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run jobs concurrently, at most `limit` at a time."""
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))


async def test_list_parts_pages_past_a_thousand_parts(
    storage: ObjectStorage, browser: httpx.AsyncClient
) -> None:
    """A server lists at most 1000 parts a page; a long upload must resume with all of them."""
    key = unique("multipart/many-parts")
    upload_id = await storage.create_multipart(key, "application/octet-stream")
    count = 1003
    uploaded = await bounded(
        8,
        [
            partial(put_part, browser, storage, key, upload_id, n, b"part %d" % n)
            for n in range(1, count + 1)
        ],
    )
    listed = await storage.list_parts(key, upload_id)
    assert len(listed) == count
    assert listed == sorted(uploaded, key=lambda p: p.number)
    await storage.abort_multipart(key, upload_id)


async def test_pending_uploads_pages_past_a_thousand_uploads(storage: ObjectStorage) -> None:
    """A server lists at most 1000 uploads a page; cleaning up must see every one of them."""
    prefix = unique("abandoned") + "/"
    keys = [f"{prefix}k{i % 400}" for i in range(1003)]  # several uploads for most keys
    ids = await bounded(16, [partial(storage.create_multipart, key, "text/plain") for key in keys])
    pending = await storage.pending_uploads(prefix)
    assert len(pending) == len(ids)
    assert {(u.key, u.upload_id) for u in pending} == set(zip(keys, ids, strict=True))


# --- presigning is local -------------------------------------------------------------------


async def test_presigning_makes_no_network_call(infra: Infra) -> None:
    closed = free_port()
    assert not port_open(closed)
    offline = make_storage(
        infra, "offline", endpoint=f"http://127.0.0.1:{closed}", region="vn-north-1"
    )

    put_url = offline.presign_put("a/b.bin", TEN_MINUTES)
    get_url = offline.presign_get("a/b.bin", TEN_MINUTES)
    part_url = offline.presign_part("a/b.bin", "upload-1", 2, TEN_MINUTES)

    for url in (put_url, get_url, part_url):
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        assert parts.netloc == f"127.0.0.1:{closed}"
        assert parts.path == "/offline/a/b.bin"
        assert query["X-Amz-Credential"].endswith("/vn-north-1/s3/aws4_request")
        assert len(query["X-Amz-Signature"]) == 64
    assert dict(parse_qsl(urlsplit(part_url).query))["partNumber"] == "2"
    assert dict(parse_qsl(urlsplit(part_url).query))["uploadId"] == "upload-1"
