// The automaton of a rule (GET /v1/rules/{name}/nfa) drawn as a graph: dagre lays out the states and transitions,
// and the console draws its own SVG: states as boxes (the start state with an arrow in, the final state doubled),
// transitions as arrows labelled with their action and the condition as text. Long conditions are cut in the
// label and shown whole in the transition list below and as the arrow's tooltip. Given them, it also shows the live
// number of partial matches waiting in each state (a badge on the box) and marks the states a key's runs wait in.

import { Graph, layout } from '@dagrejs/dagre';
import { html } from '../ui.js';
import { guardText } from '../outline.js';

const CHAR_WIDTH = 6.6;   // of the 11px monospace labels, for the layout's label sizes
const LINE_HEIGHT = 14;
const LABEL_CHARS = 44;
const LOOP_CHARS = 36;

/** The condition of an edge as shown on the arrow: at most two lines of LABEL_CHARS characters. */
function cut(text) {
  const lines = [];
  let rest = text || 'true';
  while (rest.length > 0 && lines.length < 2) {
    lines.push(rest.slice(0, LABEL_CHARS));
    rest = rest.slice(LABEL_CHARS);
  }
  if (rest.length > 0) {
    lines[1] = lines[1].slice(0, LABEL_CHARS - 1) + '…';
  }
  return lines;
}

const BOX_HEIGHT = 44;

/**
 * States and edges of the automaton laid out: {width, height, nodes: [...], edges: [...]}. Self-loops are not
 * given to dagre (which draws them poorly): each state's box is made tall enough to hold its loops above it.
 */
export function layoutNfa(nfa, defined = {}) {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 80, edgesep: 24, marginx: 34, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const state of nfa.states) {
    const loops = state.edges.filter((edge) => edge.target === state.id).map((edge) => ({ edge }));
    const loopLines = loops.map(({ edge }) => {
      const text = edge.action + ' ' + guardText(edge.guard, defined);
      return text.length > LOOP_CHARS ? text.slice(0, LOOP_CHARS - 1) + '…' : text;
    });
    const loopWidth = loopLines.length ? Math.max(...loopLines.map((l) => l.length)) * CHAR_WIDTH : 0;
    const title = stateTitle(state);
    const boxWidth = Math.max(70, Math.max(title.length, state.kind.length) * 7.5 + 24);
    const width = Math.max(boxWidth, loopWidth);
    const loopHeight = loops.length ? 22 + loops.length * 8 + loopLines.length * LINE_HEIGHT : 0;
    graph.setNode(String(state.id), { width, boxWidth, height: BOX_HEIGHT + loopHeight, state, loops, loopLines,
      loopHeight });
  }
  nfa.states.forEach((state) => {
    state.edges.forEach((edge, index) => {
      if (edge.target === state.id) {
        return;
      }
      const lines = [edge.action, ...cut(guardText(edge.guard, defined))];
      const width = Math.max(...lines.map((line) => line.length)) * CHAR_WIDTH + 8;
      graph.setEdge(String(state.id), String(edge.target), {
        width, height: lines.length * LINE_HEIGHT + 4, labelpos: 'c', edge, lines, from: state.id, index,
      }, state.id + ':' + index);
    });
  });
  layout(graph);
  const nodes = graph.nodes().map((id) => {
    const node = graph.node(id);
    // the box proper sits at the bottom of the node's space, the loops above it
    return Object.assign(node, { boxY: node.y + node.loopHeight / 2 });
  });
  const byId = new Map(nodes.map((node) => [node.state.id, node]));
  const edges = graph.edges().map((e) => {
    const edge = graph.edge(e);
    // dagre aims at the middle of the whole space; move the ends onto the boxes
    const from = byId.get(Number(e.v));
    const to = byId.get(Number(e.w));
    const points = edge.points.map((p) => ({ x: p.x, y: p.y }));
    points[0] = border(from, points[1]);
    points[points.length - 1] = border(to, points[points.length - 2]);
    return Object.assign(edge, { points });
  });
  const { width, height } = graph.graph();
  return { width: Math.ceil(width), height: Math.ceil(height), nodes, edges };
}

