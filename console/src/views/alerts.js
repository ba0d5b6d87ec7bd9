// The Alerts view: the newest alerts of the history, then live ones from the event stream (GET /v1/alerts/stream,
// resumed after the last one shown), in a table filtered by rule, severity and key; a click shows an alert's
// fields and its events per pattern variable.

import { useEffect, useRef, useState } from 'preact/hooks';
import { html, ErrorBox, Severity, time, keyText } from '../ui.js';
import { alertHistory, streamAlerts, listRules } from '../api.js';
import { passes } from '../compare.js';

/** Alerts the table keeps; older ones leave it (the server's history keeps 10,000, GET /v1/alerts). */
const KEEP = 1000;
const SEVERITIES = ['low', 'medium', 'high', 'critical'];

export function AlertsView({ generation }) {
  const [alerts, setAlerts] = useState([]);
  const [state, setState] = useState('connecting');
  const [warning, setWarning] = useState(null);
  const [error, setError] = useState(null);
  const [rules, setRules] = useState([]);
  const [filter, setFilter] = useState({ rule: '', severities: [], key: '' });
  const [selected, setSelected] = useState(null);
  const [paused, setPaused] = useState(false);
  const [heldCount, setHeldCount] = useState(0);
  const pausedRef = useRef(false);
  const held = useRef([]);
  pausedRef.current = paused;

  useEffect(() => {
    let stop = () => {};
    let gone = false;
    listRules().then((list) => !gone && setRules(list.map((r) => r.name)), () => {});
    alertHistory({ limit: 100 }).then((recent) => {
      if (gone) {
        return;
      }
      setAlerts(recent.slice().reverse());
      stop = streamAlerts(recent.length ? recent[recent.length - 1].id : null, {
        alert: (alert) => {
          if (pausedRef.current) {
            held.current.push(alert);
            setHeldCount(held.current.length);
          } else {
            setAlerts((shown) => [alert, ...shown].slice(0, KEEP));
          }
        },
        warning: setWarning,
        state: setState,
      });
    }, (failed) => {
      setError(failed);
      setState('not subscribed');
    });
    return () => {
      gone = true;
      stop();
    };
  }, [generation]);

  const resume = () => {
    const waiting = held.current.reverse();
    held.current = [];
    setHeldCount(0);
    setAlerts((shown) => [...waiting, ...shown].slice(0, KEEP));
    setPaused(false);
  };
  const shown = alerts.filter((alert) => passes(alert, filter));
  return html`<section class="view alerts-view">
    <header class="view-head">
      <h1>Alerts</h1>
      <span class=${'stream-state ' + (state === 'subscribed' ? 'ok' : 'bad')} id="stream-state">${state}</span>
      <span class="grow"></span>
      ${paused ? html`<button onClick=${resume}>Resume (${heldCount} waiting)</button>`
        : html`<button onClick=${() => setPaused(true)}>Pause</button>`}
      <button onClick=${() => { setAlerts([]); setSelected(null); }}>Clear</button>
    </header>
    <${ErrorBox} error=${error} what="The alerts could not be read"/>
    ${warning ? html`<div class="warning-box">${warning.warning}</div>` : null}
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>rule <select name="rule" value=${filter.rule}
          onChange=${(e) => setFilter({ ...filter, rule: e.target.value })}>
        <option value="">all</option>
        ${[...new Set([...rules, ...alerts.map((a) => a.rule)])].sort().map((r) =>
          html`<option value=${r}>${r}</option>`)}
      </select></label>
      <fieldset class="severities"><legend>severity</legend>
        ${SEVERITIES.map((s) => html`<label class="check-label"><input type="checkbox" name=${'severity-' + s}
          checked=${filter.severities.includes(s)} onChange=${(e) => setFilter({ ...filter,
            severities: e.target.checked ? [...filter.severities, s] : filter.severities.filter((x) => x !== s) })}/>
          ${s}</label>`)}
      </fieldset>
      <label>key <input name="key" type="search" value=${filter.key} placeholder="exact key"
        onInput=${(e) => setFilter({ ...filter, key: e.target.value })}/></label>
      <span class="muted">${shown.length} of ${alerts.length} shown</span>
    </form>
    <div class="split">
      <div class="table-wrap">
        <table class="alerts-table">
          <thead><tr><th>ended (event time)</th><th>rule</th><th>severity</th><th>kind</th><th>key</th>
            <th>fields</th></tr></thead>
          <tbody>${shown.map((alert) => html`<tr key=${alert.id} data-alert=${alert.id} data-rule=${alert.rule}
              class=${selected && selected.id === alert.id ? 'selected' : ''} tabindex="0"
              onClick=${() => setSelected(alert)} onKeyDown=${(e) => e.key === 'Enter' && setSelected(alert)}>
            <td class="small">${time(alert.kind === 'timeout' ? alert.timeoutAt : alert.end)}</td>
            <td>${alert.rule}</td><td><${Severity} value=${alert.severity}/></td><td>${alert.kind}</td>
            <td><code>${keyText(alert.key)}</code></td>
            <td class="small fields-cell">${fieldsText(alert.fields)}</td>
          </tr>`)}</tbody>
        </table>
        ${shown.length === 0 ? html`<p class="empty">${alerts.length ? 'No alert passes the filter.'
          : 'No alert yet. Alerts appear here as the rules emit them.'}</p>` : null}
      </div>
      ${selected ? html`<${AlertDetail} alert=${selected} onClose=${() => setSelected(null)}/>` : null}
    </div>
  </section>`;
}

