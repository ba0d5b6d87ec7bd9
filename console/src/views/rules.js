// The Rules view: every running rule with its status and live counters (GET /v1/rules, every 2 s), and one rule's
// page: its summary, counters, warnings, sinks, text and automaton, with edit, backtest and delete, and its version
// history (GET /v1/rules/{name}/versions): every version with when and how it came and ended, the diff between any
// two, and restoring an old version (its text deployed as a new version, after showing what it changes).

import { useState, useEffect } from 'preact/hooks';
import { html, usePoll, ErrorBox, ConfirmButton, Badge, Severity, Counters, count, lateEvents, time } from '../ui.js';
import { RuleInspector } from './inspect.js';
import { listRules, getRule, getNfa, deleteRule, ruleVersions, replaceRule, deployRules } from '../api.js';
import { NfaGraph } from './nfa.js';
import { CodeView } from './code.js';
import { conditions } from '../outline.js';
import { diffLines, changes } from '../diff.js';
import { DiffView } from './editor.js';

export function RulesView({ navigate }) {
  const rules = usePoll(listRules, 2000, 'rules');
  const list = rules.data || [];
  return html`<section class="view rules-view">
    <header class="view-head">
      <h1>Rules</h1>
      <span class="muted">${rules.loaded && !rules.error ? list.length + ' running, counters live' : ''}</span>
      <span class="grow"></span>
      <a class="button primary" href="#/editor">New rule</a>
    </header>
    <${ErrorBox} error=${rules.error} what="The rules could not be read"/>
    ${rules.loaded && !rules.error && list.length === 0 ? html`<p class="empty">No rule runs yet. Write one
      in the <a href="#/editor">editor</a> and deploy it.</p>` : null}
    ${list.length ? html`<div class="table-wrap"><table class="rules-table">
      <thead><tr>
        <th>rule</th><th>status</th><th class="num">events in</th><th class="num">matches</th>
        <th class="num">timeouts</th><th class="num">partial matches</th><th class="num">keys</th>
        <th class="num">late</th><th class="num">evaluation errors</th><th>deployed</th><th></th>
      </tr></thead>
      <tbody>${list.map((rule) => html`<tr data-rule=${rule.name}>
        <td><a href=${'#/rules/' + encodeURIComponent(rule.name)}><strong>${rule.name}</strong></a>
          <div class="muted small">v${rule.version} · ${rule.streams.join(', ')}
            ${rule.partitionBy.length ? ' · by ' + rule.partitionBy.join(', ') : ''}</div></td>
        <td><${Status} rule=${rule}/> <${Severity} value=${rule.severity}/></td>
        <td class="num">${count(rule.counters.eventsIn)}</td>
        <td class="num" data-counter="matches">${count(rule.counters.matches)}</td>
        <td class="num">${count(rule.counters.timeouts)}</td>
        <td class="num">${count(rule.counters.partialMatches)}</td>
        <td class="num">${count(rule.counters.keys)}</td>
        <td class="num">${count(lateEvents(rule.counters))}</td>
        <td class="num">${count(rule.counters.evaluationErrors)}</td>
        <td class="small">${time(Date.parse(rule.deployedAt))}</td>
        <td class="actions">
          <a href=${'#/editor/' + encodeURIComponent(rule.name)}>edit</a>
          <a href=${'#/backtest/' + encodeURIComponent(rule.name)}>backtest</a>
        </td>
      </tr>`)}</tbody>
    </table></div>` : null}
  </section>`;
}

function Status({ rule }) {
  const warnings = (rule.warnings || []).length;
  const troubled = rule.counters && (rule.counters.evaluationErrors > 0 || rule.counters.workBoundExceeded > 0);
  if (warnings) {
    return html`<${Badge} kind="warning">${warnings} warning${warnings > 1 ? 's' : ''}<//>`;
  }
  return html`<${Badge} kind=${troubled ? 'warning' : 'ok'}>running<//>`;
}

