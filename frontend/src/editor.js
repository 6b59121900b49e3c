// The query editor of /sparql: CodeMirror 6 in place of the form's textarea, which stays the form field, so the
// plain form works without JavaScript and submits the same way with it.
//
// The editor lives in a shadow root: CodeMirror writes its styles at run time, and in a shadow root it does so
// through a constructed stylesheet, which the page's Content-Security-Policy (no inline style) allows.
import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { StreamLanguage, syntaxHighlighting, bracketMatching, indentOnInput } from "@codemirror/language";
import { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { linter, lintGutter, lintKeymap } from "@codemirror/lint";
import { searchKeymap } from "@codemirror/search";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { completionSources } from "./completion.js";
import { sparqlCheck } from "./check.js";
import { formatFitter } from "./formats.js";
import { highlighting, theme } from "./theme.js";
import { setUpTools } from "./tools.js";

function readConfig() {
  const element = document.getElementById("sparql-editor-config");
  return element ? JSON.parse(element.textContent) : null;
}

function submit(form) {
  if (form.requestSubmit) form.requestSubmit();
  else form.submit();
  return true;
}

function createEditor(textarea, config) {
  const form = textarea.form;
  const fitFormats = formatFitter(form.elements.format);
  const host = document.createElement("div");
  host.className = "sparql-editor";
  textarea.before(host);
  const root = host.attachShadow({ mode: "open" });
  const view = new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(), history(),
        indentOnInput(), bracketMatching(), closeBrackets(), EditorView.lineWrapping,
        StreamLanguage.define(sparql), syntaxHighlighting(highlighting), theme,
        autocompletion({ override: completionSources(config), activateOnTyping: true }),
        linter(sparqlCheck(config), { delay: 300 }), lintGutter(),
        keymap.of([{ key: "Mod-Enter", run: () => submit(form) }, ...closeBracketsKeymap, ...defaultKeymap,
          ...historyKeymap, ...completionKeymap, ...searchKeymap, ...lintKeymap]),
        // CodeMirror's own words (search panel, completions, the check's list) in the page's language
        EditorState.phrases.of(config.phrases || {}),
        EditorView.contentAttributes.of({ "aria-label": config.strings.query, "aria-multiline": "true" }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          textarea.value = update.state.doc.toString();
          fitFormats(textarea.value);
        }),
      ],
    }),
  });
  fitFormats(textarea.value);
  textarea.hidden = true;
  textarea.removeAttribute("required"); // a hidden required field would block submitting with a browser message
  return view;
}

// After the endpoint refused the query, the cursor waits where it found the error (line and column count from 1).
function showRefusal(view) {
  const refusal = document.querySelector(".error-message[data-line]");
  if (!refusal) return;
  const doc = view.state.doc;
  const line = doc.line(Math.min(Math.max(Number(refusal.dataset.line), 1), doc.lines));
  const at = Math.min(line.from + Math.max(Number(refusal.dataset.column) - 1, 0), line.to);
  view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
}

// A query whose link would be longer than proxies pass on (config.longestLink, server/config.py LONGEST_LINK) is
// posted, since a GET of it would end in 414; a shorter one keeps a URL that can be shared. The form's method is
// set as it is submitted, by the button or Mod-Enter alike, with the query as it stands then.
function postLongQueries(form, config) {
  form.addEventListener("submit", () => {
    const target = new URL(form.action);
    const link = `${target.pathname}?${new URLSearchParams(new FormData(form))}`;
    form.method = link.length > config.longestLink ? "post" : "get";
  });
}

function start() {
  const config = readConfig();
  const textarea = document.getElementById("sparql-query");
  if (!config || !textarea) return;
  const view = createEditor(textarea, config);
  window.mpscEditor = view; // for the browser tests and for readers' own scripts in the console
  showRefusal(view);
  postLongQueries(textarea.form, config);
  setUpTools(view, textarea.form, config);
}

start();
