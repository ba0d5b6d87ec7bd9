// A line diff of two rule texts (the running version and the one about to replace it): the longest common
// subsequence of lines, as `diff` shows it. Rule texts are bounded by the server (ruleTextLimitBytes, 64 KiB by
// default), so the quadratic table stays small; beyond 4,000 lines a side the texts are shown as replaced whole.

const MAX_LINES = 4000;

/** [{kind: 'same'|'removed'|'added', text, oldLine, newLine}] turning {@code before} into {@code after}. */
export function diffLines(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length > MAX_LINES || b.length > MAX_LINES) {
    return [...a.map((text, i) => ({ kind: 'removed', text, oldLine: i + 1 })),
      ...b.map((text, i) => ({ kind: 'added', text, newLine: i + 1 }))];
  }
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..]
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1] + 1
        : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const lines = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i], oldLine: i + 1, newLine: j + 1 });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lengths[(i + 1) * width + j] >= lengths[i * width + j + 1])) {
      lines.push({ kind: 'removed', text: a[i], oldLine: i + 1 });
      i++;
    } else {
      lines.push({ kind: 'added', text: b[j], newLine: j + 1 });
      j++;
    }
  }
  return lines;
}

/** Whether the diff changes anything. */
export function changes(lines) {
  return lines.some((line) => line.kind !== 'same');
}
