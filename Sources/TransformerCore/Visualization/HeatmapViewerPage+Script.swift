/// The inline stylesheet and script of ``HeatmapViewerPage``.
///
/// The script reads the JSON data element, fills the three menus (kind, then the layers of that kind,
/// then the heads of that layer, "combined" for head-less entries, keeping the previous choice when it
/// still exists), and draws the chosen map as a `<table>`: column labels on top (vertical text), row
/// labels on the left, one `<td>` per cell coloured from the palette. Hover shows the labels and value
/// in the info line. All text goes in through `textContent`; nothing is parsed as HTML.
extension HeatmapViewerPage {
    static let style = """
        body { font-family: system-ui, sans-serif; margin: 16px; color: #222; }
        h1 { font-size: 18px; margin: 0 0 8px; }
        h2 { font-size: 15px; margin: 12px 0 4px; }
        .controls label { margin-right: 12px; }
        #info { font-family: monospace; min-height: 1.4em; margin: 4px 0; }
        #legend { display: flex; align-items: center; gap: 6px; font-family: monospace; font-size: 12px; margin: 4px 0 8px; }
        #legend-bar { display: inline-block; width: 200px; height: 12px; border: 1px solid #888; }
        table.map { border-collapse: collapse; font-family: monospace; font-size: 12px; }
        table.map td { width: 18px; min-width: 18px; height: 18px; padding: 0; border: 1px solid #fff; }
        table.map td:hover { outline: 2px solid #d62728; }
        table.map th { font-weight: normal; padding: 0 4px; white-space: pre; }
        table.map th.row { text-align: right; }
        table.map th.column { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; vertical-align: bottom; padding: 4px 0; }
        """

    static let script = """
        "use strict";
        const data = JSON.parse(document.getElementById("attention-data").textContent);
        const kindMenu = document.getElementById("kind");
        const layerMenu = document.getElementById("layer");
        const headMenu = document.getElementById("head");
        const figure = document.getElementById("figure");
        const info = document.getElementById("info");
        const mapTitle = document.getElementById("map-title");

        function headKey(head) { return head === null ? "combined" : String(head); }
        function headName(head) { return head === null ? "combined" : "head " + head; }
        function unique(values) { return Array.from(new Set(values)); }
        function value(raw) { return raw === null ? NaN : Number(raw); }
        function format(v) { return Number.isNaN(v) ? "NaN" : v.toFixed(3); }
        function color(v) {
          if (Number.isNaN(v)) { return "#808080"; }
          const lower = data.range[0], upper = data.range[1];
          let t = upper > lower ? (v - lower) / (upper - lower) : (v < lower ? 0 : v > upper ? 1 : 0.5);
          t = Math.min(1, Math.max(0, t));
          return data.palette[Math.round(t * (data.palette.length - 1))];
        }
        function fillMenu(menu, keys, names) {
          const previous = menu.value;
          while (menu.firstChild) { menu.removeChild(menu.firstChild); }
          keys.forEach(function (key, index) {
            const option = document.createElement("option");
            option.value = key;
            option.textContent = names[index];
            menu.appendChild(option);
          });
          if (keys.indexOf(previous) >= 0) { menu.value = previous; }
        }
        function update(level) {
          if (level <= 0) {
            const kinds = unique(data.entries.map(function (e) { return e.kind; }));
            fillMenu(kindMenu, kinds, kinds);
          }
          const ofKind = data.entries.filter(function (e) { return e.kind === kindMenu.value; });
          if (level <= 1) {
            const layers = unique(ofKind.map(function (e) { return e.layer; })).sort(function (a, b) { return a - b; });
            fillMenu(layerMenu, layers.map(String), layers.map(function (l) { return "layer " + l; }));
          }
          const ofLayer = ofKind.filter(function (e) { return String(e.layer) === layerMenu.value; });
          if (level <= 2) {
            const heads = unique(ofLayer.map(function (e) { return e.head; })).sort(function (a, b) {
              if (a === null) { return b === null ? 0 : 1; }
              return b === null ? -1 : a - b;
            });
            fillMenu(headMenu, heads.map(headKey), heads.map(headName));
          }
          draw(ofLayer.find(function (e) { return headKey(e.head) === headMenu.value; }));
        }
        function draw(entry) {
          while (figure.firstChild) { figure.removeChild(figure.firstChild); }
          info.textContent = "hover over a cell";
          if (!entry) { mapTitle.textContent = "(no maps)"; return; }
          mapTitle.textContent = entry.title;
          const table = document.createElement("table");
          table.className = "map";
          const header = document.createElement("tr");
          header.appendChild(document.createElement("th"));
          entry.columns.forEach(function (label) {
            const th = document.createElement("th");
            th.className = "column";
            th.textContent = label;
            header.appendChild(th);
          });
          table.appendChild(header);
          entry.rows.forEach(function (rowLabel, r) {
            const tr = document.createElement("tr");
            const th = document.createElement("th");
            th.className = "row";
            th.textContent = rowLabel;
            tr.appendChild(th);
            entry.columns.forEach(function (columnLabel, c) {
              const td = document.createElement("td");
              const v = value(entry.values[r * entry.columns.length + c]);
              td.style.backgroundColor = color(v);
              td.addEventListener("mouseenter", function () {
                info.textContent = rowLabel + " \\u2192 " + columnLabel + ": " + format(v);
              });
              tr.appendChild(td);
            });
            table.appendChild(tr);
          });
          figure.appendChild(table);
        }
        document.getElementById("legend-low").textContent = format(data.range[0]);
        document.getElementById("legend-high").textContent = format(data.range[1]);
        document.getElementById("legend-bar").style.background =
          "linear-gradient(to right, " + data.palette.filter(function (_, i) { return i % 15 === 0; }).concat([data.palette[data.palette.length - 1]]).join(", ") + ")";
        kindMenu.addEventListener("change", function () { update(1); });
        layerMenu.addEventListener("change", function () { update(2); });
        headMenu.addEventListener("change", function () { update(3); });
        update(0);
        """
}