/** Where the line from the centre of {@code node}'s box towards {@code point} leaves the box. */
function border(node, point) {
  const dx = point.x - node.x;
  const dy = point.y - node.boxY;
  const w = node.boxWidth / 2;
  const h = BOX_HEIGHT / 2;
  if (dx === 0 && dy === 0) {
    return { x: node.x, y: node.boxY };
  }
  const scale = Math.abs(dy) * w > Math.abs(dx) * h ? h / Math.abs(dy) : w / Math.abs(dx);
  return { x: node.x + dx * scale, y: node.boxY + dy * scale };
}

/** A duration in the largest unit that divides it: 10 min, 30 s, 250 ms. */
function duration(ms) {
  for (const [unit, size] of [['d', 86400000], ['h', 3600000], ['min', 60000], ['s', 1000]]) {
    if (ms >= size && ms % size === 0) {
      return ms / size + ' ' + unit;
    }
  }
  return ms + ' ms';
}

function stateTitle(state) {
  return state.kind === 'final' ? 'match' : state.name;
}

function path(points) {
  if (!points || points.length === 0) {
    return '';
  }
  let d = 'M' + points[0].x + ',' + points[0].y;
  if (points.length === 2) {
    return d + 'L' + points[1].x + ',' + points[1].y;
  }
  // a smooth curve through the layout's points: quadratic segments to the midpoints
  for (let i = 1; i < points.length - 1; i++) {
    const mid = { x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 };
    d += 'Q' + points[i].x + ',' + points[i].y + ' ' + (i === points.length - 2 ? points[i + 1].x + ','
      + points[i + 1].y : mid.x + ',' + mid.y);
  }
  return d;
}

/** A loop above a state's box, {@code i} from 0 (innermost). */
function loopPath(node, i) {
  const top = node.boxY - BOX_HEIGHT / 2;
  const spread = 12 + i * 6;
  const rise = 20 + i * 8;
  return 'M' + (node.x - spread) + ',' + top + 'C' + (node.x - spread - 10) + ',' + (top - rise) + ' '
    + (node.x + spread + 10) + ',' + (top - rise) + ' ' + (node.x + spread) + ',' + top;
}

/** The badge of a state's live count of partial matches, at the box's top right corner. */
function CountBadge({ node, count }) {
  const text = count.toLocaleString('en-US');
  const width = 12 + text.length * 7;
  const x = node.x + node.boxWidth / 2 - width / 2 - 2;
  const y = node.boxY - BOX_HEIGHT / 2 - 8;
  return html`<g class=${'nfa-count' + (count > 0 ? ' held' : '')} data-count=${count}>
    <title>${text} partial match${count === 1 ? '' : 'es'} wait${count === 1 ? 's' : ''} here now</title>
    <rect x=${x} y=${y} width=${width} height="18" rx="9"/>
    <text x=${x + width / 2} y=${y + 13} text-anchor="middle">${text}</text>
  </g>`;
}

/**
 * The graph of {@code nfa} (the JSON of GET /v1/rules/{name}/nfa); {@code defined} maps pattern variables to
 * their conditions (outline.conditions of the rule's text), so transitions read as conditions, not names.
 * {@code counts} (by state id, from {@code ?counts=true}) puts each state's partial matches on its box, except the
 * start state's (always 0: every key has it); {@code marked} (a Set of state ids) marks the states a key's runs
 * wait in.
 */
