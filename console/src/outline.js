// What the editor needs to know about rule text to complete it: the streams it declares (with their fields), the
// streams its rules read, and its pattern variables with the stream each reads. A light scan, not a parser: the
// server's validation (POST /v1/rules/validate) is what judges the text; this only has to guess well while the
// text is half written.

/** The text with comments and string literals blanked out (same length, lines kept), so scans skip them. */
export function blankComments(text) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const two = text.slice(i, i + 2);
    if (two === '--') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (two === '/*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (text[i] === "'") {
      let j = i + 1;
      while (j < text.length && !(text[j] === "'" && text[j + 1] !== "'")) {
        j += text[j] === "'" ? 2 : 1;
      }
      const stop = Math.min(text.length, j + 1);
      out += "'" + text.slice(i + 1, stop - 1).replace(/[^\n]/g, ' ') + (stop - 1 > i ? "'" : '');
      i = stop;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

function unquote(name) {
  return name.startsWith('`') ? name.slice(1, -1).replace(/``/g, '`') : name;
}

/**
 * {streams: {name: [field, ...]}, reads: [stream, ...], variables: [name, ...], variableStreams: {variable: stream},
 * rules: [name, ...]} of {@code text}. Stream names keep the case written; lookups should ignore case.
 */
export function outline(text) {
  const clean = blankComments(text);
  const streams = {};
  const declaration = /\bSTREAM\s+([A-Za-z_][A-Za-z_0-9]*|`(?:[^`\n]|``)+`)\s*\(([^)]*)\)?/gi;
  let match;
  while ((match = declaration.exec(clean)) !== null) {
    const fields = [];
    for (const part of match[2].split(',')) {
      const field = part.trim().split(/\s+/)[0];
      if (field && /^[A-Za-z_`]/.test(field)) {
        fields.push(unquote(field));
      }
    }
    streams[unquote(match[1])] = fields;
  }
  const reads = [];
  const from = /\bFROM\s+((?:[A-Za-z_][A-Za-z_0-9]*|`(?:[^`\n]|``)+`)(?:\s*,\s*(?:[A-Za-z_][A-Za-z_0-9]*|`(?:[^`\n]|``)+`))*)/gi;
  while ((match = from.exec(clean)) !== null) {
    for (const name of match[1].split(',')) {
      const stream = unquote(name.trim());
      if (!reads.includes(stream)) {
        reads.push(stream);
      }
    }
  }
  const variables = [];
  const variableStreams = {};
  const define = /(?:\bDEFINE\s+|,\s*)([A-Za-z_][A-Za-z_0-9]*|`(?:[^`\n]|``)+`)\s+AS\s+(?:([A-Za-z_][A-Za-z_0-9]*)\s*\()?/gi;
  while ((match = define.exec(clean)) !== null) {
    const variable = unquote(match[1]);
    if (!variables.includes(variable)) {
      variables.push(variable);
    }
    if (match[2] && reads.some((stream) => stream.toLowerCase() === match[2].toLowerCase())) {
      variableStreams[variable] = match[2];
    }
  }
  // A stage's own window ('b WITHIN 5 SECONDS OF PREVIOUS') is inside the pattern; the rule's WITHIN ends it.
  const stageWindow = /\bWITHIN\s+\d+(?:\.\d+)?\s*[A-Za-z]+\s+OF\s+PREVIOUS\b/gi;
  const pattern = /\bPATTERN\s+([^]*?)(?=\b(?:WITHIN(?!\s+\d+(?:\.\d+)?\s*[A-Za-z]+\s+OF\s+PREVIOUS\b)|DEFINE|EMIT|ON|AFTER|TO|SEVERITY|FROM|PARTITION|RULE|STREAM)\b|;|$)/gi;
  while ((match = pattern.exec(clean)) !== null) {
    const body = match[1].replace(/\{[^}]*\}/g, ' ').replace(stageWindow, ' ');
    for (const word of body.match(/[A-Za-z_][A-Za-z_0-9]*|`(?:[^`\n]|``)+`/g) || []) {
      const name = unquote(word);
      // Quantifier modifiers and PERMUTE, unless backquoted: a variable named optional is written `optional`.
      const modifier = !word.startsWith('`')
        && /^(greedy|optional|consecutive|relaxed|combinations|permute)$/i.test(word);
      if (!modifier && !variables.includes(name)) {
        variables.push(name);
      }
    }
  }
  const rules = [];
  const rule = /\bRULE\s+([A-Za-z_][A-Za-z_0-9]*|`(?:[^`\n]|``)+`)/gi;
  while ((match = rule.exec(clean)) !== null) {
    rules.push(unquote(match[1]));
  }
  return { streams, reads, variables, variableStreams, rules };
}

/** The fields of {@code stream} among {@code declared} ({name: fields}), ignoring case; null when not declared. */
export function fieldsOf(declared, stream) {
  for (const [name, fields] of Object.entries(declared)) {
    if (name.toLowerCase() === stream.toLowerCase()) {
      return fields;
    }
  }
  return null;
}

/**
 * The alternatives a diagnostic's message offers ("... did you mean amount?", "did you mean a, b or c?"), or [].
 */
export function suggestions(message) {
  const match = /did you mean ([^?]+)\?/.exec(message || '');
  if (!match) {
    return [];
  }
  return match[1].split(/,\s*|\s+or\s+/).map((word) => word.trim())
    .filter((word) => /^[A-Za-z_][A-Za-z_0-9]*$|^`.+`$/.test(word));
}

/** How many characters a diagnostic covers: the carets of its rendered text (at least 1). */
export function caretLength(rendered) {
  const lines = (rendered || '').split('\n');
  const last = lines[lines.length - 1];
  const carets = /^\s*\|\s*(\^+)\s*$/.exec(last);
  return carets ? carets[1].length : 1;
}

const CLAUSE = /^(SEVERITY|FROM|PARTITION|PATTERN|WITHIN|EMIT|ON|AFTER|TO|DEFINE)$/i;

/**
 * The conditions of rule {@code ruleName}'s pattern variables as its DEFINE clause writes them: {variable: text},
 * each text on one line ("amount >= 500 AND merchant <> LAST(probe.merchant)"). A variable the clause does not
 * define takes any event of its stream and is not in the map.
 */
export function conditions(text, ruleName) {
  const clean = blankComments(text);
  const found = {};
  let start = 0;
  for (const statement of clean.split(';')) {
    const end = start + statement.length;
    const rule = /^\s*RULE\s+([A-Za-z_][A-Za-z_0-9]*|`(?:[^`\n]|``)+`)/i.exec(statement);
    if (rule && unquote(rule[1]) === ruleName) {
      const define = /\bDEFINE\b/i.exec(statement);
      if (define) {
        collectDefinitions(text, clean, start + define.index + define[0].length, end, found);
      }
    }
    start = end + 1;
  }
  return found;
}

