// Deror dashboard: reads the silo's HTTP API, follows /api/events (server-sent events) and refreshes what an event
// touches, plus a periodic refresh as a safety net. Plain DOM, no build step; all text goes in via textContent.
"use strict";

const REFRESH_MS = 5000;
const MAX_EVENTS = 100;
const TERMINAL = new Set(["Completed", "Failed", "Cancelled", "TimedOut"]);
const STATUS_TONE = {
  Healthy: "good", Completed: "good", Active: "good",
  Degraded: "warn", Draining: "warn", Maintenance: "warn", Recovering: "warn", Joining: "info", ShuttingDown: "warn",
  Unhealthy: "bad", Unreachable: "bad", Dead: "bad", Failed: "bad", TimedOut: "bad",
  Pending: "idle", Scheduled: "info", Running: "info", Cancelled: "idle",
  Waiting: "info",
};

const state = { nodes: [], selectedTask: null, lastEventId: null, pending: new Set(), timer: null };

const $ = (id) => document.getElementById(id);

/** Builds an element: h("td", {class: "mono"}, "text", child, ...). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function badge(status) {
  return h("span", { class: `badge ${STATUS_TONE[status] || "idle"}`, "data-status": status }, status);
}

function ago(iso) {
  if (!iso) return "—";
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return new Date(iso).toLocaleString();
}

function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : "";
}

function bytes(n) {
  if (!n) return "0 B";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(n < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
}

function toast(message, isError) {
  const el = $("toast");
  el.textContent = message;
  el.className = isError ? "toast error" : "toast";
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 5000);
}

/** Calls the API; a problem+json answer becomes an Error carrying its detail. */
async function api(path, options = {}) {
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const token = localStorage.getItem("deror.token");
  if (token && options.method && options.method !== "GET") headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method: options.method || "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = (body && (body.detail || body.title)) || response.statusText;
    throw new Error(response.status === 401 ? `${detail} Enter the token at the top right.` : detail);
  }
  return body;
}

async function act(what, call) {
  try {
    await call();
    toast(what);
    await refresh(["tasks", "health", "nodes", "maintenance"]);
  } catch (e) {
    toast(e.message, true);
  }
}

// ---- views ---------------------------------------------------------------------------------------------------

function renderHealth(health) {
  $("cluster-id").textContent = health.clusterId;
  const status = $("cluster-status");
  status.textContent = health.status;
  status.dataset.status = health.status;
  status.className = `badge ${STATUS_TONE[health.status] || "idle"}`;
  $("health-reasons").replaceChildren(...(health.reasons.length ? health.reasons : ["All nodes healthy."]).map((r) => h("li", {}, r)));
  $("desired-models").textContent = health.desiredModels.join(", ") || "none";
  $("served-models").textContent = health.servedModels.join(", ") || "none";
}

function renderNodes(nodes) {
  state.nodes = nodes;
  $("node-count").textContent = String(nodes.length);
  $("nodes").replaceChildren(...nodes.map((n) => h("tr",
    { dataset: { node: n.name, status: n.status }, class: STATUS_TONE[n.status] === "bad" ? "bad" : null },
    h("td", {}, h("strong", {}, n.name)),
    h("td", {}, badge(n.status)),
    h("td", { class: "reason" }, n.reason),
    h("td", { class: "mono" }, n.exoNodeId || "—"),
    h("td", {}, n.capacity.cpuCores ? `${n.reservedCpuCores} / ${n.capacity.cpuCores}` : "—"),
    h("td", {}, n.capacity.memoryTotalBytes ? `${bytes(n.reservedMemoryBytes)} / ${bytes(n.capacity.memoryTotalBytes)}` : "—"),
    h("td", {}, String(n.tasks.length)),
    h("td", { class: "nowrap" }, ago(n.lastHeartbeat)))));
  const select = $("maintenance-node");
  const chosen = select.value;
  select.replaceChildren(h("option", { value: "" }, "all nodes (rolling)"), ...nodes.map((n) => h("option", { value: n.name }, n.name)));
  select.value = nodes.some((n) => n.name === chosen) ? chosen : "";
}

function renderTasks(page) {
  $("task-count").textContent = page.total > page.items.length ? `${page.items.length} of ${page.total}` : String(page.total);
  $("tasks").replaceChildren(...page.items.map((t) => h("tr",
    { dataset: { task: t.id, state: t.state }, class: t.id === state.selectedTask ? "selected" : null, onclick: () => selectTask(t.id) },
    h("td", { class: "mono" }, t.id),
    h("td", {}, t.name),
    h("td", {}, t.kind),
    h("td", {}, badge(t.state)),
    h("td", {}, t.node || "—"),
    h("td", {}, String(t.attempt)),
    h("td", { class: "nowrap" }, ago(t.updatedAt)))));
}

