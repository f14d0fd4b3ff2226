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
    var series = chart.series.map(function (s) {
      return { name: s.name, type: "bar", data: s.data, stack: stacked ? "total" : undefined,
               label: { show: !stacked, position: "top" } };
    });
    var yAxis = [{ type: "value", name: chart.unit, max: chart.unit === "%" ? 100 : null }];
    var instance = echarts.init(element, null, { renderer: "svg" });
    instance.setOption({
      color: palette,
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 48, top: 40, bottom: 60, containLabel: true },
      xAxis: { type: "category", data: chart.categories, axisLabel: { interval: 0, rotate: chart.categories.length > 6 ? 35 : 0 } },
      yAxis: yAxis,
      series: series
    });
    window.addEventListener("resize", function () { instance.resize(); });
  });
})();
