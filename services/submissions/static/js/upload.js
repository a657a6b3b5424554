// Upload engine: sends one File to storage in parallel parts through presigned URLs, survives
// network drops and page reloads, hashes the file while it goes, then waits for the server's
// verdict. No DOM access, so it can be imported (and exercised) in node as well.

import { sha256File } from "./sha256.js";

export const MAX_URLS_PER_CALL = 50;
const URL_BATCH = 20; // fewer URLs per call so a slow link does not outlive them
const URL_MARGIN_MS = 60_000; // refetch a URL that expires within a minute
const STALL_MS = 60_000; // a PUT with no byte moving for this long is presumed dead
const PROGRESS_EVERY_MS = 100;
const TICK_MS = 1000; // keeps speed and time left honest while nothing moves
const RETRY_DELAYS_S = [1, 2, 4, 8, 16, 32, 60];
const STORAGE_PREFIX = "lantoa.upload:";

const MSG = {
  network: "Không kết nối được máy chủ. Hãy kiểm tra mạng rồi thử lại. / Cannot reach the server.",
  noUrl: "Máy chủ không cấp địa chỉ tải lên cho phần tệp. / The server gave no upload URL.",
  refused: (part, status) =>
    `Kho lưu trữ từ chối phần ${part} (HTTP ${status}). Hãy thử lại. / ` +
    `Storage refused part ${part} (HTTP ${status}).`,
  read: "Không đọc được tệp trên máy. Hãy chọn lại tệp. / The file could not be read.",
  gone: "Tệp không còn trong bài dự thi. / The file is no longer in the entry.",
  cancelled: "Tệp đã bị huỷ. / The upload was cancelled.",
  unexpected: "Tải lên gặp lỗi. Hãy thử lại. / The upload failed, please try again.",
  http: (status) => `Máy chủ trả lỗi HTTP ${status}. / The server answered HTTP ${status}.`,
  invalid: "Dữ liệu gửi lên không hợp lệ. / The request was not valid.",
};

/** An error whose message can be shown to the contestant as is. */
export class UploadError extends Error {
  constructor(message, status = 0, problems = []) {
    super(message);
    this.name = "UploadError";
    this.status = status;
    this.problems = problems;
  }
}

/** The error for a failed API answer: `{"detail": str}` or `{"detail": {message, problems}}`. */
export function errorFromResponse(status, data) {
  const detail = data?.detail;
  const text = (p) => (typeof p === "string" ? p : (p?.message ?? p?.msg ?? JSON.stringify(p)));
  if (typeof detail === "string") return new UploadError(detail, status);
  if (Array.isArray(detail)) return new UploadError(MSG.invalid, status, detail.map(text));
  if (detail && typeof detail === "object") {
    const problems = Array.isArray(detail.problems) ? detail.problems.map(text) : [];
    return new UploadError(detail.message || MSG.http(status), status, problems);
  }
  return new UploadError(MSG.http(status), status);
}

/** Byte range [start, end) of 1-based part `partNumber`. */
export function partRange(partNumber, partSize, size) {
  const start = (partNumber - 1) * partSize;
  return [Math.min(start, size), Math.min(start + partSize, size)];
}

/** Part numbers still to send: those not stored, or stored with the wrong size. */
export function partsToSend(partCount, partSize, size, storedParts = []) {
  const stored = new Map(storedParts.map((p) => [p.part_number, p.size]));
  const missing = [];
  for (let n = 1; n <= partCount; n++) {
    const [start, end] = partRange(n, partSize, size);
    if (stored.get(n) !== end - start) missing.push(n);
  }
  return missing;
}

/** Wait before retry number `attempt` (0-based): 1, 2, 4 … 32, then 60 s. */
export function retryDelayMs(attempt) {
  return RETRY_DELAYS_S[Math.min(attempt, RETRY_DELAYS_S.length - 1)] * 1000;
}

/**
 * The localStorage key that recognises the same file chosen again for the same entry. Role
 * and series part are in it too, so one file sent as two roles keeps two uploads apart.
 */