async function selectTask(id) {
  state.selectedTask = id;
  for (const row of $("tasks").children) row.classList.toggle("selected", row.dataset.task === id);
  await renderTaskDetail();
}

async function renderTaskDetail() {
  const panel = $("task-detail");
  const id = state.selectedTask;
  if (!id) { panel.hidden = true; return; }
  let task, logs;
  try {
    [task, logs] = await Promise.all([api(`/api/tasks/${encodeURIComponent(id)}`), api(`/api/tasks/${encodeURIComponent(id)}/logs`)]);
  } catch (e) {
    panel.replaceChildren(h("p", { class: "muted" }, e.message));
    panel.hidden = false;
    return;
  }
  const finished = TERMINAL.has(task.state);
  panel.dataset.task = task.id;
  panel.replaceChildren(...[
    h("h3", {}, `${task.spec.name} `, badge(task.state), h("span", { class: "muted mono" }, `  ${task.id}`)),
    h("div", { class: "muted" }, task.reason),
    task.error ? h("div", {}, h("strong", {}, "Error: "), task.error) : null,
    task.result ? h("div", {}, h("strong", {}, "Result: "), h("span", { class: "mono" }, task.result)) : null,
    h("div", { class: "actions" },
      h("button", { type: "button", class: "danger", disabled: finished, onclick: () => act("Cancel requested.", () => api(`/api/tasks/${encodeURIComponent(task.id)}/cancel`, { method: "POST", body: { reason: "cancelled from the dashboard" } })) }, "Cancel"),
      h("button", { type: "button", class: "secondary", disabled: !finished, onclick: () => retry(task) }, "Retry"),
      h("button", { type: "button", class: "secondary", onclick: () => { state.selectedTask = null; renderTaskDetail(); } }, "Close")),
    h("h3", {}, "Timeline"),
    h("ol", { class: "timeline" }, task.history.map((t) => h("li", {},
      h("time", {}, clock(t.at)), badge(t.to), h("span", { class: "muted" }, `${t.reason}${t.node ? ` · ${t.node}` : ""}${t.attempt ? ` · attempt ${t.attempt}` : ""}`)))),
    h("h3", {}, `Logs${logs.truncated ? " (truncated)" : ""}`),
    h("pre", { class: "logs" }, logs.text || "(no output)"),
  ].filter(Boolean));
  panel.hidden = false;
}

/** A retry is a new task with the same work: without the idempotency key or de-duplication that would name the old one. */
function retry(task) {
  const spec = { ...task.spec, idempotencyKey: null, deduplicate: false };
  return act("Submitted again.", async () => {
    const created = await api("/api/tasks", { method: "POST", body: spec });
    state.selectedTask = created.id;
  });
}

function renderMaintenance(m) {
  const el = $("maintenance");
  if (!m) {
    el.replaceChildren(h("p", { class: "muted" }, "No maintenance has run in this cluster."));
    $("cancel-maintenance").disabled = true;
    return;
  }
  const done = m.steps.filter((s) => s.done).length;
  const total = m.steps.length || 1;
  el.dataset.phase = m.phase;
  el.replaceChildren(
    h("div", {}, badge(m.phase), " ", h("span", { class: "muted" }, m.detail)),
    h("div", { class: "progress" }, h("div", { style: `width: ${Math.round((done / total) * 100)}%` })),
    h("ul", {}, m.steps.map((s) => h("li", {}, s.done ? "✓ " : "· ", h("strong", {}, s.node), " ", s.status ? badge(s.status) : ""))),
    h("div", { class: "muted" }, `started ${ago(m.startedAt)}${m.finishedAt ? `, finished ${ago(m.finishedAt)}` : ""} · up to ${m.maxParallel} at once · keeps ${m.minHealthy} healthy`));
  $("cancel-maintenance").disabled = !(m.phase === "Running" || m.phase === "Waiting");
}

