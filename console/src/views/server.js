// The Server view: small charts over the last minutes from the server's own metrics (GET /metrics every 2 s, kept
// in the page only), readiness, the latest checkpoint, and the savepoints with create and delete.

import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { html, usePoll, ErrorBox, ConfirmButton, count, time } from '../ui.js';
import { metricsText, readiness, checkpoints, listSavepoints, createSavepoint, deleteSavepoint } from '../api.js';
import { parseMetrics, point, labelsOf } from '../metrics.js';

const SCRAPE_EVERY_MS = 2000;
/** Points kept: ten minutes at one scrape every two seconds. */
const KEEP_POINTS = 300;

const CHARTS = [
  { key: 'eventsPerSecond', title: 'Events in', unit: '/s' },
  { key: 'alertsPerSecond', title: 'Alerts', unit: '/s' },
  { key: 'lagSeconds', title: 'Source lag (largest)', unit: 's' },
  { key: 'partialMatches', title: 'Partial matches', unit: '' },
  { key: 'checkpointSeconds', title: 'Checkpoint duration', unit: 's' },
];

// The series outlive the view: going to another view and back keeps the minutes already seen.
const history = { points: [], last: null };

export function ServerView({ generation }) {
  const [points, setPoints] = useState(history.points);
  const [error, setError] = useState(null);
  const [build, setBuild] = useState(null);

  useEffect(() => {
    let stopped = false;
    let timer = null;
    const scrape = async () => {
      try {
        const samples = parseMetrics(await metricsText());
        const at = Date.now();
        const next = point(samples, history.last && history.last.point, at, history.last && history.last.at);
        history.last = { point: next, at };
        history.points = [...history.points, next].slice(-KEEP_POINTS);
        if (!stopped) {
          setPoints(history.points);
          setBuild(labelsOf(samples, 'vigil_build_info'));
          setError(null);
        }
      } catch (failed) {
        if (!stopped) {
          setError(failed);
        }
      }
      if (!stopped) {
        timer = setTimeout(scrape, SCRAPE_EVERY_MS);
      }
    };
    scrape();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [generation]);

  const latest = points.length ? points[points.length - 1] : null;
  return html`<section class="view server-view">
    <header class="view-head"><h1>Server</h1>
      ${build ? html`<span class="muted">Vigil ${build.version} (${build.commit})</span>` : null}</header>
    <${Readiness}/>
    <${ErrorBox} error=${error} what="The metrics could not be read"/>
    <div class="charts">
      ${CHARTS.map((chart) => html`<div class="chart-card" data-chart=${chart.key}>
        <div class="chart-head"><span>${chart.title}</span>
          <strong>${latest && latest[chart.key] !== null ? count(latest[chart.key]) + ' ' + chart.unit : '—'}</strong>
        </div>
        <${Chart} points=${points} series=${chart.key} unit=${chart.unit}/>
      </div>`)}
    </div>
    <${Checkpoints} generation=${generation}/>
    <${Savepoints} generation=${generation}/>
  </section>`;
}

/** One uPlot line chart of {@code series} over the points' times; sized to its box. */
function Chart({ points, series, unit }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const element = box.current;
    const width = Math.max(200, element.clientWidth);
    plot.current = new uPlot({
      width, height: 120, legend: { show: false }, cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{ stroke: '#8a94a6', grid: { show: false }, size: 24 },
        { stroke: '#8a94a6', size: 50, values: (u, values) => values.map((v) => shortNumber(v) + unit) }],
      series: [{}, { stroke: '#3b82f6', width: 1.5, fill: 'rgba(59,130,246,0.12)', spanGaps: true }],
    }, [[], []], element);
    const resize = new ResizeObserver(() => {
      plot.current.setSize({ width: Math.max(200, element.clientWidth), height: 120 });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current.destroy();
    };
  }, []);
  useEffect(() => {
    plot.current.setData([points.map((p) => p.at / 1000), points.map((p) => p[series])]);
  }, [points]);
  return html`<div class="chart" ref=${box}></div>`;
}

