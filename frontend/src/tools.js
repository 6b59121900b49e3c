// The editor's toolbar: the example queries in the reader's language, the history of queries run in this browser
// (localStorage, nothing leaves the machine), a permalink (the URL that runs the query and shows its result) and a
// short link to it.
const HISTORY_KEY = "mpsc.sparql.history";
const HISTORY_SIZE = 30;

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

// The picked query replaces the editor's, and focus stays on the picker: arrow keys on a closed select pick the
// next entry at each step (Chrome), so a keyboard user steps through the examples, seeing each in the editor,
// and Tab leads on to it (WCAG 3.2.2: picking moves no focus).
function replaceQuery(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

function readHistory() {
  try {
    const entries = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
    return Array.isArray(entries) ? entries.filter((e) => typeof e.query === "string") : [];
  } catch {
    return [];
  }
}

function remember(query) {
  const entries = [{ query, at: new Date().toISOString() }, ...readHistory().filter((e) => e.query !== query)];
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(entries.slice(0, HISTORY_SIZE)));
  } catch {
    // storage full or disabled: the query still runs
  }
}

// A line that says what a query is: its title comment, else its first line that is not a comment or PREFIX.
export function summary(query) {
  const title = /^#\s*title(?:@\w+)?:\s*(.+)$/m.exec(query);
  const line = title ? title[1] : query.split("\n").map((l) => l.trim()).find((l) => l && !l.startsWith("#") && !/^PREFIX\s/i.test(l)) || "";
  return line.length > 70 ? `${line.slice(0, 69)}…` : line;
}

function picker(id, label, placeholder, options, onPick) {
  const wrapper = element("span", { class: "tool" });
  wrapper.append(element("label", { for: id }, label));
  const select = element("select", { id });
  select.append(element("option", { value: "" }, placeholder));
  options.forEach(([value, text]) => select.append(element("option", { value }, text)));
  select.addEventListener("change", () => {  // the picked entry stays shown, so the picker says what is loaded
    if (select.value !== "") onPick(select.value);
  });
  wrapper.append(select);
  return wrapper;
}

// The permalink carries the query in the URL; the short link (/q/ID) is stored on the server and redirects to it.
function permalink(query, config) {
  return `${config.endpoint}?${new URLSearchParams({ query })}`;
}

async function shortLink(query, config) {
  const answer = await fetch(config.links, { method: "POST", body: new URLSearchParams({ query }),
    headers: { Accept: "application/json" } });
  if (!answer.ok) throw new Error(`short link: ${answer.status}`);
  return (await answer.json()).short;
}

function links(view, config) {
  const wrapper = element("span", { class: "tool" });
  const output = element("input", { type: "url", readonly: "", class: "permalink", "aria-label": config.strings.permalink, hidden: "" });
  const status = element("span", { class: "tool-status", role: "status" });
  const show = async (makeLink, label) => {
    let link;
    try {
      link = await makeLink(view.state.doc.toString(), config);
    } catch {
      link = permalink(view.state.doc.toString(), config); // no short links here: the long one works
    }
    output.value = link;
    output.setAttribute("aria-label", label);
    output.hidden = false;
    output.select();
    try {
      await navigator.clipboard.writeText(link);
      status.textContent = config.strings.copied;
    } catch {
      status.textContent = ""; // no clipboard here: the link is selected in the field
    }
  };
  for (const [label, makeLink, name] of [[config.strings.permalink, permalink, "permalink"],
    [config.strings.shortlink, shortLink, "shortlink"]]) {
    const button = element("button", { type: "button", "data-link": name }, label);
    button.addEventListener("click", () => show(makeLink, label));
    wrapper.append(button);
  }
  wrapper.append(output, status);
  return wrapper;
}

export function setUpTools(view, form, config) {
  const bar = element("div", { class: "sparql-tools" });
  // A picker shows what it loaded until the query is edited or another picker loads one: then it is blank again,
  // and picking the same entry loads it anew.
  const blank = (except) => bar.querySelectorAll("select").forEach((s) => { if (s !== except) s.value = ""; });
  view.contentDOM.addEventListener("input", () => blank(null));
  bar.addEventListener("change", (event) => blank(event.target));
  const examples = config.examples.map((e, i) => [String(i), e.title]);
  bar.append(picker("sparql-example", config.strings.examples, config.strings.choose, examples,
    (i) => replaceQuery(view, config.examples[Number(i)].query)));
  const history = readHistory();
  if (history.length) {
    bar.append(picker("sparql-history", config.strings.history, config.strings.choose,
      history.map((e, i) => [String(i), `${e.at.slice(0, 16).replace("T", " ")} – ${summary(e.query)}`]),
      (i) => replaceQuery(view, history[Number(i)].query)));
  }
  bar.append(links(view, config));
  bar.append(element("span", { class: "tool hint" }, config.strings.shortcut));
  form.before(bar);
  form.addEventListener("submit", () => remember(view.state.doc.toString()));
}
