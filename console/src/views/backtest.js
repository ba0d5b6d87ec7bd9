// The Backtest view: replays the recorded events (POST /v1/backtest) through a running rule or through pasted rule
// text, over a time range, and shows the alerts it would have produced beside those the live rule did produce in
// that range (from the alert history), so a change can be judged before it is deployed. While it runs, the server's
// progress lines (events read, alerts so far, the part of the log replayed) fill a progress bar; Cancel closes the
// request, which stops the replay on the server.

import { useEffect, useRef, useState } from 'preact/hooks';
import { html, ErrorBox, Severity, time, keyText, count, toLocalInput, fromLocalInput } from '../ui.js';
import { compare, inRange } from '../compare.js';
import { listRules, getRule, backtestWithProgress, allAlerts, ApiError } from '../api.js';
import { outline } from '../outline.js';
import { CodeEditor } from './code.js';
import { AlertDetail } from './alerts.js';

const SIDE_TEXT = { both: 'also live', backtest: 'backtest only', live: 'live only' };

export function BacktestView({ name }) {
  const [rules, setRules] = useState([]);
  const [mode, setMode] = useState('rule');
  const [rule, setRule] = useState(name || '');
  const [text, setText] = useState('');
  const [textKey, setTextKey] = useState(0);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [limit, setLimit] = useState('10000');
  const [run, setRun] = useState({ state: 'idle' });
  const [selected, setSelected] = useState(null);
  const [side, setSide] = useState('all');
  const controller = useRef(null);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    listRules().then((list) => {
      setRules(list.map((r) => r.name));
      if (!name && list.length) {
        setRule((current) => current || list[0].name);
      }
    }, () => {});
    return () => controller.current && controller.current.abort();
  }, []);
  useEffect(() => {
    if (run.state !== 'running') {
      return undefined;
    }
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [run.state]);

  const copyRule = async () => {
    try {
      const found = await getRule(rule);
      setText(found.source);
      setTextKey((k) => k + 1);
      setMode('text');
    } catch (error) {
      setRun({ state: 'failed', error });
    }
  };

  const start = async () => {
    const range = { from: fromLocalInput(from), to: fromLocalInput(to) };
    const body = mode === 'rule' ? { rule } : { text };
    if (range.from !== null) {
      body.from = range.from;
    }
    if (range.to !== null) {
      body.to = range.to;
    }
    if (limit) {
      body.limit = Number(limit);
    }
    controller.current = new AbortController();
    const started = Date.now();
    setRun({ state: 'running', started });
    setSelected(null);
    try {
      const answer = await backtestWithProgress(body, controller.current.signal,
        (progress) => setRun((current) => (current.state === 'running' ? { ...current, progress } : current)));
      setRun({ state: 'comparing', started, answer });
      const names = mode === 'rule' ? [rule] : answer.rules.map((r) => r.name);
      const live = [];
      for (const ruleName of names) {
        if (mode === 'rule' || rules.includes(ruleName)) {
          const history = await allAlerts({ rule: ruleName }, controller.current.signal);
          live.push(...history.filter((alert) => inRange(alert, answer.from, answer.to)));
        }
      }
      setRun({ state: 'done', started, finished: Date.now(), answer, rows: compare(answer.alerts, live),
        comparedWith: names.filter((n) => mode === 'rule' || rules.includes(n)) });
    } catch (error) {
      if (error && error.name === 'AbortError') {
        setRun({ state: 'cancelled' });
      } else {
        setRun({ state: 'failed', error });
      }
    }
  };

  const shape = outline(text);
  const ready = mode === 'rule' ? rule !== '' : shape.rules.length > 0;
  const running = run.state === 'running' || run.state === 'comparing';
  return html`<section class="view backtest-view">
    <header class="view-head"><h1>Backtest</h1>
      <span class="muted">What would a rule have said over the recorded events?</span></header>
    <form class="backtest-form" onSubmit=${(e) => { e.preventDefault(); if (ready && !running) start(); }}>
      <fieldset class="mode"><legend>Rule</legend>
        <label class="check-label"><input type="radio" name="mode" value="rule" checked=${mode === 'rule'}
          onChange=${() => setMode('rule')}/> a running rule</label>
        <label class="check-label"><input type="radio" name="mode" value="text" checked=${mode === 'text'}
          onChange=${() => setMode('text')}/> rule text</label>
      </fieldset>
      ${mode === 'rule' ? html`<div class="row">
        <select name="rule" value=${rule} onChange=${(e) => setRule(e.target.value)} aria-label="running rule">
          ${rules.length === 0 ? html`<option value="">no rule runs</option>` : null}
          ${rules.map((r) => html`<option value=${r}>${r}</option>`)}
        </select>
        <button type="button" disabled=${!rule} onClick=${copyRule}>Edit a copy</button>
      </div>` : html`<div key=${textKey}><${CodeEditor} initial=${text} onChange=${setText} label="rule text to try"/>
        <p class="muted small">Rule text runs as version 0, beside the live rules: nothing live is touched.</p></div>`}
      <fieldset class="range"><legend>Event time range (your time zone; empty: the whole log)</legend>
        <label>from <input type="datetime-local" step="1" name="from" value=${from}
          onInput=${(e) => setFrom(e.target.value)}/></label>
        <label>to <input type="datetime-local" step="1" name="to" value=${to}
          onInput=${(e) => setTo(e.target.value)}/></label>
        <span class="presets">
          <button type="button" onClick=${() => { setFrom(toLocalInput(Date.now() - 3600e3)); setTo(''); }}>
            last hour</button>
          <button type="button" onClick=${() => { setFrom(toLocalInput(Date.now() - 86400e3)); setTo(''); }}>
            last day</button>
          <button type="button" onClick=${() => { setFrom(''); setTo(''); }}>whole log</button>
        </span>
      </fieldset>
      <label>alerts at most <input type="number" name="limit" min="1" max="10000" value=${limit}
        onInput=${(e) => setLimit(e.target.value)}/></label>
      <div class="row">
        <button class="primary" type="submit" id="run-backtest" disabled=${!ready || running}>Run backtest</button>
        ${running ? html`<button type="button" onClick=${() => controller.current.abort()}>Cancel</button>` : null}
      </div>
    </form>
    ${running ? html`<${Progress} run=${run} now=${now}/>` : null}
    ${run.state === 'cancelled' ? html`<p class="muted">Cancelled: the server stopped the replay.</p>` : null}
    ${run.state === 'failed' ? html`<${ErrorBox} error=${run.error} what="The backtest failed"/>
      ${run.error instanceof ApiError && run.error.diagnostics.length ? html`<ul class="diagnostics">
        ${run.error.diagnostics.map((d) => html`<li class="diagnostic error">${d.line}:${d.column} ${d.message}</li>`)}
      </ul>` : null}` : null}
    ${run.state === 'done' ? html`<${Results} run=${run} side=${side} setSide=${setSide} selected=${selected}
      setSelected=${setSelected}/>` : null}
  </section>`;
}

