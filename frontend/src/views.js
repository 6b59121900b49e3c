// The views of a query result, drawn in the browser from the result's HTML table (which is the data, and all a
// reader without JavaScript gets): the table made sortable, a map of its WKT points, a bar or line chart of its
// numbers. Which views fit and which columns fill them was decided on the server (server/web/result_views.py)
// and arrives as data attributes; switching views changes the URL (?view=), so every view can be linked.
//
// Leaflet and Chart.js are loaded only when a map or a chart is shown (separate chunks, built by esbuild's code
// splitting): a page showing the table fetches a few kilobytes of script, not some 300.
import { makeSortable, readTable } from "./table.js";

function strings() {
  const element = document.getElementById("sparql-view-strings");
  return element ? JSON.parse(element.textContent) : {};
}

function start() {
  const wrapper = document.getElementById("result-table");
  if (!wrapper) return;
  const table = wrapper.querySelector("table");
  const words = strings();
  const data = readTable(table);
  const drawn = {};
  window.mpscViews = drawn; // for the browser tests and for readers' own scripts in the console
  makeSortable(table, words);
  const containers = { map: document.getElementById("result-map"), chart: document.getElementById("result-chart") };
  const links = [...document.querySelectorAll(".view-switch a[data-view]")];
  const embedCode = document.getElementById("embed-code");

  async function draw(view, container) {
    if (view === "map" && !drawn.map) {
      const { drawMap } = await import("./map.js");
      drawn.map = drawn.map || drawMap(container, data, words);
    }
    if (view === "map") drawn.map.map.invalidateSize();
    if ((view === "bar" || view === "line") && drawn.chartKind !== view) {
      const { drawChart } = await import("./chart.js");
      if (drawn.chart) drawn.chart.destroy();
      drawn.chart = drawChart(container, data, view);
      drawn.chartKind = view;
    }
  }

  function show(view) {
    const container = view === "map" ? containers.map : view === "bar" || view === "line" ? containers.chart : null;
    wrapper.hidden = container !== null;
    for (const other of Object.values(containers)) if (other) other.hidden = other !== container;
    if (container) draw(view, container);
    for (const link of links) {
      if (link.dataset.view === view) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    if (embedCode) embedCode.value = embedCode.value.replace(/([?&;]view=)\w+/, `$1${view}`);
  }

  for (const link of links) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      show(link.dataset.view);
      history.replaceState(null, "", link.href);
    });
  }
  document.querySelectorAll(".view-note").forEach((note) => note.remove());
  show(wrapper.dataset.chosen || "table");
}

start();
