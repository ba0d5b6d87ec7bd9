// A rule's automaton with what it holds now, and the answer to "why did this key not alert?": the graph with the live
// number of partial matches per state (GET .../nfa?counts=true every 2 s while the page is visible), a key's view
// (GET .../keys/{key} every 2 s while shown: each partial match by the state it waits in, marked on the graph too,
// its events per variable and when its window ends; the key's waiting events and timers), and explain (POST
// .../explain, with an event the user edits or with the key, whose last event the server finds in its log): per run
// and transition whether its condition held, and for one that did not the false sub-expression with its values.

import { useState, useEffect } from 'preact/hooks';
import { html, usePoll, ErrorBox, count, time } from '../ui.js';
import { getNfaCounts, getKey, explainEvent, explainKey } from '../api.js';
import { NfaGraph } from './nfa.js';
import { EventTable } from './alerts.js';
import { eventTemplate, keyText, keyTypes, fromWatermark, verdict, LAST_EVENT } from '../explain.js';

const EVERY_MS = 2000;

/**
 * The live partial matches per state of rule {@code name}: {byState (by state id), census, error}, asked every
 * 2 s while the page is visible; hidden (another tab, a minimised window) it stops asking, shown it asks at once.
 */
function useLiveCounts(name, version) {
  const [live, setLive] = useState({ byState: null, census: null, error: null });
  useEffect(() => {
    let stopped = false;
    let timer = null;
    let asking = false;
    const ask = async () => {
      timer = null;
      if (stopped || asking || document.hidden) {
        return;
      }
      asking = true;
      try {
        const nfa = await getNfaCounts(name);
        if (!stopped) {
          const counted = nfa.version === version && nfa.census && nfa.census.unavailable === undefined;
          setLive({ byState: counted ? nfa.states.map((s) => s.partialMatches) : null, census: nfa.census,
            error: null });
        }
      } catch (error) {
        if (!stopped) {
          setLive((previous) => Object.assign({}, previous, { error }));
        }
      }
      asking = false;
      if (!stopped && !document.hidden) {
        timer = setTimeout(ask, EVERY_MS);
      }
    };
    const shown = () => {
      if (!document.hidden && timer === null) {
        ask();
      } else if (document.hidden && timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
    };
    document.addEventListener('visibilitychange', shown);
    ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [name, version]);
  return live;
}

/** The automaton of {@code rule} (its summary, with source) with live counts, a key's view and explain. */
export function RuleInspector({ name, rule, nfa, defined }) {
  const live = useLiveCounts(name, nfa.version);
  const [key, setKey] = useState(null);   // {text, values} of the key shown
  const [explained, setExplained] = useState({ data: null, error: null, busy: false });
  const state = usePoll(() => (key ? getKey(name, key.text) : Promise.resolve(null)), key ? EVERY_MS : 0,
    'key:' + name + ':' + (key ? key.text : ''));
  const held = state.data && key && state.data.partialMatches ? state.data.partialMatches : [];
  const marked = new Set(held.map((match) => match.state));

  const run = async (ask) => {
    setExplained({ data: null, error: null, busy: true });
    try {
      setExplained({ data: await ask(), error: null, busy: false });
    } catch (error) {
      setExplained({ data: null, error, busy: false });
    }
  };

  return html`<div class="inspector">
    <${NfaGraph} nfa=${nfa} defined=${defined} counts=${live.byState} marked=${marked}/>
    <p class="muted small live-counts" id="live-counts">${live.error ? html`<span class="warn">Partial matches per
      state could not be counted: ${live.error.message}</span>` : live.census && live.census.unavailable
      ? live.census.unavailable : live.census ? html`Partial matches now: <strong>${count(live.census.partialMatches)}
      </strong> over ${count(live.census.keys)} key${live.census.keys === 1 ? '' : 's'}, on each state's box; counted
      every 2 s while this page is shown.` : 'Counting partial matches per state…'}</p>

    <h2>A key</h2>
    <${KeyForm} rule=${rule} onKey=${setKey}/>
    ${key ? html`<${KeyState} name=${name} nfa=${nfa} state=${state} keyText=${key.text}
      onExplain=${() => run(() => explainKey(name, key.text))} busy=${explained.busy}/>` : null}

    <h2>Explain an event</h2>
    <${ExplainForm} rule=${rule} keyValues=${key ? key.values : []} busy=${explained.busy}
      onExplain=${(text) => run(() => explainEvent(name, text))}/>
    <${ErrorBox} error=${explained.error} what="Not explained"/>
    ${explained.data ? html`<${Explanation} nfa=${nfa} explained=${explained.data}/>` : null}
  </div>`;
}

/** A key typed as its PARTITION BY fields: one input per field (none for a rule without PARTITION BY). */
function KeyForm({ rule, onKey }) {
  const fields = rule.partitionBy || [];
  const [values, setValues] = useState(fields.map(() => ''));
  const types = keyTypes(rule.source, rule.streams, fields);
  const text = keyText(values, types);
  const submit = (e) => {
    e.preventDefault();
    if (text !== null) {
      onKey({ text, values: values.map((v) => v.trim()) });
    }
  };
  return html`<form class="row key-form" id="key-form" onSubmit=${submit}>
    ${fields.length === 0 ? html`<span class="muted">This rule has no PARTITION BY: its one
      key is <code>null</code>.</span>` : fields.map((field, i) => html`<label class="key-field">
      <span class="muted small">${field}</span>
      <input name="key" data-field=${field} value=${values[i]} placeholder=${field}
        onInput=${(e) => setValues(values.map((v, j) => (j === i ? e.target.value : v)))}/></label>`)}
    <button class="primary" type="submit" disabled=${text === null}>Show key</button>
    ${fields.length > 1 && text !== null ? html`<span class="muted small">as <code>${text}</code></span>` : null}
  </form>`;
}

/** What the rule holds for the key now (polled), with the button that explains its last event. */
function KeyState({ name, nfa, state, keyText: text, onExplain, busy }) {
  const data = state.data;
  return html`<div class="key-state" id="key-state" data-key=${text}>
    <${ErrorBox} error=${state.error} what="The key could not be read"/>
    ${data ? html`
      <p class="muted small">Key <code>${JSON.stringify(data.key)}</code> on shard ${data.shard} ·
        watermark ${time(data.watermark)} · read again every 2 s</p>
      ${data.partialMatchCount === 0 ? html`<p class="empty no-partial-match">No partial match for this key: it
        waits for nothing${data.waitingCount ? ' (its events below still wait for the watermark)' : ''}.</p>` : html`
        <p>${count(data.partialMatchCount)} partial match${data.partialMatchCount === 1 ? '' : 'es'}
          ${data.partialMatchesTruncated ? html` <span class="muted">(the oldest ${data.partialMatches.length}
          shown)</span>` : ''}, marked on the automaton:</p>
        ${data.partialMatches.map((match, i) => html`<${PartialMatch} index=${i + 1} match=${match}
          watermark=${data.watermark} nfa=${nfa}/>`)}`}
      ${data.waitingCount ? html`<h3>Waiting for the watermark (${count(data.waitingCount)})</h3>
        <p class="muted small">Not matched yet: matched in this order once the watermark passes them.</p>
        <div class="waiting"><${EventTable} events=${data.waiting}/></div>` : null}
      ${data.timers.length ? html`<h3>Timers</h3><ul class="timers">${data.timers.map((at) => html`<li>
        ${time(at)} <span class="muted">(${fromWatermark(at, data.watermark)})</span></li>`)}</ul>` : null}
      <div class="row">
        <button id="explain-key" onClick=${onExplain} disabled=${busy}>Why no alert? Explain its last event</button>
        <span class="muted small">the key's newest event, from the server's log, against its runs</span>
      </div>` : state.loaded ? null : html`<p class="muted">Reading the key…</p>`}
  </div>`;
}

function PartialMatch({ index, match, watermark, nfa }) {
  const state = nfa.states[match.state];
  return html`<div class="partial-match" data-state=${match.stateName}>
    <h4>#${index} waits in state <strong>${match.stateName}</strong>
      ${match.completed ? html` <span class="badge warning">complete, held back by AFTER MATCH SKIP</span>`
        : state && state.variable ? html` <span class="muted">(to take ${state.variable})</span>` : null}</h4>
    <dl class="facts">
      <div><dt>first event</dt><dd>${time(match.startedAt)}</dd></div>
      <div><dt>latest event</dt><dd>${time(match.lastEventAt)}</dd></div>
      ${match.windowEndsAt !== undefined ? html`<div><dt>window ends</dt><dd class="window-ends">
        ${time(match.windowEndsAt)} <span class="muted">${fromWatermark(match.windowEndsAt, watermark)}</span>
        </dd></div>` : null}
      ${match.gapEndsAt !== undefined ? html`<div><dt>gap ends</dt><dd>${time(match.gapEndsAt)}</dd></div>` : null}
    </dl>
    ${Object.entries(match.events).map(([variable, events]) => html`<div class="variable" data-variable=${variable}>
      <h5>${variable} <span class="muted">${events.length} event${events.length === 1 ? '' : 's'}</span></h5>
      <${EventTable} events=${events}/></div>`)}
    ${match.eventsTruncated ? html`<p class="muted small">${match.eventCount} events in all; the oldest shown.</p>`
      : null}
  </div>`;
}

/** An event to explain, as JSON text, prefilled from the stream's declaration and the key typed. */
function ExplainForm({ rule, keyValues, busy, onExplain }) {
  const streams = rule.streams || [];
  const [stream, setStream] = useState(streams[0] || '');
  const fill = (from = stream) => eventTemplate(rule.source, from, rule.partitionBy || [], keyValues);
  const [text, setText] = useState(() => fill());
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) {
      setText(fill());   // a key shown: the untouched template takes it
    }
  }, [keyValues.join('\u0000')]);
  return html`<form class="explain-form" id="explain-form" onSubmit=${(e) => { e.preventDefault(); onExplain(text); }}>
    <p class="muted small">An event as a line of <code>POST /v1/events</code>: it is explained against its key's
      runs as they stand, and changes nothing (not ingested, not counted).</p>
    <textarea name="event" rows="8" spellcheck="false" value=${text}
      onInput=${(e) => { setText(e.target.value); setEdited(true); }}></textarea>
    <div class="row">
      <button class="primary" type="submit" disabled=${busy}>Explain</button>
      ${streams.length > 1 ? html`<select name="stream" value=${stream}
        onChange=${(e) => { setStream(e.target.value); setText(fill(e.target.value)); }}>
        ${streams.map((s) => html`<option value=${s}>${s}</option>`)}</select>` : null}
      <button type="button" onClick=${() => { setText(fill()); setEdited(false); }}>Fill from the stream's
        fields</button>
    </div>
  </form>`;
}

