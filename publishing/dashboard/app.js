// The KPI dashboard: evaluates the page declarations of pages.py over the embedded rows.
// Every figure is SUM(numerator) / SUM(denominator) over the rows that pass the filters.
"use strict";

const DATA = JSON.parse(document.getElementById("dashboard-data").textContent);
const state = { from: "", to: "", channel: "", agent: "", page: DATA.pages[0].id };
let selected = {};

function cell(table, column, row) {
  const values = DATA.tables[table].columns[column];
  if (Array.isArray(values)) return values[row];
  const text = values.dict[values.codes[row]];
  return text === "" ? null : text;
}

function passesFilters(table, row) {
  const filters = DATA.tables[table].filters;
  if (filters.date) {
    const day = cell(table, filters.date, row);
    if (state.from && (day === null || day < state.from)) return false;
    if (state.to && (day === null || day > state.to)) return false;
  }
  if (filters.month) {
    // A month is kept when it overlaps the range.
    const month = cell(table, filters.month, row);
    if (state.from && month < state.from.slice(0, 7) + "-01") return false;
    if (state.to && month > state.to) return false;
  }
  if (state.channel && filters.channel && cell(table, filters.channel, row) !== state.channel) {
    return false;
  }
  if (state.agent && filters.agent && cell(table, filters.agent, row) !== state.agent) {
    return false;
  }
  return true;
}

function selectRows() {
  selected = {};
  for (const [name, table] of Object.entries(DATA.tables)) {
    const rows = [];
    for (let row = 0; row < table.rows; row += 1) {
      if (passesFilters(name, row)) rows.push(row);
    }
    selected[name] = rows;
  }
}

function passesWhere(table, where, row) {
  for (const [column, condition] of Object.entries(where)) {
    const value = cell(table, column, row);
    if (condition.not_null && value === null) return false;
    if (condition.positive && !(value > 0)) return false;
    if (condition.in && !condition.in.includes(value)) return false;
  }
  return true;
}

function total(table, measure, rows) {
  let sum = 0;
  for (const row of rows) {
    if (!passesWhere(table, measure.where, row)) continue;
    if (measure.count) {
      sum += 1;
      continue;
    }
    for (const column of measure.sum) {
      const value = cell(table, column, row);
      if (value !== null) sum += value;
    }
  }
  return sum;
}

function ratio(table, num, den, rows) {
  const numerator = total(table, num, rows);
  if (!den) return numerator;
  const denominator = total(table, den, rows);
  return denominator === 0 ? null : numerator / denominator;
}

const FORMATS = {
  int: (v) => Math.round(v).toLocaleString("en-GB"),
  money: (v) => v.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  percent: (v) => (v * 100).toFixed(1) + " %",
  seconds: (v) => (v < 120 ? v.toFixed(0) + " s" : (v / 60).toFixed(1) + " min"),
};

function renderCards(page) {
  for (const card of page.cards) {
    const value = ratio(card.table, card.num, card.den, selected[card.table]);
    const element = document.getElementById("card-" + card.id);
    element.dataset.value = value === null ? "" : String(value);
    element.querySelector(".value").textContent = value === null ? "—" : FORMATS[card.format](value);
  }
}

function groupKey(table, x, row) {
  if (x.startsWith("month:")) {
    const day = cell(table, x.slice(6), row);
    return day === null ? null : day.slice(0, 7);
  }
  return cell(table, x, row);
}

function groups(table, x, rows) {
  const byKey = new Map();
  for (const row of rows) {
    const key = groupKey(table, x, row);
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push(row);
  }
  return byKey;
}

function orderedKeys(chart, byKey, firstValues) {
  const keys = [...byKey.keys()];
  if (chart.kind === "line" || chart.x.startsWith("month")) return keys.sort();
  return keys.sort((a, b) => (firstValues.get(b) ?? 0) - (firstValues.get(a) ?? 0)).slice(0, 25);
}

function barOrLine(chart, rows) {
  const byKey = groups(chart.table, chart.x, rows);
  const first = chart.series[0];
  const firstValues = new Map(
    [...byKey].map(([key, group]) => [key, ratio(chart.table, first.num, first.den, group)]),
  );
  const keys = orderedKeys(chart, byKey, firstValues);
  const traces = chart.series.map((item) => ({
    type: chart.kind === "line" ? "scatter" : "bar",
    mode: chart.kind === "line" ? "lines+markers" : undefined,
    name: item.label,
    x: keys.map((key) => key ?? "(none)"),
    y: keys.map((key) => ratio(chart.table, item.num, item.den, byKey.get(key))),
  }));
  const layout = { barmode: chart.stacked ? "stack" : "group" };
  if (chart.percent) layout.yaxis = { tickformat: ".0%", automargin: true };
  return [traces, layout];
}

function heatmap(chart, rows) {
  const item = chart.series[0];
  const cells = new Map();
  for (const row of rows) {
    const key = cell(chart.table, chart.y, row) + "|" + cell(chart.table, chart.x, row);
    if (!cells.has(key)) cells.set(key, []);
    cells.get(key).push(row);
  }
  const xs = [...new Set(rows.map((row) => cell(chart.table, chart.x, row)))].sort((a, b) => a - b);
  const ys = [...new Set(rows.map((row) => cell(chart.table, chart.y, row)))].sort();
  const z = ys.map((y) =>
    xs.map((x) => {
      const group = cells.get(y + "|" + x);
      return group ? ratio(chart.table, item.num, item.den, group) : null;
    }),
  );
  const trace = {
    type: "heatmap", x: xs, y: ys, z, colorscale: "Blues", reversescale: true, hoverongaps: false,
  };
  const axes = {
    xaxis: { title: { text: chart.x }, automargin: true },
    yaxis: { type: "category", automargin: true },
  };
  return [[trace], axes];
}

function renderCharts(page) {
  for (const chart of page.charts) {
    const rows = selected[chart.table];
    const [traces, layout] = chart.kind === "heatmap" ? heatmap(chart, rows) : barOrLine(chart, rows);
    const base = {
      margin: { t: 30, r: 10, b: 10, l: 10 },
      height: 380,
      legend: { orientation: "h", x: 0, y: 1.12 },
      xaxis: { automargin: true },
      yaxis: { automargin: true },
    };
    Plotly.react("chart-" + chart.id, traces, { ...base, ...layout }, { displayModeBar: false });
  }
}

function render() {
  selectRows();
  const page = DATA.pages.find((item) => item.id === state.page);
  for (const section of document.querySelectorAll("section.page")) {
    section.hidden = section.id !== "page-" + state.page;
  }
  for (const tab of document.querySelectorAll("nav button")) {
    tab.classList.toggle("active", tab.dataset.page === state.page);
  }
  renderCards(page);
  renderCharts(page);
  window.dashboardReady = true;
}

function bind(id, key) {
  document.getElementById(id).addEventListener("change", (event) => {
    state[key] = event.target.value;
    render();
  });
}

for (const tab of document.querySelectorAll("nav button")) {
  tab.addEventListener("click", () => {
    state.page = tab.dataset.page;
    render();
  });
}
bind("filter-from", "from");
bind("filter-to", "to");
bind("filter-channel", "channel");
bind("filter-agent", "agent");
render();
