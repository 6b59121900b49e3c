// The chart views: the number column (y) against the column naming it (x), one bar group or line per value of
// the series column where x repeats (e.g. projects per round, one series per category).
import { Chart, BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale,
  Legend, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale,
  Legend, Tooltip);

Chart.defaults.color = "#1c2430"; // the site's ink: legible axis labels and legend
Chart.defaults.font.size = 13;

// Distinguishable colours, each with at least 3:1 contrast against white (WCAG 2.1, non-text contrast).
const COLOURS = ["#0b5cad", "#b34700", "#1b7f3b", "#8e24aa", "#b3261e", "#00707a", "#6d5d00", "#5b6675"];

function series(data, x, y, s) {
  const labels = [...new Set(data.rows.map((row) => row[x].text))];
  const names = s >= 0 ? [...new Set(data.rows.map((row) => row[s].text))] : [data.names[y]];
  const values = new Map(names.map((name) => [name, labels.map(() => null)]));
  for (const row of data.rows) {
    const name = s >= 0 ? row[s].text : data.names[y];
    if (row[y].text !== "") values.get(name)[labels.indexOf(row[x].text)] = Number(row[y].text);
  }
  return { labels, datasets: names.map((name, i) => ({ label: name, data: values.get(name),
    backgroundColor: COLOURS[i % COLOURS.length], borderColor: COLOURS[i % COLOURS.length], spanGaps: true })) };
}

export function drawChart(figure, data, kind) {
  const x = Number(figure.dataset.x);
  const y = Number(figure.dataset.y);
  const s = Number(figure.dataset.series);
  const canvas = figure.querySelector("canvas");
  return new Chart(canvas, {
    type: kind,
    data: series(data, x, y, s),
    options: {
      // Numbers on the axes and in tooltips as the page writes them ("2,000,000" on an English page), not in the
      // browser's locale (an accessibility review: "2.000.000" on an English page in a German browser).
      locale: document.documentElement.lang,
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: s >= 0, position: "bottom" } },
      scales: {
        x: { title: { display: true, text: data.names[x] } },
        y: { beginAtZero: true, title: { display: true, text: data.names[y] } },
      },
    },
  });
}