export function RuleView({ name, navigate }) {
  const rule = usePoll(() => getRule(name), 2000, 'rule:' + name);
  const [nfa, setNfa] = useState({ data: null, error: null });
  const [deleteError, setDeleteError] = useState(null);
  const version = rule.data ? rule.data.version : null;
  useEffect(() => {
    if (version === null) {
      return;
    }
    getNfa(name).then((data) => setNfa({ data, error: null }), (error) => setNfa({ data: null, error }));
  }, [name, version]);

  if (rule.error && rule.error.status === 404) {
    return html`<section class="view rule-view"><h1>${name}</h1>
      <p class="empty">No rule named <code>${name}</code> runs. <a href="#/rules">All rules</a></p>
      <${History} name=${name} running=${null} reload=${rule.reload}/></section>`;
  }
  const data = rule.data;
  const remove = async () => {
    try {
      await deleteRule(name);
      navigate('#/rules');
    } catch (error) {
      setDeleteError(error);
    }
  };
  return html`<section class="view rule-view">
    <header class="view-head">
      <h1>${name}</h1>
      ${data ? html`<span class="muted">version ${data.version}, deployed ${time(Date.parse(data.deployedAt))}</span>`
        : null}
      <span class="grow"></span>
      <a class="button" href=${'#/editor/' + encodeURIComponent(name)}>Edit</a>
      <a class="button" href=${'#/backtest/' + encodeURIComponent(name)}>Backtest</a>
      <${ConfirmButton} label="Delete" class="danger" confirm=${'Delete ' + name + '? Its partial matches go too.'}
        onConfirm=${remove}/>
    </header>
    <${ErrorBox} error=${rule.error} what="The rule could not be read"/>
    <${ErrorBox} error=${deleteError} what="Not deleted"/>
    ${data ? html`
      <div class="facts">
        <div><span class="muted">streams</span> ${data.streams.join(', ')}</div>
        <div><span class="muted">partitioned by</span> ${data.partitionBy.length ? data.partitionBy.join(', ')
          : 'nothing (one key)'}</div>
        <div><span class="muted">severity</span> <${Severity} value=${data.severity}/></div>
      </div>
      ${(data.warnings || []).map((w) => html`<div class="warning-box">${w}</div>`)}
      <h2>Counters</h2>
      <${Counters} counters=${data.counters}/>
      ${data.sinks && data.sinks.length ? html`<h2>Sinks</h2><div class="table-wrap"><table>
        <thead><tr><th>sink</th><th>type</th><th class="num">delivered</th><th class="num">failed</th>
          <th class="num">dropped</th><th class="num">queued</th><th>last error</th></tr></thead>
        <tbody>${data.sinks.map((s) => html`<tr><td>${s.name}</td><td>${s.type}</td>
          <td class="num">${count(s.delivered)}</td><td class="num">${count(s.failed)}</td>
          <td class="num">${count(s.dropped)}</td><td class="num">${count(s.queued)}</td>
          <td class="small">${s.lastError || s.state || ''}</td></tr>`)}</tbody></table></div>` : null}
      <h2>Automaton</h2>
      <${ErrorBox} error=${nfa.error} what="The automaton could not be read"/>
      ${nfa.data ? html`<${RuleInspector} name=${name} rule=${data} nfa=${nfa.data}
        defined=${conditions(data.source, name)}/>` : null}
      <h2>Text</h2>
      <${CodeView} text=${data.source}/>
      <${History} name=${name} running=${data.version} reload=${rule.reload}/>
    ` : null}
  </section>`;
}

const HOW = { http: 'over HTTP', 'rules folder': 'rules folder', restore: 'restored' };

/**
 * A rule's versions, newest first: pick two (from, to) to see their diff, or restore one, which shows what it would
 * change against the running version and deploys its text as a new version once confirmed.
 */
