// Talking to the Calmline service: the token (sessionStorage), JSON calls, and live SSE over fetch
// (EventSource cannot send an Authorization header).
const KEY = "calmline.token";

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t.trim()),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

function headers(extra) {
  const h = { ...extra };
  const t = token.get();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

export async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const r = await fetch(path, init);
  if (!r.ok) {
    let msg = `${r.status} ${r.statusText}`;
    try { const j = await r.json(); msg = j?.error?.message || msg; } catch { /* not JSON */ }
    throw new ApiError(r.status, msg);
  }
  const type = r.headers.get("content-type") || "";
  return type.includes("json") ? r.json() : r.text();
}

export const get = (p) => api("GET", p);
export const post = (p, b) => api("POST", p, b ?? {});

export async function download(path, filename) {
  const r = await fetch(path, { headers: headers({}) });
  if (!r.ok) throw new ApiError(r.status, `${r.status} ${r.statusText}`);
  const url = URL.createObjectURL(await r.blob());
  const a = document.createElement("a");
  a.href = url; a.download = filename;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function newId() {
  return globalThis.crypto?.randomUUID ? crypto.randomUUID() : `c${Date.now()}${Math.random().toString(16).slice(2)}`;
}

// Follow a Server-Sent Events stream; reconnects (resuming after the last id) until stopped.
export function follow(path, onEvent, after = 0) {
  const ctl = new AbortController();
  let last = after;
  let stopped = false;
  async function run() {
    while (!stopped) {
      try {
        const sep = path.includes("?") ? "&" : "?";
        const r = await fetch(`${path}${sep}after=${last}&max_s=300`, {
          headers: headers({ Accept: "text/event-stream" }), signal: ctl.signal,
        });
        if (r.status === 401 || r.status === 403 || r.status === 404) return;
        const reader = r.body.getReader();
        const dec = new TextDecoder();
        let buf = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += dec.decode(value, { stream: true });
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, i); buf = buf.slice(i + 2);
            const ev = parseBlock(block);
            if (ev) { last = Math.max(last, ev.id || 0); onEvent(ev); }
          }
        }
      } catch (e) {
        if (stopped || e.name === "AbortError") return;
      }
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
  run();
  return () => { stopped = true; ctl.abort(); };
}

function parseBlock(block) {
  let id = 0, type = "message", data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const k = line.indexOf(":");
    const field = k < 0 ? line : line.slice(0, k);
    const val = k < 0 ? "" : line.slice(k + 1).replace(/^ /, "");
    if (field === "id") id = Number(val) || 0;
    else if (field === "event") type = val;
    else if (field === "data") data += data ? `\n${val}` : val;
  }
  if (!data) return null;
  try { return { id, type, ...JSON.parse(data) }; } catch { return null; }
}

export async function cursor() {
  try { return (await get("/console/api/cursor")).last_event_id || 0; } catch { return 0; }
}
