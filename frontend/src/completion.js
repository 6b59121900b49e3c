// What the editor completes: prefixed names of our vocabulary's terms (after "mpsc:", "rdfs:", …), prefixes and
// SPARQL keywords, variables already in the query, declarations after PREFIX, and resources by their label
// (through /search/suggest, which folds umlauts and knows official names; inserted as <IRI>).

const KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "BIND", "VALUES",
  "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE", "FROM",
  "FROM NAMED", "NOT EXISTS", "EXISTS", "COUNT", "SUM", "AVG", "MIN", "MAX", "SAMPLE", "GROUP_CONCAT", "AS", "DESC",
  "ASC", "LANG", "LANGMATCHES", "STR", "STRSTARTS", "CONTAINS", "REGEX", "LCASE", "UCASE", "COALESCE", "IF",
  "BOUND", "ISIRI", "ISLITERAL", "DATATYPE", "YEAR", "NOW", "ROUND", "CONCAT", "REPLACE", "STRLEN", "SUBSTR"];
const MIN_SEARCH = 3; // letters before resources are looked up while typing

function termOptions(config) {
  const byPrefix = new Map();
  for (const term of config.terms) {
    const prefix = term.name.slice(0, term.name.indexOf(":"));
    if (!byPrefix.has(prefix)) byPrefix.set(prefix, []);
    byPrefix.get(prefix).push({ label: term.name, detail: term.label || "", info: term.comment || undefined,
      type: term.kind === "class" ? "class" : "property" });
  }
  return byPrefix;
}

function prefixOptions(config) {
  return Object.entries(config.prefixes).map(([prefix, namespace]) => (
    { label: `${prefix}:`, detail: namespace, type: "namespace", boost: prefix === "mpsc" ? 2 : 0 }));
}

function declarationOptions(config) {
  return Object.entries(config.prefixes).map(([prefix, namespace]) => (
    { label: `${prefix}: <${namespace}>`, type: "namespace" }));
}

const keywordOptions = KEYWORDS.map((word) => ({ label: word, type: "keyword", boost: -1 }));

// The prefixed names of a prefix ("mpsc:Mun|"), after the prefix is typed.
function prefixedNames(byPrefix) {
  return (context) => {
    const word = context.matchBefore(/[A-Za-z][\w.-]*:[\w.-]*/);
    if (!word) return null;
    const options = byPrefix.get(word.text.slice(0, word.text.indexOf(":")));
    return options ? { from: word.from, options, validFor: /^[A-Za-z][\w.-]*:[\w.-]*$/ } : null;
  };
}

// Prefixes, keywords and the query's variables for a bare word; declarations right after PREFIX.
function words(config) {
  const prefixes = prefixOptions(config);
  const declarations = declarationOptions(config);
  return (context) => {
    const before = context.state.sliceDoc(Math.max(0, context.pos - 80), context.pos);
    if (/PREFIX\s+[\w-]*$/i.test(before)) {
      const word = context.matchBefore(/[\w-]*/);
      return { from: word.from, options: declarations };
    }
    const variable = context.matchBefore(/[?$][\w]*/);
    if (variable) {
      const seen = new Set(context.state.doc.toString().match(/[?$][A-Za-z_]\w*/g) || []);
      seen.delete(variable.text);
      return { from: variable.from, options: [...seen].map((name) => ({ label: name, type: "variable" })) };
    }
    const word = context.matchBefore(/[A-Za-z_]\w*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options: [...prefixes, ...keywordOptions], validFor: /^\w*$/ };
  };
}

// Resources whose label, title or official name matches the word typed (server-side search, not filtered here).
function resources(config) {
  return async (context) => {
    const word = context.matchBefore(/[\p{L}\p{N}][\p{L}\p{N}.-]*$/u);
    if (!config.suggest || !word || /[?$:<"'_]$/.test(context.state.sliceDoc(word.from - 1, word.from))) return null;
    const text = word.text.trim();
    if (text.length < MIN_SEARCH && !context.explicit) return null;
    const url = `${config.suggest}?${new URLSearchParams({ q: text, lang: config.lang, limit: "10" })}`;
    const controller = new AbortController();
    context.addEventListener("abort", () => controller.abort());
    let found;
    try {
      const answer = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
      if (!answer.ok) return null;
      found = await answer.json();
    } catch {
      return null; // aborted, or no search on this deployment
    }
    return {
      from: word.from, filter: false,
      options: found.map((hit) => ({ label: hit.label, detail: hit.type || "", info: hit.description || hit.iri,
        apply: `<${hit.iri}>`, type: "constant" })),
    };
  };
}

export function completionSources(config) {
  return [prefixedNames(termOptions(config)), words(config), resources(config)];
}
