// The Editor view: rule text with highlighting, completion and the server's diagnostics as you type; deploys a new
// text (POST /v1/rules) or replaces a running rule (PUT /v1/rules/{name}) after showing what changes.

import { useEffect, useRef, useState } from 'preact/hooks';
import { html, ErrorBox } from '../ui.js';
import { listRules, getRule, deployRules, replaceRule, ApiError } from '../api.js';
import { outline } from '../outline.js';
import { applyFix, validateNow } from '../language.js';
import { diffLines, changes } from '../diff.js';
import { CodeEditor } from './code.js';

const EXAMPLE = `-- A small payment followed by a big one on the same card within ten minutes.
STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ts TIMESTAMP);

RULE small_then_big
  SEVERITY high
  FROM payments
  PARTITION BY card_id
  PATTERN small -> big
  WITHIN 10 MINUTES
  DEFINE
    small AS amount < 2,
    big   AS amount >= 500
  EMIT card = card_id, total = small.amount + big.amount
`;

/** How many running rules' texts are read for their stream declarations (for completion). */
const DECLARATION_SOURCES = 50;

export function EditorView({ name, navigate }) {
  const editing = name || null;
  const [running, setRunning] = useState({ source: null, error: null, loaded: !editing });
  const [result, setResult] = useState({ pending: true, diagnostics: [] });
  const [text, setText] = useState(editing ? null : EXAMPLE);
  const [deploy, setDeploy] = useState({ busy: false, error: null, done: null });
  const [showDiff, setShowDiff] = useState(false);
  const view = useRef(null);
  const known = useRef({ streams: {} });

  useEffect(() => {
    let gone = false;
    loadDeclarations().then((streams) => {
      if (!gone) {
        known.current = { streams };
      }
    });
    if (editing) {
      getRule(editing).then((rule) => {
        if (!gone) {
          setRunning({ source: rule.source, version: rule.version, error: null, loaded: true });
          setText(rule.source);
        }
      }, (error) => !gone && setRunning({ source: null, error, loaded: true }));
    }
    return () => {
      gone = true;
    };
  }, [editing]);

  const submit = async (replacing) => {
    setDeploy({ busy: true, error: null, done: null });
    try {
      const answer = replacing ? await replaceRule(replacing, text) : await deployRules(text);
      const deployed = Array.isArray(answer) ? answer : [answer];
      setDeploy({ busy: false, error: null, done: deployed });
      navigate('#/rules/' + encodeURIComponent(deployed[0].name), { deployed });
    } catch (error) {
      setDeploy({ busy: false, error, done: null });
      if (error instanceof ApiError && error.diagnostics.length) {
        validateNow(view.current);
      }
    }
  };

  if (editing && !running.loaded) {
    return html`<section class="view"><h1>Edit ${editing}</h1><p class="muted">Loading…</p></section>`;
  }
  if (editing && running.error) {
    return html`<section class="view"><h1>Edit ${editing}</h1>
      <${ErrorBox} error=${running.error} what="The rule could not be read"/></section>`;
  }
  const shape = outline(text || '');
  const diff = editing && running.source !== null ? diffLines(running.source, text || '') : null;
  const exists = deploy.error && deploy.error.status === 409 && deploy.error.body.name;
  const canDeploy = result.ok && !result.pending && !deploy.busy && (!diff || changes(diff));
  return html`<section class="view editor-view">
    <header class="view-head">
      <h1>${editing ? 'Edit ' + editing : 'New rule'}</h1>
      ${editing ? html`<span class="muted">running version ${running.version}</span>` : null}
      <span class="grow"></span>
      ${diff ? html`<button onClick=${() => setShowDiff(!showDiff)} aria-pressed=${showDiff}>
        ${showDiff ? 'Hide changes' : 'Changes'} (${diff.filter((l) => l.kind !== 'same').length})</button>` : null}
      <button class="primary" id="deploy" disabled=${!canDeploy} onClick=${() => submit(editing)}>
        ${deploy.busy ? 'Deploying…' : editing ? 'Replace ' + editing : 'Deploy'}</button>
    </header>
    <${CodeEditor} initial=${text} label="rule text" onReady=${(v) => { view.current = v; }}
      report=${setResult} onChange=${setText} known=${() => known.current}/>
    <${Problems} result=${result} view=${view}/>
    ${deploy.error ? html`<div class="error" role="alert" id="deploy-error">Not deployed: ${deploy.error.message}
      ${exists && !editing && shape.rules.length === 1 && shape.rules[0] === deploy.error.body.name ? html`
        <button onClick=${() => submit(deploy.error.body.name)}>Replace ${deploy.error.body.name} instead</button>`
        : null}</div>` : null}
    ${diff && showDiff ? html`<${DiffView} lines=${diff} before=${'version ' + running.version}
      after="this text"/>` : null}
    <details class="help">
      <summary>Writing rules</summary>
      <p>A text declares its streams (<code>STREAM name (field TYPE, ...)</code>, optional for schemaless streams)
        and one or more rules: <code>RULE name FROM stream PARTITION BY key PATTERN a -> b WITHIN 10 MINUTES DEFINE a
        AS condition, b AS condition EMIT field = expression</code>. Press <kbd>Ctrl</kbd>+<kbd>Space</kbd> for
        keywords, functions, streams, fields and pattern variables. The server checks the text as you type; each
        mistake is marked where it is, with the fix it suggests.</p>
    </details>
  </section>`;
}