export function resumeKey(entryId, file, role = "work", seriesPart = null) {
  const id = `${file.name}:${file.size}:${file.lastModified ?? 0}`;
  return `${STORAGE_PREFIX}${entryId}:${role}:${seriesPart ?? ""}:${id}`;
}

/** Bytes per second over the last `windowMs`, from cumulative byte counts. */
export class SpeedMeter {
  #samples = [];
  #windowMs;
  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }
  add(now, bytes) {
    const s = this.#samples;
    s.push({ now, bytes });
    // Keep the newest sample at or before the window start as its baseline.
    while (s.length > 2 && s[1].now <= now - this.#windowMs) s.shift();
  }
  bytesPerSecond() {
    const s = this.#samples;
    if (s.length < 2) return 0;
    const first = s[0];
    const last = s[s.length - 1];
    const seconds = (last.now - first.now) / 1000;
    return seconds > 0 ? Math.max(0, (last.bytes - first.bytes) / seconds) : 0;
  }
}

export class Upload extends EventTarget {
  #entryId;
  #file;
  #role;
  #seriesPart;
  #concurrency;
  #fetch;
  #XHR;
  #storage;
  #pollMs;
  #base;
  #abort = new AbortController();
  #xhrs = new Set();
  #urls = new Map(); // part -> {url, expiresAt}
  #urlWaits = new Map(); // part -> promise of the request that will bring its URL
  #inFlight = new Map(); // part -> bytes sent so far
  #doneBytes = 0;
  #partSize = 0;
  #partCount = 0;
  #fileId = null;
  #completed = false;
  #cancelled = false;
  #started = false;
  #meter = new SpeedMeter();
  #lastProgress = 0;
  #ticker = null;

  /**
   * `XMLHttpRequest`, `storage` (localStorage) and `pollMs` are there for tests and for
   * pages without them; a page passes only the documented options.
   */
  constructor({
    entryId,
    file,
    role = "work",
    seriesPart = null,
    concurrency = 4,
    fetch = globalThis.fetch,
    XMLHttpRequest = globalThis.XMLHttpRequest,
    storage = globalThis.localStorage,
    pollMs = 1500,
  }) {
    super();
    this.#entryId = entryId;
    this.#file = file;
    this.#role = role;
    this.#seriesPart = seriesPart ?? null;
    this.#concurrency = Math.max(1, Math.floor(concurrency));
    this.#fetch = fetch;
    this.#XHR = XMLHttpRequest;
    this.#storage = storage;
    this.#pollMs = pollMs;
    this.#base = `/api/entries/${encodeURIComponent(entryId)}`;
  }

  get file() {
    return this.#file;
  }

  get fileId() {
    return this.#fileId;
  }