function fieldsText(fields) {
  return Object.entries(fields || {}).map(([name, value]) => name + '=' + JSON.stringify(value)).join(', ');
}

/** One alert: its identity, times, fields, and per pattern variable the events it bound, as tables. */
export function AlertDetail({ alert, onClose, extra }) {
  return html`<aside class="alert-detail" aria-label="alert">
    <header><h2>${alert.rule} <span class="muted">v${alert.version} · ${alert.kind}</span></h2>
      ${onClose ? html`<button class="link" onClick=${onClose} aria-label="close">✕</button>` : null}</header>
    ${extra}
    <dl class="facts">
      <div><dt>key</dt><dd><code>${keyText(alert.key) || 'none'}</code></dd></div>
      <div><dt>severity</dt><dd><${Severity} value=${alert.severity}/></dd></div>
      <div><dt>first event</dt><dd>${time(alert.start)}</dd></div>
      <div><dt>last event</dt><dd>${time(alert.end)}</dd></div>
      ${alert.timeoutAt ? html`<div><dt>timed out at</dt><dd>${time(alert.timeoutAt)}</dd></div>` : null}
      <div><dt>id</dt><dd><code class="small">${alert.id}</code></dd></div>
    </dl>
    ${Object.keys(alert.fields || {}).length ? html`<h3>Fields</h3><table class="kv"><tbody>
      ${Object.entries(alert.fields).map(([k, v]) => html`<tr><th>${k}</th><td><code>${JSON.stringify(v)}</code></td>
      </tr>`)}</tbody></table>` : null}
    <h3>Events per variable</h3>
    ${Object.entries(alert.events || {}).map(([variable, events]) => html`<div class="variable"
        data-variable=${variable}>
      <h4>${variable} <span class="muted">${events.length} event${events.length === 1 ? '' : 's'}</span></h4>
      <${EventTable} events=${events}/>
    </div>`)}
  </aside>`;
}

export function EventTable({ events }) {
  const columns = [];
  for (const event of events) {
    for (const name of Object.keys(event)) {
      if (!columns.includes(name)) {
        columns.push(name);
      }
    }
  }
  return html`<div class="table-wrap"><table class="events">
    <thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
    <tbody>${events.map((event) => html`<tr>${columns.map((c) => html`<td>${cell(event[c])}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

function cell(value) {
  if (value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
