// The rule language in CodeMirror 6: highlighting (a stream tokenizer over the grammar's words), completion of
// keywords, functions, streams, fields and pattern variables, and diagnostics as you type, which are the server's
// own: the text goes to POST /v1/rules/validate and its positioned mistakes come back as lint markers, each with
// the fix the message suggests ("did you mean amount?") as an action.

import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { StreamLanguage, HighlightStyle, syntaxHighlighting, syntaxTree, indentUnit, bracketMatching }
  from '@codemirror/language';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { linter, lintGutter, forceLinting } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import vocabulary from './vocabulary.json';
import { outline, fieldsOf, suggestions, caretLength } from './outline.js';
import { validateRule, ApiError } from './api.js';

const RESERVED = new Set(vocabulary.reserved);
const NON_RESERVED = new Set(vocabulary.nonReserved);
const TYPES = new Set(vocabulary.types);
const FUNCTIONS = new Map(vocabulary.functions.map((f) => [f.name, f]));
const ATOMS = new Set(['TRUE', 'FALSE', 'NULL']);

/** The tokenizer: one token per call, the state remembering an open block comment. */
const ruleLanguage = StreamLanguage.define({
  name: 'vigil-rules',
  startState: () => ({ comment: false }),
  token(stream, state) {
    if (state.comment) {
      if (stream.skipTo('*/')) {
        stream.next();
        stream.next();
        state.comment = false;
      } else {
        stream.skipToEnd();
      }
      return 'comment';
    }
    if (stream.eatSpace()) {
      return null;
    }
    if (stream.match('--')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.comment = true;
      return 'comment';
    }
    if (stream.peek() === "'") {
      stream.next();
      for (;;) {
        const next = stream.next();
        if (next === undefined || (next === "'" && !stream.eat("'"))) {
          break;
        }
      }
      return 'string';
    }
    if (stream.peek() === '`') {
      stream.next();
      stream.skipTo('`') ? stream.next() : stream.skipToEnd();
      return 'variableName';
    }
    if (stream.match(/^[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?[a-z]*/i)) {
      return 'number';
    }
    if (stream.match(/^[A-Za-z_][A-Za-z_0-9]*/)) {
      const word = stream.current().toUpperCase();
      if (ATOMS.has(word)) {
        return 'atom';
      }
      if (FUNCTIONS.has(word) && stream.match(/^\s*\(/, false)) {
        return 'function';
      }
      if (RESERVED.has(word) || NON_RESERVED.has(word)) {
        return 'keyword';
      }
      if (TYPES.has(word)) {
        return 'typeName';
      }
      return 'variableName';
    }
    if (stream.match(/^(->>|->|==|!=|<>|<=|>=|[=<>!+\-*\/%?])/)) {
      return 'operator';
    }
    stream.next();
    return 'punctuation';
  },
  languageData: { commentTokens: { line: '--', block: { open: '/*', close: '*/' } } },
  tokenTable: { function: tags.function(tags.variableName), atom: tags.atom, typeName: tags.typeName },
});

const highlighting = HighlightStyle.define([
  { tag: tags.keyword, color: 'var(--syntax-keyword)', fontWeight: '600' },
  { tag: tags.comment, color: 'var(--syntax-comment)', fontStyle: 'italic' },
  { tag: tags.string, color: 'var(--syntax-string)' },
  { tag: tags.number, color: 'var(--syntax-number)' },
  { tag: tags.atom, color: 'var(--syntax-number)' },
  { tag: tags.operator, color: 'var(--syntax-operator)' },
  { tag: tags.function(tags.variableName), color: 'var(--syntax-function)' },
  { tag: tags.typeName, color: 'var(--syntax-type)' },
]);

/**
 * Completion: after {@code x.}, the fields of x's stream (x a stream, or a pattern variable reading one); else
 * keywords, functions (with their signature), types, severities, the streams and fields the text and the running
 * rules declare, and the text's pattern variables. {@code known()} gives {streams: {name: fields}} of the running
 * rules' declarations.
 */
function completionSource(known) {
  return (context) => {
    const node = syntaxTree(context.state).resolveInner(context.pos, -1);
    if (/comment|string/i.test(node.type.name)) {
      return null;
    }
    const text = context.state.doc.toString();
    const shape = outline(text);
    const declared = Object.assign({}, known().streams, shape.streams);
    const member = context.matchBefore(/[A-Za-z_][A-Za-z_0-9]*\.[A-Za-z_0-9]*$/);
    if (member) {
      const [owner] = member.text.split('.');
      let stream = fieldsOf(declared, owner) ? owner : shape.variableStreams[owner];
      if (!stream && shape.variables.includes(owner) && shape.reads.length === 1) {
        stream = shape.reads[0];
      }
      const fields = stream ? fieldsOf(declared, stream) || [] : fieldsOfReads(declared, shape.reads);
      return {
        from: member.from + owner.length + 1,
        options: fields.map((field) => ({ label: field, type: 'property', detail: stream || 'field' })),
        validFor: /^[A-Za-z_0-9]*$/,
      };
    }
    const word = context.matchBefore(/[A-Za-z_][A-Za-z_0-9]*$/);
    if (!word && !context.explicit) {
      return null;
    }
    const before = text.slice(0, word ? word.from : context.pos);
    const options = [];
    if (/\bSEVERITY\s+$/i.test(before)) {
      return { from: word ? word.from : context.pos,
        options: vocabulary.severities.map((s) => ({ label: s, type: 'enum' })) };
    }
    for (const keyword of [...RESERVED, ...NON_RESERVED]) {
      options.push({ label: keyword, type: 'keyword', boost: keyword.length > 2 ? 0 : -5 });
    }
    for (const f of vocabulary.functions) {
      options.push({ label: f.name, type: 'function', detail: f.usage, info: f.summary, apply: f.name + '(',
        boost: 1 });
    }
    for (const type of TYPES) {
      options.push({ label: type, type: 'type', boost: -2 });
    }
    for (const stream of Object.keys(declared)) {
      options.push({ label: stream, type: 'namespace', detail: 'stream', boost: 2 });
    }
    for (const field of fieldsOfReads(declared, shape.reads)) {
      options.push({ label: field, type: 'property', detail: 'field', boost: 3 });
    }
    for (const variable of shape.variables) {
      options.push({ label: variable, type: 'variable', detail: 'pattern variable', boost: 3 });
    }
    return { from: word ? word.from : context.pos, options, validFor: /^[A-Za-z_0-9]*$/ };
  };
}

/** Every field of the streams the text reads (each once), or of every declared stream when it reads none. */
function fieldsOfReads(declared, reads) {
  const streams = reads.length ? reads : Object.keys(declared);
  const fields = [];
  for (const stream of streams) {
    for (const field of fieldsOf(declared, stream) || []) {
      if (!fields.includes(field)) {
        fields.push(field);
      }
    }
  }
  return fields;
}

/**
 * Turns the answer of POST /v1/rules/validate into lint diagnostics: mistakes at their line and column (as many
 * characters as the server's carets), warnings at the first place the text names what they are about; each
 * "did you mean" alternative becomes an action replacing the word.
 */
export function toDiagnostics(doc, result) {
  const found = [];
  for (const d of result.diagnostics || []) {
    const line = doc.line(Math.min(Math.max(1, d.line || 1), doc.lines));
    const from = Math.min(line.from + Math.max(0, (d.column || 1) - 1), line.to);
    const to = Math.min(line.to, from + caretLength(d.rendered));
    found.push(withFixes(doc, { from, to, severity: 'error', message: d.message, line: d.line, column: d.column }));
  }
  for (const warning of result.warnings || []) {
    const quoted = /'([^']+)'/.exec(warning);
    let from = 0;
    let to = 0;
    if (quoted) {
      const at = findWord(doc.toString(), quoted[1]);
      if (at >= 0) {
        from = at;
        to = at + quoted[1].length;
      }
    }
    const line = doc.lineAt(from);
    found.push(withFixes(doc, { from, to, severity: 'warning', message: warning, line: line.number,
      column: from - line.from + 1 }));
  }
  if (result.error) {
    found.push({ from: 0, to: 0, severity: 'error', message: result.error, line: 1, column: 1, fixes: [] });
  }
  return found;
}

