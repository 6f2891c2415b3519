// deportsim's web pages, made interactive. Every page works without this script (tables, the
// server's drawings of the charts, forms, a page that reloads while a job runs); with it, the
// charts are drawn in the page (Observable Plot), a what-if previews its run as its levers move,
// a job's progress streams live, and links copy. It reads the HTTP API only (/v1).
"use strict";

(function () {
  const COLORS = { band: "#9ecae1", median: "#08519c", observed: "#d55e00", goal: "#cc79a7", latest: "#555555" };

  function parse(el, name, fallback) {
    const raw = el.getAttribute(name);
    if (!raw) return fallback;
    try { return JSON.parse(raw); } catch (e) { return fallback; }
  }

  function date(text) { return new Date(text + "T00:00:00Z"); }

  function marks(opts) {
    // the goals and the latest data's day, drawn on any chart
    const out = [];
    for (const g of opts.goals) {
      out.push(Plot.ruleY([g.value], { stroke: COLORS.goal, strokeDasharray: "6,4", strokeWidth: 1.5 }));
      out.push(Plot.text([g], { y: "value", x: () => opts.right, text: "label", textAnchor: "end", dy: -6, fill: "#7a2d5c", fontSize: 11 }));
    }
    if (opts.asOf) {
      out.push(Plot.ruleX([date(opts.asOf)], { stroke: COLORS.latest, strokeDasharray: "2,3" }));
      out.push(Plot.text([{ x: date(opts.asOf) }], { x: "x", frameAnchor: "top", text: () => "latest data", dy: 4, dx: -4, textAnchor: "end", fill: COLORS.latest, fontSize: 11 }));
    }
    return out;
  }

  function draw(figure, band, observed) {
    const goals = parse(figure, "data-goals", []);
    const asOf = figure.getAttribute("data-as-of") || null;
    const title = figure.getAttribute("data-title") || "";
    const height = Number(figure.getAttribute("data-height") || 260);
    const holder = figure.querySelector(".plot");
    const width = Math.max(280, Math.min(holder.clientWidth || 640, 900));
    const dates = band.map((r) => r.date).concat(observed.map((r) => r.date));
    const right = dates.length ? dates.map(date).reduce((a, b) => (a > b ? a : b)) : new Date();
    const parts = [Plot.ruleY([0])];
    if (band.length) {
      parts.push(Plot.areaY(band, { x: (r) => date(r.date), y1: "p05", y2: "p95", fill: COLORS.band, fillOpacity: 0.6 }));
      parts.push(Plot.lineY(band, { x: (r) => date(r.date), y: "p50", stroke: COLORS.median, strokeWidth: 2 }));
    }
    if (observed.length) {
      parts.push(Plot.lineY(observed, { x: (r) => date(r.date), y: "value", stroke: COLORS.observed, strokeWidth: 1 }));
      parts.push(Plot.dot(observed, { x: (r) => date(r.date), y: "value", fill: COLORS.observed, r: 2.5, tip: true,
        title: (r) => r.date.slice(0, 7) + ": " + Math.round(r.value).toLocaleString("en-US") + " (ICE, observed)" }));
    }
    parts.push(...marks({ goals, asOf, right }));
    const svg = Plot.plot({
      width, height, marginLeft: 56, marginRight: 12,
      x: { type: "utc", label: null },
      y: { grid: true, label: null, tickFormat: "~s", zero: true },
      marks: parts,
      ariaLabel: title,
      ariaDescription: describe(band, observed, goals, asOf),
    });
    finish(figure, holder, svg);
  }

  function finish(figure, holder, svg) {
    // one image for a screen reader: its label and description; the marks inside are not read
    const chart = svg.tagName.toLowerCase() === "svg" ? svg : svg.querySelector("svg");
    if (chart) {
      chart.setAttribute("role", "img");
      for (const g of chart.querySelectorAll("[aria-label]")) if (g !== chart) g.removeAttribute("aria-label");
    }
    const data = holder.querySelector("table");
    holder.replaceChildren(svg);
    if (data) {
      // the figures stay on the page, folded, for screen readers and for copying
      const details = document.createElement("details");
      const summary = document.createElement("summary");
      summary.textContent = "The figures";
      details.append(summary, data);
      figure.insertBefore(details, figure.querySelector(".goal-list") || figure.querySelector(".downloads"));
    }
    figure.classList.add("drawn");
    if (chart) svgLink(figure, chart);
  }

  function svgLink(figure, chart) {
    // the drawing as an SVG file, with its source credit under it (a chart the API draws too
    // has its own SVG link; this one is for the charts drawn only in the page)
    const credit = figure.getAttribute("data-credit");
    const links = figure.querySelector(".downloads");
    if (!credit || !links) return;
    const w = Number(chart.getAttribute("width")), h = Number(chart.getAttribute("height"));
    const text = document.createElementNS("http://www.w3.org/2000/svg", "text");
    text.setAttribute("x", "4"); text.setAttribute("y", String(h + 16));
    text.setAttribute("font-size", "11"); text.setAttribute("fill", "#444");
    text.textContent = credit;
    const outer = '<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + (h + 24) +
      '" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>' +
      new XMLSerializer().serializeToString(chart) + new XMLSerializer().serializeToString(text) + "</svg>";
    const a = document.createElement("a");
    a.textContent = "SVG";
    a.className = "svg-download";
    a.setAttribute("download", (figure.id || "chart") + ".svg");
    a.href = URL.createObjectURL(new Blob([outer], { type: "image/svg+xml" }));
    links.append(" · ", a);
  }

  function describe(band, observed, goals, asOf) {
    const words = [];
    if (band.length) {
      const last = band[band.length - 1];
      words.push("Median of the runs " + Math.round(last.p50).toLocaleString("en-US") + " on " + last.date +
        " (90% interval " + Math.round(last.p05).toLocaleString("en-US") + " to " + Math.round(last.p95).toLocaleString("en-US") + ").");
    }
    if (observed.length) {
      const last = observed[observed.length - 1];
      words.push("ICE observed " + Math.round(last.value).toLocaleString("en-US") + " in " + last.date.slice(0, 7) + ".");
    }
    for (const g of goals) words.push("Line: " + g.label + ", " + Math.round(g.value).toLocaleString("en-US") + ".");
    if (asOf) words.push("Latest data: " + asOf + ".");
    return words.join(" ");
  }

  function tornado(figure) {
    // the parameters' total indices, most influential at the top, with their confidence bars
    const bars = parse(figure, "data-bars", []);
    const holder = figure.querySelector(".plot");
    const width = Math.max(300, Math.min(holder.clientWidth || 720, 900));
    const svg = Plot.plot({
      width, height: Number(figure.getAttribute("data-height") || 320), marginLeft: Math.min(300, width * 0.45),
      x: { label: "total index (share of the spread it is involved in)", domain: [0, Math.min(1, Math.max(0.05, ...bars.map((b) => b.ST + b.ST_conf)))], grid: true },
      y: { label: null, domain: bars.map((b) => b.path) },
      marks: [
        Plot.barX(bars, { x: "ST", y: "path", fill: COLORS.median }),
        Plot.ruleY(bars, { y: "path", x1: (b) => Math.max(0, b.ST - b.ST_conf), x2: (b) => Math.min(1, b.ST + b.ST_conf), stroke: COLORS.observed, strokeWidth: 2 }),
        Plot.ruleX([0]),
      ],
      ariaLabel: figure.getAttribute("data-title") || "",
      ariaDescription: bars.slice(0, 3).map((b) => b.path + ": " + b.ST.toFixed(2)).join("; "),
    });
    finish(figure, holder, svg);
  }

  async function drawAll() {
    if (typeof Plot === "undefined") return;
    for (const figure of document.querySelectorAll("figure.chart")) {
      try {
        if (figure.getAttribute("data-kind") === "tornado") { tornado(figure); continue; }
        if (figure.getAttribute("data-kind") === "monthly") {
          const rows = parse(figure, "data-observed", []).map((r) => ({ date: r.month + "-15", value: r.value }));
          draw(figure, [], rows);
          continue;
        }
        const src = figure.getAttribute("data-src");
        if (!src) continue;
        const response = await fetch(src);
        if (!response.ok) continue;  // the server's drawing stays
        const band = (await response.json()).rows;
        draw(figure, band, parse(figure, "data-observed", []));
      } catch (e) {
        figure.setAttribute("data-error", String(e));
      }
    }
  }

  // --- the what-if: sliders beside the inputs, and the preview as levers move -----------------
  function sliders(form) {
    for (const lever of form.querySelectorAll(".lever[data-path]")) {
      const input = lever.querySelector("input[type=number]");
      const label = lever.querySelector("label");
      if (!input || !label) continue;
      const base = Number(lever.getAttribute("data-default"));
      const step = Number(input.getAttribute("data-step")) || 1;
      const hard = input.hasAttribute("max") ? Number(input.getAttribute("max")) : Infinity;
      const top = Math.min(hard, Math.max(base * 3, step * 20));
      const range = document.createElement("input");
      range.type = "range";
      range.min = input.min || "0";
      range.max = String(top);
      range.step = String(step);
      range.value = input.value;
      range.setAttribute("aria-label", label.textContent.trim() + " (slider)");
      range.className = "slider";
      range.addEventListener("input", () => { input.value = range.value; input.dispatchEvent(new Event("input", { bubbles: true })); });
      input.addEventListener("input", () => { range.value = input.value; });
      input.after(range);
    }
  }

  function previewBody(form) {
    const body = { scenario: form.getAttribute("data-scenario"), sets: [] };
    for (const hidden of form.querySelectorAll("input[type=hidden][name=set]")) body.sets.push(hidden.value);
    for (const lever of form.querySelectorAll(".lever[data-path]")) {
      const input = lever.querySelector("input[type=number]");
      const value = input ? input.value.trim() : "";
      if (value === "" || Number(value) === Number(lever.getAttribute("data-default"))) continue;
      body.sets.push(lever.getAttribute("data-path") + "=" + value);
    }
    for (const name of ["start", "until"]) {
      const input = form.querySelector("input[name=" + name + "]");
      if (input && input.value) body[name] = input.value;
    }
    return body;
  }

  function showPreview(box, answer) {
    const list = document.createElement("ul");
    list.className = "bottom-line";
    for (const s of answer.bottom_line) { const li = document.createElement("li"); li.textContent = s; list.append(li); }
    const dl = document.createElement("dl");
    dl.className = "preview-figures";
    // the figures the page shows, in its order (the server's list: data-figures)
    const wanted = (box.getAttribute("data-figures") || "").split(" ");
    const found = new Map();
    for (const g of answer.groups) for (const f of g.figures) found.set(f.metric, f);
    for (const metric of wanted) {
      const f = found.get(metric);
      if (!f) continue;
      const div = document.createElement("div");
      const dt = document.createElement("dt"); dt.textContent = f.label;
      const dd = document.createElement("dd"); dd.textContent = f.text; dd.setAttribute("data-metric", f.metric);
      div.append(dt, dd); dl.append(div);
    }
    box.replaceChildren(list, dl);
  }

  function preview(form) {
    const box = document.getElementById("preview");
    const time = document.getElementById("preview-time");
    if (!box) return;
    let timer = null;
    let asked = 0;
    const ask = async () => {
      const n = ++asked;
      const started = performance.now();
      box.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(form.getAttribute("data-preview") + "/answer", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(previewBody(form)),
        });
        const answer = await response.json();
        if (n !== asked) return;  // a newer preview was asked for
        if (!response.ok) {
          const p = document.createElement("p");
          p.className = "problem"; p.setAttribute("role", "alert");
          const where = (answer.errors || []).map((e) => e.field.replace(/^body\./, "") + ": " + e.message).join("; ");
          p.textContent = (answer.detail || answer.title) + (where ? " (" + where + ")" : "");
          box.replaceChildren(p);
        } else {
          showPreview(box, answer);
        }
        if (time) time.textContent = "Preview computed in " + Math.round(performance.now() - started) + " ms.";
        document.body.setAttribute("data-preview-done", String(n));
      } catch (e) {
        if (time) time.textContent = "The preview could not be computed: " + e;
      } finally {
        if (n === asked) box.setAttribute("aria-busy", "false");
      }
    };
    form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 120); });
  }

  // --- jobs: live progress, cancel ------------------------------------------------------------
  function follow(section) {
    const bar = section.querySelector("progress");
    const text = section.querySelector(".job-text");
    const label = section.querySelector("label");
    const source = new EventSource(section.getAttribute("data-events"));
    source.addEventListener("progress", (event) => {
      const p = JSON.parse(event.data);
      if (p.fraction !== null && p.fraction !== undefined) bar.value = p.fraction;
      if (label && p.stage) label.textContent = p.stage;
      let words = p.status;
      if (p.fraction !== null && p.fraction !== undefined) words += ": " + Math.round(p.fraction * 100) + "%";
      if (p.replicate_days_total) words += " (" + p.replicate_days_done.toLocaleString("en-US") + " of " + p.replicate_days_total.toLocaleString("en-US") + " replicate-days)";
      if (p.eta_s) words += ", about " + Math.round(p.eta_s) + " s left";
      text.textContent = words;
    });
    source.addEventListener("end", () => { source.close(); window.location.reload(); });
    source.onerror = () => { source.close(); setTimeout(() => window.location.reload(), 2000); };
    const cancel = section.querySelector("form.cancel");
    if (cancel) cancel.addEventListener("submit", async (event) => {
      event.preventDefault();
      source.close();
      await fetch("/v1/jobs/" + section.getAttribute("data-job"), { method: "DELETE" });
      text.textContent = "cancelled";
      window.location.assign(cancel.querySelector("input[name=back]").value);
    });
  }

  // --- small things: copy a link, filter a table, a select that sends its form ----------------
  function copies() {
    for (const button of document.querySelectorAll("button[data-copy]")) {
      button.addEventListener("click", async () => {
        const target = document.querySelector(button.getAttribute("data-copy"));
        try { await navigator.clipboard.writeText(target.href || target.textContent); button.textContent = "Copied"; }
        catch (e) { button.textContent = "Select the link to copy it"; }
      });
    }
  }

  function filters() {
    for (const input of document.querySelectorAll("input[data-filter]")) {
      const rows = document.querySelectorAll(input.getAttribute("data-filter"));
      input.addEventListener("input", () => {
        const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        for (const row of rows) row.hidden = !words.every((w) => (row.getAttribute("data-text") || "").includes(w));
      });
    }
    for (const select of document.querySelectorAll("select[data-autosubmit]")) {
      select.addEventListener("change", () => select.form.submit());
    }
  }

  function start() {
    const form = document.getElementById("whatif");
    if (form) { sliders(form); preview(form); }
    for (const section of document.querySelectorAll("section.job[data-events]")) follow(section);
    copies();
    filters();
    drawAll().then(() => document.body.setAttribute("data-charts", "drawn"));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
