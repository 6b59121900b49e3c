// Checks the query while it is typed, with the SPARQL 1.1 parser of sparqljs (the predefined prefixes count as
// declared), and marks the first error where the parser stopped, in plain words in the reader's language.
// The endpoint stays the judge: a query this check doubts can still be run.
import { Parser } from "sparqljs";

const NAMES = {
  IRIREF: "iri", PNAME_LN: "pname", PNAME_NS: "pname", VAR: "variable", EOF: "end", NIL: "()",
  STRING_LITERAL1: "string", STRING_LITERAL2: "string", STRING_LITERAL_LONG1: "string", STRING_LITERAL_LONG2: "string",
  INTEGER: "number", DECIMAL: "number", DOUBLE: "number",
};
const MAX_EXPECTED = 6;

function offset(doc, line, column) {
  return doc.line(Math.min(Math.max(line, 1), doc.lines)).from + column;
}

function expected(hash, strings) {
  const names = [];
  for (const raw of hash.expected || []) {
    const token = raw.replace(/^'|'$/g, "");
    if (!NAMES[token] && token.includes("_")) continue; // the grammar's own names (FUNC_ARITY1, …) help nobody
    const name = NAMES[token] ? strings[`check.${NAMES[token]}`] || NAMES[token] : `“${token}”`;
    if (!names.includes(name)) names.push(name);
  }
  return names.length > MAX_EXPECTED ? [...names.slice(0, MAX_EXPECTED), "…"] : names;
}

// Where the parser stopped: the token after the last one it accepted (Jison reports that one's location). A word
// the lexer could not read at all (INVALID) is marked whole from where it starts: its first letter alone was
// marked, and at the accepted token's place ("“1” passt hier nicht" for `LIMIT 10 FOO`; a keyboard user's review).
function place(doc, hash) {
  const loc = hash.loc;
  let from = offset(doc, loc.last_line, loc.last_column);
  const text = doc.toString();
  while (from < text.length && /\s/.test(text[from])) from += 1;
  from = Math.min(from, doc.length);
  if (hash.token === "INVALID") {
    let to = from + 1;
    while (to < text.length && /[^\s{}()[\].,;]/.test(text[to])) to += 1;
    return { from, to: Math.min(doc.length, to) };
  }
  return { from, to: Math.min(doc.length, from + Math.max(1, (hash.text || "").length)) };
}

function diagnostic(doc, error, strings) {
  const unknown = /^Unknown prefix: (.*)$/.exec(error.message);
  if (unknown) {
    const at = doc.toString().search(new RegExp(`(^|[^\\w?$])${unknown[1].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:`));
    const from = at < 0 ? 0 : at + (at > 0 || !doc.toString().startsWith(unknown[1]) ? 1 : 0);
    return { from, to: Math.min(doc.length, from + unknown[1].length + 1), severity: "error",
      message: strings["check.prefix"].replace("{prefix}", unknown[1]) };
  }
  if (!error.hash || !error.hash.loc) {
    return { from: 0, to: Math.min(doc.length, 1), severity: "error", message: error.message };
  }
  const { from, to } = place(doc, error.hash);
  const got = error.hash.token === "EOF" ? strings["check.end"] : `“${doc.sliceString(from, to) || error.hash.text}”`;
  const line = doc.lineAt(from);
  const message = strings["check.unexpected"].replace("{got}", got).replace("{expected}", expected(error.hash, strings).join(", "))
    .replace("{line}", line.number).replace("{column}", from - line.from + 1);
  return { from, to: Math.max(to, from), severity: "error", message };
}

export function sparqlCheck(config) {
  return (view) => {
    const parser = new Parser({ prefixes: config.prefixes, sparqlStar: true });
    const doc = view.state.doc;
    try {
      parser.parse(doc.toString());
      return [];
    } catch (error) {
      return [diagnostic(doc, error, config.strings)];
    }
  };
}
