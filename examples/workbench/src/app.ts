/**
 * The workbench page: three screens (Verify, Learn, Inspect), file pickers and drop zones, one
 * progress bar with a cancel button, and the results drawn from what the compute worker posts.
 * Nothing is sent anywhere: files are read in the worker and never leave the machine.
 *
 * @module
 */
import { heatMap, sparkBars, spectrumPlot } from './plots.js';
import type {
  DatasetSummary,
  FitResult,
  FoldMessage,
  InputFile,
  InspectResult,
  JobRequest,
  JobResult,
  LearnResult,
  VerifyResult,
  WorkerMessage,
} from './protocol.js';
import { formatBytes } from './read-files.js';

declare const WORKER_SOURCE: string;

type Child = Node | string | null | undefined | false;

/** document.createElement with attributes and children. */
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// ── The worker and the one job at a time ────────────────────────────────────────────────────────

let worker: Worker | null = null;
let busy: { reject(e: Error): void } | null = null;
let onMessage: (m: WorkerMessage) => void = () => {};

function startWorker(): Worker {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url);
  URL.revokeObjectURL(url);
  w.onmessage = (e: MessageEvent<WorkerMessage>) => onMessage(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    busy?.reject(new Error(`the compute worker failed: ${e.message}`));
  };
  return w;
}

class Cancelled extends Error {}

/** Posts a job; resolves with its result, calls `onFold` for streamed folds. */
function runJob(job: JobRequest, onFold: (m: FoldMessage) => void = () => {}): Promise<JobResult> {
  worker ??= startWorker();
  clearError();
  setBusy(true, 'starting');
  return new Promise<JobResult>((resolve, reject) => {
    busy = { reject };
    onMessage = (m) => {
      if (m.type === 'progress') setProgress(m.fraction, m.text);
      else if (m.type === 'fold') onFold(m);
      else if (m.type === 'result') {
        setProgress(1, 'done');
        resolve(m.result);
      } else reject(Object.assign(new Error(m.message), { file: m.file, expected: m.expected }));
    };
    worker!.postMessage(job);
  }).finally(() => {
    busy = null;
    setBusy(false);
  });
}

function cancelJob(): void {
  if (!busy) return;
  worker?.terminate();
  worker = null;
  busy.reject(new Cancelled('cancelled'));
}

// ── Progress, status and errors ─────────────────────────────────────────────────────────────────

function setBusy(on: boolean, text?: string): void {
  $<HTMLButtonElement>('cancel').disabled = !on;
  for (const b of document.querySelectorAll<HTMLButtonElement>('button.run')) b.disabled = on;
  document.body.classList.toggle('busy', on);
  if (on) setProgress(0, text ?? '');
}

function setProgress(fraction: number, text: string): void {
  const bar = $<HTMLProgressElement>('progress');
  bar.value = Math.max(0, Math.min(1, fraction));
  $('status').textContent = text;
}

function clearError(): void {
  $('error').replaceChildren();
  $('error').hidden = true;
}

function showError(e: unknown): void {
  if (e instanceof Cancelled) {
    setProgress(0, 'cancelled: the worker was stopped');
    return;
  }
  const err = e as Error & { file?: string; expected?: string };
  const box = $('error');
  box.replaceChildren(
    el('strong', {}, err.file ? `${err.file}: ` : 'Cannot do this: '),
    el('span', { class: 'message' }, err.message),
    err.expected ? el('p', {}, 'Expected: ', err.expected) : '',
  );
  box.hidden = false;
  setProgress(0, 'stopped by an error (see above)');
}

// ── Files: pickers, drop zones and folders ─────────────────────────────────────────────────────

/** Files under a dropped directory entry, with their paths. */
async function entryFiles(entry: FileSystemEntry, prefix = ''): Promise<InputFile[]> {
  if (entry.isFile)
    return new Promise((resolve, reject) =>
      (entry as FileSystemFileEntry).file((file) => resolve([{ path: prefix + entry.name, file }]), reject),
    );
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const all: InputFile[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    for (const child of batch) all.push(...(await entryFiles(child, `${prefix}${entry.name}/`)));
  }
  return all;
}

