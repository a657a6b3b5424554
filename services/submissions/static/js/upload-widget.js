// Upload widget: turns every <form data-upload-entry="…"> with a file input into a resumable,
// parallel uploader with a progress line per file. Without JavaScript the form stays as the
// server rendered it. All names coming from files are set as text, never as HTML.

import { Upload } from "./upload.js";

const STRINGS = {
  vi: {
    locale: "vi-VN",
    preparing: "Đang chuẩn bị…",
    speed: (n) => `${n} MB/giây`,
    secondsLeft: (n) => `còn khoảng ${n} giây`,
    minutesLeft: (n) => `còn khoảng ${n} phút`,
    hoursLeft: (h, m) => `còn khoảng ${h} giờ ${m} phút`,
    hashing: (pct) => `Đang tính mã kiểm tra… ${pct}%`,
    retrying: (s) => `mất kết nối, thử lại sau ${s} giây…`,
    verifying: "Đang kiểm tra tệp…",
    verified: "Đã kiểm tra ✓",
    rejected: "Tệp bị từ chối.",
    failed: "Tải lên không thành công.",
    cancelled: "Đã huỷ.",
    cancel: "Huỷ",
    cancelLabel: (name) => `Huỷ tải lên ${name}`,
    retry: "Thử lại",
    retryLabel: (name) => `Thử tải lên lại ${name}`,
    progressLabel: (name) => `Tiến độ tải lên ${name}`,
    tooBig: (size, max) => `Tệp nặng ${size}, vượt mức tối đa ${max} cho phép.`,
    noFile: "Hãy chọn ít nhất một tệp để tải lên.",
    busy: "Tệp này đang được tải lên.",
    empty: "Tệp rỗng (0 byte), không thể nộp.",
    leave: "Tệp đang được tải lên. Rời trang sẽ tạm dừng việc tải lên.",
  },
  en: {
    locale: "en",
    preparing: "Preparing…",
    speed: (n) => `${n} MB/s`,
    secondsLeft: (n) => `about ${n} s left`,
    minutesLeft: (n) => `about ${n} min left`,
    hoursLeft: (h, m) => `about ${h} h ${m} min left`,
    hashing: (pct) => `Computing the checksum… ${pct}%`,
    retrying: (s) => `connection lost, retrying in ${s} s…`,
    verifying: "Checking the file…",
    verified: "Checked ✓",
    rejected: "The file was rejected.",
    failed: "The upload failed.",
    cancelled: "Cancelled.",
    cancel: "Cancel",
    cancelLabel: (name) => `Cancel uploading ${name}`,
    retry: "Retry",
    retryLabel: (name) => `Retry uploading ${name}`,
    progressLabel: (name) => `Upload progress of ${name}`,
    tooBig: (size, max) => `The file is ${size}, over the ${max} limit.`,
    noFile: "Choose at least one file to upload.",
    busy: "This file is already uploading.",
    empty: "The file is empty (0 bytes) and cannot be submitted.",
    leave: "A file is uploading. Leaving the page pauses the upload.",
  },
};

const RELOAD_DELAY_MS = 1200; // long enough to see the ✓ before the page refreshes
const items = new Set(); // every upload started on this page, across forms

function strings() {
  const lang = (document.documentElement.lang || "").toLowerCase();
  return lang === "en" || lang.startsWith("en-") ? STRINGS.en : STRINGS.vi;
}

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

/** Size in the server's style (binary units, locale decimal sign): "1,5 GiB". */
export function humanSize(bytes, t = STRINGS.vi) {
  const fmt = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 1 });
  for (const [unit, scale] of [
    ["GiB", 2 ** 30],
    ["MiB", 2 ** 20],
    ["KiB", 2 ** 10],
  ]) {
    if (bytes >= scale) return `${fmt.format(bytes / scale)} ${unit}`;
  }
  return `${fmt.format(bytes)} byte`;
}

