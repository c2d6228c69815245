// A chain's graph (from #chain-data): enterprises coloured by party-organization status, supply links as arrows.
(function () {
  "use strict";
  var source = document.getElementById("chain-data");
  var el = document.getElementById("chain-graph");
  if (!source || !el || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {}, legend: [{ type: "scroll", data: data.categories.map(function (c) { return c.name; }) }],
    series: [{
      type: "graph", layout: "force", roam: true, draggable: true, categories: data.categories, top: 40,
      force: { repulsion: 220, edgeLength: 90 },
      // Long names are cut and labels that would overlap are hidden (a phone is 390 px wide);
      // hovering or tapping a node shows its name and its neighbours.
      label: { show: true, position: "right", fontSize: 11, width: 96, overflow: "truncate" },
      labelLayout: { hideOverlap: true }, emphasis: { focus: "adjacency", label: { show: true } },
      edgeSymbol: ["none", "arrow"], edgeLabel: { show: false, formatter: function (p) { return p.data.name; } },
      lineStyle: { opacity: 0.7, curveness: 0.1 },
      data: data.nodes, links: data.links.map(function (l) {
        return { source: l.source, target: l.target, name: l.name, lineStyle: { type: l.local ? "solid" : "dashed" } };
      })
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
