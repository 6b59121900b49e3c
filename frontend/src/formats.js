// The form's formats follow the query: a SELECT or ASK cannot be written as RDF, a CONSTRUCT or DESCRIBE not as
// SPARQL results, so the group that does not fit is disabled and hidden while the query is of the other kind (the
// table fits both). Without JavaScript the form offers every format, and the endpoint keeps the query on a 406.
const PROLOGUE = /^(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)/i;
const FORMS = { select: "results", ask: "results", construct: "rdf", describe: "rdf" };

// Which group of formats the query's form needs ("results" or "rdf"), or null while that is not clear yet.
export function formatKind(query) {
  let rest = query;
  for (let match = PROLOGUE.exec(rest); match && match[0]; match = PROLOGUE.exec(rest)) rest = rest.slice(match[0].length);
  const form = /^(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(rest);
  return form ? FORMS[form[1].toLowerCase()] : null;
}

// A function to call with the query's text whenever it changes.
export function formatFitter(select) {
  if (!select) return () => {};
  const groups = [...select.querySelectorAll("optgroup[data-kind]")];
  return (query) => {
    const kind = formatKind(query);
    for (const group of groups) {
      const unfit = kind !== null && group.dataset.kind !== kind;
      group.disabled = unfit;
      group.hidden = unfit;
    }
    if (select.selectedOptions[0] && select.selectedOptions[0].parentElement.disabled) select.value = select.options[0].value;
  };
}
