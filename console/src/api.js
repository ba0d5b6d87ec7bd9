// Every call the console makes to the server, in one place: the paths, the bodies, the token and how errors come
// back. Views never call fetch themselves. The server is the page's own origin (same port, same tokens), so paths
// are relative and no CORS is involved.
//
// The token: with tokens configured the server answers 401 to every API call without one; the console then asks
// the user for a token (onAuthNeeded) and keeps it in sessionStorage, which the browser forgets when the tab or
// window closes. It goes in the Authorization header of every call, the alert stream included (read with fetch
// rather than EventSource, which cannot send headers, so the token never appears in a URL).

const TOKEN_KEY = 'vigil.token';

/** An answer that was not a success: the HTTP status and the server's JSON problem ({error, ...}) or text. */
export class ApiError extends Error {
  constructor(status, body) {
    super(messageOf(status, body));
    this.status = status;
    this.body = body && typeof body === 'object' ? body : {};
  }

  /** The positioned mistakes of rule text ({line, column, message, rendered}), when the answer has them. */
  get diagnostics() {
    return Array.isArray(this.body.diagnostics) ? this.body.diagnostics : [];
  }
}

function messageOf(status, body) {
  if (body && typeof body === 'object' && typeof body.error === 'string') {
    return body.error;
  }
  if (typeof body === 'string' && body.trim() !== '') {
    return body.trim().slice(0, 300);
  }
  return status === 0 ? 'the server cannot be reached' : 'HTTP ' + status;
}

const authListeners = new Set();

/** Calls {@code listener(error)} whenever the server answers 401: no token, or one it does not know. */
export function onAuthNeeded(listener) {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch (unavailable) {
    return memoryToken;
  }
}

let memoryToken = null;

/** Keeps {@code value} for this browser session only (sessionStorage); null forgets it. */
export function setToken(value) {
  memoryToken = value;
  try {
    if (value == null) {
      sessionStorage.removeItem(TOKEN_KEY);
    } else {
      sessionStorage.setItem(TOKEN_KEY, value);
    }
  } catch (unavailable) {
    // private modes without storage: the token lives in this page only
  }
}

function headers(extra) {
  const all = Object.assign({}, extra);
  const current = token();
  if (current) {
    all.Authorization = 'Bearer ' + current;
  }
  return all;
}

async function request(method, path, options = {}) {
  const init = { method, headers: headers(options.headers), cache: 'no-store', signal: options.signal };
  if (options.json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.json);
  } else if (options.text !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = options.text;   // sent as typed, so the server's parser says what is wrong with it
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (failed) {
    if (failed && failed.name === 'AbortError') {
      throw failed;
    }
    throw new ApiError(0, null);
  }
  const type = response.headers.get('Content-Type') || '';
  let body = null;
  if (response.status !== 204) {
    const text = await response.text();
    body = type.includes('json') && text !== '' ? parseJson(text) : text;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, body);
    if (response.status === 401) {
      authListeners.forEach((listener) => listener(error));
    }
    throw error;
  }
  return body;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (notJson) {
    return text;
  }
}

const enc = encodeURIComponent;

function query(params) {
  const parts = [];
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== '') {
      parts.push(enc(name) + '=' + enc(value));
    }
  }
  return parts.length ? '?' + parts.join('&') : '';
}

// ---------------------------------------------------------------- rules

/** GET /v1/rules: every running rule's summary with deployedAt, warnings and counters. */
export const listRules = () => request('GET', '/v1/rules');

/** GET /v1/rules/{name}: the summary with its source text and sinks. */
export const getRule = (name) => request('GET', '/v1/rules/' + enc(name));

/** POST /v1/rules/validate: compiles without deploying; resolves with the summary (and warnings). */
export const validateRule = (source, signal) =>
  request('POST', '/v1/rules/validate', { json: { source }, signal });

/** POST /v1/rules: deploys every rule of the text; resolves with one summary or an array of them. */
export const deployRules = (source) => request('POST', '/v1/rules', { json: { source } });

/** PUT /v1/rules/{name}: replaces the rule with the text, which must define exactly that rule. */
export const replaceRule = (name, source) => request('PUT', '/v1/rules/' + enc(name), { json: { source } });