  /**
   * Runs the whole upload. Resolves to the file as the entry lists it once verified or
   * rejected (also sent as `done`), or to null when cancelled or failed (failures are sent
   * as `error`); it never rejects.
   */
  async start() {
    if (this.#started) throw new Error("Upload.start() called twice");
    this.#started = true;
    if (this.#cancelled) return null;
    const signal = this.#abort.signal;
    try {
      const { storedParts } = await this.#open();
      const pending = partsToSend(this.#partCount, this.#partSize, this.#file.size, storedParts);
      this.#doneBytes = this.#file.size;
      for (const n of pending) this.#doneBytes -= this.#rangeSize(n);
      this.#ticker = setInterval(() => this.#progress(true), TICK_MS);
      this.#progress(true);
      const hashing = this.#hash();
      await Promise.all([this.#sendParts(pending), hashing]);
      clearInterval(this.#ticker);
      this.#emit("verifying");
      let file = await this.#complete(await hashing);
      this.#completed = true;
      this.#forgetRecord();
      if (file.status !== "verified" && file.status !== "rejected") file = await this.#poll();
      this.#emit("done", file);
      return file;
    } catch (error) {
      this.#stopAll(error);
      if (!this.#cancelled && !signal.reason?.lantoaCancel) {
        const shown = error instanceof UploadError ? error : new UploadError(MSG.unexpected);
        if (!(error instanceof UploadError)) console.error(error);
        this.#emit("error", {
          message: shown.message,
          problems: shown.problems,
          status: shown.status,
        });
      }
      return null;
    } finally {
      clearInterval(this.#ticker);
    }
  }

  /** Stops the upload and drops it on the server; does nothing once the server has it. */
  async cancel() {
    if (this.#cancelled) return;
    this.#cancelled = true;
    const reason = Object.assign(new Error("cancelled"), { lantoaCancel: true });
    this.#stopAll(reason);
    if (this.#completed) return;
    // Before the resumed upload is confirmed its id is only in the record: drop that one too.
    const fileId = this.#fileId ?? this.#loadRecord()?.fileId;
    this.#forgetRecord();
    if (fileId) await this.#deleteRemote(fileId);
    this.#emit("cancelled");
  }

  // ---- server calls ----

  /** `signal: null` makes a call that cancelling must not cut short. */
  async #api(method, path, body, { retry = false, signal = this.#abort.signal } = {}) {
    const headers = { "X-Requested-With": "fetch", Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const fetchImpl = this.#fetch; // called unbound: window.fetch refuses another `this`
    for (let attempt = 0; ; attempt++) {
      let response;
      try {
        response = await fetchImpl(this.#base + path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          credentials: "same-origin",
          signal: signal ?? undefined,
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!retry) throw new UploadError(MSG.network);
        await this.#wait(attempt, 0);
        continue;
      }
      if (retry && response.status >= 500) {
        await this.#wait(attempt, 0);
        continue;
      }
      const data = response.status === 204 ? null : await response.json().catch(() => null);
      if (!response.ok) throw errorFromResponse(response.status, data);
      return data;
    }
  }

  async #open() {
    const record = this.#loadRecord();
    if (record) {
      try {
        const up = await this.#api("GET", `/uploads/${record.fileId}`, undefined, { retry: true });
        if (up.status === "uploading" && up.size_bytes === this.#file.size && up.part_size > 0) {
          this.#fileId = up.file_id;
          this.#partSize = up.part_size;
          this.#partCount = up.part_count;
          return { storedParts: up.parts ?? [] };
        }
      } catch (error) {
        // 404 and friends: that upload is gone, start afresh; anything else is a real failure.
        if (!(error instanceof UploadError) || error.status === 0) throw error;
      }
      this.#forgetRecord();
    }
    // Not abortable: if it went through, its file must be known so cancel can delete it.
    const created = await this.#api(
      "POST",
      "/uploads",
      {
        file_name: this.#file.name,
        size_bytes: this.#file.size,
        role: this.#role,
        series_part: this.#seriesPart,
      },
      { signal: null },
    );
    this.#fileId = created.file_id;
    if (this.#cancelled) {
      await this.#deleteRemote(this.#fileId);
      throw this.#abort.signal.reason;
    }
    this.#partSize = created.part_size;
    this.#partCount = created.part_count;
    this.#saveRecord();
    return { storedParts: [] };
  }

  async #complete(hex) {
    const path = `/uploads/${this.#fileId}/complete`;
    try {
      return await this.#api("POST", path, { sha256: hex }, { retry: true });
    } catch (error) {
      if (!(error instanceof UploadError) || (error.status !== 409 && error.status !== 422)) {
        throw error;
      }
      // An earlier try may have gone through with its answer lost on the way back.
      const listed = await this.#listedFile();
      if (listed && ["verifying", "verified", "rejected"].includes(listed.status)) return listed;
      // Storage may lack a part (e.g. lost on its side): send what is missing, once.
      if (!this.#repaired) {
        this.#repaired = true;
        const up = await this.#api("GET", `/uploads/${this.#fileId}`, undefined, { retry: true });
        const missing = partsToSend(this.#partCount, this.#partSize, this.#file.size, up.parts);
        if (missing.length > 0) {
          for (const n of missing) this.#doneBytes -= this.#rangeSize(n);
          await this.#sendParts(missing);
          return this.#complete(hex);
        }
      }
      throw error;
    }
  }

  #repaired = false;

  async #listedFile() {
    const entry = await this.#api("GET", "", undefined, { retry: true });
    return (entry?.files ?? []).find((f) => f.file_id === this.#fileId) ?? null;
  }

  async #poll() {
    // Small files are usually checked within a fraction of a second: ask soon, then less often.
    let wait = Math.min(250, this.#pollMs);
    for (;;) {
      await sleep(wait, this.#abort.signal);
      wait = Math.min(wait * 1.6, this.#pollMs);
      const file = await this.#listedFile();
      if (!file) throw new UploadError(MSG.gone, 404);
      if (file.status === "verified" || file.status === "rejected") return file;
      if (file.status === "cancelled") throw new UploadError(MSG.cancelled, 409);
    }
  }

  async #deleteRemote(fileId) {
    try {
      await this.#api("DELETE", `/uploads/${fileId}`, undefined, { signal: null });
    } catch {
      // Best effort: an abandoned multipart upload is also cleaned up on the server side.
    }
  }

  // ---- parts ----

  #rangeSize(n) {
    const [start, end] = partRange(n, this.#partSize, this.#file.size);
    return end - start;
  }

  async #sendParts(parts) {
    const queue = [...parts];
    const runner = async () => {
      while (queue.length > 0) await this.#sendPart(queue.shift(), queue);
    };
    const count = Math.min(this.#concurrency, queue.length);
    await Promise.all(Array.from({ length: count }, runner));
  }

  async #sendPart(part, queue) {
    const [start, end] = partRange(part, this.#partSize, this.#file.size);
    const body = this.#file.slice(start, end, ""); // empty type: no Content-Type header
    let fresh = false; // whether the URL in use was fetched after a 403
    for (let attempt = 0; ; ) {
      const url = await this.#urlFor(part, queue, fresh);
      const status = await this.#put(part, url, body, end - start);
      this.#inFlight.delete(part); // done or failed: its bytes are counted below or rolled back
      if (status >= 200 && status < 300) {
        this.#doneBytes += end - start;
        this.#progress(true);
        return;
      }
      this.#progress(true);
      if (status === 403 && !fresh) {
        fresh = true; // the URL probably expired: one more try with a new one
        this.#urls.delete(part);
        continue;
      }
      if (status === 0 || status === 408 || status === 429 || status >= 500) {
        fresh = false;
        await this.#wait(attempt++, part);
        continue;
      }
      throw new UploadError(MSG.refused(part, status), status);
    }
  }

  async #urlFor(part, queue, force) {
    const valid = (n) => (this.#urls.get(n)?.expiresAt ?? 0) - Date.now() > URL_MARGIN_MS;
    if (!force && valid(part)) return this.#urls.get(part).url;
    let request = force ? null : this.#urlWaits.get(part);
    if (!request) {
      const others = queue.filter((n) => !valid(n) && !this.#urlWaits.has(n));
      const batch = [part, ...others].slice(0, Math.min(URL_BATCH, MAX_URLS_PER_CALL));
      request = this.#fetchUrls(batch);
      for (const n of batch) this.#urlWaits.set(n, request);
      const clear = () => {
        for (const n of batch) if (this.#urlWaits.get(n) === request) this.#urlWaits.delete(n);
      };
      request.then(clear, clear);
    }
    await request;
    const got = this.#urls.get(part);
    if (!got) throw new UploadError(MSG.noUrl);
    return got.url;
  }

  async #fetchUrls(parts) {
    const path = `/uploads/${this.#fileId}/part-urls`;
    const data = await this.#api("POST", path, { part_numbers: parts }, { retry: true });
    const now = Date.now();
    let expiresAt = Date.parse(data.expires_at);
    // A client clock far off the server's would make every URL look stale: trust 403 then.
    if (!(expiresAt - now > 2 * URL_MARGIN_MS)) expiresAt = now + 10 * URL_MARGIN_MS;
    for (const [n, url] of Object.entries(data.urls ?? {})) {
      this.#urls.set(Number(n), { url, expiresAt });
    }
  }

  /** PUTs one part; resolves to the HTTP status, 0 for a network failure or a stall. */
  #put(part, url, body, size) {
    const signal = this.#abort.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const xhr = new this.#XHR();
      let stalled = false;
      let timer = null;
      const watch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          stalled = true;
          xhr.abort();
        }, STALL_MS);
      };
      const finish = (status) => {
        clearTimeout(timer);
        this.#xhrs.delete(xhr);
        resolve(status);
      };
      xhr.open("PUT", url);
      xhr.upload.onprogress = (event) => {
        watch();
        this.#inFlight.set(part, Math.min(event.loaded, size));
        this.#progress(false);
      };
      xhr.onload = () => finish(xhr.status);
      xhr.onerror = () => finish(0);
      xhr.ontimeout = () => finish(0);
      xhr.onabort = () => {
        if (stalled) return finish(0);
        clearTimeout(timer);
        this.#xhrs.delete(xhr);
        reject(signal.reason);
      };
      this.#xhrs.add(xhr);
      watch();
      xhr.send(body);
    });
  }

  // ---- hashing ----

  async #hash() {
    const file = this.#file;
    const signal = this.#abort.signal;
    const onProgress = (hashedBytes) =>
      this.#emit("hashing", { hashedBytes, totalBytes: file.size });
    try {
      return await sha256File(file, { onProgress, signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw new UploadError(MSG.read);
    }
  }

  // ---- plumbing ----

  #stopAll(reason) {
    clearInterval(this.#ticker);
    if (!this.#abort.signal.aborted) this.#abort.abort(reason);
    for (const xhr of [...this.#xhrs]) xhr.abort();
  }

  /** Waits before a retry; the browser coming back online cuts the wait short. */
  async #wait(attempt, partNumber) {
    const delayMs = retryDelayMs(attempt);
    this.#emit("retrying", { partNumber, attempt: attempt + 1, delaySeconds: delayMs / 1000 });
    await sleep(delayMs, this.#abort.signal, true);
  }

  #progress(force) {
    const now = Date.now();
    if (!force && now - this.#lastProgress < PROGRESS_EVERY_MS) return;
    this.#lastProgress = now;
    let sentBytes = this.#doneBytes;
    for (const bytes of this.#inFlight.values()) sentBytes += bytes;
    this.#meter.add(now, sentBytes);
    const totalBytes = this.#file.size;
    const bytesPerSecond = this.#meter.bytesPerSecond();
    const secondsLeft =
      bytesPerSecond > 0 ? Math.ceil((totalBytes - sentBytes) / bytesPerSecond) : null;
    this.#emit("progress", { sentBytes, totalBytes, bytesPerSecond, secondsLeft });
  }

  #emit(type, detail = null) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #key() {
    return resumeKey(this.#entryId, this.#file, this.#role, this.#seriesPart);
  }

  #loadRecord() {
    try {
      const raw = this.#storage?.getItem(this.#key());
      const record = raw ? JSON.parse(raw) : null;
      return record?.fileId ? record : null;
    } catch {
      return null; // storage disabled or garbage: just start afresh
    }
  }

  #saveRecord() {
    const f = this.#file;
    const record = {
      entryId: this.#entryId,
      fileId: this.#fileId,
      name: f.name,
      size: f.size,
      lastModified: f.lastModified ?? 0,
      role: this.#role,
      seriesPart: this.#seriesPart,
    };
    try {
      this.#storage?.setItem(this.#key(), JSON.stringify(record));
    } catch {
      // Full or disabled storage only costs the ability to resume.
    }
  }

  #forgetRecord() {
    try {
      this.#storage?.removeItem(this.#key());
    } catch {
      // see #saveRecord
    }
  }
}

/** Resolves after `ms`, early on the `online` event if asked; rejects when `signal` aborts. */
function sleep(ms, signal, wakeOnOnline = false) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const target = wakeOnOnline ? globalThis.window : undefined;
    const done = () => {
      clearTimeout(timer);
      target?.removeEventListener("online", done);
      signal.removeEventListener("abort", stop);
      resolve();
    };
    const stop = () => {
      clearTimeout(timer);
      target?.removeEventListener("online", done);
      reject(signal.reason);
    };
    const timer = setTimeout(done, ms);
    target?.addEventListener("online", done);
    signal.addEventListener("abort", stop, { once: true });
  });
}
