// The console shell: sign in with a token, then route by the URL hash to a view.
import { ApiError, get, token } from "./api.js";
import { agentView } from "./agent.js";
import { h, clear } from "./dom.js";
import { practiceView } from "./practice.js";
import { insightsView } from "./insights.js";
import { reviewView } from "./review.js";
import { queueView } from "./supervisor.js";

const $ = (id) => document.getElementById(id);
let me = null;
let teardown = () => {};
let generation = 0;

const ME = "calmline.me";

async function signIn() {
  if (!token.get()) return null;
  try {
    const who = await get("/console/api/me");
    sessionStorage.setItem(ME, JSON.stringify(who));
    return who;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { token.clear(); sessionStorage.removeItem(ME); return null; }
    throw e;
  }
}

function cachedMe() {
  try { return token.get() ? JSON.parse(sessionStorage.getItem(ME) || "null") : null; } catch { return null; }
}

function showLogin(message = "") {
  teardown(); teardown = () => {};
  clear($("view"));
  $("nav").hidden = true; $("logout").hidden = true; $("who").textContent = "";
  $("login").hidden = false;
  $("login-error").textContent = message;
  $("token").focus();
}

async function route() {
  if (!me) { showLogin(); return; }
  const [, wanted = "", id = ""] = (location.hash || "").split("/");
  const name = wanted || (me.role === "agent" ? "agent" : "queue");
  for (const a of document.querySelectorAll("#nav a")) {
    if (a.dataset.view === name) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  teardown(); teardown = () => {};
  const mine = ++generation;
  const view = $("view");
  view.dataset.view = name;
  const root = h("div", { class: "view-host" });  // a view still loading after the user moved on draws off-screen
  clear(view).appendChild(root);
  view.setAttribute("aria-busy", "true");
  try {
    const views = { agent: agentView, queue: queueView, review: reviewView, practice: practiceView, insights: insightsView };
    const stop = await (views[name] || agentView)(root, me, decodeURIComponent(id)) || (() => {});
    if (mine === generation) teardown = stop; else stop();  // the user moved on while it loaded
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { me = null; token.clear(); showLogin("Your token is no longer valid."); return; }
    clear(root).appendChild(h("p", { class: "error", role: "alert", text: `Could not load this view: ${e.message}` }));
  } finally {
    if (mine === generation) view.removeAttribute("aria-busy");
    if (!window.__calmlineFirstRender) {
      window.__calmlineFirstRender = performance.now();
      performance.mark("calmline:first-render");
    }
  }
}

async function start() {
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    token.set($("token").value);
    $("token").value = "";
    try { me = await signIn(); } catch (x) { $("login-error").textContent = x.message; return; }
    if (!me) { $("login-error").textContent = "That token was not accepted. Check it and try again."; return; }
    enter();
  });
  $("logout").addEventListener("click", () => { token.clear(); sessionStorage.removeItem(ME); me = null; location.hash = ""; showLogin("Signed out."); });
  window.addEventListener("hashchange", route);
  me = cachedMe();  // render at once; the token is checked again just below (and by every call)
  if (me) {
    enter();
    signIn().then((who) => { if (!who) { me = null; showLogin("Your token is no longer valid."); } }).catch(() => {});
  } else {
    try { me = await signIn(); } catch { me = null; }
    if (me) enter(); else showLogin();
  }
  window.__calmlineShell = performance.now();
}

function enter() {
  $("login").hidden = true; $("nav").hidden = false; $("logout").hidden = false;
  $("who").textContent = `${me.name} · ${me.role} · ${me.team}`;
  route();
}

start();