export function NfaGraph({ nfa, defined = {}, counts = null, marked = null }) {
  const laid = layoutNfa(nfa, defined);
  const start = laid.nodes.find((node) => node.state.id === nfa.start);
  return html`<div class="nfa">
    <div class="nfa-scroll">
      <svg class="nfa-graph" viewBox=${'0 0 ' + laid.width + ' ' + laid.height} width=${laid.width}
          height=${laid.height} role="img" aria-label=${'automaton of rule ' + nfa.name}>
        <defs>
          <marker id="nfa-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"
              orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" class="nfa-arrowhead"/></marker>
        </defs>
        ${laid.edges.map((e) => html`<g class=${'nfa-edge ' + e.edge.action} data-action=${e.edge.action}>
          <title>${e.edge.action} → ${nfa.states[e.edge.target].name} if ${guardText(e.edge.guard, defined)}</title>
          <path d=${path(e.points)} marker-end="url(#nfa-arrow)"/>
          <rect class="nfa-label-box" x=${e.x - e.width / 2} y=${e.y - e.height / 2} width=${e.width}
            height=${e.height} rx="4"/>
          <text x=${e.x} y=${e.y - (e.lines.length * LINE_HEIGHT) / 2 + 10} text-anchor="middle">
            ${e.lines.map((line, i) => html`<tspan x=${e.x} dy=${i === 0 ? 0 : LINE_HEIGHT}
              class=${i === 0 ? 'nfa-action' : 'nfa-guard'}>${line}</tspan>`)}
          </text>
        </g>`)}
        ${start ? html`<path class="nfa-entry" d=${'M' + (start.x - start.boxWidth / 2 - 26) + ',' + start.boxY
          + 'L' + (start.x - start.boxWidth / 2 - 2) + ',' + start.boxY} marker-end="url(#nfa-arrow)"/>` : null}
        ${laid.nodes.map((n) => html`<g class=${'nfa-state ' + n.state.kind
            + (marked && marked.has(n.state.id) ? ' marked' : '')} data-state=${n.state.name}
            data-kind=${n.state.kind}>
          <title>${n.state.name} (${n.state.kind})${n.state.variable ? ', binds ' + n.state.variable : ''}</title>
          ${n.loops.map((loop, i) => html`<g class=${'nfa-edge nfa-loop ' + loop.edge.action}
              data-action=${loop.edge.action}>
            <title>${loop.edge.action} → ${n.state.name} if ${guardText(loop.edge.guard, defined)}</title>
            <path d=${loopPath(n, i)} marker-end="url(#nfa-arrow)"/>
          </g>`)}
          ${n.loops.length ? html`<text class="nfa-loop-label" x=${n.x} text-anchor="middle"
              y=${n.boxY - BOX_HEIGHT / 2 - 24 - n.loops.length * 8 - (n.loopLines.length - 1) * LINE_HEIGHT}>
            ${n.loopLines.map((line, i) => html`<tspan x=${n.x} dy=${i === 0 ? 0 : LINE_HEIGHT}
              class=${'nfa-loop-line ' + n.loops[i].edge.action}>${line}</tspan>`)}</text>` : null}
          ${n.state.kind === 'final' ? html`<rect x=${n.x - n.boxWidth / 2 - 4} y=${n.boxY - BOX_HEIGHT / 2 - 4}
            width=${n.boxWidth + 8} height=${BOX_HEIGHT + 8} rx="14" class="nfa-outer"/>` : null}
          <rect x=${n.x - n.boxWidth / 2} y=${n.boxY - BOX_HEIGHT / 2} width=${n.boxWidth} height=${BOX_HEIGHT}
            rx="10"/>
          <text x=${n.x} y=${n.boxY - 3} text-anchor="middle" class="nfa-name">${stateTitle(n.state)}</text>
          <text x=${n.x} y=${n.boxY + 12} text-anchor="middle" class="nfa-kind">${n.state.kind}</text>
          ${counts && n.state.kind !== 'start' && Number.isFinite(counts[n.state.id])
            ? html`<${CountBadge} node=${n} count=${counts[n.state.id]}/>` : null}
        </g>`)}
      </svg>
    </div>
    <p class="muted nfa-legend">
      <span class="legend take">take</span> binds the event to the state's variable${' · '}
      <span class="legend ignore">ignore</span> skips it and stays${' · '}
      <span class="legend proceed">proceed</span> moves on without an event.
      ${' Skip strategy ' + nfa.skip + (nfa.windowMs ? ', window ' + duration(nfa.windowMs) : '') + '.'}
    </p>
    <details class="nfa-transitions">
      <summary>Transitions as text (${nfa.states.reduce((n, s) => n + s.edges.length, 0)})</summary>
      <div class="table-wrap"><table><thead><tr><th>from</th><th>action</th><th>to</th><th>condition</th></tr></thead>
        <tbody>${nfa.states.flatMap((state) => state.edges.map((edge) => html`<tr>
          <td>${state.name}</td><td>${edge.action}</td><td>${nfa.states[edge.target].name}</td>
          <td><code>${guardText(edge.guard, defined)}</code></td></tr>`))}</tbody></table></div>
    </details>
  </div>`;
}
