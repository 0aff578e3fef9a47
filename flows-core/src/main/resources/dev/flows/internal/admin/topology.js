// Draws topology.json (the Lineage of this runtime's flows) as a layered SVG, without libraries:
// one column per depth in the graph, nodes as labelled boxes, edges as curves between them.
(function () {
  "use strict";
  const SVG_NS = "http://www.w3.org/2000/svg";
  const BOX_HEIGHT = 42;
  const ROW_GAP = 14;
  const COLUMN_GAP = 90;
  const CHAR_WIDTH = 7.4;
  const PADDING = 14;
  const MIN_WIDTH = 110;
  const MARGIN = 20;

  // A re-drive points back, from a dead-letter topic to a step's retry topic: it sets no column.
  const layered = (edge) => edge.kind !== "redrive";

  /** The column of each node: longest path from the sources, edges that close a cycle ignored. */
  function depths(nodes, edges) {
    const next = new Map(nodes.map((n) => [n.id, []]));
    const hasInput = new Set();
    edges.filter(layered).forEach((e) => {
      next.get(e.from).push(e.to);
      hasInput.add(e.to);
    });
    const kept = new Map(nodes.map((n) => [n.id, []]));
    const keptInput = new Set();
    const state = new Map();
    const finished = [];
    const visit = (id) => {
      state.set(id, "open");
      next.get(id).forEach((to) => {
        if (state.get(to) === "open") {
          return; // closes a cycle
        }
        kept.get(id).push(to);
        keptInput.add(to);
        if (!state.has(to)) {
          visit(to);
        }
      });
      state.set(id, "done");
      finished.push(id);
    };
    nodes.filter((n) => !hasInput.has(n.id)).forEach((n) => visit(n.id));
    nodes.filter((n) => !state.has(n.id)).forEach((n) => visit(n.id));
    const depth = new Map(nodes.map((n) => [n.id, 0]));
    const topological = finished.slice().reverse();
    topological.forEach((id) =>
      kept.get(id).forEach((to) => depth.set(to, Math.max(depth.get(to), depth.get(id) + 1))));
    // A source stands just before the first step that reads it, not always in the first column.
    topological
      .filter((id) => !keptInput.has(id) && kept.get(id).length > 0)
      .forEach((id) => depth.set(id, Math.min(...kept.get(id).map((to) => depth.get(to))) - 1));
    return { depth, kept };
  }

  /** Nodes per column, ordered by the mean row of their neighbours to cross fewer edges. */
  function columns(nodes, layout) {
    const count = Math.max(0, ...layout.depth.values()) + 1;
    const cols = Array.from({ length: count }, () => []);
    nodes.forEach((n) => cols[layout.depth.get(n.id)].push(n.id));
    const before = new Map(nodes.map((n) => [n.id, []]));
    layout.kept.forEach((tos, from) => tos.forEach((to) => before.get(to).push(from)));
    const sweep = (order, neighbours) => {
      const row = new Map();
      cols.forEach((col) => col.forEach((id, i) => row.set(id, i)));
      order.forEach((c) => {
        const key = (id) => {
          const rows = neighbours(id).map((other) => row.get(other));
          return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : row.get(id);
        };
        const keys = new Map(cols[c].map((id) => [id, key(id)]));
        cols[c].sort((a, b) => keys.get(a) - keys.get(b) || row.get(a) - row.get(b));
        cols[c].forEach((id, i) => row.set(id, i));
      });
    };
    const forward = [...cols.keys()];
    sweep(forward, (id) => before.get(id));
    sweep(forward.slice().reverse(), (id) => layout.kept.get(id));
    sweep(forward, (id) => before.get(id));
    return cols;
  }

  /** Each node's box: x and y of its top left corner, its width. */
  function boxes(byId, cols) {
    const tallest = Math.max(...cols.map((col) => col.length));
    const place = new Map();
    let x = MARGIN;
    cols.forEach((col) => {
      const width = Math.max(MIN_WIDTH, ...col.map((id) => textWidth(byId.get(id))));
      const top = MARGIN + ((tallest - col.length) * (BOX_HEIGHT + ROW_GAP)) / 2;
      col.forEach((id, i) => place.set(id, { x, y: top + i * (BOX_HEIGHT + ROW_GAP), width }));
      x += width + COLUMN_GAP;
    });
    return { place, width: x - COLUMN_GAP + MARGIN, height: 2 * MARGIN + tallest * (BOX_HEIGHT + ROW_GAP) };
  }

  function textWidth(node) {
    return Math.max(node.label.length, node.detail.length * 0.85) * CHAR_WIDTH + 2 * PADDING;
  }

  function element(name, attributes, parent) {
    const e = document.createElementNS(SVG_NS, name);
    Object.entries(attributes).forEach(([k, v]) => e.setAttribute(k, v));
    parent.appendChild(e);
    return e;
  }

  /**
   * A curve from the right of one box to the left of a box further right; backwards, a loop below
   * every box between them. Returns the path and the lowest y it reaches.
   */
  function curve(a, b, place) {
    if (b.x > a.x) {
      const x1 = a.x + a.width;
      const y1 = a.y + BOX_HEIGHT / 2;
      const x2 = b.x;
      const y2 = b.y + BOX_HEIGHT / 2;
      const bend = Math.max(50, (x2 - x1) / 2);
      return { d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`, low: 0 };
    }
    const x1 = a.x + a.width / 2;
    const x2 = b.x + b.width / 2;
    const between = [...place.values()].filter((p) => p.x + p.width >= b.x && p.x <= a.x + a.width);
    const floor = Math.max(...between.map((p) => p.y + BOX_HEIGHT)) + ROW_GAP;
    // A cubic reaches three quarters of the way to its control points' depth.
    const control = floor + (floor - Math.min(a.y, b.y) - BOX_HEIGHT) / 3;
    const d = `M ${x1} ${a.y + BOX_HEIGHT} C ${x1} ${control}, ${x2} ${control}, ${x2} ${b.y + BOX_HEIGHT}`;
    return { d, low: floor };
  }

  function drawEdge(svg, edge, place) {
    const route = curve(place.get(edge.from), place.get(edge.to), place);
    const path = element("path", {
      class: "edge " + edge.kind,
      "data-from": edge.from,
      "data-to": edge.to,
      d: route.d,
    }, svg);
    if (edge.kind !== "state") {
      path.setAttribute("marker-end", "url(#arrow)");
    }
    element("title", {}, path).textContent = `${edge.from} → ${edge.to} (${edge.kind})`;
    return route.low;
  }

  function drawNode(svg, node, box) {
    const g = element("g", {
      class: "node " + node.kind,
      "data-node": node.id,
      "data-kind": node.kind,
      transform: `translate(${box.x}, ${box.y})`,
      tabindex: "0",
    }, svg);
    const rounded = { step: 4, route: BOX_HEIGHT / 2, schedule: 12 }[node.kind] || 8;
    element("rect", { width: box.width, height: BOX_HEIGHT, rx: rounded }, g);
    const middle = box.width / 2;
    if (node.detail) {
      element("text", { x: middle, y: 15 }, g).textContent = node.label;
      element("text", { class: "detail", x: middle, y: 31 }, g).textContent = node.detail;
    } else {
      element("text", { x: middle, y: BOX_HEIGHT / 2 }, g).textContent = node.label;
    }
    element("title", {}, g).textContent = node.id;
    return g;
  }

  /** Hovering or focusing a node lights it, its edges and its neighbours. */
  function highlight(svg, g, id) {
    const on = () => {
      svg.classList.add("focusing");
      svg.querySelectorAll(".edge").forEach((e) => {
        if (e.dataset.from === id || e.dataset.to === id) {
          e.classList.add("lit");
          svg.querySelectorAll(".node").forEach((n) => {
            if (n.dataset.node === e.dataset.from || n.dataset.node === e.dataset.to) {
              n.classList.add("lit");
            }
          });
        }
      });
      g.classList.add("lit");
    };
    const off = () => {
      svg.classList.remove("focusing");
      svg.querySelectorAll(".lit").forEach((e) => e.classList.remove("lit"));
    };
    ["mouseenter", "focus"].forEach((t) => g.addEventListener(t, on));
    ["mouseleave", "blur"].forEach((t) => g.addEventListener(t, off));
  }

  function draw(graph) {
    const svg = document.getElementById("graph");
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const edges = graph.edges.filter((e) => byId.has(e.from) && byId.has(e.to));
    const layout = depths(graph.nodes, edges);
    const cols = columns(graph.nodes, layout);
    const { place, width, height } = boxes(byId, cols);
    const low = Math.max(0, ...edges.map((e) => drawEdge(svg, e, place)));
    const fullHeight = Math.max(height, low + MARGIN);
    svg.setAttribute("viewBox", `0 0 ${width} ${fullHeight}`);
    svg.setAttribute("width", width);
    svg.setAttribute("height", fullHeight);
    graph.nodes.forEach((n) => highlight(svg, drawNode(svg, n, place.get(n.id)), n.id));
    svg.dataset.columns = String(cols.length);
    return summary(graph);
  }

  function summary(graph) {
    const counts = new Map();
    graph.nodes.forEach((n) => counts.set(n.kind, (counts.get(n.kind) || 0) + 1));
    const parts = [...counts].map(([kind, n]) => `${n} ${kind}${n === 1 ? "" : "s"}`);
    if (parts.length === 0) {
      return "No flows: the graph is empty.";
    }
    return `${parts.join(", ")}; ${graph.edges.length} edges. Hover a node to follow it.`;
  }

  const status = document.getElementById("summary");
  fetch("topology.json")
    .then((response) => {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then((graph) => {
      status.textContent = draw(graph);
    })
    .catch((error) => {
      status.textContent = "Cannot draw topology.json: " + error.message;
      status.classList.add("error");
    });
})();