/** "45% · 12,3 MB/giây · còn khoảng 2 phút" for one progress event. */
export function progressLine({ sentBytes, totalBytes, bytesPerSecond, secondsLeft }, t) {
  const pct = percentOf(sentBytes, totalBytes);
  const parts = [`${pct}%`];
  if (bytesPerSecond > 0) {
    const fmt = new Intl.NumberFormat(t.locale, {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
    parts.push(t.speed(fmt.format(bytesPerSecond / 1e6)));
  }
  if (secondsLeft !== null && secondsLeft !== undefined && sentBytes < totalBytes) {
    parts.push(timeLeft(secondsLeft, t));
  }
  return parts.join(" · ");
}

function timeLeft(seconds, t) {
  if (seconds < 60) return t.secondsLeft(Math.max(1, Math.ceil(seconds)));
  if (seconds < 3600) return t.minutesLeft(Math.round(seconds / 60));
  const minutes = Math.round(seconds / 60);
  return t.hoursLeft(Math.floor(minutes / 60), minutes % 60);
}

function percentOf(done, total) {
  return total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : 100;
}

/** One <li> in the form's list: the file's name, progress, status line and buttons. */
class UploadItem {
  constructor(list, file, options, t) {
    this.file = file;
    this.options = options;
    this.t = t;
    this.state = "uploading";
    this.li = el("li", { class: "upload", tabindex: "-1", "data-state": "uploading" });
    this.progress = el("progress", {
      max: "100",
      value: "0",
      "aria-label": t.progressLabel(file.name),
      "data-testid": "upload-progress",
      "data-percent": "0",
    });
    // Byte counts change many times a second: keep them out of the polite live region.
    this.status = el(
      "span",
      { class: "upload-status", "data-testid": "upload-status", "aria-live": "off" },
      t.preparing,
    );
    this.cancelButton = el(
      "button",
      {
        type: "button",
        class: "upload-cancel",
        "data-testid": "upload-cancel",
        "aria-label": t.cancelLabel(file.name),
      },
      t.cancel,
    );
    this.retryButton = el(
      "button",
      { type: "button", class: "upload-retry", "aria-label": t.retryLabel(file.name) },
      t.retry,
    );
    this.retryButton.hidden = true;
    this.cancelButton.addEventListener("click", () => this.cancel());
    this.retryButton.addEventListener("click", () => this.start());
    this.li.append(
      el("span", { class: "upload-name" }, file.name),
      " ",
      this.progress,
      " ",
      this.status,
      " ",
      this.cancelButton,
      " ",
      this.retryButton,
    );
    list.append(this.li);
    items.add(this);
  }

  start() {
    this.clearMessages();
    this.setState("uploading");
    this.setStatus(this.t.preparing);
    this.show(this.cancelButton);
    this.hide(this.retryButton);
    this.sent = 0;
    this.retryUntil = 0;
    const upload = new Upload({ ...this.options, file: this.file });
    this.upload = upload;
    upload.addEventListener("progress", (e) => this.onProgress(e.detail));
    upload.addEventListener("hashing", (e) => this.onHashing(e.detail));
    upload.addEventListener("retrying", (e) => {
      this.retryUntil = Date.now() + e.detail.delaySeconds * 1000;
      this.render();
    });
    upload.addEventListener("verifying", () => {
      this.setState("verifying");
      this.hide(this.cancelButton); // the server has the file now
      this.setPercent(100);
      this.status.removeAttribute("aria-live");
      this.setStatus(this.t.verifying);
    });
    upload.addEventListener("done", (e) => this.onDone(e.detail));
    upload.addEventListener("error", (e) => this.onError(e.detail));
    upload.start();
  }

  async cancel() {
    this.hide(this.cancelButton);
    this.hide(this.retryButton);
    await this.upload?.cancel();
    this.clearMessages();
    this.setState("cancelled");
    this.status.removeAttribute("aria-live");
    this.setStatus(this.t.cancelled);
    maybeReload();
  }

  onProgress(detail) {
    if (this.state !== "uploading") return;
    if (detail.sentBytes > this.sent) this.retryUntil = 0; // bytes move again
    this.sent = detail.sentBytes;
    this.last = detail;
    this.render();
  }

  onHashing({ hashedBytes, totalBytes }) {
    this.hashPct = percentOf(hashedBytes, totalBytes);
    if (this.state === "uploading" && this.last?.sentBytes >= totalBytes) this.render();
  }

  render() {
    const d = this.last;
    if (!d) return;
    this.setPercent(percentOf(d.sentBytes, d.totalBytes));
    let line;
    if (d.sentBytes >= d.totalBytes && (this.hashPct ?? 0) < 100) {
      line = this.t.hashing(this.hashPct ?? 0);
    } else {
      line = progressLine(d, this.t);
      const wait = Math.ceil((this.retryUntil - Date.now()) / 1000);
      if (wait > 0) line = `${percentOf(d.sentBytes, d.totalBytes)}% · ${this.t.retrying(wait)}`;
    }
    this.setStatus(line);
  }

  onDone(file) {
    this.hide(this.cancelButton);
    this.status.removeAttribute("aria-live");
    if (file.status === "verified") {
      this.setState("verified");
      this.setPercent(100);
      this.setStatus("");
      this.status.append(el("span", { role: "alert" }, this.t.verified));
    } else {
      this.setState("rejected");
      this.setStatus("");
      this.status.append(el("span", { role: "alert" }, file.rejection || this.t.rejected));
    }
    maybeReload();
  }

  onError({ message, problems }) {
    this.setState("error");
    this.status.removeAttribute("aria-live");
    this.setStatus(this.t.failed);
    const alert = el("div", { class: "upload-alert", role: "alert" });
    alert.append(el("p", {}, message));
    if (problems?.length) {
      const list = el("ul");
      for (const problem of problems) list.append(el("li", {}, problem));
      alert.append(list);
    }
    this.li.append(alert);
    this.show(this.retryButton); // the same file resumes where it stopped
    this.show(this.cancelButton); // and cancelling drops the half-done upload
  }

  setState(state) {
    this.state = state;
    this.li.dataset.state = state;
  }

  setStatus(text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  setPercent(pct) {
    this.progress.value = pct;
    this.progress.dataset.percent = String(pct);
  }

  clearMessages() {
    for (const node of this.li.querySelectorAll(".upload-alert")) node.remove();
  }

  show(button) {
    button.hidden = false;
  }

  hide(button) {
    // Focus on a vanishing button would fall to <body>; keep it on this item instead.
    if (document.activeElement === button) this.li.focus();
    button.hidden = true;
  }
}

function maybeReload() {
  const all = [...items].filter((item) => item.state !== "cancelled");
  if (all.length > 0 && all.every((item) => item.state === "verified")) {
    setTimeout(() => location.reload(), RELOAD_DELAY_MS);
  }
}

function isBusy(file, options) {
  return [...items].some(
    (item) =>
      (item.state === "uploading" || item.state === "verifying") &&
      item.options.entryId === options.entryId &&
      item.options.role === options.role &&
      item.options.seriesPart === options.seriesPart &&
      item.file.name === file.name &&
      item.file.size === file.size &&
      item.file.lastModified === file.lastModified,
  );
}

function listOf(form) {
  let list = form.querySelector("ul.uploads");
  if (!list) {
    list = el("ul", { class: "uploads" });
    form.append(list);
  }
  list.setAttribute("aria-live", "polite");
  return list;
}

function notice(list, name, message) {
  const li = el("li", { class: "upload upload-notice", "data-state": "refused" });
  if (name) li.append(el("span", { class: "upload-name" }, name), " ");
  li.append(el("span", { class: "upload-alert", role: "alert" }, message));
  list.append(li);
}

function onSubmit(form, event) {
  event.preventDefault();
  const t = strings();
  const input = form.querySelector('input[type="file"]');
  const list = listOf(form);
  for (const old of list.querySelectorAll(".upload-notice")) old.remove();
  const files = [...(input?.files ?? [])];
  if (files.length === 0) {
    notice(list, null, t.noFile);
    input?.focus();
    return;
  }
  input.value = ""; // taken: the same file can be chosen again later to resume
  const maxBytes = Number.parseInt(form.dataset.uploadMaxBytes ?? "", 10);
  const part = Number.parseInt(form.dataset.uploadSeriesPart ?? "", 10);
  const options = {
    entryId: form.dataset.uploadEntry,
    role: form.dataset.uploadRole || "work",
    seriesPart: Number.isInteger(part) ? part : null,
  };
  for (const file of files) {
    if (Number.isFinite(maxBytes) && file.size > maxBytes) {
      notice(list, file.name, t.tooBig(humanSize(file.size, t), humanSize(maxBytes, t)));
      continue;
    }
    if (file.size === 0) {
      notice(list, file.name, t.empty);
      continue;
    }
    if (isBusy(file, options)) {
      notice(list, file.name, t.busy); // two uploads of one file would fight over its parts
      continue;
    }
    new UploadItem(list, file, options, t).start();
  }
}

/** Enhances every upload form under `root` (once per form). */
export function initUploadForms(root = document) {
  for (const form of root.querySelectorAll("form[data-upload-entry]")) {
    if (form.dataset.uploadReady) continue;
    form.dataset.uploadReady = "1";
    listOf(form);
    form.addEventListener("submit", (event) => onSubmit(form, event));
  }
}

if (typeof document !== "undefined") {
  initUploadForms();
  window.addEventListener("beforeunload", (event) => {
    if ([...items].some((item) => item.state === "uploading")) {
      event.preventDefault();
      event.returnValue = strings().leave; // older browsers want a value; text is ignored
    }
  });
}
