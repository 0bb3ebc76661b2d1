// The playground's page: controls, heat maps, points, loss curves and one sample's graph.
// Everything is computed in the kernel (nn.playground.Session); this file draws what it sends
// and sends back what the user does. Ranges, choices and colours come from Python (`options`),
// every word from `texts` (PAGE_TEXTS of widget.py, in the playground's language).

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const L2_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const OUTPUT_SIZE = 320; // the decision map on the page, in CSS pixels
const TRAIN_COLOUR = "#999"; // the training loss's curve and number (the CSS colours the number alike)
const TEST_COLOUR = "#000";

function make(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function bytesOf(value) {
  if (!value) return new Uint8Array(0);
  if (value instanceof DataView) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return new Uint8Array(value.buffer || value);
}

function render({ model, el }) {
  // A word of the page in the playground's language, {fields} filled in.
  const t = (key, fields = {}, fallback = key) =>
    ((model.get("texts") || {})[key] || fallback).replace(/\{(\w+)\}/g, (all, name) => (name in fields ? String(fields[name]) : all));
  const options = model.get("options");
  const colors = options.colors.map(rgb);
  const neutral = rgb(options.neutral);
  const strength = options.map_strength;
  const fields = options.fields;
  const stats = { frames: 0, epochs: [], times: [] };
  let mode = "select"; // what a click on the map does: "select" a point or "add" one of class addClass
  let addClass = 0;

  const root = make("div", { class: "pg-root" });
  el.append(root);
  const send = (content) => model.send(content);
  const set = (name, value) => send({ do: "set", changes: { [name]: value } });

  // ---- the top bar: buttons and training settings ----
  const title = make("div", { class: "pg-title" });
  const notes = make("div", { class: "pg-notes" });
  const play = make("button", { class: "pg-play", "data-control": "play", title: t("play_hint"), onclick: () => send({ do: model.get("running") ? "pause" : "play" }) });
  const step = make("button", { class: "pg-step", "data-control": "step", text: t("step"), title: t("step_hint"), onclick: () => send({ do: "step" }) });
  const reset = make("button", { class: "pg-reset", "data-control": "reset", text: t("reset"), title: t("reset_hint"), onclick: () => send({ do: "reset" }) });
  const epoch = make("span", { class: "pg-epoch" });

  function select(name, label, values, show = String) {
    const box = make("select", { class: `pg-${name}`, onchange: () => set(name, JSON.parse(box.value)) });
    for (const v of values) box.append(make("option", { value: JSON.stringify(v), text: show(v) }));
    const wrap = make("label", { class: "pg-field", "data-control": name }, make("span", { text: label }), box);
    wrap.update = (v) => {
      if (!values.some((x) => JSON.stringify(x) === JSON.stringify(v))) box.append(make("option", { value: JSON.stringify(v), text: show(v) }));
      box.value = JSON.stringify(v);
    };
    return wrap;
  }

  function slider(name, label, low, high, stepSize = 1) {
    const [, [lo, hi]] = fields[name];
    const input = make("input", { type: "range", class: `pg-${name}`, min: Math.max(lo, low), max: Math.min(hi, high), step: stepSize });
    const shown = make("span", { class: "pg-value" });
    input.addEventListener("input", () => (shown.textContent = input.value));
    input.addEventListener("change", () => set(name, Number(input.value)));
    const wrap = make("label", { class: "pg-field", "data-control": name }, make("span", { text: label }), input, shown);
    wrap.update = (v) => { input.value = v; shown.textContent = v; };
    return wrap;
  }

  const controls = {
    learning_rate: select("learning_rate", t("learning_rate"), LEARNING_RATES),
    activation: select("activation", t("activation"), fields.activation[1]),
    l2: select("l2", t("l2"), L2_RATES),
    batch_size: slider("batch_size", t("batch_size"), 1, 50),
    epochs_per_frame: slider("epochs_per_frame", t("epochs_per_frame"), 1, 20),
    noise: slider("noise", t("noise"), 0, 50),
    train_percent: slider("train_percent", t("train_percent"), 10, 90),
    points: slider("points", t("points"), 10, 1000, 10),
  };
  const top = make("div", { class: "pg-top" }, reset, play, step, make("span", { class: "pg-epoch-box" }, `${t("epoch")} `, epoch),
    controls.learning_rate, controls.activation, controls.l2, controls.batch_size, controls.epochs_per_frame);

  // ---- data: data sets, classes, noise, split, points ----
  const datasetBox = make("div", { class: "pg-field pg-datasets", "data-control": "dataset" });
  for (const name of fields.dataset[1]) {
    datasetBox.append(make("button", { class: "pg-dataset", "data-name": name, text: t(`dataset_${name}`, {}, name), onclick: () => set("dataset", name) }));
  }
  const classBox = make("div", { class: "pg-field pg-classes", "data-control": "classes" }, make("span", { text: t("classes") }));
  for (const k of [2, 3]) classBox.append(make("button", { class: "pg-class-count", "data-k": k, text: String(k), onclick: () => set("classes", k) }));
  const regenerate = make("button", { class: "pg-regenerate", "data-control": "regenerate", text: t("regenerate"), onclick: () => send({ do: "regenerate" }) });
  const fileInput = make("input", { type: "file", accept: ".json,application/json", style: "display:none" });
  fileInput.addEventListener("change", () => {
    const file = fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    if (file.size > options.max_scenario_bytes) {
      message.textContent = t("too_large", { file: file.name, size: file.size, limit: options.max_scenario_bytes });
      return;
    }
    file.text().then((text) => send({ do: "load", text }));
  });
  const save = make("button", { class: "pg-save", "data-control": "save", text: t("save"), onclick: () => send({ do: "save" }) });
  const load = make("button", { class: "pg-load", "data-control": "load", text: t("load"), onclick: () => fileInput.click() });
  const dataColumn = make("div", { class: "pg-column pg-data" }, make("h3", { text: t("data") }), datasetBox, classBox,
    controls.noise, controls.train_percent, controls.points, regenerate, make("div", { class: "pg-files" }, save, load, fileInput));

  // ---- the network: layers and each neuron's map ----
  const layerButtons = make("div", { class: "pg-field pg-layer-buttons", "data-control": "hidden" },
    make("button", { class: "pg-add-layer", text: t("add_layer"), onclick: () => changeLayers((h) => h.length < 4 && h.push(2)) }),
    make("button", { class: "pg-remove-layer", text: t("remove_layer"), onclick: () => changeLayers((h) => h.pop()) }));
  const layersBox = make("div", { class: "pg-layers" });
  const networkColumn = make("div", { class: "pg-column pg-network" }, make("h3", { class: "pg-network-title" }), layerButtons, layersBox);
  function changeLayers(change) {
    const hidden = [...model.get("settings").hidden];
    change(hidden);
    set("hidden", hidden);
  }
  let neuronCanvases = [];
  let columns = []; // the network's nodes, column by column: inputs, hidden layers, outputs
  let links = []; // links[c][j][i]: the line from node i of column c to node j of column c + 1
  let focus = null; // [layer, neuron] shown large on the output's place while the mouse is on it
  const SVG = "http://www.w3.org/2000/svg";
  const linkLayer = document.createElementNS(SVG, "svg");
  linkLayer.setAttribute("class", "pg-links");

  function inputMap(canvas, axis) {
    // the input x1 (axis 0) or x2 (axis 1) over the square, on the scale of the neurons' maps (-6 .. 6 as -1 .. 1)
    const n = options.neuron_resolution;
    const bytes = new Uint8Array(n * n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
      const v = axis === 0 ? (c + 0.5) / n * 2 - 1 : 1 - (r + 0.5) / n * 2;
      bytes[r * n + c] = Math.round((v + 1) * 127.5);
    }
    paint(canvas, bytes, 0, n, 2, false);
  }

  function node(label, title) {
    return make("canvas", { class: "pg-neuron", width: options.neuron_resolution, height: options.neuron_resolution, title, "aria-label": label });
  }

  function buildLayers() {
    const settings = model.get("settings");
    const hidden = settings.hidden;
    layersBox.replaceChildren(linkLayer);
    neuronCanvases = [];
    columns = [];
    const inputs = make("div", { class: "pg-layer" }, make("div", { class: "pg-layer-name", text: t("inputs") }), make("div", { class: "pg-neuron-buttons" }));
    const xs = [node("x1", t("x1")), node("x2", t("x2"))];
    xs.forEach((c, axis) => { inputMap(c, axis); inputs.append(c); });
    layersBox.append(inputs);
    columns.push(xs);
    hidden.forEach((size, l) => {
      const column = make("div", { class: "pg-layer" });
      const edit = make("div", { class: "pg-neuron-buttons", "data-control": "hidden" },
        make("button", { text: "+", title: t("neuron_more"), onclick: () => changeLayers((h) => h[l] < 8 && h[l]++) }),
        make("button", { text: "−", title: t("neuron_less"), onclick: () => changeLayers((h) => h[l] > 1 && h[l]--) }));
      column.append(make("div", { class: "pg-layer-name", text: t(size > 1 ? "neurons_many" : "neurons_one", { count: size }) }), edit);
      const canvases = [];
      for (let i = 0; i < size; i++) {
        const c = node(t("neuron_name", { layer: l + 1, neuron: i + 1 }), t("neuron_hint", { layer: l + 1, neuron: i + 1 }));
        c.addEventListener("mouseenter", () => { focus = [l, i]; draw(); });
        c.addEventListener("mouseleave", () => { focus = null; draw(); });
        canvases.push(c);
        column.append(c);
      }
      neuronCanvases.push(canvases);
      columns.push(canvases);
      layersBox.append(column);
    });
    const outputs = make("div", { class: "pg-layer" }, make("div", { class: "pg-layer-name", text: t("output_layer") }), make("div", { class: "pg-neuron-buttons" }));
    const k = settings.classes === 2 ? 1 : settings.classes;
    const outs = [];
    for (let j = 0; j < k; j++) {
      const box = make("div", { class: "pg-output-node", title: k === 1 ? t("output_hint") : t("logit_hint", { k: j }) });
      if (k > 1) box.style.background = `rgb(${colors[j].join(",")})`;
      outs.push(box);
      outputs.append(box);
    }
    layersBox.append(outputs);
    columns.push(outs);
    applyHidden();
    requestAnimationFrame(placeLinks);
  }

  function placeLinks() {
    // one line per weight, from the right edge of a node to the left edge of the next column's nodes
    linkLayer.replaceChildren();
    const origin = layersBox.getBoundingClientRect();
    linkLayer.setAttribute("width", origin.width);
    linkLayer.setAttribute("height", origin.height);
    const box = (el) => el.getBoundingClientRect();
    links = columns.slice(0, -1).map((from, c) => columns[c + 1].map((to) => from.map((source) => {
      const a = box(source);
      const b = box(to);
      const line = document.createElementNS(SVG, "line");
      line.setAttribute("x1", a.right - origin.left);
      line.setAttribute("y1", a.top + a.height / 2 - origin.top);
      line.setAttribute("x2", b.left - origin.left);
      line.setAttribute("y2", b.top + b.height / 2 - origin.top);
      linkLayer.append(line);
      return line;
    })));
    drawLinks();
  }

  function drawLinks() {
    // blue for a positive weight, orange for a negative one, wider when larger (as TensorFlow Playground)
    const frame = model.get("frame");
    if (!frame || !frame.weights) return;
    links.forEach((column, c) => column.forEach((row, j) => row.forEach((line, i) => {
      const w = frame.weights[c] && frame.weights[c][j] ? frame.weights[c][j][i] : 0;
      line.setAttribute("stroke", `rgb(${colors[w < 0 ? 0 : 1].join(",")})`);
      line.setAttribute("stroke-width", Math.min(0.5 + 1.5 * Math.abs(w), 5).toFixed(2));
    })));
  }

  // ---- the output: the decision map with the points, the losses and their curves ----
  const trainLoss = make("span", { class: "pg-train-loss" });
  const testLoss = make("span", { class: "pg-test-loss" });
  const mapCanvas = make("canvas", { class: "pg-map", width: OUTPUT_SIZE, height: OUTPUT_SIZE });
  const curveCanvas = make("canvas", { class: "pg-curve", width: OUTPUT_SIZE, height: 90 });
  const pixels = make("canvas", { width: options.output_resolution, height: options.output_resolution });
  const clickBox = make("div", { class: "pg-field pg-click", "data-control": "add_points" }, make("span", { text: t("click") }));
  function clickChoice(label, value, k) {
    const b = make("button", { class: "pg-click-mode", "data-mode": value, text: label, onclick: () => { mode = value; addClass = k; markButtons(); } });
    clickBox.append(b);
    return b;
  }
  clickChoice(t("click_select"), "select", 0);
  const addButtons = [0, 1, 2].map((k) => clickChoice(t("click_add", { k }), "add", k));
  const showTest = make("input", { type: "checkbox", class: "pg-show-test-box", onchange: () => set("show_test", showTest.checked) });
  const discretize = make("input", { type: "checkbox", class: "pg-discretize-box", onchange: () => set("discretize", discretize.checked) });
  const outputColumn = make("div", { class: "pg-column pg-output" }, make("h3", { text: t("output") }),
    make("div", { class: "pg-losses" }, make("span", { class: "pg-test-label" }, `${t("test_loss")} `, testLoss), make("br"),
      make("span", { class: "pg-train-label" }, `${t("train_loss")} `, trainLoss)),
    curveCanvas, mapCanvas, clickBox,
    make("label", { class: "pg-field", "data-control": "show_test" }, showTest, ` ${t("show_test")}`),
    make("label", { class: "pg-field", "data-control": "discretize" }, discretize, ` ${t("discretize")}`));
  mapCanvas.addEventListener("click", (event) => {
    const box = mapCanvas.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * OUTPUT_SIZE;
    const py = ((event.clientY - box.top) / box.height) * OUTPUT_SIZE;
    const [x, y] = [(px / OUTPUT_SIZE) * 12 - 6, 6 - (py / OUTPUT_SIZE) * 12];
    if (mode === "add" && !hidden().has("add_points")) {
      send({ do: "add_point", x, y, cls: addClass });
      return;
    }
    let best = -1;
    let bestDistance = 10; // pixels
    model.get("points").forEach(([qx, qy, , test], i) => {
      if (test && !model.get("settings").show_test) return;
      const d = Math.hypot(toPixel(qx) - px, toPixel(-qy) - py);
      if (d < bestDistance) { best = i; bestDistance = d; }
    });
    send({ do: "select", index: best });
  });

  // ---- one sample's computation graph ----
  const sampleText = make("div", { class: "pg-sample-text" });
  const sampleGraph = make("div", { class: "pg-sample-graph" });
  const samplePanel = make("div", { class: "pg-sample" }, sampleText, sampleGraph);
  const message = make("div", { class: "pg-message" });

  root.append(title, notes, top, make("div", { class: "pg-main" }, dataColumn, networkColumn, outputColumn), message, samplePanel);

  // ---- drawing ----
  const toPixel = (x) => ((x + 6) / 12) * OUTPUT_SIZE;

  function twoClassColour(byte, out, at, hard) {
    let v = (byte / 255) * 2 - 1;
    if (hard) v = v < 0 ? -1 : v > 0 ? 1 : 0;
    const target = v < 0 ? colors[0] : colors[1];
    const a = strength * Math.abs(v);
    for (let c = 0; c < 3; c++) out[at + c] = neutral[c] + a * (target[c] - neutral[c]);
    out[at + 3] = 255;
  }

  function paint(canvas, bytes, offset, size, classes, hard) {
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(size, size);
    const out = image.data;
    for (let p = 0; p < size * size; p++) {
      if (classes === 2) {
        twoClassColour(bytes[offset + p], out, 4 * p, hard);
        continue;
      }
      const probs = [0, 1, 2].map((k) => bytes[offset + 3 * p + k] / 255);
      let weights = probs;
      if (hard) { const top = probs.indexOf(Math.max(...probs)); weights = probs.map((_, k) => (k === top ? 1 : 0)); }
      for (let c = 0; c < 3; c++) {
        const full = weights.reduce((sum, w, k) => sum + w * colors[k][c], 0);
        out[4 * p + c] = neutral[c] + strength * (full - neutral[c]);
      }
      out[4 * p + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }

  function drawCurve(curve) {
    const ctx = curveCanvas.getContext("2d");
    const { width, height } = curveCanvas;
    ctx.clearRect(0, 0, width, height);
    curve = curve.filter((r) => r[1] !== null && r[2] !== null); // a diverged run's last epochs have no loss
    if (curve.length < 2) return;
    const top = Math.max(...curve.map((r) => Math.max(r[1], r[2]))) || 1;
    const first = curve[0][0];
    const last = curve[curve.length - 1][0];
    for (const [column, colour] of [[1, TRAIN_COLOUR], [2, TEST_COLOUR]]) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      curve.forEach((row, i) => {
        const x = ((row[0] - first) / Math.max(last - first, 1)) * (width - 4) + 2;
        const y = height - 2 - (row[column] / top) * (height - 4);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    }
  }

  function draw() {
    const frame = model.get("frame");
    const settings = model.get("settings");
    if (!frame || frame.id === undefined) return;
    const hard = settings.discretize;
    const r = options.output_resolution;
    const n = options.neuron_resolution;
    const neuronBytes = bytesOf(model.get("neuron_maps"));
    let offset = 0;
    neuronCanvases.forEach((canvases) => canvases.forEach((c) => { paint(c, neuronBytes, offset, n, 2, false); offset += n * n; }));
    const ctx = mapCanvas.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    if (focus && neuronCanvases[focus[0]] && neuronCanvases[focus[0]][focus[1]]) {
      ctx.drawImage(neuronCanvases[focus[0]][focus[1]], 0, 0, OUTPUT_SIZE, OUTPUT_SIZE);
    } else {
      paint(pixels, bytesOf(model.get("output_map")), 0, r, frame.classes, hard);
      ctx.drawImage(pixels, 0, 0, OUTPUT_SIZE, OUTPUT_SIZE);
    }
    drawLinks();
    const thumbnail = columns.length ? columns[columns.length - 1][0] : null;
    if (thumbnail && frame.classes === 2) {
      thumbnail.style.backgroundImage = `url(${pixels.toDataURL()})`;
    }
    const chosen = model.get("selected");
    model.get("points").forEach(([x, y, k, test], i) => {
      if (test && !settings.show_test) return;
      ctx.beginPath();
      ctx.arc(toPixel(x), toPixel(-y), i === chosen ? 6 : 3.5, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${colors[k].join(",")})`;
      ctx.fill();
      ctx.lineWidth = i === chosen ? 2.5 : 1;
      ctx.strokeStyle = test ? "#000" : "#fff";
      ctx.stroke();
    });
    epoch.textContent = String(frame.epoch).padStart(6, "0");
    trainLoss.textContent = frame.train_loss === null ? "NaN" : frame.train_loss.toFixed(3);
    testLoss.textContent = frame.test_loss === null ? "NaN" : frame.test_loss.toFixed(3);
    drawCurve(frame.curve);
    stats.frames += 1;
    stats.epochs.push(frame.epoch);
    stats.times.push(performance.now());
    root.dataset.frames = stats.frames;
    root.dataset.epoch = frame.epoch;
    root.dataset.points = model.get("points").length;
  }

  function hidden() {
    return new Set(model.get("settings").hidden_controls || []);
  }

  function applyHidden() {
    const gone = hidden();
    root.querySelectorAll("[data-control]").forEach((node) => node.classList.toggle("pg-hidden", gone.has(node.dataset.control)));
  }

  function markButtons() {
    const s = model.get("settings");
    datasetBox.querySelectorAll("button").forEach((b) => b.classList.toggle("pg-chosen", b.dataset.name === s.dataset));
    classBox.querySelectorAll("button").forEach((b) => b.classList.toggle("pg-chosen", Number(b.dataset.k) === s.classes));
    clickBox.querySelectorAll("button").forEach((b) => b.classList.toggle("pg-chosen", b.dataset.mode === mode && (mode === "select" || b === addButtons[addClass])));
    addButtons[2].style.display = s.classes > 2 ? "" : "none";
    if (addClass >= s.classes) { mode = "select"; addClass = 0; }
  }

  function showSettings() {
    const s = model.get("settings");
    for (const [name, control] of Object.entries(controls)) control.update(s[name]);
    showTest.checked = s.show_test;
    discretize.checked = s.discretize;
    const shape = [2, ...s.hidden, s.classes === 2 ? 1 : s.classes].join("-");
    networkColumn.querySelector(".pg-network-title").textContent = t("network", { shape });
    markButtons();
    buildLayers();
  }

  function showRunning() {
    const running = model.get("running");
    play.textContent = running ? t("pause") : t("play");
    root.classList.toggle("pg-running", running);
  }

  function showSample() {
    sampleText.textContent = model.get("sample_text");
    sampleGraph.innerHTML = model.get("sample_svg"); // Graphviz's SVG, made in the kernel from the model
  }

  const onFrame = () => {
    draw();
    send({ do: "drawn", id: model.get("frame").id });
  };
  const onCustom = (content) => {
    if (content && content.kind === "scenario") {
      const url = URL.createObjectURL(new Blob([content.text], { type: "application/json" }));
      const a = make("a", { href: url, download: "playground-scenario.json" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }
  };
  const handlers = [
    ["change:frame", onFrame],
    ["change:settings", () => { showSettings(); draw(); }],
    ["change:points", draw],
    ["change:selected", draw],
    ["change:running", showRunning],
    ["change:sample_svg", showSample],
    ["change:sample_text", showSample],
    ["change:message", () => (message.textContent = model.get("message"))],
    ["change:title", () => (title.textContent = model.get("title"))],
    ["change:notes", () => (notes.textContent = model.get("notes"))],
    ["msg:custom", onCustom],
  ];
  for (const [event, handler] of handlers) model.on(event, handler);
  const resized = new ResizeObserver(() => placeLinks()); // the lines follow the nodes when the page reflows
  resized.observe(layersBox);

  title.textContent = model.get("title");
  notes.textContent = model.get("notes");
  message.textContent = model.get("message");
  showSettings();
  showRunning();
  showSample();
  draw();
  return () => {
    resized.disconnect();
    for (const [event, handler] of handlers) model.off(event, handler);
  };
}

export default { render };
