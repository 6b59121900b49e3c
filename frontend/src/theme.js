// Colours of the editor: the site's palette, each with a contrast of at least 4.5:1 on white (WCAG 2.1 AA).
import { EditorView } from "@codemirror/view";
import { HighlightStyle } from "@codemirror/language";
import { tags } from "@lezer/highlight";

export const highlighting = HighlightStyle.define([
  { tag: tags.keyword, color: "#7a1fa2", fontWeight: "600" },
  { tag: [tags.string, tags.special(tags.string)], color: "#a3180e" },
  { tag: tags.comment, color: "#5b6675", fontStyle: "italic" },
  { tag: [tags.variableName, tags.definition(tags.variableName)], color: "#0b5cad" },
  { tag: [tags.atom, tags.bool, tags.number], color: "#116329" },
  { tag: [tags.url, tags.link], color: "#8a4b00" },
  { tag: [tags.meta, tags.typeName, tags.propertyName], color: "#1c2430" },
  { tag: tags.operator, color: "#1c2430" },
]);

export const theme = EditorView.theme({
  "&": { border: "1px solid #8c96a3", borderRadius: "10px", background: "#ffffff", color: "#1c2430",
    fontSize: "15px", minHeight: "14rem" },
  // amber outside, dark inside, as the site's focus ring (style.css): at least 3:1 on any background (WCAG 1.4.11)
  "&.cm-focused": { outline: "3px solid #ffbf47", outlineOffset: "2px", boxShadow: "0 0 0 2px #0b0c0c" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace',
    lineHeight: "1.5", minHeight: "14rem" },
  ".cm-gutters": { background: "#f4f6f9", color: "#4a5461", borderRight: "1px solid #dde3ea",
    borderRadius: "10px 0 0 10px" },
  ".cm-activeLine": { background: "#f2f7fd" },
  ".cm-activeLineGutter": { background: "#e6f0fb" },
  ".cm-tooltip": { border: "1px solid #8c96a3", background: "#ffffff", color: "#1c2430" },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { background: "#0b5cad", color: "#ffffff" },
  ".cm-completionDetail": { color: "#4a5461", fontStyle: "normal", marginLeft: "0.6em" },
  ".cm-tooltip-autocomplete > ul > li[aria-selected] .cm-completionDetail": { color: "#ffffff" },
  ".cm-completionInfo": { maxWidth: "28rem", padding: "0.4rem 0.6rem" },
  ".cm-diagnostic-error": { borderLeft: "4px solid #b3261e" },
});