function collectDefinitions(text, clean, from, to, found) {
  let depth = 0;
  let partStart = from;
  const parts = [];
  let i = from;
  while (i < to) {
    const c = clean[i];
    if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === ',' && depth === 0) {
      parts.push([partStart, i]);
      partStart = i + 1;
    } else if (depth === 0 && /[A-Za-z_]/.test(c) && (i === 0 || !/[A-Za-z_0-9.]/.test(clean[i - 1]))) {
      const word = /^[A-Za-z_][A-Za-z_0-9]*/.exec(clean.slice(i, i + 40))[0];
      if (CLAUSE.test(word) && !/\bAS\s*$/i.test(clean.slice(partStart, i))) {
        break;
      }
      i += word.length;
      continue;
    }
    i++;
  }
  parts.push([partStart, i]);
  for (const [a, b] of parts) {
    const definition = /^\s*([A-Za-z_][A-Za-z_0-9]*|`(?:[^`\n]|``)+`)\s+AS\s+/i.exec(clean.slice(a, b));
    if (definition) {
      const body = text.slice(a + definition[0].length, b).replace(/--[^\n]*/g, ' ').replace(/\s+/g, ' ').trim();
      found[unquote(definition[1])] = body;
    }
  }
}

/**
 * An automaton edge's guard ("big", "!big", "true") with each variable replaced by its condition: "amount >= 500",
 * "NOT (amount >= 500)", "any event". Names without a condition stay as they are.
 */
export function guardText(guard, defined) {
  const g = (guard || '').trim();
  if (g === 'true') {
    return 'any event';
  }
  if (Object.prototype.hasOwnProperty.call(defined, g)) {
    return defined[g];
  }
  if (g.startsWith('!') && Object.prototype.hasOwnProperty.call(defined, g.slice(1))) {
    return 'NOT (' + defined[g.slice(1)] + ')';
  }
  return g.replace(/[A-Za-z_][A-Za-z_0-9]*/g, (name) =>
    (Object.prototype.hasOwnProperty.call(defined, name) ? '(' + defined[name] + ')' : name));
}
