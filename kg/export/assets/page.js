// chinatech-kg subgraph viewer: force-directed layout on SVG, search, type filter, node details with
// evidence. No dependencies and no network: everything it shows is in the #kg-data block of the page.
(function () {
  "use strict";

  const SVG = "http://www.w3.org/2000/svg";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const colours = data.colours || {};
  const nodes = data.nodes.map((n, i) => ({
    i: i, id: n.id, label: n.label || n.id, type: n.type, labels: n.labels || [n.type], props: n.props || {},
    x: 0, y: 0, vx: 0, vy: 0, deg: 0, edges: [], el: null, fixed: false,
  }));
  const edges = data.edges.map((e, j) => ({ j: j, s: e.s, t: e.t, type: e.type, props: e.props || {}, el: null }));
  for (const e of edges) {
    nodes[e.s].edges.push(e);
    nodes[e.t].edges.push(e);
    nodes[e.s].deg++;
    nodes[e.t].deg++;
  }
  const seeds = new Set(data.seeds || []);
  const svg = document.getElementById("graph");
  const view = { x: 0, y: 0, k: 1 };
  const hiddenTypes = new Set();
  let selected = null;
  let matches = new Set();
  let layoutDone = false;

  function el(tag, attrs, text) {
    const x = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) x.setAttribute(k, v);
    if (text !== undefined && text !== null) x.textContent = String(text);
    return x;
  }
  function svgEl(tag, attrs) {
    const x = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) x.setAttribute(k, v);
    return x;
  }
  function colour(type) { return colours[type] || "#999"; }
  function radius(n) {
    if (n.type === "Observation" || n.type === "Article") return 4.5;
    return Math.min(22, 5 + 2.2 * Math.sqrt(n.deg));
  }
  function fmt(v) {
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);
    if (Array.isArray(v)) return v.join(", ");
    if (typeof v === "boolean") return v ? "yes" : "no";
    return String(v);
  }

  // ------------------------------------------------------------------------------------------ drawing --
  const viewport = svgEl("g", { id: "viewport" });
  const defs = svgEl("defs");
  const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
    markerWidth: "5", markerHeight: "5", orient: "auto-start-reverse" });
  marker.appendChild(svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#9aa0a6" }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  const edgeLayer = svgEl("g", { class: "edges" });
  const nodeLayer = svgEl("g", { class: "nodes" });
  viewport.appendChild(edgeLayer);
  viewport.appendChild(nodeLayer);
  svg.appendChild(viewport);

  const labelled = new Set(nodes.slice().sort((a, b) => b.deg - a.deg).slice(0, 60).map((n) => n.i));
  for (const e of edges) {
    const cls = ["edge", e.type.toLowerCase()];
    if (e.props.reference) cls.push("reference");
    const line = svgEl("line", { class: cls.join(" ") });
    if (e.type !== "MENTIONS" && e.type !== "OBSERVATION_OF") line.setAttribute("marker-end", "url(#arrow)");
    const title = svgEl("title");
    title.textContent = `${nodes[e.s].label} ${e.props.predicate || e.type} ${nodes[e.t].label}`;
    line.appendChild(title);
    e.el = line;
    edgeLayer.appendChild(line);
  }
  for (const n of nodes) {
    const g = svgEl("g", { class: "node", "data-key": n.id, "data-type": n.type });
    if (seeds.has(n.id)) g.classList.add("seed");
    const r = radius(n);
    g.appendChild(svgEl("circle", { r: String(r), fill: colour(n.type) }));
    const text = svgEl("text", { x: String(r + 3), y: "4" });
    text.textContent = n.label.length > 40 ? n.label.slice(0, 38) + "…" : n.label;
    g.appendChild(text);
    const title = svgEl("title");
    title.textContent = `${n.label} (${n.type})`;
    g.appendChild(title);
    n.el = g;
    nodeLayer.appendChild(g);
  }

  // Positions are zoomed, sizes are not: circles and labels stay readable at every zoom level.
  function sx(n) { return n.x * view.k + view.x; }
  function sy(n) { return n.y * view.k + view.y; }
  // Circles shrink when zoomed out below 1 (so that they keep apart), labels keep their size.
  let drawn = -1;
  function applyView() { render(); }
  function scale() { return Math.max(0.5, Math.min(1, Math.sqrt(view.k))); }
  function render() {
    const f = scale();
    if (f !== drawn) {
      drawn = f;
      for (const n of nodes) {
        const r = radius(n) * f;
        n.el.firstChild.setAttribute("r", r.toFixed(2));
        n.el.childNodes[1].setAttribute("x", (r + 3).toFixed(1));
      }
    }
    for (const n of nodes) n.el.setAttribute("transform", `translate(${sx(n).toFixed(1)},${sy(n).toFixed(1)})`);
    for (const e of edges) {
      const a = nodes[e.s], b = nodes[e.t];
      const ax = sx(a), ay = sy(a), bx = sx(b), by = sy(b);
      const dx = bx - ax, dy = by - ay, d = Math.hypot(dx, dy) || 1;
      const ra = radius(a) * f, rb = radius(b) * f + 2;
      e.el.setAttribute("x1", (ax + dx * ra / d).toFixed(1));
      e.el.setAttribute("y1", (ay + dy * ra / d).toFixed(1));
      e.el.setAttribute("x2", (bx - dx * rb / d).toFixed(1));
      e.el.setAttribute("y2", (by - dy * rb / d).toFixed(1));
    }
    placeLabels();
  }
  // Labels: the most important first (selected, its neighbours or the search matches, seeds, then by
  // degree), each shown only where it overlaps no label already placed.
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = "11px system-ui, sans-serif";
  const widths = new Map();
  function labelWidth(n) {
    if (!widths.has(n.i)) widths.set(n.i, measure.measureText(n.el.childNodes[1].textContent).width + 4);
    return widths.get(n.i);
  }
  function priority(n) {
    if (!visible(n)) return -1;
    if (n === selected) return 1e6;
    if (selected) return n.el.classList.contains("neighbour") ? 1e4 + n.deg : -1;
    if (matches.size) return matches.has(n.i) ? 1e4 + n.deg : -1;
    if (seeds.has(n.id)) return 1e5;
    return allLabels || labelled.has(n.i) ? n.deg : -1;
  }
  function placeLabels() {
    const f = scale();
    const wanted = nodes.map((n) => [priority(n), n]).filter((x) => x[0] >= 0).sort((a, b) => b[0] - a[0]);
    const cell = 40, grid = new Map(), on = new Set();
    const boxes = (x0, y0, x1, y1, fn) => {
      for (let gx = Math.floor(x0 / cell); gx <= Math.floor(x1 / cell); gx++) {
        for (let gy = Math.floor(y0 / cell); gy <= Math.floor(y1 / cell); gy++) fn(`${gx},${gy}`);
      }
    };
    for (const [, n] of wanted) {
      const x0 = sx(n) + radius(n) * f + 2, y0 = sy(n) - 8, x1 = x0 + labelWidth(n), y1 = y0 + 15;
      let free = true;
      boxes(x0, y0, x1, y1, (key) => {
        for (const b of grid.get(key) || []) {
          if (x0 < b[2] && b[0] < x1 && y0 < b[3] && b[1] < y1) free = false;
        }
      });
      if (!free) continue;
      boxes(x0, y0, x1, y1, (key) => { if (!grid.has(key)) grid.set(key, []); grid.get(key).push([x0, y0, x1, y1]); });
      on.add(n.i);
    }
    for (const n of nodes) n.el.classList.toggle("label-on", on.has(n.i));
  }
  function visible(n) { return !hiddenTypes.has(n.type); }
  function fit() {
    const shown = nodes.filter(visible);
    const box = svg.getBoundingClientRect();
    if (!shown.length || !box.width) return;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of shown) {
      x0 = Math.min(x0, n.x); y0 = Math.min(y0, n.y); x1 = Math.max(x1, n.x); y1 = Math.max(y1, n.y);
    }
    const pad = 50;
    view.k = Math.min(1.5, (box.width - 2 * pad) / Math.max(1, x1 - x0), (box.height - 2 * pad) / Math.max(1, y1 - y0));
    view.x = box.width / 2 - view.k * (x0 + x1) / 2;
    view.y = box.height / 2 - view.k * (y0 + y1) / 2;
    applyView();
  }
  function centreOn(n) {
    const box = svg.getBoundingClientRect();
    view.k = Math.max(view.k, 1);
    view.x = box.width / 2 - view.k * n.x;
    view.y = box.height / 2 - view.k * n.y;
    applyView();
  }

  // ------------------------------------------------------------------------------------------- layout --
  // Fruchterman-Reingold with a Barnes-Hut quadtree for repulsion, one connected component at a time
  // (each pulled to its own centre), then the components and the isolated nodes packed in rows.
  // Deterministic: every component starts as a sunflower.
  const pairs = new Map();
  for (const e of edges) {
    if (e.s === e.t) continue;
    const key = e.s < e.t ? `${e.s}:${e.t}` : `${e.t}:${e.s}`;
    pairs.set(key, [Math.min(e.s, e.t), Math.max(e.s, e.t)]);
  }
  const springs = Array.from(pairs.values());
  const K = 45, GRAVITY = 0.006;
  const components = [];
  const isolated = [];
  {
    const seen = new Uint8Array(nodes.length);
    for (const start of nodes) {
      if (seen[start.i]) continue;
      if (start.deg === 0) { isolated.push(start); continue; }
      const members = [start];
      seen[start.i] = 1;
      for (let h = 0; h < members.length; h++) {
        for (const e of members[h].edges) {
          for (const m of [nodes[e.s], nodes[e.t]]) {
            if (!seen[m.i]) { seen[m.i] = 1; members.push(m); }
          }
        }
      }
      components.push({ nodes: members, cx: 0, cy: 0 });
    }
    components.sort((a, b) => b.nodes.length - a.nodes.length);
    isolated.sort((a, b) => a.type.localeCompare(b.type) || a.label.localeCompare(b.label));
  }
  const linked = components.flatMap((c) => c.nodes);
  const spread = (c) => K * 0.6 * Math.sqrt(c.nodes.length) + K;  // a component's radius, roughly
  // Start: components side by side in rows (by estimated size), each a sunflower around its centre.
  function isolatedBlock() {
    const gap = 18, cols = Math.ceil(Math.sqrt(isolated.length * 3));
    return { w: (cols - 1) * gap, h: Math.floor((isolated.length - 1) / cols) * gap, place: (x, y) => {
      isolated.forEach((n, i) => { n.x = x + (i % cols) * gap; n.y = y + Math.floor(i / cols) * gap; });
    } };
  }
  pack(components.map((c) => ({ w: 2 * spread(c), h: 2 * spread(c), place: (x, y) => {
    c.cx = x + spread(c);
    c.cy = y + spread(c);
  } })).concat(isolated.length ? [isolatedBlock()] : []));
  for (const c of components) {
    c.nodes.forEach((n, i) => {
      const r = K * 0.6 * Math.sqrt(i + 0.5), a = i * 2.399963;
      n.x = c.cx + r * Math.cos(a);
      n.y = c.cy + r * Math.sin(a);
    });
  }

  // Shelf packing: blocks of {w, h, place(x, y)} in rows about as wide as the whole is tall.
  function pack(blocks) {
    if (!blocks.length) return;
    const gap = K;
    const area = blocks.reduce((s, b) => s + (b.w + gap) * (b.h + gap), 0);
    const width = Math.max(Math.sqrt(area) * 1.4, ...blocks.map((b) => b.w));
    let x = 0, y = 0, row = 0;
    for (const b of blocks) {
      if (x > 0 && x + b.w > width) { x = 0; y += row + gap; row = 0; }
      b.place(x, y);
      x += b.w + gap;
      row = Math.max(row, b.h);
    }
  }

  function quadtree(points) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const p of points) {
      x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y);
    }
    const size = Math.max(x1 - x0, y1 - y0, 1) + 1;
    const root = { x0: x0, y0: y0, size: size, mass: 0, cx: 0, cy: 0, point: null, kids: null };
    function insert(q, p, depth) {
      if (q.mass === 0 && !q.kids) { q.point = p; q.mass = 1; q.cx = p.x; q.cy = p.y; return; }
      if (!q.kids) {
        if (depth > 40) { q.mass++; return; }
        const h = q.size / 2;
        q.kids = [0, 1, 2, 3].map((k) => ({ x0: q.x0 + (k & 1) * h, y0: q.y0 + (k >> 1) * h, size: h,
          mass: 0, cx: 0, cy: 0, point: null, kids: null }));
        const old = q.point;
        q.point = null;
        put(q, old, depth);
      }
      q.cx = (q.cx * q.mass + p.x) / (q.mass + 1);
      q.cy = (q.cy * q.mass + p.y) / (q.mass + 1);
      q.mass++;
      put(q, p, depth);
    }
    function put(q, p, depth) {
      const h = q.size / 2;
      const k = (p.x >= q.x0 + h ? 1 : 0) + (p.y >= q.y0 + h ? 2 : 0);
      insert(q.kids[k], p, depth + 1);
    }
    for (const p of points) insert(root, p, 0);
    return root;
  }
  function repel(q, n, strength) {
    if (!q || q.mass === 0 || q.point === n) return;
    const dx = n.x - q.cx, dy = n.y - q.cy;
    const d2 = dx * dx + dy * dy + 0.01;
    if (!q.kids || (q.size * q.size) / d2 < 0.81) {
      const f = strength * q.mass / d2;
      n.vx += dx * f;
      n.vy += dy * f;
      return;
    }
    for (const k of q.kids) repel(k, n, strength);
  }
  const total = linked.length > 1500 ? 120 : 300;
  let step = 0;
  function tick() {
    const temp = K * 3 * (1 - step / total) + 1;
    for (const n of linked) { n.vx = 0; n.vy = 0; }
    for (const c of components) {
      if (c.nodes.length < 2) continue;
      const tree = quadtree(c.nodes);
      for (const n of c.nodes) repel(tree, n, K * K);
    }
    for (const [a, b] of springs) {
      const p = nodes[a], q = nodes[b];
      const dx = q.x - p.x, dy = q.y - p.y, d = Math.hypot(dx, dy) || 0.01;
      const f = d / K;
      p.vx += dx * f; p.vy += dy * f;
      q.vx -= dx * f; q.vy -= dy * f;
    }
    for (const c of components) {
      for (const n of c.nodes) {
        n.vx -= (n.x - c.cx) * GRAVITY;
        n.vy -= (n.y - c.cy) * GRAVITY;
        if (n.fixed) continue;
        const v = Math.hypot(n.vx, n.vy) || 1;
        const m = Math.min(v, temp);
        n.x += n.vx / v * m;
        n.y += n.vy / v * m;
      }
    }
    step++;
  }
  // Push apart circles that still overlap (a grid of cells, so the cost stays linear).
  function separate() {
    const cell = 2 * 22 + 6;
    for (let pass = 0; pass < 20; pass++) {
      const grid = new Map();
      for (const n of linked) {
        const key = `${Math.floor(n.x / cell)},${Math.floor(n.y / cell)}`;
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(n);
      }
      let moved = false;
      for (const n of linked) {
        const cx = Math.floor(n.x / cell), cy = Math.floor(n.y / cell);
        for (let gx = cx - 1; gx <= cx + 1; gx++) {
          for (let gy = cy - 1; gy <= cy + 1; gy++) {
            for (const m of grid.get(`${gx},${gy}`) || []) {
              if (m.i <= n.i) continue;
              const dx = m.x - n.x, dy = m.y - n.y, d = Math.hypot(dx, dy) || 0.01;
              const min = radius(n) + radius(m) + 4;
              if (d >= min) continue;
              const push = (min - d) / 2, ux = dx / d, uy = dy / d;
              if (!n.fixed) { n.x -= ux * push; n.y -= uy * push; }
              if (!m.fixed) { m.x += ux * push; m.y += uy * push; }
              moved = true;
            }
          }
        }
      }
      if (!moved) break;
    }
  }
  // The final arrangement: each laid-out component as a block, then the isolated nodes as a grid.
  function arrange() {
    const blocks = components.map((c) => {
      const xs = c.nodes.map((n) => n.x), ys = c.nodes.map((n) => n.y);
      const x0 = Math.min(...xs), y0 = Math.min(...ys);
      return { w: Math.max(...xs) - x0 + 2 * 22, h: Math.max(...ys) - y0 + 2 * 22, place: (x, y) => {
        for (const n of c.nodes) { n.x += x - x0 + 22; n.y += y - y0 + 22; }
      } };
    });
    if (isolated.length) blocks.push(isolatedBlock());
    pack(blocks);
  }
  function run() {
    const until = performance.now() + 60;
    while (step < total && performance.now() < until) tick();
    if (step < total) {
      render();
      if (step < 40) fit();
      setTimeout(run, 0);
    } else {
      separate();
      arrange();
      layoutDone = true;
      fit();
      document.documentElement.setAttribute("data-ready", "true");
    }
  }

  // ----------------------------------------------------------------------------------- interaction --
  let drag = null;
  svg.addEventListener("pointerdown", (ev) => {
    const g = ev.target.closest ? ev.target.closest(".node") : null;
    const n = g ? nodes[indexOf(g)] : null;
    drag = { n: n, x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y, moved: false };
    if (!n) svg.classList.add("panning");
  });
  window.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    drag.moved = true;
    if (drag.n) {
      const box = svg.getBoundingClientRect();
      drag.n.x = (ev.clientX - box.left - view.x) / view.k;
      drag.n.y = (ev.clientY - box.top - view.y) / view.k;
      drag.n.fixed = true;
      render();
    } else {
      view.x = drag.vx + dx;
      view.y = drag.vy + dy;
      applyView();
    }
  });
  window.addEventListener("pointerup", () => {
    svg.classList.remove("panning");
    setTimeout(() => { drag = null; }, 0);
  });
  svg.addEventListener("click", (ev) => {
    if (drag && drag.moved) return;
    const g = ev.target.closest ? ev.target.closest(".node") : null;
    if (g) select(nodes[indexOf(g)]);
    else select(null);
  });
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const box = svg.getBoundingClientRect();
    const mx = ev.clientX - box.left, my = ev.clientY - box.top;
    const k = Math.max(0.05, Math.min(8, view.k * Math.exp(-ev.deltaY * 0.0015)));
    view.x = mx - (mx - view.x) * k / view.k;
    view.y = my - (my - view.y) * k / view.k;
    view.k = k;
    applyView();
  }, { passive: false });
  function indexOf(g) { return Number(g.getAttribute("data-index")); }
  nodes.forEach((n) => n.el.setAttribute("data-index", String(n.i)));
  document.getElementById("fit").addEventListener("click", fit);
  let allLabels = false;
  document.getElementById("labels").addEventListener("click", () => { allLabels = !allLabels; placeLabels(); });

  // ----------------------------------------------------------------------------------------- select --
  function select(n) {
    for (const m of nodes) m.el.classList.remove("selected", "neighbour");
    for (const e of edges) e.el.classList.remove("near");
    selected = n;
    svg.classList.toggle("focus", !!n);
    if (!n) { showHint(); placeLabels(); return; }
    n.el.classList.add("selected");
    nodeLayer.appendChild(n.el);  // on top, so that it can be clicked again
    for (const e of n.edges) {
      e.el.classList.add("near");
      nodes[e.s === n.i ? e.t : e.s].el.classList.add("neighbour");
    }
    placeLabels();
    showDetails(n);
  }
  function other(e, n) { return nodes[e.s === n.i ? e.t : e.s]; }
  function nodeLink(n) {
    const b = el("button", { type: "button", class: "node-link", "data-key": n.id }, n.label);
    b.addEventListener("click", () => { select(n); centreOn(n); });
    return b;
  }
  function showHint() {
    const d = document.getElementById("details");
    d.replaceChildren(el("p", { class: "hint" }, "Click a node to see its facts and the sentences they were read from."));
  }
  const SHOWN = ["key", "aliases", "tickers", "wikidata", "source", "iri", "title", "published", "source_name",
    "source_url", "lang", "measure", "value", "unit", "period", "confidence", "article"];
  function showDetails(n) {
    const d = document.getElementById("details");
    d.replaceChildren();
    d.appendChild(el("h2", { class: "entity" }, n.label));
    const chip = el("span", { class: "chip" }, n.labels.join(" ⊂ "));
    chip.style.background = colour(n.type);
    d.appendChild(chip);
    const dl = el("dl", { class: "props" });
    for (const k of SHOWN) {
      const v = k === "key" ? n.id : n.props[k];
      if (v === null || v === undefined || (Array.isArray(v) && !v.length) || v === "") continue;
      dl.appendChild(el("dt", {}, k.replace("_", " ")));
      dl.appendChild(el("dd", {}, fmt(v)));
    }
    d.appendChild(dl);
    if (n.props.evidence) {
      d.appendChild(el("h3", {}, "Evidence"));
      d.appendChild(el("blockquote", { class: "evidence" }, n.props.evidence));
    }
    const facts = n.edges.filter((e) => e.type !== "MENTIONS" && e.type !== "OBSERVATION_OF");
    if (facts.length) {
      d.appendChild(el("h3", {}, `Facts (${facts.length})`));
      const ul = el("ul", { class: "facts" });
      facts.sort((a, b) => (a.props.predicate || "").localeCompare(b.props.predicate || "")
        || other(a, n).label.localeCompare(other(b, n).label));
      for (const e of facts) {
        const li = el("li", { class: "fact" });
        const head = el("div", { class: "fact-head" });
        head.appendChild(el("span", { class: "dir" }, e.s === n.i ? "→" : "←"));
        head.appendChild(el("span", { class: "pred" }, e.props.predicate || e.type));
        head.appendChild(nodeLink(other(e, n)));
        const meta = [];
        if (typeof e.props.confidence === "number") meta.push(`confidence ${e.props.confidence.toFixed(2)}`);
        meta.push(e.props.reference ? "catalog" : `${e.props.article || "?"}${e.props.published ? " · " + e.props.published : ""}`);
        if (e.props.extractor && !e.props.reference) meta.push(e.props.extractor);
        head.appendChild(el("span", { class: "meta" }, meta.join(" · ")));
        li.appendChild(head);
        if (e.props.evidence) li.appendChild(el("blockquote", { class: "evidence" }, e.props.evidence));
        ul.appendChild(li);
      }
      d.appendChild(ul);
    }
    const linked = (type, dir) => n.edges.filter((e) => e.type === type && (dir === "in" ? e.t === n.i : e.s === n.i))
      .map((e) => other(e, n));
    const sections = [["Observations", linked("OBSERVATION_OF", "in")], ["Observation of", linked("OBSERVATION_OF", "out")],
      ["Mentioned in", linked("MENTIONS", "in")], ["Mentions", linked("MENTIONS", "out")]];
    for (const [title, list] of sections) {
      if (!list.length) continue;
      d.appendChild(el("h3", {}, `${title} (${list.length})`));
      const ul = el("ul", { class: "facts" });
      for (const m of list) {
        const li = el("li", { class: "fact" });
        li.appendChild(nodeLink(m));
        if (m.props.published) li.appendChild(el("span", { class: "meta" }, " " + m.props.published));
        if (m.type === "Observation" && m.props.evidence) {
          li.appendChild(el("blockquote", { class: "evidence" }, m.props.evidence));
        }
        ul.appendChild(li);
      }
      d.appendChild(ul);
    }
  }

  // ----------------------------------------------------------------------------------------- search --
  const input = document.getElementById("search");
  const results = document.getElementById("results");
  const count = document.getElementById("search-count");
  function search(q) {
    q = q.trim().toLowerCase();
    for (const n of nodes) n.el.classList.remove("match");
    results.replaceChildren();
    matches = new Set();
    if (!q) { svg.classList.remove("searching"); count.textContent = ""; placeLabels(); return []; }
    const scored = [];
    for (const n of nodes) {
      if (!visible(n)) continue;
      const names = [n.label, n.id].concat(n.props.aliases || []).map((s) => String(s).toLowerCase());
      let score = -1;
      if (names.some((s) => s === q)) score = 3;
      else if (names.some((s) => s.startsWith(q))) score = 2;
      else if (names.some((s) => s.includes(q))) score = 1;
      if (score >= 0) scored.push([score, n]);
    }
    scored.sort((a, b) => b[0] - a[0] || b[1].deg - a[1].deg || a[1].label.localeCompare(b[1].label));
    const found = scored.map((s) => s[1]);
    for (const n of found) { matches.add(n.i); n.el.classList.add("match"); }
    for (const n of found.slice().reverse()) nodeLayer.appendChild(n.el);  // matches on top, best last
    svg.classList.add("searching");
    placeLabels();
    count.textContent = found.length === 1 ? "1 match" : `${found.length} matches`;
    for (const n of found.slice(0, 12)) {
      const b = el("button", { type: "button", "data-key": n.id });
      b.appendChild(el("span", {}, n.label));
      b.appendChild(el("small", {}, n.type));
      b.addEventListener("click", () => { svg.classList.remove("searching"); select(n); centreOn(n); });
      const li = el("li");
      li.appendChild(b);
      results.appendChild(li);
    }
    return found;
  }
  input.addEventListener("input", () => search(input.value));
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      const found = search(input.value);
      if (found.length) { svg.classList.remove("searching"); select(found[0]); centreOn(found[0]); }
    } else if (ev.key === "Escape") {
      input.value = "";
      search("");
    }
  });

  // ------------------------------------------------------------------------------------ type filter --
  const typesBox = document.getElementById("types");
  const typeCounts = new Map();
  for (const n of nodes) typeCounts.set(n.type, (typeCounts.get(n.type) || 0) + 1);
  const order = Object.keys(colours).filter((t) => typeCounts.has(t))
    .concat(Array.from(typeCounts.keys()).filter((t) => !(t in colours)).sort());
  for (const t of order) {
    const label = el("label", { class: "type-toggle" });
    const box = el("input", { type: "checkbox", "data-type": t });
    box.checked = true;
    box.addEventListener("change", () => { if (box.checked) hiddenTypes.delete(t); else hiddenTypes.add(t); applyFilter(); });
    const sw = el("span", { class: "swatch" });
    sw.style.background = colour(t);
    label.appendChild(box);
    label.appendChild(sw);
    label.appendChild(el("span", {}, t));
    label.appendChild(el("span", { class: "count" }, typeCounts.get(t)));
    typesBox.appendChild(label);
  }
  function setAll(on) {
    for (const box of typesBox.querySelectorAll("input")) {
      box.checked = on;
      if (on) hiddenTypes.delete(box.dataset.type); else hiddenTypes.add(box.dataset.type);
    }
    applyFilter();
  }
  document.getElementById("types-all").addEventListener("click", () => setAll(true));
  document.getElementById("types-none").addEventListener("click", () => setAll(false));
  function applyFilter() {
    for (const n of nodes) n.el.classList.toggle("hidden", !visible(n));
    for (const e of edges) e.el.classList.toggle("hidden", !visible(nodes[e.s]) || !visible(nodes[e.t]));
    if (selected && !visible(selected)) select(null);
    if (input.value) search(input.value);
    stats();
  }
  function stats() {
    const shownNodes = nodes.filter(visible).length;
    const shownEdges = edges.filter((e) => visible(nodes[e.s]) && visible(nodes[e.t])).length;
    const s = shownNodes === nodes.length ? `${nodes.length} nodes · ${edges.length} edges`
      : `${shownNodes} of ${nodes.length} nodes · ${shownEdges} of ${edges.length} edges`;
    document.getElementById("stats").textContent = s;
  }

  stats();
  window.kgView = {
    nodeCount: nodes.length,
    edgeCount: edges.length,
    visibleNodes: () => nodes.filter(visible).length,
    search: search,
    select: (key) => { const n = nodes.find((m) => m.id === key); select(n || null); if (n) centreOn(n); return !!n; },
    get ready() { return layoutDone; },
  };
  requestAnimationFrame(() => { fit(); run(); });
})();