/** DELETE /v1/rules/{name}. */
export const deleteRule = (name) => request('DELETE', '/v1/rules/' + enc(name));

/** GET /v1/rules/{name}/versions: every version the server knows of the rule, newest first, deleted rules too. */
export const ruleVersions = (name) => request('GET', '/v1/rules/' + enc(name) + '/versions');

/** GET /v1/rules/{name}/nfa: the compiled automaton (states, edges with their guards as text). */
export const getNfa = (name) => request('GET', '/v1/rules/' + enc(name) + '/nfa');

/** GET /v1/rules/{name}/nfa?counts=true: the automaton with the live number of partial matches on each state. */
export const getNfaCounts = (name) => request('GET', '/v1/rules/' + enc(name) + '/nfa?counts=true');

/** GET /v1/rules/{name}/keys/{key}: a key's partial matches, waiting events and timers ({@code key} as KeyText). */
export const getKey = (name, key) => request('GET', '/v1/rules/' + enc(name) + '/keys/' + enc(key));

/** POST /v1/rules/{name}/explain: what the event {@code text} (a line of POST /v1/events, as typed) would find. */
export const explainEvent = (name, text) => request('POST', '/v1/rules/' + enc(name) + '/explain', { text });

/** POST /v1/rules/{name}/explain?key=: the explanation of the key's newest event in the ingest log. */
export const explainKey = (name, key) => request('POST', '/v1/rules/' + enc(name) + '/explain' + query({ key }));

// ---------------------------------------------------------------- alerts

/** GET /v1/alerts: the history, oldest first; params: since, after, limit, rule, severity, key. */
export const alertHistory = (params) => request('GET', '/v1/alerts' + query(params));

/**
 * Every alert the history holds that passes {@code filter} (rule, severity, key), oldest first, paging forward
 * with {@code after} from the oldest; the server keeps the newest 10,000.
 */
export async function allAlerts(filter, signal) {
  const all = [];
  let page = await request('GET', '/v1/alerts' + query(Object.assign({ since: 0, limit: 1000 }, filter)),
    { signal });
  all.push(...page);
  while (page.length === 1000) {
    page = await request('GET', '/v1/alerts' + query(Object.assign({ after: page[page.length - 1].id,
      limit: 1000 }, filter)), { signal });
    all.push(...page);
  }
  return all;
}

/**
 * Subscribes to GET /v1/alerts/stream (Server-Sent Events) after the alert {@code after} (null: live only), and
 * calls {@code handlers.alert(alert)}, {@code handlers.warning(json)}, {@code handlers.state(text)} as things come.
 * A lost connection is made again (after 0.5 s, doubling to 30 s), resuming after the last alert received. Returns
 * a function that ends the subscription.
 */
export function streamAlerts(after, handlers) {
  let last = after;
  let stopped = false;
  let controller = null;
  let wait = 500;

  async function connect() {
    controller = new AbortController();
    let response;
    try {
      response = await fetch('/v1/alerts/stream' + query({ after: last }),
        { headers: headers({ Accept: 'text/event-stream' }), cache: 'no-store', signal: controller.signal });
    } catch (failed) {
      return retry('the server cannot be reached');
    }
    if (response.status === 404 && last) {
      last = null;   // the history no longer holds it: take what comes from now on
      handlers.state('reconnecting: alerts in between are in the history');
      return connect();
    }
    if (!response.ok) {
      const text = await response.text();
      const error = new ApiError(response.status, parseJson(text));
      if (response.status === 401) {
        authListeners.forEach((listener) => listener(error));
      }
      handlers.state('refused: ' + error.message);
      if (response.status === 401 || response.status === 403) {
        return;   // a token is needed first; the view subscribes again once it has one
      }
      return retry(error.message);
    }
    wait = 500;
    try {
      await readEvents(response.body, (event) => {
        if (event.comment === 'subscribed') {
          handlers.state('subscribed');
        } else if (event.type === 'warning') {
          handlers.warning(parseJson(event.data));
        } else if (event.type === 'error') {
          handlers.state('closed by the server: ' + event.data);
        } else if (event.data !== undefined) {
          const alert = parseJson(event.data);
          if (alert && alert.id) {
            last = alert.id;
            handlers.alert(alert);
          }
        }
      });
    } catch (failed) {
      // the connection broke: retried below
    }
    retry('the connection was lost');
  }

  function retry(why) {
    if (stopped) {
      return;
    }
    handlers.state('reconnecting (' + why + ')');
    setTimeout(() => {
      if (!stopped) {
        connect();
      }
    }, wait);
    wait = Math.min(wait * 2, 30000);
  }

  connect();
  return () => {
    stopped = true;
    if (controller) {
      controller.abort();
    }
  };
}