/** Where a running backtest is: the part of the log replayed, events read and alerts so far, from the server. */
function Progress({ run, now }) {
  const progress = run.state === 'running' ? run.progress : null;
  const percent = progress ? Math.round(progress.fraction * 1000) / 10 : null;
  return html`<div class="progress" role="status" id="backtest-progress">
    ${progress ? html`<div class="bar determinate" role="progressbar" aria-valuemin="0" aria-valuemax="100"
        aria-valuenow=${percent}><span style=${'width: ' + percent + '%'}></span></div>`
      : html`<div class="bar"><span></span></div>`}
    ${run.state === 'running' ? 'Replaying the ingest log' : 'Reading the live alerts to compare'}
    … ${((now - run.started) / 1000).toFixed(1)} s
    ${progress ? html`<span class="progress-counts">: <span data-progress="percent">${percent}%</span> of the log,
      <span data-progress="events">${count(progress.eventsRead)}</span> events read,
      <span data-progress="alerts">${count(progress.alerts)}</span> alerts so far
      ${progress.eventTime ? html`, at ${time(Date.parse(progress.eventTime))}` : null}</span>` : null}
  </div>`;
}

function Results({ run, side, setSide, selected, setSelected }) {
  const { answer, rows } = run;
  const counts = { both: 0, backtest: 0, live: 0 };
  rows.forEach((row) => counts[row.side]++);
  const shown = rows.filter((row) => side === 'all' || row.side === side);
  return html`<div class="results" id="backtest-results">
    <p class="summary">
      <strong data-count="alerts">${answer.alerts.length}</strong>
      ${` alert${answer.alerts.length === 1 ? '' : 's'} from `
        + answer.rules.map((r) => r.name + ' v' + r.version).join(', ')
        + ` over ${count(answer.eventsReplayed)} events (${count(answer.eventsRead)} read), `
        + `${count(answer.openPartialMatches)} partial matches still open at the end, `
        + `in ${((run.finished - run.started) / 1000).toFixed(1)} s. `}
      ${answer.truncated ? html`<strong class="warn">Stopped early (${answer.stoppedBy}): narrow the range to see the
        rest.</strong>` : null}
    </p>
    ${run.comparedWith.length ? html`<p class="comparison">
      ${'Compared with the live alerts of ' + run.comparedWith.join(', ') + ' in the same range: '}
      <span data-side="both">${counts.both} also live</span>,${' '}
      <span data-side="backtest">${counts.backtest} only in the backtest</span>,${' '}
      <span data-side="live">${counts.live} only live</span>${' '}
      <span class="muted">(the same kind, key and first and last event time; the server keeps the newest 10,000
        alerts)</span>.</p>` : html`<p class="muted">No running rule has this name: nothing to compare with.</p>`}
    <div class="tabs" role="tablist">
      ${['all', 'both', 'backtest', 'live'].map((s) => html`<button role="tab" aria-selected=${side === s}
        class=${side === s ? 'active' : ''} onClick=${() => setSide(s)}>
        ${(s === 'all' ? 'all' : SIDE_TEXT[s]) + ' (' + (s === 'all' ? rows.length : counts[s]) + ')'}</button>`)}
    </div>
    <div class="split">
      <div class="table-wrap"><table class="alerts-table backtest-alerts">
        <thead><tr><th>compared</th><th>ended (event time)</th><th>rule</th><th>severity</th><th>kind</th>
          <th>key</th></tr></thead>
        <tbody>${shown.map((row) => html`<tr data-side=${row.side} tabindex="0"
            class=${selected === row ? 'selected' : ''} onClick=${() => setSelected(row)}>
          <td><span class=${'badge side-' + row.side}>${SIDE_TEXT[row.side]}</span></td>
          <td class="small">${time(row.alert.kind === 'timeout' ? row.alert.timeoutAt : row.alert.end)}</td>
          <td>${row.alert.rule}</td><td><${Severity} value=${row.alert.severity}/></td><td>${row.alert.kind}</td>
          <td><code>${keyText(row.alert.key)}</code></td></tr>`)}</tbody>
      </table>
      ${shown.length === 0 ? html`<p class="empty">No alert here.</p>` : null}</div>
      ${selected ? html`<${AlertDetail} alert=${selected.alert} onClose=${() => setSelected(null)}
        extra=${html`<p><span class=${'badge side-' + selected.side}>${SIDE_TEXT[selected.side]}</span></p>`}/>`
        : null}
    </div>
  </div>`;
}