function valuesText(values) {
  return values.map((seen) => seen.expression + ' = ' + JSON.stringify(seen.value)).join(', ');
}

/** An explanation: per run, each transition and whether its condition held, and why not. */
function Explanation({ nfa, explained }) {
  const last = explained.lastEvent;
  const stateName = (id) => (!nfa.states[id] ? String(id) : nfa.states[id].kind === 'final' ? 'match'
    : nfa.states[id].name);
  return html`<div class="explanation" id="explanation">
    <p class="muted small">Key <code>${JSON.stringify(explained.key)}</code> on shard ${explained.shard} ·
      watermark ${time(explained.watermark)} · rule version ${explained.version}</p>
    ${last ? html`<div class=${'last-event ' + last.status} data-status=${last.status}>
      <strong>The key's last event</strong> <span class="muted small">(from the server's log, log
      position ${last.position}, ${count(last.eventsRead)} event${last.eventsRead === 1 ? '' : 's'} read)</span>:${' '}
      ${LAST_EVENT[last.status] || last.status}</div>` : explained.late ? html`<div class="warning-box late">Late:
      this event is at or behind its stream's watermark (${time(explained.watermark)}); sent now it would be counted
      late and not matched at all.</div>` : null}
    <${EventTable} events=${[explained.event]}/>
    ${explained.runs.map((run) => html`<div class=${'explain-run' + (run.start ? ' start' : '')}
        data-state=${run.stateName}>
      <h4>${run.start ? 'Start run (where new matches begin)' : 'Partial match'} in
        state <strong>${stateName(run.state)}</strong>${run.startedAt !== undefined ? html` <span class="muted small">
        started ${time(run.startedAt)}</span>` : null}</h4>
      <p class="verdict">${verdict(run, stateName)}</p>
      <div class="table-wrap"><table class="transitions">
        <thead><tr><th>transition</th><th>condition</th><th>on this event</th></tr></thead>
        <tbody>${run.transitions.map((t) => html`<tr class=${'transition ' + (t.held ? 'held' : 'failed')}
            data-action=${t.action} data-to=${stateName(t.to)}>
          <td><strong>${t.action}</strong> → ${stateName(t.to)}${t.from !== run.state ? html`<div class="muted small">
            from ${stateName(t.from)}</div>` : null}</td>
          <td><code>${t.condition}</code></td>
          <td>${t.held ? html`<span class="held-mark">✓ holds</span>${t.values.length ? html`<div class="muted small">
            ${valuesText(t.values)}</div>` : null}` : html`<span class="why-not">✗ false:${' '}
            <code class="false-expression">${t.expression}</code></span>
            ${t.values.length ? html`<ul class="seen">${t.values.map((seen) => html`<li><code>${seen.expression}
            </code> = <code class="value">${JSON.stringify(seen.value)}</code></li>`)}</ul>` : null}`}</td>
        </tr>`)}</tbody>
      </table></div>
    </div>`)}
    ${explained.runsTruncated ? html`<p class="muted small">${explained.runs.length} of ${explained.runCount} runs
      shown (the start run and the oldest partial matches).</p>` : null}
  </div>`;
}
