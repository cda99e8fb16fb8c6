// Ticks the countdowns the server rendered (seconds left at render time) once a second, until htmx
// swaps in fresh ones. Time is the server's: the browser only counts the seconds since the render.
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  // The same format as services/ops/board.py duration_text.
  function durationText(seconds) {
    var sign = seconds < 0 ? "-" : "";
    var whole = Math.floor(Math.abs(seconds));
    var days = Math.floor(whole / 86400), hours = Math.floor((whole % 86400) / 3600);
    var minutes = Math.floor((whole % 3600) / 60), secs = whole % 60;
    var clock = (hours || days) ? pad(hours) + ":" + pad(minutes) + ":" + pad(secs) : pad(minutes) + ":" + pad(secs);
    return days ? sign + days + "d " + clock : sign + clock;
  }
  function tick() {
    var now = performance.now();
    document.querySelectorAll("[data-seconds-left]").forEach(function (el) {
      if (!el.dataset.renderedAt) { el.dataset.renderedAt = String(now); }
      var elapsed = Math.floor((now - Number(el.dataset.renderedAt)) / 1000);
      var left = Number(el.dataset.secondsLeft) - elapsed;
      if (el.dataset.tone === "breached") {
        el.textContent = "breached, " + durationText(-left) + " late";
      } else if (left < 0) {
        el.textContent = "due " + durationText(-left) + " ago";
        el.classList.add("overdue");
      } else {
        el.textContent = durationText(left);
      }
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();