/** What the last validation said: compiles (with the rules it defines), its mistakes with fixes, its warnings. */
function Problems({ result, view }) {
  if (result.pending) {
    return html`<div class="check pending" id="check-status">Checking…</div>`;
  }
  if (result.empty) {
    return html`<div class="check" id="check-status">Write a rule to check it.</div>`;
  }
  const markers = result.markers || [];
  const errors = markers.filter((m) => m.severity === 'error');
  const warnings = markers.filter((m) => m.severity === 'warning');
  const stale = () => !view.current || view.current.state.doc.toString() !== result.text;
  return html`<div class="problems">
    ${result.ok ? html`<div class="check ok" id="check-status">Compiles: ${result.summary.map((s) =>
      html`<span class="rule-summary"><strong>${s.name}</strong> reads ${s.streams.join(', ')}${s.partitionBy.length
        ? ', per ' + s.partitionBy.join(', ') : ''}</span>`)}</div>`
      : html`<div class="check bad" id="check-status">${result.busy ? 'The server is busy compiling; checking again '
        + 'on the next edit.' : errors.length + ' mistake' + (errors.length === 1 ? '' : 's')
        + (result.omitted ? ' (and ' + result.omitted + ' more)' : '')}</div>`}
    <ul class="diagnostics">
      ${[...errors, ...warnings].map((m) => html`<li class=${'diagnostic ' + m.severity}>
        <button class="link position" title="go there" onClick=${() => {
          if (!stale()) {
            view.current.dispatch({ selection: { anchor: m.from, head: m.to }, scrollIntoView: true });
            view.current.focus();
          }
        }}>${m.line}:${m.column}</button>
        <span class="message">${m.message}</span>
        ${(m.fixes || []).map((fix) => html`<button class="fix" onClick=${() => {
          if (!stale()) {
            applyFix(view.current, m.from, fix);
          }
        }}>Use ${fix}</button>`)}
      </li>`)}
    </ul>
  </div>`;
}

/** Two texts line by line: removed lines red, added lines green, with their line numbers. */
export function DiffView({ lines, before, after }) {
  return html`<div class="diff" role="table" aria-label=${'changes from ' + before + ' to ' + after}>
    <div class="diff-head"><span class="removed">− ${before}</span> <span class="added">+ ${after}</span></div>
    ${lines.map((line) => html`<div class=${'diff-line ' + line.kind}>
      <span class="ln">${line.oldLine || ''}</span><span class="ln">${line.newLine || ''}</span>
      <span class="mark">${line.kind === 'added' ? '+' : line.kind === 'removed' ? '−' : ' '}</span>
      <code>${line.text}</code></div>`)}
  </div>`;
}

/** The STREAM declarations of the running rules' texts ({name: fields}), for completing fields. */
async function loadDeclarations() {
  const streams = {};
  try {
    const rules = await listRules();
    const texts = await Promise.all(rules.slice(0, DECLARATION_SOURCES).map((rule) =>
      getRule(rule.name).then((r) => r.source, () => '')));
    for (const text of texts) {
      Object.assign(streams, outline(text).streams);
    }
  } catch (ignored) {
    // completion then knows the text's own declarations only
  }
  return streams;
}