function shortNumber(v) {
  const abs = Math.abs(v);
  if (abs >= 1e6) {
    return (v / 1e6).toFixed(1) + 'M';
  }
  if (abs >= 1e3) {
    return (v / 1e3).toFixed(1) + 'k';
  }
  return String(Math.round(v * 100) / 100);
}

function Readiness() {
  const ready = usePoll(readiness, 5000, 'ready');
  if (!ready.data) {
    return html`<${ErrorBox} error=${ready.error} what="Readiness unknown"/>`;
  }
  const up = ready.data.status === 'ready';
  return html`<div class=${'readiness ' + (up ? 'ok' : 'bad')} id="readiness">
    <strong>${up ? 'Ready' : 'Not ready'}</strong>${ready.data.reason ? ': ' + ready.data.reason : ''}
    ${ready.data.sources ? Object.entries(ready.data.sources).map(([s, state]) => html` · ${s}: ${state}`) : null}
  </div>`;
}

function Checkpoints({ generation }) {
  const state = usePoll(checkpoints, 5000, 'checkpoints:' + generation);
  if (state.error && state.error.status === 409) {
    return null;
  }
  const data = state.data;
  return html`<div class="checkpoints"><h2>Checkpoints</h2>
    <${ErrorBox} error=${state.error} what="Checkpoints"/>
    ${data ? html`<p>
      ${`${count(data.completed)} completed, ${count(data.failed)} failed, every ${count(data.intervalMs / 1000)} s. `}
      ${data.latest ? html`Latest: ${time(Date.parse(data.latest.createdAt))}${`, ${count(data.latest.durationMs)} ms, `
        + `${count(data.latest.stateBytes)} bytes of state, ${count(data.latest.rules)} rules.`}` : ''}
      ${data.lastFailure ? html`<span class="warn">${' Last failure: ' + data.lastFailure}</span>` : ''}
    </p>` : null}
  </div>`;
}

function Savepoints({ generation }) {
  const list = usePoll(listSavepoints, 0, 'savepoints:' + generation);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const create = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await createSavepoint(name.trim());
      setName('');
      list.reload();
    } catch (failed) {
      setError(failed);
    }
    setBusy(false);
  };
  const remove = async (savepoint) => {
    setError(null);
    try {
      await deleteSavepoint(savepoint);
    } catch (failed) {
      setError(failed);
    }
    list.reload();
  };
  return html`<div class="savepoints"><h2>Savepoints</h2>
    <p class="muted">A savepoint is a checkpoint kept under a name until deleted; <code>vigil serve --from-savepoint
      NAME</code> starts from it.</p>
    <form class="row" onSubmit=${create}>
      <input name="savepoint" placeholder="name, e.g. before-upgrade" value=${name} pattern=${'[A-Za-z0-9._\\-]{1,100}'}
        title="1 to 100 letters, digits, '.', '_' or '-'" onInput=${(e) => setName(e.target.value)}/>
      <button class="primary" type="submit" disabled=${busy || name.trim() === ''}>
        ${busy ? 'Taking…' : 'Take savepoint'}</button>
    </form>
    <${ErrorBox} error=${error} what="Savepoint"/>
    <${ErrorBox} error=${list.error} what="The savepoints could not be read"/>
    ${list.data && list.data.length ? html`<div class="table-wrap"><table class="savepoints-table">
      <thead><tr><th>name</th><th>taken</th><th class="num">rules</th><th class="num">size</th><th></th></tr></thead>
      <tbody>${list.data.map((s) => html`<tr data-savepoint=${s.name}><td>${s.name}</td>
        <td>${time(Date.parse(s.createdAt))}</td><td class="num">${(s.rules || []).length}</td>
        <td class="num">${count(s.sizeBytes)} B</td>
        <td><${ConfirmButton} label="Delete" class="danger" confirm=${'Delete ' + s.name + '?'}
          onConfirm=${() => remove(s.name)}/></td></tr>`)}</tbody></table></div>`
      : list.loaded && !list.error ? html`<p class="empty">No savepoint.</p>` : null}
  </div>`;
}
