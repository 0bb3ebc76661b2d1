// The stepper's page side (anywidget): shows the frame the model names, steps through the frames,
// places answer fields over the "?" of an exercise, and sends clicks, edits and answers to the kernel.
// Everything is computed in the kernel (autograd.widgets.stepper); this file only draws and listens.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A text of the widget's language (texts: PAGE_TEXTS of stepper.py, translated in the kernel), {fields} filled in.
function say(model, key, fields) {
  const text = (model.get("texts") || {})[key] || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (fields && name in fields ? String(fields[name]) : whole));
}

function render({ model, el: host }) {
  const t = (key, fields) => say(model, key, fields);
  const root = el("div", "bpl-stepper");
  root.tabIndex = 0;
  const bar = el("div", "bpl-bar");
  const prev = el("button", "bpl-prev", t("previous"));
  const next = el("button", "bpl-next", t("next"));
  const play = el("button", "bpl-play", t("play"));
  const counter = el("span", "bpl-counter");
  const score = el("span", "bpl-score");
  const show = el("button", "bpl-show", t("show"));
  prev.title = t("previous_title");
  next.title = t("next_title");
  play.title = t("play_title");
  show.title = t("show_title");
  bar.append(prev, next, play, counter, score, show);
  const leaves = el("div", "bpl-leaves");
  const stage = el("div", "bpl-stage");
  const picture = el("div", "bpl-picture");
  const overlay = el("div", "bpl-overlay");
  stage.append(picture, overlay);
  const message = el("div", "bpl-message");
  const details = el("div", "bpl-details");
  const feedback = el("ul", "bpl-feedback-list");
  root.append(bar, leaves, stage, message, feedback, details);
  host.appendChild(root);

  let timer = null;
  let shownFrame = -1;

  function count() { return model.get("svgs").length; }

  function go(frame) {
    const n = count();
    frame = Math.max(0, Math.min(frame, n - 1));
    if (frame === model.get("frame")) return;
    model.set("frame", frame);
    model.save_changes();
    drawFrame(); // at once: the kernel follows, the picture does not wait for it
  }

  function stopPlaying() {
    if (timer !== null) { clearInterval(timer); timer = null; }
    play.textContent = t("play");
  }

  function togglePlay() {
    if (timer !== null) { stopPlaying(); return; }
    if (model.get("frame") >= count() - 1) go(0);
    play.textContent = t("pause");
    timer = setInterval(() => {
      if (model.get("frame") >= count() - 1) { stopPlaying(); return; }
      go(model.get("frame") + 1);
    }, model.get("interval_ms"));
  }

  function drawFrame(force) {
    const frame = model.get("frame");
    const svgs = model.get("svgs");
    if (force || frame !== shownFrame) {
      picture.innerHTML = svgs[frame] || "";
      shownFrame = frame;
    }
    root.dataset.frame = String(frame);
    const titles = model.get("titles");
    counter.textContent = t("counter", { frame: frame + 1, count: svgs.length });
    counter.title = titles[frame] || "";
    prev.disabled = frame === 0;
    next.disabled = frame >= svgs.length - 1;
    placeAnswers();
    markSelected();
  }

  function nodeGroup(position) {
    for (const g of picture.querySelectorAll("g.node")) {
      const title = g.querySelector("title");
      if (title && title.textContent === "v" + position) return g;
    }
    return null;
  }

  function markSelected() {
    picture.querySelectorAll("g.node.bpl-selected").forEach((g) => g.classList.remove("bpl-selected"));
    const g = nodeGroup(model.get("selected"));
    if (g) g.classList.add("bpl-selected");
  }

  // The exercise: one field over each "?" of the frame shown. The fields are made again when the frame or
  // the page's size changes, and only updated (colour, hint, revealed answer) when the kernel's verdicts come.
  function placeAnswers() {
    overlay.innerHTML = "";
    if (!model.get("exercise")) return;
    const hidden = model.get("hidden")[model.get("frame")] || [];
    const names = model.get("names");
    // First every position (one layout), then the fields (no layout in between: fast on a busy machine).
    const base = stage.getBoundingClientRect();
    const places = [];
    for (const [position, cells] of hidden) {
      const g = nodeGroup(position);
      if (!g) continue;
      for (const text of g.querySelectorAll("text")) {
        const content = text.textContent.trim();
        if (!content.endsWith(" ?")) continue;
        const cell = content.startsWith("data") ? "data" : "grad";
        if (cells.includes(cell)) places.push({ text, content, cell, position, box: text.getBoundingClientRect() });
      }
    }
    const answers = model.get("answers");
    for (const { text, content, cell, position, box } of places) {
      const key = `${cell}:${names[position]}`;
      const field = el("input", "bpl-answer");
      field.type = "text";
      field.inputMode = "decimal";
      field.dataset.key = key;
      field.placeholder = content;
      field.setAttribute("aria-label", t(cell === "data" ? "value_of" : "gradient_of", { name: names[position] }));
      text.style.visibility = "hidden"; // the field takes the place of "grad ?" in the box
      field.style.left = `${box.left - base.left - 3}px`;
      field.style.top = `${box.top - base.top - 3}px`;
      field.style.width = `${box.width + 8}px`;
      field.style.height = `${box.height + 6}px`;
      field.style.fontSize = `${Math.max(11, Math.min(16, box.height * 0.85))}px`;
      field.value = answers[key] || "";
      field.addEventListener("change", () => {
        model.set("answers", { ...model.get("answers"), [key]: field.value });
        model.save_changes();
      });
      field.addEventListener("keydown", (event) => {
        event.stopPropagation();
        if (event.key === "Enter") field.dispatchEvent(new Event("change"));
      });
      field.addEventListener("click", (event) => event.stopPropagation());
      overlay.appendChild(field);
    }
    updateAnswers();
  }

  function updateAnswers() {
    const revealed = model.get("revealed");
    const verdicts = model.get("feedback");
    for (const field of overlay.querySelectorAll(".bpl-answer")) {
      const key = field.dataset.key;
      if (key in revealed && field !== document.activeElement) field.value = revealed[key];
      field.className = "bpl-answer";
      field.title = "";
      const verdict = verdicts[key];
      if (verdict) {
        field.classList.add(`bpl-${verdict.status}`);
        field.title = verdict.message;
      }
    }
  }

  function drawFeedback() {
    const verdicts = model.get("feedback");
    feedback.innerHTML = "";
    for (const key of Object.keys(verdicts)) {
      const item = el("li", `bpl-feedback bpl-${verdicts[key].status}`);
      item.dataset.key = key;
      item.dataset.answer = verdicts[key].answer;
      const [cell, name] = key.split(":");
      item.append(el("b", "", `${t(cell === "data" ? "value_of" : "gradient_of", { name })}: `), verdicts[key].message);
      feedback.appendChild(item);
    }
    const s = model.get("score");
    score.textContent = model.get("exercise") ? t("score", s) : "";
    show.style.display = model.get("exercise") ? "" : "none";
    show.textContent = model.get("shown") ? t("hide") : t("show");
    updateAnswers();
  }

  function drawLeaves() {
    leaves.innerHTML = "";
    for (const leaf of model.get("leaves")) {
      const label = el("label", "bpl-leaf-label", `${leaf.name} = `);
      const field = el("input", "bpl-leaf");
      field.type = "number";
      field.step = "any";
      field.value = String(leaf.value);
      field.dataset.name = leaf.name;
      field.addEventListener("change", () => {
        model.set("leaf_values", { ...model.get("leaf_values"), [leaf.name]: field.value });
        model.save_changes();
      });
      field.addEventListener("keydown", (event) => event.stopPropagation());
      label.appendChild(field);
      leaves.appendChild(label);
    }
  }

  function drawDetails() {
    const d = model.get("details");
    details.innerHTML = "";
    if (!d || d.name === undefined) {
      details.append(el("span", "bpl-quiet", t("click")));
      return;
    }
    const head = el("div", "bpl-details-head");
    head.append(el("b", "", d.name), d.formula ? ` = ${d.formula}` : ` ${t("an_input")}`);
    head.append(`: ${t("value", { value: d.value })}, ${d.number_name} = ${d.number}`);
    details.appendChild(head);
    if (d.edges.length) {
      const table = el("table", "bpl-edges");
      const forward = model.get("mode") === "forward";
      const header = el("tr");
      for (const key of ["edge", "local", forward ? "times_tangent" : "times_upstream", "contribution"]) {
        header.appendChild(el("th", "", t(key)));
      }
      table.appendChild(header);
      for (const e of d.edges) {
        const row = el("tr");
        row.append(
          el("td", "", forward ? `${e.input} → ${d.name}` : `${d.name} → ${e.input}`),
          el("td", "", `${e.local_name} = ${e.local}`),
          el("td", "", `${e.upstream_name} = ${e.upstream}`),
          el("td", "", e.contribution),
        );
        table.appendChild(row);
      }
      details.appendChild(table);
    }
  }

  prev.addEventListener("click", () => { stopPlaying(); go(model.get("frame") - 1); });
  next.addEventListener("click", () => { stopPlaying(); go(model.get("frame") + 1); });
  play.addEventListener("click", togglePlay);
  show.addEventListener("click", () => { model.set("shown", !model.get("shown")); model.save_changes(); });
  root.addEventListener("keydown", (event) => {
    const moves = { ArrowRight: 1, ArrowLeft: -1 };
    if (event.key in moves) { stopPlaying(); go(model.get("frame") + moves[event.key]); }
    else if (event.key === "Home") { stopPlaying(); go(0); }
    else if (event.key === "End") { stopPlaying(); go(count() - 1); }
    else if (event.key === " ") togglePlay();
    else return;
    event.preventDefault();
    event.stopPropagation();
  });
  picture.addEventListener("click", (event) => {
    const g = event.target.closest("g.node");
    if (!g) return;
    const match = /^v(\d+)(_op)?$/.exec(g.querySelector("title").textContent);
    if (!match) return;
    model.set("selected", Number(match[1]));
    model.save_changes();
    markSelected();
    root.focus();
  });

  model.on("change:svgs", () => drawFrame(true));
  model.on("change:frame", () => drawFrame());
  model.on("change:hidden", () => placeAnswers());
  model.on("change:feedback", drawFeedback);
  model.on("change:score", drawFeedback);
  model.on("change:revealed", drawFeedback);
  model.on("change:shown", () => { drawFeedback(); if (!model.get("shown")) placeAnswers(); });
  model.on("change:leaves", drawLeaves);
  model.on("change:details", drawDetails);
  model.on("change:selected", markSelected);
  model.on("change:message", () => { message.textContent = model.get("message"); });
  const resize = new ResizeObserver(() => placeAnswers());
  resize.observe(stage);

  drawLeaves();
  drawFrame(true);
  drawFeedback();
  drawDetails();
  message.textContent = model.get("message");
  requestAnimationFrame(() => placeAnswers()); // once the page has laid the picture out
  return () => { stopPlaying(); resize.disconnect(); };
}

export default { render };