function findWord(text, word) {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp('(^|[^A-Za-z_0-9])(' + escaped + ')(?![A-Za-z_0-9])').exec(text);
  return match ? match.index + match[1].length : -1;
}

/** Adds the message's suggested replacements: {fixes: [word]} and CodeMirror actions applying them. */
function withFixes(doc, diagnostic) {
  const fixes = suggestions(diagnostic.message);
  const word = wordAt(doc, diagnostic.from, diagnostic.to);
  diagnostic.fixes = word ? fixes : [];
  diagnostic.actions = diagnostic.fixes.map((fix) => ({
    name: 'Use ' + fix,
    apply(view, from) {
      const range = wordAt(view.state.doc, from, from) || { from, to: from };
      view.dispatch({ changes: { from: range.from, to: range.to, insert: fix } });
    },
  }));
  return diagnostic;
}

/** The name (letters, digits, _) at {@code from}, or null. */
function wordAt(doc, from) {
  const line = doc.lineAt(from);
  const text = line.text;
  let start = from - line.from;
  let end = start;
  while (end < text.length && /[A-Za-z_0-9]/.test(text[end])) {
    end++;
  }
  while (start > 0 && /[A-Za-z_0-9]/.test(text[start - 1])) {
    start--;
  }
  return end > start ? { from: line.from + start, to: line.from + end } : null;
}

