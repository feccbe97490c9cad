// Macaque dashboard: the little the pages need beyond HTML. Loaded from this server only (strict CSP, no inline script).
(function () {
  "use strict";

  // Recovery-time charts: <div data-chart='{"x":[epoch seconds],"y":[seconds]}' data-label="...">
  function drawCharts(root) {
    if (typeof uPlot === "undefined") {
      return;
    }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) {
        return;
      }
      el.dataset.drawn = "1";
      var data = JSON.parse(el.dataset.chart);
      var width = Math.max(280, Math.min(el.clientWidth || 800, 1100));
      var chart = new uPlot({
        width: width,
        height: 260,
        scales: { x: { time: true } },
        series: [{}, { label: el.dataset.label || "value", stroke: "#1f5fbf", width: 2, points: { show: true, size: 7 } }],
        axes: [{}, { label: "seconds" }]
      }, [data.x, data.y], el);
      window.addEventListener("resize", function () {
        chart.setSize({ width: Math.max(280, Math.min(el.clientWidth || 800, 1100)), height: 260 });
      });
    });
  }

  // A live run page: say when the stream has ended or was lost.
  function watchLive() {
    document.body.addEventListener("htmx:sseClose", function () {
      var badge = document.getElementById("live-badge");
      if (badge) {
        badge.textContent = "ended";
        badge.classList.add("ended");
      }
    });
    document.body.addEventListener("htmx:sseError", function () {
      var badge = document.getElementById("live-badge");
      if (badge && !badge.classList.contains("ended")) {
        badge.textContent = "reconnecting…";
      }
    });
    document.body.addEventListener("htmx:sseOpen", function () {
      var badge = document.getElementById("live-badge");
      if (badge && !badge.classList.contains("ended")) {
        badge.textContent = "live";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    watchLive();
  });
})();
