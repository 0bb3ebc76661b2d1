// One slide at a time: right arrow, Space, Page Down next; left arrow, Page Up back; Home, End; the number in the address.
(function () {
  "use strict";
  var slides = document.querySelectorAll(".slide");
  var counter = document.getElementById("counter");
  var current = -1;

  function show(k) {
    k = Math.max(0, Math.min(slides.length - 1, k));
    if (k === current) return;
    if (current >= 0) slides[current].classList.remove("current");
    current = k;
    slides[k].classList.add("current");
    counter.textContent = (k + 1) + " / " + slides.length;
    if (window.history && history.replaceState) {
      try { history.replaceState(null, "", "#" + (k + 1)); } catch (e) { /* some file:// pages refuse it */ }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    switch (event.key) {
      case "ArrowRight": case "ArrowDown": case "PageDown": case " ": case "Enter": show(current + 1); break;
      case "ArrowLeft": case "ArrowUp": case "PageUp": case "Backspace": show(current - 1); break;
      case "Home": show(0); break;
      case "End": show(slides.length - 1); break;
      default: return;
    }
    event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    show(event.clientX < window.innerWidth / 3 ? current - 1 : current + 1);
  });
  var start = parseInt(window.location.hash.slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
})();
