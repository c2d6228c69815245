// The rates page's charts: the best and the worst of each group, from the page's JSON (#rates-data).
(function () {
  "use strict";
  var source = document.getElementById("rates-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  document.querySelectorAll(".rates-chart").forEach(function (el) {
    var group = data.groups[+el.dataset.index];
    echarts.init(el).setOption({
      title: { text: group.label, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" }, legend: { top: 24 }, grid: { left: 40, right: 10, top: 64, bottom: 70 },
      xAxis: { type: "category", data: group.names, axisLabel: { rotate: 45 } }, yAxis: { type: "value", min: 0, max: 1 },
      series: group.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; })
    });
  });
})();
