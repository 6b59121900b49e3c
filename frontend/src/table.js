// The result table as data for the views, and sorting by any column (a button in each header, aria-sort says
// the order): numbers by value, everything else as words in the reader's language, blanks last.

function cellValue(cell) {
  const main = cell.querySelector(".v") || cell;
  const link = cell.querySelector("a");
  return { text: main.textContent.trim(), href: link ? link.href : null, empty: cell.childNodes.length === 0 };
}

export function readTable(table) {
  const headers = [...table.tHead.rows[0].cells];
  return {
    names: headers.map((th) => th.textContent.trim()),
    kinds: headers.map((th) => th.dataset.kind),
    rows: [...table.tBodies[0].rows].map((tr) => [...tr.cells].map(cellValue)),
  };
}

function compare(kind, lang) {
  const collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
  return (a, b) => {
    if (a.empty || b.empty) return a.empty - b.empty;
    if (kind === "number") return Number(a.text) - Number(b.text);
    return collator.compare(a.text, b.text);
  };
}

export function makeSortable(table, words) {
  const body = table.tBodies[0];
  const headers = [...table.tHead.rows[0].cells];
  const lang = document.documentElement.lang;
  headers.forEach((th, column) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.title = words.sort || "";
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      const order = compare(th.dataset.kind, lang);
      const rows = [...body.rows].map((tr) => [cellValue(tr.cells[column]), tr]);
      rows.sort((a, b) => (ascending ? 1 : -1) * order(a[0], b[0]));
      headers.forEach((other) => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      body.append(...rows.map(([, tr]) => tr));
    });
  });
}