/**
 * The lint source: validates the text on the server as the author types (400 ms after the last key), hands
 * {@code report(result)} what came back ({ok, summary, diagnostics, warnings, error, pending}) and answers the
 * markers. Empty text is not sent.
 */
function validation(report) {
  let controller = null;
  return async (view) => {
    const doc = view.state.doc;
    const text = doc.toString();
    if (text.trim() === '') {
      report({ ok: false, empty: true, diagnostics: [] });
      return [];
    }
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    report({ pending: true });
    let result;
    try {
      const summary = await validateRule(text, controller.signal);
      const summaries = Array.isArray(summary) ? summary : [summary];
      result = { ok: true, summary: summaries, warnings: summaries.flatMap((s) => s.warnings || []) };
    } catch (error) {
      if (error && error.name === 'AbortError') {
        return [];
      }
      if (error instanceof ApiError && error.diagnostics.length) {
        result = { ok: false, diagnostics: error.diagnostics, omitted: error.body.diagnosticsOmitted || 0 };
      } else if (error instanceof ApiError && error.status === 503) {
        result = { ok: false, busy: true, error: error.message, diagnostics: [] };
      } else {
        result = { ok: false, error: error.message || String(error), diagnostics: [] };
      }
    }
    const markers = toDiagnostics(doc, result);
    report(Object.assign(result, { markers, text }));
    return result.busy ? [] : markers.map(({ from, to, severity, message, actions }) =>
      ({ from, to, severity, message, actions }));
  };
}

/**
 * Creates an editor in {@code parent} holding {@code text}; {@code options.report} gets each validation result,
 * {@code options.known} the running rules' declarations, {@code options.readOnly} makes a viewer (no validation).
 */
export function createEditor(parent, text, options = {}) {
  const extensions = [
    lineNumbers(),
    history(),
    drawSelection(),
    highlightActiveLine(),
    bracketMatching(),
    indentUnit.of('  '),
    ruleLanguage,
    syntaxHighlighting(highlighting),
    EditorView.lineWrapping,
    keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap]),
    EditorView.contentAttributes.of({ 'aria-label': options.label || 'rule text' }),
  ];
  if (options.readOnly) {
    extensions.push(EditorState.readOnly.of(true), EditorView.editable.of(false));
  } else {
    extensions.push(
      autocompletion({ override: [completionSource(options.known || (() => ({ streams: {} })))] }),
      linter(validation(options.report || (() => {})), { delay: 400 }),
      lintGutter(),
    );
    if (options.onChange) {
      extensions.push(EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          options.onChange(update.state.doc.toString());
        }
      }));
    }
  }
  return new EditorView({ state: EditorState.create({ doc: text, extensions }), parent });
}

/** Replaces the editor's whole text. */
export function setText(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** Validates now instead of after the typing pause. */
export function validateNow(view) {
  forceLinting(view);
}

/** Applies a fix of a diagnostic (from the list under the editor): replaces the word at {@code from}. */
export function applyFix(view, from, fix) {
  const range = wordAt(view.state.doc, Math.min(from, view.state.doc.length)) || { from, to: from };
  view.dispatch({ changes: { from: range.from, to: range.to, insert: fix } });
  view.focus();
}
