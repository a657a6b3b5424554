// The score form: the weighted 100-point total shown while typing (the server computes the
// stored one, the same way), and a confirmation before anything that cannot be taken back.

function readNumber(input) {
  const text = input.value.trim().replace(",", ".");
  if (text === "") return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : NaN;
}

function liveTotal(form, output) {
  const inputs = [...form.querySelectorAll("input[data-max][data-weight]")];
  let weighted = 0;
  let weights = 0;
  for (const input of inputs) {
    const value = readNumber(input);
    const max = Number(input.dataset.max);
    const weight = Number(input.dataset.weight);
    weights += weight;
    if (value === null || Number.isNaN(value) || value < 0 || value > max) {
      output.value = "—";
      return;
    }
    weighted += (value / max) * weight;
  }
  const total = Math.round((weighted * 100 * 100) / weights) / 100;
  output.value = total.toLocaleString(document.documentElement.lang || "vi");
}

for (const form of document.querySelectorAll("form.score-form")) {
  const output = form.querySelector("#live-total");
  if (output) {
    form.addEventListener("input", () => liveTotal(form, output));
    liveTotal(form, output);
  }
}

// A form with data-confirm asks before it is sent; with data-confirm-on, only when sent by
// the button of that value (the score form asks on "Nộp điểm", not on "Lưu nháp").
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    const only = form.dataset.confirmOn;
    const asks = !only || (event.submitter && event.submitter.value === only);
    if (asks && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
}