function renderSilos(silos) {
  $("silo-count").textContent = String(silos.filter((s) => s.status === "Active").length);
  $("silos").replaceChildren(...silos.map((s) => h("tr", { dataset: { silo: s.address, status: s.status } },
    h("td", {}, s.name, s.isLocal ? h("span", { class: "muted" }, " (this silo)") : null),
    h("td", {}, badge(s.status)),
    h("td", { class: "mono" }, s.address),
    h("td", { class: "mono" }, s.gateway || "—"),
    h("td", {}, s.exoNode || "—"),
    h("td", {}, s.hostName),
    h("td", { class: "nowrap" }, ago(s.startTime)),
    h("td", { class: "nowrap" }, ago(s.iAmAliveTime)))));
}

function describeEvent(e) {
  const d = e.data;
  switch (e.type) {
    case "task": return `${d.task.name} (${d.task.id}) ${d.from} → ${d.to}${d.reason ? `: ${d.reason}` : ""}`;
    case "node": return `${d.node} ${d.from} → ${d.to}${d.reason ? `: ${d.reason}` : ""}`;
    case "maintenance": return `${d.phase}: ${d.detail}`;
    case "cluster": return `cluster is ${d.status}`;
    default: return e.subject;
  }
}

function addEvent(e) {
  const list = $("events");
  list.prepend(h("li", { dataset: { sequence: e.sequence, type: e.type } },
    h("time", {}, clock(e.timestamp)), h("span", { class: "type" }, e.type), h("span", {}, describeEvent(e))));
  while (list.children.length > MAX_EVENTS) list.lastChild.remove();
}

// ---- refresh -------------------------------------------------------------------------------------------------

const loaders = {
  health: async () => renderHealth(await api("/api/cluster/health")),
  nodes: async () => renderNodes(await api("/api/nodes")),
  tasks: async () => {
    const filter = $("task-filter").value;
    renderTasks(await api(`/api/tasks?limit=50${filter ? `&state=${filter}` : ""}`));
    if (state.selectedTask) await renderTaskDetail();
  },
  maintenance: async () => renderMaintenance(await api("/api/maintenance")),
  silos: async () => renderSilos(await api("/api/silos")),
};

async function refresh(parts = Object.keys(loaders)) {
  const results = await Promise.allSettled(parts.map((p) => loaders[p]()));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) console.warn("refresh failed:", failed.reason);
}

/** Events arrive in bursts (a replay, a maintenance round); refresh what they touch once per burst. */
function refreshSoon(parts) {
  parts.forEach((p) => state.pending.add(p));
  if (state.timer) return;
  state.timer = setTimeout(() => {
    const due = [...state.pending];
    state.pending.clear();
    state.timer = null;
    refresh(due);
  }, 150);
}

const TOUCHES = {
  task: ["tasks", "nodes"],
  node: ["nodes", "health", "silos"],
  maintenance: ["maintenance", "nodes"],
  cluster: ["health"],
};

function follow() {
  const live = $("live");
  const source = new EventSource("/api/events");
  source.onopen = () => { live.dataset.live = "true"; live.textContent = "live"; };
  source.onerror = () => { live.dataset.live = "false"; live.textContent = "reconnecting"; };
  for (const type of Object.keys(TOUCHES)) {
    source.addEventListener(type, (message) => {
      const e = JSON.parse(message.data);
      addEvent(e);
      refreshSoon(TOUCHES[type]);
    });
  }
}

// ---- wiring --------------------------------------------------------------------------------------------------

function wire() {
  const token = $("token");
  token.value = localStorage.getItem("deror.token") || "";
  token.addEventListener("change", () => {
    if (token.value) localStorage.setItem("deror.token", token.value);
    else localStorage.removeItem("deror.token");
  });

  $("task-filter").addEventListener("change", () => refresh(["tasks"]));

  $("new-task").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const words = String(form.get("command") || "").split(/\s+/).filter(Boolean);
    const name = String(form.get("name"));
    const spec = form.get("kind") === "Container"
      ? { name, kind: "Container", container: { image: String(form.get("image") || ""), command: words } }
      : { name, kind: "Process", process: { command: words[0] || "", arguments: words.slice(1) } };
    act(`Submitted ${name}.`, async () => {
      const created = await api("/api/tasks", { method: "POST", body: spec });
      state.selectedTask = created.id;
      event.target.reset();
    });
  });

  $("start-maintenance").addEventListener("click", () => {
    const node = $("maintenance-node").value || null;
    act(node ? `Maintenance of ${node} started.` : "Rolling maintenance started.", () => api("/api/maintenance", { method: "POST", body: { node } }));
  });
  $("cancel-maintenance").addEventListener("click", () => act("Maintenance cancelled.", () => api("/api/maintenance/cancel", { method: "POST" })));
}

wire();
refresh();
follow();
setInterval(() => refresh(), REFRESH_MS);
