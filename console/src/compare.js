// Alerts compared and filtered, without any view: which alerts pass the Alerts view's filter, and how a backtest's
// alerts line up with the live rule's.

/** An alert key as the server's filters write it: a string as it is, anything else as its JSON text. */
export function keyText(key) {
  if (key === null || key === undefined) {
    return '';
  }
  return typeof key === 'string' ? key : JSON.stringify(key);
}

/** Whether {@code alert} passes the filter as the server's filters would: the rule, any of the severities, the key. */
export function passes(alert, filter) {
  if (filter.rule && alert.rule !== filter.rule) {
    return false;
  }
  if (filter.severities.length && !filter.severities.includes((alert.severity || '').toLowerCase())) {
    return false;
  }
  if (filter.key && keyText(alert.key) !== filter.key.trim()) {
    return false;
  }
  return true;
}

/** What makes two alerts the same finding: rule, kind, key and the event times of their first and last events. */
export function sameness(alert) {
  return alert.rule + '|' + alert.kind + '|' + keyText(alert.key) + '|' + alert.start + '|' + alert.end;
}

/** Whether a live alert falls in a replayed range: its first event at or after from, its last before to. */
export function inRange(alert, from, to) {
  return (from === null || from === undefined || alert.start >= from) && (to === null || to === undefined
    || alert.end < to);
}

/**
 * A backtest's alerts beside the live ones: [{alert, side: 'both'|'backtest'|'live', live}] in the backtest's
 * order, then the live alerts it did not find, oldest first.
 */
export function compare(backtested, live) {
  const liveBySameness = new Map();
  for (const alert of live) {
    liveBySameness.set(sameness(alert), alert);
  }
  const rows = [];
  const found = new Set();
  for (const alert of backtested) {
    const key = sameness(alert);
    const twin = liveBySameness.get(key);
    if (twin) {
      found.add(key);
    }
    rows.push({ alert, side: twin ? 'both' : 'backtest', live: twin || null });
  }
  for (const alert of live) {
    if (!found.has(sameness(alert))) {
      rows.push({ alert, side: 'live', live: alert });
    }
  }
  return rows;
}
