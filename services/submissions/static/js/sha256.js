// Incremental SHA-256 (FIPS 180-4) for hashing multi-GiB files in the browser while they
// upload. WebCrypto only digests a whole buffer at once, so large files need this.
// No DOM access: importable in node, in a page, and as a module worker (see the end).

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

// Compresses the 64-byte blocks of `data` in [pos, end). State lives in locals for the whole
// run of blocks and every value stays an int32, so V8 keeps the loop in registers without
// allocating; `end - pos` must be a multiple of 64.
function compress(state, w, data, pos, end) {
  let h0 = state[0];
  let h1 = state[1];
  let h2 = state[2];
  let h3 = state[3];
  let h4 = state[4];
  let h5 = state[5];
  let h6 = state[6];
  let h7 = state[7];
  while (pos < end) {
    for (let i = 0; i < 16; i++, pos += 4) {
      w[i] = (data[pos] << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3];
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15];
      const y = w[i - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + (g ^ (e & (f ^ g))) + K[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) | (c & (a | b)))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
  state[4] = h4;
  state[5] = h5;
  state[6] = h6;
  state[7] = h7;
}

export class Sha256 {
  #state = new Int32Array(INITIAL);
  #w = new Int32Array(64);
  #buf = new Uint8Array(64);
  #bufLen = 0;
  #length = 0; // bytes hashed; a double is exact far beyond any file size
  #digest = null;

  /** Feeds bytes (a Uint8Array or an ArrayBuffer); returns this for chaining. */
  update(data) {
    if (this.#digest) throw new Error("Sha256: update() after digest");
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    const len = bytes.length;
    let pos = 0;
    this.#length += len;
    if (this.#bufLen > 0) {
      const take = Math.min(64 - this.#bufLen, len);
      this.#buf.set(bytes.subarray(0, take), this.#bufLen);
      this.#bufLen += take;
      pos = take;
      if (this.#bufLen < 64) return this;
      compress(this.#state, this.#w, this.#buf, 0, 64);
      this.#bufLen = 0;
    }
    const full = len - ((len - pos) % 64);
    if (full > pos) compress(this.#state, this.#w, bytes, pos, full);
    if (full < len) {
      this.#buf.set(bytes.subarray(full), 0);
      this.#bufLen = len - full;
    }
    return this;
  }

  /** The 32-byte digest; the hash is finished after the first call. */
  digest() {
    if (!this.#digest) {
      const buf = this.#buf;
      let n = this.#bufLen;
      buf[n++] = 0x80;
      if (n > 56) {
        buf.fill(0, n);
        compress(this.#state, this.#w, buf, 0, 64);
        n = 0;
      }
      buf.fill(0, n);
      // Message length in bits, 64-bit big-endian, without overflowing 2^53.
      const hi = Math.floor(this.#length / 0x20000000);
      const lo = (this.#length % 0x20000000) * 8;
      for (let i = 0; i < 4; i++) {
        buf[56 + i] = (hi >>> (24 - 8 * i)) & 0xff;
        buf[60 + i] = (lo >>> (24 - 8 * i)) & 0xff;
      }
      compress(this.#state, this.#w, buf, 0, 64);
      const out = new Uint8Array(32);
      for (let i = 0; i < 8; i++) {
        const v = this.#state[i];
        out[4 * i] = v >>> 24;
        out[4 * i + 1] = (v >>> 16) & 0xff;
        out[4 * i + 2] = (v >>> 8) & 0xff;
        out[4 * i + 3] = v & 0xff;
      }
      this.#digest = out;
    }
    return this.#digest.slice();
  }

  /** The digest as 64 lowercase hex characters. */
  digestHex() {
    return toHex(this.digest());
  }
}

export function toHex(bytes) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = "";
  for (let i = 0; i < view.length; i++) s += HEX[view[i]];
  return s;
}

export const SLICE_BYTES = 4 * 1024 * 1024;

/**
 * SHA-256 hex of a Blob/File, read in order in slices so memory stays flat whatever its
 * size. The next slice is read while the current one is hashed. `onProgress(hashedBytes)`
 * runs after each slice; an aborted `signal` stops it with the signal's reason.
 */
export async function sha256Blob(blob, { sliceBytes = SLICE_BYTES, onProgress, signal } = {}) {
  const hash = new Sha256();
  const size = blob.size;
  let offset = 0;
  let next = size > 0 ? blob.slice(0, Math.min(sliceBytes, size)).arrayBuffer() : null;
  while (next) {
    const buffer = await next;
    signal?.throwIfAborted();
    const end = offset + buffer.byteLength;
    next = end < size ? blob.slice(end, Math.min(end + sliceBytes, size)).arrayBuffer() : null;
    hash.update(new Uint8Array(buffer));
    offset = end;
    onProgress?.(offset);
  }
  return hash.digestHex();
}

const SUBTLE_MAX_BYTES = 64 * 1024 * 1024;
export const WORKER_NAME = "lantoa-sha256";

/**
 * SHA-256 hex of a Blob/File by the fastest means at hand: WebCrypto for files up to 64 MiB
 * (a secure context holds them in memory once), else a module worker running this file, else
 * sha256Blob on this thread. Same options as sha256Blob; read failures reject.
 */
export async function sha256File(blob, { onProgress, signal } = {}) {
  const subtle = globalThis.crypto?.subtle;
  if (blob.size <= SUBTLE_MAX_BYTES && subtle?.digest) {
    const digest = await subtle.digest("SHA-256", await blob.arrayBuffer());
    signal?.throwIfAborted();
    onProgress?.(blob.size);
    return toHex(new Uint8Array(digest));
  }
  const hex = await sha256InWorker(blob, onProgress, signal);
  return hex ?? sha256Blob(blob, { onProgress, signal });
}

/** Hashes in a module worker; resolves to null when workers are unavailable here. */
function sha256InWorker(blob, onProgress, signal) {
  if (typeof Worker === "undefined") return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    let worker;
    try {
      const url = new URL("./sha256.js", import.meta.url);
      worker = new Worker(url, { type: "module", name: WORKER_NAME });
    } catch {
      resolve(null);
      return;
    }
    let heard = false;
    const end = () => {
      worker.terminate();
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      end();
      reject(signal.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.onmessage = ({ data }) => {
      heard = true;
      if (data.error) {
        end();
        reject(new Error(data.error));
      } else if (data.hex) {
        end();
        resolve(data.hex);
      } else {
        onProgress?.(data.hashedBytes);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      end();
      // A worker that never started (no module workers, CSP) means: hash here instead.
      if (heard) reject(new Error(event.message || "sha256 worker failed"));
      else resolve(null);
    };
    worker.postMessage({ blob });
  });
}

// Started as `new Worker(url, {type: "module", name: WORKER_NAME})`, this module hashes the
// Blob it is posted ({blob}) off the page's main thread, posting {hashedBytes} as it goes,
// then {hex} or {error}. The name check keeps any other importer unaffected.
if (
  typeof WorkerGlobalScope !== "undefined" &&
  globalThis instanceof WorkerGlobalScope &&
  globalThis.name === WORKER_NAME
) {
  globalThis.onmessage = async (event) => {
    try {
      const hex = await sha256Blob(event.data.blob, {
        onProgress: (hashedBytes) => globalThis.postMessage({ hashedBytes }),
      });
      globalThis.postMessage({ hex });
    } catch (error) {
      globalThis.postMessage({ error: String(error?.message ?? error) });
    }
  };
}
