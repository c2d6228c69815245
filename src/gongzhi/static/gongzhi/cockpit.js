// The cockpit (数据驾驶舱): draws the panels of #cockpit-data with ECharts and the grid map with
// Leaflet; on the big screen (body[data-refresh]) fetches the data again every so many seconds.
(function () {
  "use strict";
  var source = document.getElementById("cockpit-data");
  if (!source || !window.echarts) { return; }
  var dark = document.body.classList.contains("cockpit-screen");
  var charts = {};

  function option(panel) {
    var base = {
      backgroundColor: "transparent",
      title: { text: panel.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" }, legend: { top: 22, type: "scroll" },
      grid: { left: 48, right: 16, top: 64, bottom: 48, containLabel: true }
    };
    if (panel.kind === "gauge") { return gauges(panel, base); }
    if (panel.kind === "graph") { return graph(panel, base); }
    var horizontal = panel.kind === "hbar";
    var category = { type: "category", data: panel.x, axisLabel: { rotate: horizontal ? 0 : 30 } };
    var value = { type: "value", min: 0 };
    if (panel.max) { value.max = panel.max; }
    base.xAxis = horizontal ? value : category;
    base.yAxis = horizontal ? category : value;
    base.series = panel.series.map(function (s) {
      return { name: s.name, type: panel.kind === "line" ? "line" : "bar", stack: panel.kind === "stacked" ? "all" : undefined,
               data: s.data };
    });
    return base;
  }

  // Rates against their targets: one gauge each, the band below the target shaded.
  function gauges(panel, base) {
    var n = panel.series.length;
    base.tooltip = { formatter: function (p) { return p.seriesName + "：" + (p.value === null ? "—" : p.value + "%"); } };
    base.legend = undefined;
    base.series = panel.series.map(function (g, i) {
      var band = g.target === null ? [[1, "#c9d3de"]] : [[g.target / 100, "#f2c4c4"], [1, "#c7e6cc"]];
      return {
        type: "gauge", name: g.name, center: [((i + 0.5) * 100 / n) + "%", "58%"], radius: "50%",
        min: 0, max: 100, startAngle: 210, endAngle: -30, splitNumber: 4,
        progress: { show: true, width: 10 }, axisLine: { lineStyle: { width: 10, color: band } },
        axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
        pointer: { show: false }, anchor: { show: false },
        detail: { formatter: g.value === null ? "—" : "{value}%", fontSize: 18, offsetCenter: [0, "10%"] },
        title: { offsetCenter: [0, "72%"], fontSize: 11 },
        data: [{ value: g.value === null ? 0 : g.value,
                 name: g.name + (g.target === null ? "" : "\n" + panel.target_label + " " + g.target + "%") }]
      };
    });
    return base;
  }

  // A chain: enterprises coloured by party status, supply links as arrows (dashed from outside).
  function graph(panel, base) {
    base.tooltip = {};
    base.legend = { top: 22, type: "scroll", data: panel.categories.map(function (c) { return c.name; }) };
    base.series = [{
      type: "graph", name: panel.series[0].name, layout: "force", roam: true, draggable: true,
      force: { repulsion: 140, edgeLength: [40, 90] }, edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
      categories: panel.categories,
      data: panel.series[0].data.map(function (node) {
        return Object.assign({}, node, { label: { show: node.leader, position: "right" } });
      }),
      links: panel.edges.map(function (e) {
        return { source: e.source, target: e.target, value: e.name, lineStyle: { type: e.local ? "solid" : "dashed", opacity: 0.7 } };
      })
    }];
    return base;
  }

  function linkOf(panel, event) {
    if (panel.kind === "gauge") { return panel.links[event.seriesIndex]; }
    if (panel.kind === "graph") { return (event.dataType === "node" && event.data.url) || panel.link; }
    return panel.links ? panel.links[event.dataIndex] : (panel.series[event.seriesIndex] || {}).link;
  }

  function draw(data) {
    data.panels.forEach(function (panel) {
      var el = document.querySelector('.cockpit-chart[data-panel="' + panel.key + '"]');
      if (!el) { return; }
      var chart = charts[panel.key] || (charts[panel.key] = echarts.init(el, dark ? "dark" : null));
      chart.setOption(option(panel), true);
      chart.off("click");
      chart.on("click", function (event) {
        var link = linkOf(panel, event);
        if (link) { window.location = link; }
      });
    });
    data.figures.forEach(function (f) {
      var el = document.querySelector('[data-figure="' + f.key + '"]');
      if (el) { el.textContent = f.value; el.href = f.link; }
    });
  }

  draw(JSON.parse(source.textContent));
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  // The grid map, coloured by the chosen measure; a click goes down to the grid's cockpit.
  var mapEl = document.getElementById("cockpit-map");
  var select = document.getElementById("cockpit-map-measure");
  if (mapEl && window.L) {
    var map = L.map(mapEl, { attributionControl: false });
    if (mapEl.dataset.tiles) { L.tileLayer(mapEl.dataset.tiles, { maxZoom: 19 }).addTo(map); }
    var layer = null;
    var shade = function (features, key) {
      var values = features.map(function (f) { return f.properties[key]; }).filter(function (v) { return v !== null && v !== undefined; });
      var top = Math.max.apply(null, values.concat([0])) || 1;
      return function (feature) {
        var v = feature.properties[key];
        var share = v === null || v === undefined ? 0 : v / top;
        if (key === "satisfaction") { share = v === null || v === undefined ? 0 : 1 - v; }  // low satisfaction: darker
        return { color: "#c8161d", weight: 1, fillColor: "#c8161d", fillOpacity: 0.08 + 0.6 * share };
      };
    };
    fetch(mapEl.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      mapEl.dataset.polygons = data.features.length;
      layer = L.geoJSON(data, {
        style: shade(data.features, select ? select.value : "density"),
        onEachFeature: function (f, l) {
          var label = document.createElement("span");  // a text node, never HTML
          label.textContent = f.properties.name;
          l.bindTooltip(label);
          l.on("click", function () { window.location = f.properties.url; });
        }
      }).addTo(map);
      if (data.features.length) { map.fitBounds(layer.getBounds()); } else { map.setView([35.40, 116.60], 12); }
      if (select) {
        select.addEventListener("change", function () { layer.setStyle(shade(data.features, select.value)); });
      }
    });
  }

  // The big screen fetches its figures again on its own.
  var seconds = +document.body.dataset.refresh;
  if (seconds > 0 && document.body.dataset.src) {
    var stamp = document.getElementById("cockpit-refreshed");
    var refresh = function () {
      fetch(document.body.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        draw(data);
        if (stamp) { stamp.textContent = new Date().toLocaleTimeString(); }
      });
    };
    if (stamp) { stamp.textContent = new Date().toLocaleTimeString(); }
    window.setInterval(refresh, seconds * 1000);
  }
})();