function History({ name, running, reload }) {
  const history = usePoll(() => ruleVersions(name), 0, 'versions:' + name + ':' + running);
  const [picked, setPicked] = useState({ from: null, to: null });
  const [restoring, setRestoring] = useState(null);
  const [restore, setRestore] = useState({ busy: false, error: null });
  if (history.error && history.error.status === 404) {
    return null;
  }
  const versions = history.data ? history.data.versions : [];
  const find = (number) => versions.find((v) => v.version === number) || null;
  const to = find(picked.to) || versions[0] || null;
  const from = find(picked.from) || versions.find((v) => to && v.version < to.version) || null;
  const current = versions.find((v) => v.running) || null;
  const restoreNow = async (version) => {
    setRestore({ busy: true, error: null });
    try {
      if (current) {
        await replaceRule(name, version.source);
      } else {
        await deployRules(version.source);
      }
      setRestore({ busy: false, error: null });
      setRestoring(null);
      reload();
      history.reload();
    } catch (error) {
      setRestore({ busy: false, error });
    }
  };
  const restoreDiff = restoring && current ? diffLines(current.source, restoring.source) : null;
  return html`<div class="history" id="rule-history">
    <h2>Versions</h2>
    <${ErrorBox} error=${history.error} what="The version history could not be read"/>
    ${history.data && !history.data.complete ? html`<p class="muted small">Older versions are no longer kept (the
      server keeps 20 ended versions per rule).</p>` : null}
    ${versions.length ? html`<div class="table-wrap"><table class="versions-table">
      <thead><tr><th title="compare from">from</th><th title="compare to">to</th><th>version</th><th>deployed</th>
        <th>how</th><th>ended</th><th></th></tr></thead>
      <tbody>${versions.map((v) => html`<tr data-version=${v.version} class=${v.running ? 'running' : ''}>
        <td><input type="radio" name="diff-from" aria-label=${'compare from version ' + v.version}
          checked=${from && from.version === v.version}
          onChange=${() => setPicked({ from: v.version, to: to ? to.version : null })}/></td>
        <td><input type="radio" name="diff-to" aria-label=${'compare to version ' + v.version}
          checked=${to && to.version === v.version}
          onChange=${() => setPicked({ from: from ? from.version : null, to: v.version })}/></td>
        <td><strong>v${v.version}</strong></td>
        <td class="small">${time(Date.parse(v.deployedAt))}</td>
        <td class="small">${HOW[v.how] || v.how}${v.file ? html` <code>${v.file}</code>` : null}</td>
        <td class="small"><${Ended} version=${v}/></td>
        <td class="actions">${v.running ? html`<${Badge} kind="ok">running<//>` : html`<button class="restore"
          onClick=${() => { setRestoring(v); setRestore({ busy: false, error: null }); }}>Restore</button>`}</td>
      </tr>`)}</tbody>
    </table></div>` : null}
    ${restoring ? html`<div class="restore-box" id="restore-box">
      <p>Restore version ${restoring.version}: its text is deployed as a new version${current
        ? ', replacing version ' + current.version : ''}.</p>
      ${restoreDiff ? (changes(restoreDiff) ? html`<${DiffView} lines=${restoreDiff}
        before=${'version ' + current.version + ' (running)'} after=${'version ' + restoring.version}/>`
        : html`<p class="muted">The running version has the same text.</p>`) : null}
      <${ErrorBox} error=${restore.error} what="Not restored"/>
      <div class="row">
        <${ConfirmButton} label=${'Restore version ' + restoring.version} class="primary"
          disabled=${restore.busy || (restoreDiff && !changes(restoreDiff))}
          confirm=${current ? 'Replace version ' + current.version + ' with this text?' : 'Deploy this text again?'}
          onConfirm=${() => restoreNow(restoring)}/>
        <button onClick=${() => setRestoring(null)}>Close</button>
      </div>
    </div>` : null}
    ${from && to && from !== to ? html`<${DiffView} lines=${diffLines(from.source, to.source)}
      before=${'version ' + from.version} after=${'version ' + to.version}/>` : null}
  </div>`;
}

/** How a version ended: replaced (when, by which, and whether its partial matches were kept), deleted, or not. */
function Ended({ version }) {
  if (version.running) {
    return html`<span class="muted">runs now</span>`;
  }
  if (version.replacedBy !== undefined) {
    const kept = version.partialMatches === 'kept' ? 'partial matches kept'
      : version.partialMatches === 'dropped' ? 'partial matches dropped' + (version.why ? ': ' + version.why : '')
        : 'partial matches: not known';
    return html`<span>replaced by v${version.replacedBy} ${time(Date.parse(version.replacedAt))}${' '}
      <span class=${'muted verdict ' + (version.partialMatches || '')}>(${kept})</span></span>`;
  }
  if (version.deletedAt !== undefined) {
    return html`<span>deleted ${version.deletedAt ? time(Date.parse(version.deletedAt)) : ''}</span>`;
  }
  return html`<span class="muted">—</span>`;
}
