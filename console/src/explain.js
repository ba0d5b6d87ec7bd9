// What the key and explain views work out from a rule's text and the server's answers, apart from the views so that
// node --test checks it: the stream declarations with their types, an event to start explaining from (the stream's
// declared fields, the key typed, the time now), a key's text for the API from the values typed per PARTITION BY
// field, how far a time is from the watermark, and what an explained event would do to a run.

import { blankComments } from './outline.js';

const NAME = '[A-Za-z_][A-Za-z_0-9.]*|`(?:[^`\\n]|``)+`';

function unquote(name) {
  return name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name;
}

/**
 * The STREAM declarations of {@code text}: {stream: {fields: [{name, type}], time}}, where {@code time} is the field
 * its EVENT TIME names, else {@code ts} (as the server reads events). Names keep the case written.
 */
export function declarations(text) {
  const clean = blankComments(text || '');
  const found = {};
  const declaration = new RegExp('\\bSTREAM\\s+(' + NAME + ')\\s*\\(([^)]*)\\)(?:\\s*EVENT\\s+TIME\\s+(' + NAME
    + '))?', 'gi');
  let match;
  while ((match = declaration.exec(clean)) !== null) {
    const fields = [];
    for (const part of match[2].split(',')) {
      const words = part.trim().split(/\s+/);
      if (words[0] && /^[A-Za-z_`]/.test(words[0])) {
        fields.push({ name: unquote(words[0]), type: (words[1] || '').toUpperCase() });
      }
    }
    found[unquote(match[1])] = { fields, time: match[3] ? unquote(match[3]) : 'ts' };
  }
  return found;
}

function declared(text, stream) {
  const all = declarations(text);
  for (const [name, declaration] of Object.entries(all)) {
    if (name.toLowerCase() === String(stream).toLowerCase()) {
      return declaration;
    }
  }
  return null;
}

/** Sets {@code path} ("device.os") in {@code object}, making the objects on the way. */
function put(object, path, value) {
  const steps = path.split('.');
  let at = object;
  for (let i = 0; i < steps.length - 1; i++) {
    if (typeof at[steps[i]] !== 'object' || at[steps[i]] === null) {
      at[steps[i]] = {};
    }
    at = at[steps[i]];
  }
  at[steps[steps.length - 1]] = value;
}

function placeholder(type, nowMs) {
  switch (type) {
    case 'LONG':
    case 'DOUBLE':
      return 0;
    case 'BOOLEAN':
      return false;
    case 'TIMESTAMP':
      return new Date(nowMs).toISOString();
    default:
      return '';
  }
}

/**
 * An event of {@code stream} to explain, as pretty JSON text: {@code stream}, then every field the rule's text
 * declares for it with a value of its type (its event time now, as ISO text), the partition fields
 * {@code partitionBy} set to the key {@code keyValues} typed (when given). Without a declaration: the stream, the
 * partition fields and {@code ts}.
 */
export function eventTemplate(text, stream, partitionBy = [], keyValues = [], nowMs = Date.now()) {
  const event = { stream };
  const declaration = declared(text, stream);
  const types = {};
  if (declaration) {
    for (const field of declaration.fields) {
      types[field.name] = field.type;
      put(event, field.name, placeholder(field.type, nowMs));
    }
  }
  partitionBy.forEach((field, i) => {
    const value = keyValues[i];
    put(event, field, value === undefined || value === '' ? placeholder(types[field], nowMs)
      : typed(value, types[field]));
  });
  const time = declaration ? declaration.time : 'ts';
  if (!declaration || !(time in types)) {
    put(event, time, new Date(nowMs).toISOString());
  } else if (types[time] === 'LONG') {
    put(event, time, nowMs);
  }
  return JSON.stringify(event, null, 2);
}

/** A value typed into a key field, as the field's declared type reads it (text when undeclared or not a number). */
function typed(value, type) {
  const text = String(value).trim();
  if ((type === 'LONG' || type === 'DOUBLE') && text !== '' && Number.isFinite(Number(text))) {
    return Number(text);
  }
  if (type === 'BOOLEAN' && (text === 'true' || text === 'false')) {
    return text === 'true';
  }
  return String(value);
}

/** The declared types of {@code partitionBy}'s fields in the streams {@code streams} read ({} when undeclared). */
export function keyTypes(text, streams, partitionBy) {
  const types = [];
  for (const field of partitionBy) {
    let type;
    for (const stream of streams) {
      const declaration = declared(text, stream);
      const found = declaration && declaration.fields.find((f) => f.name === field);
      if (found) {
        type = found.type;
        break;
      }
    }
    types.push(type);
  }
  return types;
}

/**
 * A key as the API's {@code keys/{key}} and {@code ?key=} read it, from the values typed per PARTITION BY field:
 * one field's value as typed (the server tries a number's text as the number, then as text), several as their JSON
 * array (each value as its field's declared type reads it), {@code null} for a rule without PARTITION BY. Null when
 * a field is still empty.
 */
export function keyText(values, types = []) {
  if (values.length === 0) {
    return 'null';
  }
  if (values.some((value) => String(value).trim() === '')) {
    return null;
  }
  if (values.length === 1) {
    return String(values[0]).trim();
  }
  return JSON.stringify(values.map((value, i) => typed(String(value).trim(), types[i])));
}

/** A span of event time in words: 8.5 s, 3 min 20 s, 2 h 5 min, 3 d 4 h. */
export function span(ms) {
  const abs = Math.abs(ms);
  if (abs < 1000) {
    return abs + ' ms';
  }
  if (abs < 60000) {
    return Math.round(abs / 100) / 10 + ' s';
  }
  const units = [['d', 86400000], ['h', 3600000], ['min', 60000], ['s', 1000]];
  const parts = [];
  let rest = abs;
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(Math.floor(rest / size) + ' ' + unit);
      rest %= size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return parts.join(' ');
}

/**
 * When {@code at} (event time) comes, against the rule's watermark: "in 8.5 s of event time" (the watermark has
 * that far to go), "now" (it is there: the next watermark ends it), or "when a watermark comes" before any.
 */
export function fromWatermark(at, watermark) {
  if (watermark === null || watermark === undefined) {
    return 'when the watermark reaches it (no watermark yet)';
  }
  if (at <= watermark) {
    return 'now: the watermark has reached it';
  }
  return 'in ' + span(at - watermark) + ' of event time (watermark to go)';
}

/**
 * What an explained event would do to {@code run} (of POST .../explain), in words: the transition that holds says it,
 * a take before an ignore as the matcher tries them; {@code stateName(id)} names a state ('match' for the final one).
 */
export function verdict(run, stateName) {
  const take = run.transitions.find((t) => t.held && t.action === 'take');
  if (take) {
    if (stateName(take.to) === 'match') {
      return 'Taken: it would complete the match (an alert).';
    }
    return run.start ? 'Taken: it would start a partial match, waiting in state ' + stateName(take.to) + '.'
      : 'Taken: the run would move on to state ' + stateName(take.to) + '.';
  }
  if (run.start) {
    return 'It starts no partial match.';
  }
  if (run.transitions.some((t) => t.held && t.action === 'ignore')) {
    return 'Passed by: the run stays in state ' + stateName(run.state) + ', still waiting.';
  }
  return 'No transition holds: the run ends.';
}

/** The status of a key's last event (explain by key) in words. */
export const LAST_EVENT = {
  waiting: 'It is still waiting for the watermark: when its time comes it meets the runs below.',
  bound: 'A partial match of the key holds it: the runs below have already moved past it.',
  passed: 'The watermark has passed it and no open partial match holds it: the runs let it by, it ended the runs it '
    + 'completed or broke, or it was late. The runs below are as they stand after it.',
};
