// Reading the server's own metrics (GET /metrics, Prometheus text) into the few series the Server view charts.

/** Parses Prometheus text into [{name, labels, value}], skipping comments; values NaN and +Inf are kept as numbers. */
export function parseMetrics(text) {
  const samples = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) {
      continue;
    }
    samples.push({ name: match[1], labels: parseLabels(match[3] || ''), value: parseValue(match[4]) });
  }
  return samples;
}

function parseValue(text) {
  if (text === '+Inf') {
    return Infinity;
  }
  if (text === '-Inf') {
    return -Infinity;
  }
  return Number(text);
}

function parseLabels(text) {
  const labels = {};
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    labels[match[1]] = match[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  }
  return labels;
}

/** The sum of every sample of {@code name} (over its labels); null when there is none or none is a number. */
export function sum(samples, name) {
  let total = null;
  for (const sample of samples) {
    if (sample.name === name && Number.isFinite(sample.value)) {
      total = (total || 0) + sample.value;
    }
  }
  return total;
}

/** The largest sample of {@code name}; null when there is none or none is a number. */
export function max(samples, name) {
  let most = null;
  for (const sample of samples) {
    if (sample.name === name && Number.isFinite(sample.value)) {
      most = most === null ? sample.value : Math.max(most, sample.value);
    }
  }
  return most;
}

/** The labels of the first sample of {@code name}, or null. */
export function labelsOf(samples, name) {
  const found = samples.find((sample) => sample.name === name);
  return found ? found.labels : null;
}

/**
 * The series the Server view charts, from one scrape and the one before it (null for the first): rates per second
 * from counters, the rest as read.
 */
export function point(samples, previous, atMs, previousAtMs) {
  const events = sum(samples, 'vigil_events_in_total');
  const alerts = sum(samples, 'vigil_alerts_total');
  const seconds = previous ? (atMs - previousAtMs) / 1000 : 0;
  const rate = (now, before) => (previous && seconds > 0 && now !== null && before !== null
    ? Math.max(0, (now - before) / seconds) : null);
  return {
    at: atMs,
    events,
    alerts,
    eventsPerSecond: rate(events, previous ? previous.events : null),
    alertsPerSecond: rate(alerts, previous ? previous.alerts : null),
    lagSeconds: max(samples, 'vigil_source_lag_seconds'),
    partialMatches: sum(samples, 'vigil_partial_matches'),
    checkpointSeconds: max(samples, 'vigil_checkpoint_duration_seconds'),
  };
}
