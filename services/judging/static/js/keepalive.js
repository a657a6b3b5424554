// Keeps the sign-in alive while a juror works: the submissions service renews the sign-in
// cookie whenever it is called, and the cookie is same-site, so a quiet call every five
// minutes is enough. The answer is opaque (no-cors) and not needed.
const origin = document.querySelector('meta[name="lantoa-session-origin"]')?.content;
const FIVE_MINUTES = 5 * 60 * 1000;

function ping() {
  fetch(`${origin}/api/me`, { credentials: "include", mode: "no-cors", cache: "no-store" }).catch(
    () => {}, // offline for a moment: the next ping tries again
  );
}

if (origin) {
  setInterval(ping, FIVE_MINUTES);
}
