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

  function draw(data) {
    data.panels.forEach(function (panel) {
      var el = document.querySelector('.cockpit-chart[data-panel="' + panel.key + '"]');
      if (!el) { return; }
      var chart = charts[panel.key] || (charts[panel.key] = echarts.init(el, dark ? "dark" : null));
      chart.setOption(option(panel), true);
      chart.off("click");
      chart.on("click", function (event) {
        var link = panel.links ? panel.links[event.dataIndex] : (panel.series[event.seriesIndex] || {}).link;
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
