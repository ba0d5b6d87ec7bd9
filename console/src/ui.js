// Pieces every view uses: htm bound to Preact (templates without a JSX step), polling, formatting, and the small
// components (an error box, a confirmation button, counters).

import { h } from 'preact';
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

/**
 * Calls {@code load()} now and every {@code everyMs} while the component is shown (and again whenever {@code key}
 * changes); a call starts only once the one before it answered. Returns {data, error, reload}.
 */
export function usePoll(load, everyMs, key) {
  const [state, setState] = useState({ data: null, error: null, loaded: false });
  const generation = useRef(0);
  const reloadRef = useRef(() => {});
  useEffect(() => {
    const mine = ++generation.current;
    let timer = null;
    let stopped = false;
    const run = async () => {
      clearTimeout(timer);
      try {
        const data = await load();
        if (!stopped && mine === generation.current) {
          setState({ data, error: null, loaded: true });
        }
      } catch (error) {
        if (!stopped && mine === generation.current) {
          setState((previous) => ({ data: previous.data, error, loaded: true }));
        }
      }
      if (!stopped && everyMs) {
        timer = setTimeout(run, everyMs);
      }
    };
    reloadRef.current = run;
    run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [key]);
  const reload = useCallback(() => reloadRef.current(), []);
  return { data: state.data, error: state.error, loaded: state.loaded, reload };
}

/** A date and time in the browser's time zone, seconds included; the UTC ISO form is its title. */
export function time(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) {
    return html`<span>—</span>`;
  }
  const date = new Date(Number(ms));
  return html`<time datetime=${date.toISOString()} title=${date.toISOString()}>${localText(date)}</time>`;
}

export function localText(date) {
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + ' '
    + pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
}

/** A value for a datetime-local input from epoch ms (local time), or ''. */
export function toLocalInput(ms) {
  if (ms === null || ms === undefined) {
    return '';
  }
  return localText(new Date(ms)).replace(' ', 'T');
}

/** Epoch ms of a datetime-local input's value, or null when empty. */
export function fromLocalInput(value) {
  if (!value) {
    return null;
  }
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** A number with thousands separators; '—' for null. */
export function count(n) {
  if (n === null || n === undefined || Number.isNaN(n)) {
    return '—';
  }
  return Number(n).toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export { keyText } from './compare.js';

export function ErrorBox({ error, what }) {
  if (!error) {
    return null;
  }
  const status = error.status ? ' (HTTP ' + error.status + ')' : '';
  return html`<div class="error" role="alert">${what ? what + ': ' : ''}${error.message}${status}</div>`;
}

/** A button that asks once more before doing something that cannot be undone. */
export function ConfirmButton({ label, confirm, onConfirm, class: cls, disabled }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return html`<button class=${cls || ''} disabled=${disabled} onClick=${() => setAsking(true)}>${label}</button>`;
  }
  return html`<span class="confirm">
    <span>${confirm}</span>
    <button class="danger" onClick=${() => { setAsking(false); onConfirm(); }}>Yes, ${label.toLowerCase()}</button>
    <button onClick=${() => setAsking(false)}>Cancel</button>
  </span>`;
}

export function Badge({ kind, children }) {
  return html`<span class=${'badge ' + (kind || '')}>${children}</span>`;
}

export function Severity({ value }) {
  return value ? html`<${Badge} kind=${'sev-' + value}>${value}<//>` : html`<span class="muted">—</span>`;
}

/** Sum of a rule's late events over the streams it reads. */
export function lateEvents(counters) {
  let total = 0;
  for (const n of Object.values((counters && counters.lateEventsByStream) || {})) {
    total += n;
  }
  return total;
}

/** The key/value list of a rule's counters. */
export function Counters({ counters }) {
  if (!counters) {
    return null;
  }
  const items = [
    ['events in', counters.eventsIn], ['matches', counters.matches], ['timeouts', counters.timeouts],
    ['partial matches', counters.partialMatches], ['keys', counters.keys], ['late events', lateEvents(counters)],
    ['evaluation errors', counters.evaluationErrors], ['dropped partial matches', counters.droppedPartialMatches],
    ['evicted keys', counters.evictedKeys], ['work bound exceeded', counters.workBoundExceeded],
    ['dropped on replace', counters.partialMatchesDroppedOnReplace],
  ];
  return html`<dl class="counters">${items.map(([label, value]) => html`
    <div class=${value > 0 && /error|dropped|evicted|exceeded|late/.test(label) ? 'warn' : ''}>
      <dt>${label}</dt><dd data-counter=${label}>${count(value)}</dd></div>`)}</dl>`;
}
