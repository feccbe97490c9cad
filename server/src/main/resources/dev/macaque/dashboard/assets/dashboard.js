// Macaque dashboard: the little the pages need beyond HTML. Loaded from this server only (strict CSP, no inline script).
(function () {
  "use strict";

  // Times as the rest of the product writes them: ISO 8601, UTC, 24-hour.
  function iso(seconds) {
    return new Date(seconds * 1000).toISOString();
  }

  // Axis labels that fit the span shown: the time of day within a day, the date and time within a few weeks, else the date.
  function timeLabels(span) {
    if (span <= 86400) {
      return function (s) { return iso(s).slice(11, 16); };
    }
    if (span <= 21 * 86400) {
      return function (s) { return iso(s).slice(5, 16).replace("T", " "); };
    }
    return function (s) { return iso(s).slice(0, 10); };
  }

  // The time range to show: the data's own, with a margin; a single point gets an hour either side, where uPlot on
  // its own would widen it to years.
  function fitRange(xs) {
    var min = Math.min.apply(null, xs);
    var max = Math.max.apply(null, xs);
    var pad = max > min ? Math.max((max - min) * 0.05, 60) : 3600;
    return [min - pad, max + pad];
  }

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
        tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
        scales: { x: { time: true, auto: false, range: fitRange(data.x) }, y: { range: function (u, min, max) { return [0, Math.max(max * 1.1, 1)]; } } },
        series: [
          { label: "UTC", value: function (u, v) { return v == null ? "–" : iso(v).slice(0, 19).replace("T", " "); } },
          { label: el.dataset.label || "value", stroke: "#1f5fbf", width: 2, points: { show: true, size: 7 } }
        ],
        axes: [
          { label: "UTC, from " + iso(Math.min.apply(null, data.x)).slice(0, 10), values: function (u, splits) {
            var labels = splits.map(timeLabels(u.scales.x.max - u.scales.x.min));
            el.dataset.ticks = JSON.stringify(labels);
            return labels;
          } },
          { label: "seconds" }
        ],
        hooks: {
          setScale: [function (u, key) {
            if (key === "x") {
              el.dataset.range = JSON.stringify([u.scales.x.min, u.scales.x.max]);
            }
          }]
        }
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
