// The coverage page's charts (from #coverage-data): coverage over time against the target, and by chain.
(function () {
  "use strict";
  var source = document.getElementById("coverage-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || "zh-hans";
  var zh = lang.indexOf("zh") === 0;
  function hasValue(values) {
    return (values || []).some(function (v) { return v !== null && v !== undefined; });
  }
  // A chart with nothing to draw says so (its data-empty text) instead of showing blank axes.
  function empty(element) {
    element.classList.add("d-flex", "align-items-center", "justify-content-center", "text-muted", "border", "rounded");
    element.style.height = "120px";
    element.textContent = element.getAttribute("data-empty") || "";
  }
  var months = document.getElementById("coverage-months");
  if (months && !(hasValue(data.organization) || hasValue(data.work))) {
    empty(months);
  } else if (months) {
    var series = [
      { name: zh ? "组织覆盖率" : "Organization coverage", type: "line", data: data.organization },
      { name: zh ? "工作覆盖率" : "Work coverage", type: "line", data: data.work }
    ];
    if (data.target !== null) {
      // The label inside the plot, at its end: beside the axis it was cut to its first digit.
      series[0].markLine = { symbol: "none", label: { position: "insideEndTop", formatter: (zh ? "目标 " : "Target ") + "{c}%" },
                             data: [{ yAxis: data.target, name: zh ? "目标" : "Target" }] };
    }
    echarts.init(months).setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 10, top: 36, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }, series: series
    });
  }
  var chains = document.getElementById("coverage-chains");
  if (chains && !hasValue(data.chain_rates)) {
    empty(chains);
  } else if (chains) {
    echarts.init(chains).setOption({
      tooltip: { trigger: "axis" }, grid: { left: 44, right: 10, top: 28, bottom: 30 },
      title: { text: zh ? "各产业链组织覆盖率" : "Organization coverage by chain", textStyle: { fontSize: 12 } },
      xAxis: { type: "category", data: data.chains },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ name: zh ? "组织覆盖率" : "Organization coverage", type: "bar", data: data.chain_rates }]
    });
  }
})();