/** Reads a text/event-stream body and calls {@code onEvent({type, data, id, comment})} per event. */
export async function readEvents(body, onEvent) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      event = parseEventLine(line, event, onEvent);
    }
  }
}

/** One line of an event stream (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export function parseEventLine(line, event, onEvent) {
  if (line === '') {
    if (event.data !== undefined || event.comment !== undefined) {
      onEvent(event);
    }
    return {};
  }
  if (line.startsWith(':')) {
    onEvent({ comment: line.slice(1).trim() });
    return event;
  }
  const colon = line.indexOf(':');
  const field = colon < 0 ? line : line.slice(0, colon);
  const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
  if (field === 'data') {
    event.data = event.data === undefined ? value : event.data + '\n' + value;
  } else if (field === 'event') {
    event.type = value;
  } else if (field === 'id') {
    event.id = value;
  }
  return event;
}

// ---------------------------------------------------------------- backtest, metrics, savepoints

/** POST /v1/backtest: {rule} or {text}, optional from, to (epoch ms), limit; abort the signal to stop it. */
export const backtest = (body, signal) => request('POST', '/v1/backtest', { json: body, signal });

/**
 * POST /v1/backtest with Accept: application/x-ndjson: calls {@code onProgress(line)} with each progress line while
 * the replay runs ({eventsRead, alerts, fraction, elapsedMs, ...}) and answers the result (the plain answer); abort
 * the signal to cancel it (the server stops when the connection closes).
 */
export async function backtestWithProgress(body, signal, onProgress) {
  const init = { method: 'POST', cache: 'no-store', signal, body: JSON.stringify(body),
    headers: headers({ 'Content-Type': 'application/json', Accept: 'application/x-ndjson' }) };
  let response;
  try {
    response = await fetch('/v1/backtest', init);
  } catch (failed) {
    if (failed && failed.name === 'AbortError') {
      throw failed;
    }
    throw new ApiError(0, null);
  }
  const type = response.headers.get('Content-Type') || '';
  if (!response.ok || !type.includes('ndjson')) {
    const text = await response.text();
    const answer = type.includes('json') && text !== '' ? parseJson(text) : text;
    if (response.ok) {
      return answer;   // a server that streams nothing answers at once
    }
    const error = new ApiError(response.status, answer);
    if (response.status === 401) {
      authListeners.forEach((listener) => listener(error));
    }
    throw error;
  }
  let result = null;
  await readLines(response.body, (line) => {
    const item = parseJson(line);
    if (item && item.type === 'progress') {
      onProgress(item);
    } else if (item && item.type === 'result') {
      delete item.type;
      result = item;
    } else if (item && item.type === 'error') {
      throw new ApiError(500, item);
    }
  });
  if (result === null) {
    throw new ApiError(0, 'the backtest stream ended without a result');
  }
  return result;
}

/** Reads a body of newline-separated lines, calling {@code onLine} for each non-empty one. */
async function readLines(body, onLine) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      if (line !== '') {
        onLine(line);
      }
    }
    if (done) {
      if (buffer.trim() !== '') {
        onLine(buffer.trim());
      }
      return;
    }
  }
}

/** GET /metrics: the Prometheus text. */
export const metricsText = () => request('GET', '/metrics');

/** GET /ready: {status, reason?}; a 503 is an answer here, not an error. */
export async function readiness() {
  try {
    return await request('GET', '/ready');
  } catch (error) {
    if (error instanceof ApiError && error.status === 503) {
      return error.body;
    }
    throw error;
  }
}

export const checkpoints = () => request('GET', '/v1/checkpoints');

export const listSavepoints = () => request('GET', '/v1/savepoints');

export const createSavepoint = (name) => request('POST', '/v1/savepoints', { json: { name } });

export const deleteSavepoint = (name) => request('DELETE', '/v1/savepoints/' + enc(name));
