// Draws the province dashboard's charts with ECharts from the JSON the page carries (no inline script: CSP).
(function () {
  "use strict";
  var data = document.getElementById("dashboard-data");
  if (!data || !window.echarts) return;
  var palette = ["#1d4ed8", "#b91c1c", "#047857", "#b45309", "#6d28d9", "#0e7490", "#be185d", "#4d7c0f", "#374151"];
  JSON.parse(data.textContent).forEach(function (chart) {
    var element = document.getElementById("chart-" + chart.key);
    if (!element || !chart.categories.length) {
      if (element) element.classList.add("d-none");
      return;
    }
    var stacked = chart.kind === "stacked";
    var horizontal = chart.kind === "hbar";
    var series = chart.series.map(function (s) {
      return { name: s.name, type: "bar", data: s.data, stack: stacked ? "total" : undefined,
               label: { show: !stacked, position: horizontal ? "right" : "top" } };
    });
    // Counts are whole numbers: no 0.5 家 on the axis.
    var values = { type: "value", name: chart.unit, max: chart.unit === "%" ? 100 : null, minInterval: chart.unit === "%" ? 0 : 1 };
    var categories = { type: "category", data: chart.categories,
                       axisLabel: { interval: 0, rotate: !horizontal && chart.categories.length > 6 ? 35 : 0 } };
    if (horizontal) {
      categories.axisLabel.width = 200;
      categories.axisLabel.overflow = "truncate";  // the full name is in the table
      categories.inverse = true;  // the most frequent first, as in the table
      element.style.height = Math.max(240, 40 + 30 * chart.categories.length) + "px";
    }
    var instance = echarts.init(element, null, { renderer: "svg" });
    instance.setOption({
      color: palette,
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 48, top: 40, bottom: 60, containLabel: true },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : [values],
      series: series
    });
    window.addEventListener("resize", function () { instance.resize(); });
  });
})();
