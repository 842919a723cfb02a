/* The four-colour distribution: a pie of the levels and, for a region, a stacked bar per unit below. */
(function () {
  "use strict";
  var source = document.getElementById("risk-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { red: "#d63939", orange: "#f76707", yellow: "#f59f00", blue: "#206bc4" };
  var pieNode = document.getElementById("risk-pie");
  var charts = [];
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (pieNode) {
    var pie = echarts.init(pieNode);
    pie.setOption({
      animation: !still,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        label: { position: "inside", formatter: "{c}", color: "#fff", fontWeight: "bold" },
        data: data.levels.filter(function (level) { return level.value > 0; }).map(function (level) {
          return { name: level.name, value: level.value, itemStyle: { color: colours[level.key] } };
        })
      }]
    });
    charts.push(pie);
  }
  var barNode = document.getElementById("risk-bar");
  if (barNode && data.units.length) {
    var bar = echarts.init(barNode);
    bar.setOption({
      animation: !still,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 8, right: 8, top: 16, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: data.units, axisLabel: { interval: 0, rotate: data.units.length > 4 ? 35 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.levels.map(function (level) {
        return { name: level.name, type: "bar", stack: "levels", data: data.series[level.key], itemStyle: { color: colours[level.key] } };
      })
    });
    charts.push(bar);
  }
  window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
})();
