// CodeMirror inside Preact: an editor created once per mount, its text set from outside only when asked.

import { useEffect, useRef } from 'preact/hooks';
import { html } from '../ui.js';
import { createEditor, setText } from '../language.js';

/** Rule text, highlighted, read-only. */
export function CodeView({ text }) {
  const parent = useRef(null);
  const view = useRef(null);
  useEffect(() => {
    view.current = createEditor(parent.current, text || '', { readOnly: true, label: 'rule text (read-only)' });
    return () => view.current.destroy();
  }, []);
  useEffect(() => {
    if (view.current && view.current.state.doc.toString() !== (text || '')) {
      setText(view.current, text || '');
    }
  }, [text]);
  return html`<div class="code-view" ref=${parent}></div>`;
}

/**
 * An editor validating as you type; {@code onReady(view)} gets the CodeMirror view once, {@code report} each
 * validation result, {@code onChange(text)} each edit, {@code known()} the running rules' stream declarations.
 */
export function CodeEditor({ initial, onReady, report, onChange, known, label }) {
  const parent = useRef(null);
  const callbacks = useRef({});
  callbacks.current = { report, onChange, known };
  useEffect(() => {
    const view = createEditor(parent.current, initial || '', {
      label,
      report: (result) => callbacks.current.report && callbacks.current.report(result),
      onChange: (text) => callbacks.current.onChange && callbacks.current.onChange(text),
      known: () => (callbacks.current.known ? callbacks.current.known() : { streams: {} }),
    });
    if (onReady) {
      onReady(view);
    }
    return () => view.destroy();
  }, []);
  return html`<div class="code-editor" ref=${parent}></div>`;
}
