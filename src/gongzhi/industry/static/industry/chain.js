// A chain's graph (from #chain-data): enterprises coloured by party-organization status, supply links as arrows.
(function () {
  "use strict";
  var source = document.getElementById("chain-data");
  var el = document.getElementById("chain-graph");
  if (!source || !el || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {}, legend: [{ data: data.categories.map(function (c) { return c.name; }) }],
    series: [{
      type: "graph", layout: "force", roam: true, draggable: true, categories: data.categories,
      force: { repulsion: 220, edgeLength: 90 }, label: { show: true, position: "right", fontSize: 11 },
      edgeSymbol: ["none", "arrow"], edgeLabel: { show: false, formatter: function (p) { return p.data.name; } },
      lineStyle: { opacity: 0.7, curveness: 0.1 },
      data: data.nodes, links: data.links.map(function (l) {
        return { source: l.source, target: l.target, name: l.name, lineStyle: { type: l.local ? "solid" : "dashed" } };
      })
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
