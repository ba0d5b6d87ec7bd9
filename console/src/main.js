// The console's shell: the navigation, the views by the page's hash (#/rules, #/rules/NAME, #/editor,
// #/editor/NAME, #/alerts, #/backtest, #/backtest/NAME, #/server), and the token prompt, shown when the server
// answers 401 and kept for the browser session only.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './ui.js';
import { onAuthNeeded, token, setToken, readiness } from './api.js';
import { RulesView, RuleView } from './views/rules.js';
import { EditorView } from './views/editor.js';
import { AlertsView } from './views/alerts.js';
import { BacktestView } from './views/backtest.js';
import { ServerView } from './views/server.js';

const NAV = [
  ['#/rules', 'Rules'], ['#/editor', 'Editor'], ['#/alerts', 'Alerts'], ['#/backtest', 'Backtest'],
  ['#/server', 'Server'],
];

/** The view a hash names: {view, name}. */
export function route(hash) {
  const parts = (hash || '').replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const view = parts[0] || 'rules';
  const name = parts.length > 1 && parts[1] !== '' ? parts.slice(1).join('/') : null;
  return { view, name };
}

function App() {
  const [hash, setHash] = useState(location.hash || '#/rules');
  const [auth, setAuth] = useState(null);
  const [generation, setGeneration] = useState(0);
  const [ready, setReady] = useState(null);

  useEffect(() => {
    const changed = () => setHash(location.hash || '#/rules');
    addEventListener('hashchange', changed);
    const stop = onAuthNeeded((error) => setAuth({ error: token() ? error.message : null }));
    const check = () => readiness().then(setReady, () => setReady({ status: 'unreachable' }));
    check();
    const timer = setInterval(check, 10000);
    return () => {
      removeEventListener('hashchange', changed);
      stop();
      clearInterval(timer);
    };
  }, []);

  const navigate = (to) => {
    location.hash = to;
  };
  const signIn = (value) => {
    setToken(value);
    setAuth(null);
    setGeneration((g) => g + 1);
  };
  const signOut = () => {
    setToken(null);
    setGeneration((g) => g + 1);
  };
  const current = route(hash);
  const key = hash + ':' + generation;
  let view;
  switch (current.view) {
    case 'rules':
      view = current.name ? html`<${RuleView} key=${key} name=${current.name} navigate=${navigate}/>`
        : html`<${RulesView} key=${key} navigate=${navigate}/>`;
      break;
    case 'editor':
      view = html`<${EditorView} key=${key} name=${current.name} navigate=${navigate}/>`;
      break;
    case 'alerts':
      view = html`<${AlertsView} key=${'alerts'} generation=${generation}/>`;
      break;
    case 'backtest':
      view = html`<${BacktestView} key=${key} name=${current.name}/>`;
      break;
    case 'server':
      view = html`<${ServerView} key="server" generation=${generation}/>`;
      break;
    default:
      view = html`<section class="view"><h1>Not found</h1><p>No view <code>${hash}</code>. Go to
        the <a href="#/rules">rules</a>.</p></section>`;
  }
  return html`<div class="app">
    <header class="top">
      <a class="brand" href="#/rules">Vigil</a>
      <nav>${NAV.map(([href, label]) => html`<a href=${href}
        class=${'#/' + current.view === href ? 'active' : ''}>${label}</a>`)}</nav>
      <span class="grow"></span>
      ${ready ? html`<span class=${'health ' + (ready.status === 'ready' ? 'ok' : 'bad')}
        title=${ready.reason || ''}>${ready.status}</span>` : null}
      ${token() ? html`<button class="link" onClick=${signOut} id="sign-out">Forget token</button>` : null}
    </header>
    <main>${view}</main>
    ${auth ? html`<${TokenPrompt} error=${auth.error} onToken=${signIn}/>` : null}
  </div>`;
}

/** Asks for a token; it is kept in sessionStorage, so it goes when the browser session ends. */
function TokenPrompt({ error, onToken }) {
  const [value, setValue] = useState('');
  return html`<div class="overlay">
    <form class="dialog" id="token-prompt" role="dialog" aria-modal="true" aria-labelledby="token-title"
        onSubmit=${(e) => { e.preventDefault(); if (value.trim()) onToken(value.trim()); }}>
      <h2 id="token-title">This server needs an access token</h2>
      <p>Enter a token the server was started with (<code>--token ROLE:TOKEN</code> or <code>VIGIL_TOKENS</code>).
        An <code>admin</code> token opens every view; a <code>read</code> token the alerts, backtests and metrics.
        The console keeps it for this browser session only.</p>
      ${error ? html`<div class="error" role="alert">${error}</div>` : null}
      <input type="password" name="token" autocomplete="current-password" placeholder="token" autofocus
        value=${value} onInput=${(e) => setValue(e.target.value)}/>
      <div class="row"><button class="primary" type="submit">Use this token</button></div>
    </form>
  </div>`;
}

render(html`<${App}/>`, document.getElementById('app'));