function fromInput(input: HTMLInputElement): InputFile[] {
  return Array.from(input.files ?? [], (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** Lists the chosen files and their sizes before any work starts. */
function listFiles(target: HTMLElement, files: InputFile[]): void {
  const total = files.reduce((a, f) => a + f.file.size, 0);
  target.replaceChildren(
    files.length
      ? el(
          'p',
          {},
          `${files.length} file${files.length > 1 ? 's' : ''}, ${formatBytes(total)}: `,
          files.map((f) => `${f.path} (${formatBytes(f.file.size)})`).join(', '),
        )
      : '',
  );
}

/** Wires a drop zone and its file inputs; `changed` gets the current files. */
function fileZone(
  zone: HTMLElement,
  inputs: HTMLInputElement[],
  changed: (files: InputFile[]) => void,
): void {
  for (const input of inputs) input.addEventListener('change', () => changed(fromInput(input)));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const items = Array.from(e.dataTransfer?.items ?? []);
    const entries = items.map((i) => i.webkitGetAsEntry?.()).filter((x): x is FileSystemEntry => !!x);
    const files = entries.length
      ? (await Promise.all(entries.map((en) => entryFiles(en)))).flat()
      : Array.from(e.dataTransfer?.files ?? [], (file) => ({ path: file.name, file }));
    changed(files);
  });
}

// ── Tables ─────────────────────────────────────────────────────────────────────────────────────

/** A table in a box that scrolls sideways when the table is wider than the page. */
function scrolling(t: HTMLTableElement): HTMLDivElement {
  return el('div', { class: 'scroll' }, t);
}

function table(
  caption: string,
  head: string[],
  rows: Child[][],
  attrs: Record<string, string> = {},
): HTMLDivElement {
  return scrolling(
    el(
      'table',
      attrs,
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
    ),
  );
}

const num = (v: number, digits = 4) => (Number.isNaN(v) ? '—' : v.toFixed(digits));

// ── Verify ─────────────────────────────────────────────────────────────────────────────────────

let verifyFiles: InputFile[] = [];

function showVerify(r: VerifyResult): void {
  const failed = r.checks.filter((c) => !c.pass);
  const what = { svd: 'SVD', qr: 'QR factorization', eigh: 'symmetric eigendecomposition' }[r.factorization];
  const verdict = el(
    'p',
    {
      id: 'verify-verdict',
      class: r.ok ? 'pass' : 'fail',
      'data-ok': String(r.ok),
      'data-millis': r.millis.toFixed(0),
    },
    r.ok
      ? `PASS: the ${what} reproduces A`
      : `FAIL: ${failed.map((c) => (c.value === undefined ? `${c.name} does not hold` : `${c.name} = ${c.value.toPrecision(3)} ≥ ${r.threshold}`)).join('; ')}`,
  );
  $('verify-results').replaceChildren(
    verdict,
    el(
      'p',
      {},
      `${r.source === 'computed' ? 'Computed by numts: the' : 'The'} ${what} of the ${r.shape[0]}×${r.shape[1]} matrix A (${Object.entries(
        r.arrays,
      )
        .map(([k, f]) => `${k} from ${f}`)
        .join(', ')}), checked in ${(r.millis / 1000).toFixed(2)} s.`,
    ),
    table(
      `Scaled residuals (pass below ${r.threshold}, LAPACK's test threshold) and structural checks`,
      ['check', 'value', 'result'],
      r.checks.map((c) => [
        c.name,
        c.value === undefined ? '' : c.value.toPrecision(3),
        el('span', { class: c.pass ? 'pass' : 'fail' }, c.pass ? 'pass' : 'FAIL'),
      ]),
      { id: 'verify-checks' },
    ),
    el(
      'div',
      { class: 'figures' },
      el(
        'figure',
        {},
        spectrumPlot(r.spectrum, r.spectrumLabel),
        el('figcaption', {}, `${r.spectrumLabel} (log scale)`),
      ),
      heatMap(r.heat.values, r.heat.size, r.heat.title, r.heat.pooled),
    ),
  );
}

// ── Learn ──────────────────────────────────────────────────────────────────────────────────────

let learnFiles: InputFile[] = [];
let dataset: DatasetSummary | null = null;

function optionFields(): void {
  const method = dataset?.methods.find((m) => m.name === $<HTMLSelectElement>('method').value);
  const box = $('options');
  box.replaceChildren();
  if (!method) return;
  for (const [name, kind] of Object.entries(method.options)) {
    const id = `opt-${name}`;
    const control =
      typeof kind === 'string'
        ? el('input', {
            id,
            name,
            type: 'text',
            inputmode: 'decimal',
            placeholder: 'default',
            'data-option': name,
          })
        : el(
            'select',
            { id, name, 'data-option': name },
            el('option', { value: '' }, 'default'),
            ...kind.map((k) => el('option', { value: k }, k)),
          );
    box.append(
      el(
        'div',
        { class: 'field' },
        el('label', { for: id }, `${name} (${typeof kind === 'string' ? kind : 'choice'})`),
        control,
      ),
    );
  }
}

function showDataset(d: DatasetSummary): void {
  dataset = d;
  $('dataset').textContent =
    `${d.task === 'pll' ? 'Partial-label' : 'Multi-label'} data: ${d.rows} rows, ${d.features} features, ${d.labels} labels.`;
  $<HTMLSelectElement>('method').replaceChildren(
    ...d.methods.map((m) => el('option', { value: m.name }, `${m.name}: ${m.title}`)),
  );
  $<HTMLInputElement>('folds').value = String(d.defaultFolds);
  optionFields();
  $('learn-form').hidden = false;
  $('learn-results').replaceChildren();
}

function learnRequest() {
  const options: Record<string, string> = {};
  for (const c of $('options').querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-option]'))
    options[c.dataset.option!] = c.value;
  return {
    files: learnFiles,
    method: $<HTMLSelectElement>('method').value,
    options,
    folds: Number($<HTMLInputElement>('folds').value),
    seed: Number($<HTMLInputElement>('seed').value),
  };
}

function foldRow(m: FoldMessage): void {
  const body = $('fold-rows');
  body.append(
    el(
      'tr',
      {},
      el('td', {}, String(m.index + 1)),
      ...Object.values(m.metrics).map((v) => el('td', {}, num(v))),
    ),
  );
}

function startFoldTable(task: 'pll' | 'multilabel'): void {
  const keys =
    task === 'pll'
      ? ['accuracy']
      : ['hamming_loss', 'ranking_loss', 'one_error', 'coverage', 'average_precision'];
  $('learn-results').replaceChildren(
    el(
      'table',
      { id: 'folds-table', class: 'scroll' },
      el('caption', {}, 'Per-fold results (streamed as each fold finishes)'),
      el(
        'thead',
        {},
        el('tr', {}, el('th', { scope: 'col' }, 'fold'), ...keys.map((k) => el('th', { scope: 'col' }, k))),
      ),
      el('tbody', { id: 'fold-rows' }),
    ),
  );
}

function showLearn(r: LearnResult): void {
  const keys = Object.keys(r.mean);
  const summary = el(
    'p',
    { id: 'learn-summary', 'data-mean': JSON.stringify(r.mean), 'data-per-fold': JSON.stringify(r.perFold) },
    `${r.method}, ${r.folds} folds, seed ${r.seed}: `,
    keys.map((k) => `${k} ${num(r.mean[k]!)} ± ${num(r.std[k]!)}`).join(', '),
  );
  const extra: Node[] = [];
  if (r.confusion) {
    const max = Math.max(...r.confusion.flat(), 1);
    extra.push(
      scrolling(
        el(
          'table',
          { id: 'confusion', class: 'confusion' },
          el('caption', {}, 'Confusion matrix over every test row (rows: true label, columns: predicted)'),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { scope: 'col' }, ''),
              ...r.labelNames.map((_, j) => el('th', { scope: 'col' }, String(j + 1))),
            ),
          ),
          el(
            'tbody',
            {},
            ...r.confusion.map((row, i) =>
              el(
                'tr',
                {},
                el('th', { scope: 'row' }, r.labelNames[i]!),
                ...row.map((c) =>
                  el(
                    'td',
                    {
                      style: `background: rgba(40, 90, 200, ${(0.85 * c) / max})`,
                      class: c / max > 0.5 ? 'dark' : '',
                    },
                    String(c),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
  if (r.perLabel) {
    const p = r.perLabel;
    extra.push(
      table(
        'Per-label results over every test row',
        ['label', 'support', 'precision', 'recall', 'F1'],
        r.labelNames.map((name, j) => [
          name,
          String(p.support[j]),
          num(p.precision[j]!, 3),
          num(p.recall[j]!, 3),
          num(p.f1[j]!, 3),
        ]),
        { id: 'per-label' },
      ),
    );
  }
  $('learn-results').prepend(summary);
  $('learn-results').append(...extra);
}

function download(r: FitResult): void {
  const a = el(
    'a',
    {
      href: URL.createObjectURL(new Blob([r.json], { type: 'application/json' })),
      download: r.fileName,
      id: 'model-link',
    },
    `Download ${r.fileName}`,
  );
  $('model').replaceChildren(
    a,
    ` (${formatBytes(r.json.length)}; fitted on every row, features standardised — their means and standard deviations are in the file)`,
  );
  a.click();
}

// ── Inspect ────────────────────────────────────────────────────────────────────────────────────

let inspectFiles: InputFile[] = [];

function showInspect(r: InspectResult): void {
  const withDirections = r.modules.some((m) => m.directions);
  const rows = r.modules.map((m) => {
    const tr = el(
      'tr',
      {
        'data-path': m.path,
        'data-adapter': m.adapter,
        'data-rank': m.rank,
        'data-norm-delta': m.normDelta,
        'data-norm-a': m.normA,
        'data-norm-b': m.normB,
        'data-scaling': m.scaling,
      },
      ...[
        r.adapters.length > 1 ? m.adapter : null,
        m.path,
        m.kind,
        m.shape[0] > 0 ? m.shape.join('×') : '—',
        String(m.rank),
        m.scaling.toPrecision(3),
        m.normA.toPrecision(3),
        m.normB.toPrecision(3),
        m.normDelta.toPrecision(3),
        el(
          'span',
          { class: 'spectrum' },
          sparkBars(m.singularValues),
          ` ${m.singularValues
            .slice(0, 4)
            .map((v) => v.toPrecision(3))
            .join(' ')}`,
        ),
        m.singularValues.length ? m.stableRank.toFixed(2) : '—',
        withDirections
          ? m.directions
            ? m.directions.map((index, j) => `${index}: ${m.rates![j]!.toPrecision(3)}`).join(', ')
            : 'base weight not found'
          : null,
      ]
        .filter((c) => c !== null)
        .map((c, i, all) =>
          el('td', withDirections && i === all.length - 1 ? { class: 'directions' } : {}, c),
        ),
    );
    return tr;
  });
  const head = [
    r.adapters.length > 1 ? 'adapter' : null,
    'module',
    'kind',
    'shape',
    'r',
    'scale s',
    '‖A‖',
    '‖B‖',
    '‖ΔW‖',
    'σ(ΔW)',
    'stable rank',
    withDirections ? 'task-specific directions (index in σ(W): δ)' : null,
  ].filter((h): h is string => h !== null);
  $('inspect-results').replaceChildren(
    el(
      'p',
      {},
      `${r.modules.length} adapted modules in ${r.adapters.length} adapter${r.adapters.length > 1 ? 's' : ''}${r.base ? `; base weights from ${r.base}` : ' (add the base model’s .safetensors file to see task-specific directions)'}.`,
    ),
    scrolling(
      el(
        'table',
        { id: 'inspect-table' },
        el('caption', {}, 'Adapted modules (bars: the singular values of ΔW relative to the largest)'),
        el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, ...rows),
      ),
    ),
  );
}

// ── Tabs and wiring ────────────────────────────────────────────────────────────────────────────

function selectTab(name: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role=tab]')) {
    const on = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute('aria-controls')!).hidden = !on;
  }
}

function wire(): void {
  const tabs = Array.from(document.querySelectorAll<HTMLButtonElement>('[role=tab]'));
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => selectTab(tab.dataset.tab!));
    tab.addEventListener('keydown', (e) => {
      const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
      if (next === null) return;
      const t = tabs[(next + tabs.length) % tabs.length]!;
      selectTab(t.dataset.tab!);
      t.focus();
    });
  });
  $('cancel').addEventListener('click', cancelJob);

  fileZone($('verify-zone'), [$<HTMLInputElement>('verify-input')], (files) => {
    verifyFiles = files;
    listFiles($('verify-list'), files);
  });
  $('verify-run').addEventListener('click', () => {
    $('verify-results').replaceChildren();
    runJob({ kind: 'verify', files: verifyFiles }).then((r) => showVerify(r as VerifyResult), showError);
  });

  fileZone($('learn-zone'), [$<HTMLInputElement>('learn-input')], (files) => {
    learnFiles = files;
    listFiles($('learn-list'), files);
    $('learn-form').hidden = true;
    $('learn-results').replaceChildren();
    $('model').replaceChildren();
    if (files.length)
      runJob({ kind: 'describe', files }).then((r) => showDataset(r as DatasetSummary), showError);
  });
  $('method').addEventListener('change', optionFields);
  $('learn-run').addEventListener('click', () => {
    if (!dataset) return;
    startFoldTable(dataset.task);
    runJob({ kind: 'learn', ...learnRequest() }, foldRow).then((r) => showLearn(r as LearnResult), showError);
  });
  $('fit-run').addEventListener('click', () => {
    const { files, method, options } = learnRequest();
    runJob({ kind: 'fit', files, method, options }).then((r) => download(r as FitResult), showError);
  });

  fileZone(
    $('inspect-zone'),
    [$<HTMLInputElement>('inspect-input'), $<HTMLInputElement>('inspect-folder')],
    (files) => {
      inspectFiles = files;
      listFiles($('inspect-list'), files);
    },
  );
  $('inspect-run').addEventListener('click', () => {
    $('inspect-results').replaceChildren();
    const directions = Number($<HTMLInputElement>('directions').value);
    runJob({ kind: 'inspect', files: inspectFiles, directions }).then(
      (r) => showInspect(r as InspectResult),
      showError,
    );
  });

  worker = startWorker();
  onMessage = (m) => {
    if (m.type === 'progress') {
      $('status').textContent = m.text;
      $('backend').textContent = m.text.replace(/^ready \(compute backend: (.*)\)$/, '$1');
      document.body.dataset.ready = 'true';
    }
  };
  if ('serviceWorker' in navigator && location.protocol.startsWith('http'))
    navigator.serviceWorker.register('sw.js').catch(() => {});
}

wire();
