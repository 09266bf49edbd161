// onrecord's page. Every piece of article text goes in with textContent or
// as an attribute value set through the DOM, never as HTML; each sits in
// its own direction-isolated element (<bdi>, or dir=auto with
// unicode-bidi: isolate in app.css), so a right-to-left override in a
// name cannot run into the words around it; and each is cut to a bound
// before layout (the API cuts too), so one huge word cannot stall it.
"use strict";

const $ = (id) => document.getElementById(id);
const PAGE = 20;
let state = { params: new URLSearchParams(), offset: 0 };

// The most characters of one piece of data the page lays out.
const MAX_SHOWN = 2000;

function clip(text) {
  const s = String(text);
  return s.length > MAX_SHOWN ? s.slice(0, MAX_SHOWN) + "…" : s;
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = clip(text);
  if (cls) e.className = cls;
  return e;
}

// Data inside its own bidi isolate.
function data(text, cls) {
  return el("bdi", text, cls);
}

function svg(tag, attrs) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function speakerLink(name) {
  const a = el("a", null, "speaker");
  a.append(data(name));
  a.href = "#speaker=" + encodeURIComponent(name);
  return a;
}

function safeUrl(u) {
  try {
    const url = new URL(u);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch (_) {
    return null;
  }
}

function renderQuote(q) {
  const li = el("li", null, "quote " + (q.kind || ""));
  const said = el("blockquote", q.content);
  said.dir = "auto";
  li.append(said);
  const meta = el("p", null, "meta");
  if (q.speaker_name) meta.append(speakerLink(q.speaker_name));
  else meta.append(el("span", "unattributed", "speaker none"));
  if (q.cue) meta.append(" ", data(q.cue, "cue"));
  const a = q.article || {};
  const where = el("span", null, "where");
  const href = a.url ? safeUrl(a.url) : null;
  const title = a.title || a.id || "article";
  if (href) {
    const link = el("a", null);
    link.append(data(title));
    link.href = href;
    link.rel = "noopener noreferrer";
    where.append(link);
  } else {
    where.append(data(title));
  }
  if (a.site) where.append(" · ", data(a.site, "site"));
  if (a.date) {
    const t = el("time", null);
    t.append(data(a.date.slice(0, 10)));
    where.append(" · ", t);
  }
  if (q.truncated && a.id) {
    // The API cut a field: the whole record is one link away.
    const full = el("a", "full record", "full");
    full.href = "/api/articles/" + encodeURIComponent(a.id);
    where.append(" · ", full);
  }
  meta.append(where);
  li.append(meta);
  return li;
}

async function getJson(url) {
  const r = await fetch(url, { headers: { accept: "application/json" } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// Answers can arrive out of order: only the latest request's is shown.
let latest = 0;

async function runSearch(append) {
  const mine = ++latest;
  const p = new URLSearchParams(state.params);
  p.set("limit", PAGE);
  p.set("offset", state.offset);
  $("status").textContent = "Searching…";
  try {
    const res = await getJson("/api/quotes?" + p.toString());
    if (mine !== latest) return;
    if (!append) $("results").replaceChildren();
    for (const q of res.quotes) $("results").append(renderQuote(q));
    const shown = state.offset + res.quotes.length;
    $("status").textContent = res.total + (res.total === 1 ? " quote" : " quotes") + (res.total ? ", " + shown + " shown" : "");
    // The server says where the next page starts, or that there is none
    // (past the last hit, or past the deepest page it serves).
    state.next = res.next_offset;
    $("more").hidden = res.next_offset === null || res.next_offset === undefined;
  } catch (e) {
    if (mine === latest) $("status").textContent = "Error: " + e.message;
  }
}

function drawChart(buckets) {
  const chart = $("chart");
  chart.replaceChildren();
  if (!buckets.length) return;
  const max = Math.max(...buckets.map((b) => b.count));
  const w = 600, h = 160, pad = 20;
  const bw = (w - pad) / buckets.length;
  const s = svg("svg", { viewBox: `0 0 ${w} ${h + 20}`, role: "img", class: "timeline" });
  buckets.forEach((b, i) => {
    const bh = max ? (b.count / max) * h : 0;
    const r = svg("rect", { x: pad + i * bw + 1, y: h - bh, width: Math.max(bw - 2, 1), height: bh });
    const t = svg("title", {});
    t.textContent = b.start + ": " + b.count;
    r.append(t);
    s.append(r);
  });
  const first = svg("text", { x: pad, y: h + 15 });
  first.textContent = buckets[0].start;
  const last = svg("text", { x: w, y: h + 15, "text-anchor": "end" });
  last.textContent = buckets[buckets.length - 1].start;
  s.append(first, last);
  chart.append(s);
}

let latestSpeaker = 0;

async function showSpeaker(name) {
  const mine = ++latestSpeaker;
  $("speaker-view").hidden = false;
  $("speaker-name").textContent = clip(name);
  $("speaker-summary").textContent = "";
  try {
    const t = await getJson("/api/speakers/" + encodeURIComponent(name) + "/timeline?bucket=month");
    if (mine !== latestSpeaker) return;
    $("speaker-summary").textContent = t.total + (t.total === 1 ? " dated quote, " : " dated quotes, ") + t.buckets[0].start + " to " + t.buckets[t.buckets.length - 1].start;
    drawChart(t.buckets);
  } catch (e) {
    $("speaker-summary").textContent = e.message;
    $("chart").replaceChildren();
  }
}

function route() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const speaker = hash.get("speaker");
  state.params = new URLSearchParams();
  for (const k of ["q", "speaker", "outlet", "from", "to", "kind"]) {
    const v = hash.get(k);
    if (v) state.params.set(k, v);
    const input = $(k);
    if (input) input.value = v || "";
  }
  state.offset = 0;
  if (speaker && hash.size === 1) {
    showSpeaker(speaker);
  } else {
    $("speaker-view").hidden = true;
  }
  runSearch(false);
}

document.addEventListener("DOMContentLoaded", () => {
  $("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const k of ["q", "speaker", "outlet", "from", "to", "kind"]) {
      const v = $(k).value.trim();
      if (v) p.set(k, v);
    }
    location.hash = p.toString();
  });
  $("more").addEventListener("click", () => {
    if (state.next === null || state.next === undefined) return;
    state.offset = state.next;
    runSearch(true);
  });
  window.addEventListener("hashchange", route);
  route();
});
