// dtors report: the page that shows a study's charts and transcripts. It runs from the file system,
// with no server and no network. Every piece of the study's text is put on the page as text
// (textContent, text nodes), never as markup: the Content-Security-Policy in index.html requires
// Trusted Types, under which an HTML string could not be used even by mistake, and allows scripts only
// from the report's own folder. Views are chosen by the part of the address after #, so that every
// view can be bookmarked, shared, and returned to with Back.
'use strict';

(() => {
  // ---------------------------------------------------------------------------------------- data
  // Data files call dtorsData(value). Which file called is known from the script element running.
  const loading = new Map();
  const rules = {
    createScriptURL(url) {
      if (/^data\/(site|theme-\d+|t\/\d+)\.js$/.test(url)) return url;
      throw new TypeError(`not a data file of this report: ${url}`);
    },
  };
  // A browser without Trusted Types ignores that part of the policy; the same check stands.
  const policy = window.trustedTypes ? window.trustedTypes.createPolicy('dtors', rules) : rules;
  window.dtorsData = (value) => {
    const src = document.currentScript && document.currentScript.getAttribute('src');
    const entry = src && loading.get(src);
    if (entry) entry.resolve(value);
  };
  function load(file) {
    let entry = loading.get(file);
    if (!entry) {
      let resolve;
      let reject;
      const promise = new Promise((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      entry = { promise, resolve, reject };
      loading.set(file, entry);
      const s = document.createElement('script');
      s.src = policy.createScriptURL(file);
      s.onerror = () => entry.reject(new Error(`${file} could not be read`));
      document.head.append(s);
    }
    return entry.promise;
  }
  /**
   * A theme's data, with its rows, cells and entries as objects: the file holds them as arrays, the
   * order of whose fields its `layout` gives (flags as 1 or 0). Each kind of object is made by one
   * literal, which keeps reading a thousand rows quick.
   */
  function loadTheme(file) {
    return load(file).then((data) => {
      // Read back once: a theme opened again is the same object, already read.
      if (!data.layout) return data;
      const at = (names) => Object.fromEntries(names.map((n, i) => [n, i]));
      const R = at(data.layout.row);
      const C = at(data.layout.cell);
      const E = at(data.layout.entry);
      const entry = (e) => ({
        ref: e[E.ref],
        t: e[E.t],
        startLine: e[E.startLine],
        endLine: e[E.endLine],
        code: e[E.code],
        key: e[E.key] === 1,
        summary: e[E.summary],
        auto: e[E.auto] === 1,
        note: e[E.note],
        coder: e[E.coder],
      });
      const cell = (c) => ({ code: c[C.code], state: c[C.state], summary: c[C.summary], note: c[C.note], entries: c[C.entries].map(entry) });
      data.rows = data.rows.map((r) => ({ case: r[R.case], cells: r[R.cells].map(cell) }));
      delete data.layout;
      return data;
    });
  }
  /** A transcript's data, with its text as `lines` (the file holds one string and the line count). */
  function loadTranscript(file) {
    return load(file).then((t) => {
      // Split once: a transcript opened again is the same object.
      if (typeof t.lines === 'number') t.lines = t.lines ? t.text.split('\n', t.lines) : [];
      return t;
    });
  }

  // -------------------------------------------------------------------------------------- helpers
  /** An element with attributes and children (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) e.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
    return e;
  }
  /** Text with every case-insensitive occurrence of `q` marked. */
  function marked(text, q) {
    if (!q) return [text];
    const out = [];
    const lower = text.toLowerCase();
    const needle = q.toLowerCase();
    let at = 0;
    for (let i = lower.indexOf(needle); i !== -1; i = lower.indexOf(needle, i + needle.length)) {
      if (i > at) out.push(text.slice(at, i));
      out.push(el('mark', {}, text.slice(i, i + needle.length)));
      at = i + needle.length;
    }
    if (at < text.length) out.push(text.slice(at));
    return out;
  }
  const hash = (parts, params) => {
    const path = '#/' + parts.map(encodeURIComponent).join('/');
    const q = new URLSearchParams();
    for (const [k, v] of params || []) if (v !== undefined && v !== null && v !== '') q.append(k, v);
    const s = q.toString();
    return s ? `${path}?${s}` : path;
  };
  const main = document.getElementById('main');
  function show(...nodes) {
    main.replaceChildren(...nodes.flat(Infinity).filter((n) => n !== null && n !== undefined && n !== false));
  }
  const say = (text) => el('p', { class: 'status', role: 'status' }, text);

  // --------------------------------------------------------------------------------------- routes
  let site;
  let rendering = 0;
  function route() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const [path, query] = raw.split('?');
    const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    return { parts, params: new URLSearchParams(query || '') };
  }

  async function render() {
    // A chart still filling in stops when another view is asked for.
    rendering++;
    const { parts, params } = route();
    try {
      if (parts[0] === 'theme') return await renderTheme(parts[1], params);
      if (parts[0] === 'transcript') return await renderTranscript(parts[1], params);
      if (parts[0] === 'find') return await renderFind(params.get('q') || '');
      return renderOverview();
    } catch (e) {
      show(el('h1', {}, 'This view could not be shown'), el('p', {}, String(e && e.message ? e.message : e)));
    }
  }

  function setTitle(...parts) {
    document.title = [...parts, site.title || 'Framework charts'].filter(Boolean).join(' · ');
  }
  function markCurrent(href) {
    for (const a of document.querySelectorAll('header nav a')) {
      if (a.getAttribute('href') === href) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  // ------------------------------------------------------------------------------------- overview
  function renderOverview() {
    setTitle();
    markCurrent('#/');
    const c = site.counts;
    const pct = (a, b) => (b ? `${Math.round((a / b) * 100)}%` : '–');
    const facts = [
      ['Cases', c.cases],
      ['Transcripts', c.transcripts],
      ['Coded passages', c.passages],
      ['Cells coded', `${c.coded} of ${c.cells} (${pct(c.coded, c.cells)})`],
      ['Coded cells summarised', `${c.summarised} of ${c.coded} (${pct(c.summarised, c.coded)})`],
      ['Cell summaries', c.cellSummaries],
    ];
    const byCase = new Map();
    for (const t of site.transcripts) {
      const k = t.case || '';
      if (!byCase.has(k)) byCase.set(k, []);
      byCase.get(k).push(t);
    }
    show(
      el('h1', {}, site.title || 'Framework charts'),
      site.frameTitle ? el('p', { class: 'lead' }, `Frame: ${site.frameTitle}`) : null,
      el('dl', { class: 'facts' }, facts.map(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))])),
      el('h2', {}, 'Themes'),
      el(
        'ul',
        { class: 'frame' },
        site.themes.map((t) =>
          el(
            'li',
            {},
            el('a', { href: hash(['theme', t.id]) }, `${t.id} ${t.label}`),
            t.description ? el('p', { class: 'description' }, t.description) : null,
            el('ul', {}, t.columns.map((col) => el('li', {}, col.header))),
          ),
        ),
      ),
      site.pictures.length ? el('h2', {}, 'Coverage') : null,
      // A row per case: a thousand cases make pictures that take the browser seconds to draw, so for a
      // large study they wait, folded, until asked for (a folded lazy image is not loaded).
      site.pictures.map((p) =>
        el('details', { class: 'picture', open: site.counts.cases <= 200 }, el('summary', {}, p.title), el('div', { class: 'scroll' }, el('img', { src: p.file, alt: p.alt, loading: 'lazy', decoding: 'async' }))),
      ),
      el('h2', {}, 'Transcripts'),
      el(
        'ul',
        { class: 'transcripts' },
        [...byCase].map(([kase, ts]) => el('li', {}, kase ? `${kase}: ` : '', ts.map((t, i) => [i ? ', ' : '', el('a', { href: hash(['transcript', t.id]) }, t.id)]))),
      ),
      el('p', { class: 'generator' }, `Made by ${site.generator.name} ${site.generator.version}.`),
    );
  }

  // ----------------------------------------------------------------------------------------- theme
  async function renderTheme(id, params) {
    const theme = site.themes.find((t) => t.id === id) || site.themes[0];
    if (!theme) return show(el('h1', {}, 'No themes'));
    const href = hash(['theme', theme.id]);
    markCurrent(href);
    setTitle(`${theme.id} ${theme.label}`);
    show(say('Loading the chart…'));
    const data = await loadTheme(`data/theme-${theme.n}.js`);
    const where = params.getAll('where').map((w) => {
      const i = w.indexOf('=');
      return [w.slice(0, i), w.slice(i + 1)];
    });
    const caseById = new Map(site.cases.map((c) => [c.id, c]));
    const keep = (row) => where.every(([a, v]) => ((caseById.get(row.case) || { attributes: {} }).attributes[a] || '').toLowerCase() === v.toLowerCase());
    const rows = data.rows.filter(keep);

    // Filters: one list per case attribute, as --where on the command line.
    const filters = el('form', { class: 'filters', 'aria-label': 'Filter the cases' });
    for (const a of site.attributes) {
      const values = [...new Set(site.cases.map((c) => c.attributes[a]).filter(Boolean))].sort();
      if (!values.length) continue;
      const current = (where.find(([k]) => k === a) || [])[1] || '';
      const fid = `filter-${site.attributes.indexOf(a)}`;
      const select = el('select', { id: fid, name: a }, el('option', { value: '' }, 'any'), values.map((v) => el('option', { value: v, selected: v.toLowerCase() === current.toLowerCase() }, v)));
      select.addEventListener('change', () => {
        const next = [...filters.querySelectorAll('select')].filter((s) => s.value).map((s) => ['where', `${s.name}=${s.value}`]);
        location.replace(hash(['theme', theme.id], next));
      });
      filters.append(el('span', { class: 'filter' }, el('label', { for: fid }, a), select));
    }
    const count = el('p', { class: 'count', role: 'status' }, `${rows.length} of ${data.rows.length} cases${where.length ? ` where ${where.map(([a, v]) => `${a} is ${v}`).join(' and ')}` : ''}`);

    const columns = theme.columns;
    const row = (r) => {
      const kase = caseById.get(r.case) || { attributes: {} };
      return el(
        'tr',
        {},
        el('th', { scope: 'row' }, r.case),
        theme.attributes.map((a) => el('td', { class: 'attribute' }, kase.attributes[a] || '')),
        r.cells.map((cell) => renderCell(theme, r.case, cell, where)),
      );
    };
    // Rows are shown a batch at a time, so that a chart of a thousand cases appears at once and fills in;
    // those up to a cell to return to are shown first. Fixed column widths spare the browser measuring
    // every cell before it can lay out the first row.
    const focus = params.get('focus');
    const upTo = focus ? rows.findIndex((r) => r.cells.some((c) => `${r.case}~${c.code}` === focus)) + 1 : 0;
    const first = Math.max(60, upTo);
    const tbody = el('tbody', {}, rows.slice(0, first).map(row));
    const table = el(
      'table',
      { class: 'chart' },
      el('caption', {}, `${theme.id} ${theme.label}`),
      el('colgroup', {}, el('col', { class: 'c-case' }), theme.attributes.map(() => el('col', { class: 'c-attribute' })), columns.map(() => el('col', { class: 'c-code' }))),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'case'), theme.attributes.map((a) => el('th', { scope: 'col' }, a)), columns.map((c) => el('th', { scope: 'col' }, c.header)))),
      tbody,
    );
    const view = rendering;
    const more = (from) => {
      if (view !== rendering || from >= rows.length) return;
      tbody.append(...rows.slice(from, from + 100).map(row));
      requestAnimationFrame(() => more(from + 100));
    };
    requestAnimationFrame(() => more(first));
    show(
      el('h1', {}, `${theme.id} ${theme.label}`),
      theme.description ? el('p', { class: 'description' }, theme.description) : null,
      filters,
      count,
      el('div', { class: 'scroll table' }, table),
      legend(),
    );
    // Back from a transcript: the cell that was left is found again, and has the focus.
    if (focus) {
      const target = [...table.querySelectorAll('td[data-cell]')].find((td) => td.dataset.cell === focus);
      if (target) {
        target.scrollIntoView({ block: 'center' });
        target.focus();
        return;
      }
    }
    main.focus({ preventScroll: true });
  }

  function renderCell(theme, kase, cell, where) {
    const td = el('td', { class: `cell ${cell.state}`, tabindex: '-1', 'data-cell': `${kase}~${cell.code}` });
    const here = hash(['theme', theme.id], [...where.map(([a, v]) => ['where', `${a}=${v}`]), ['focus', `${kase}~${cell.code}`]]);
    const refs = (entries) =>
      entries.map((e, i) => [
        i ? '; ' : '',
        el(
          'a',
          {
            href: hash(['transcript', site.transcripts[e.t - 1] ? site.transcripts[e.t - 1].id : ''], [['lines', `${e.startLine}-${e.endLine}`]]),
            class: 'ref',
            // Leaving for the transcript, this view is remembered with the cell, so Back returns to it.
            onclick: () => history.replaceState(null, '', here),
          },
          e.ref,
          e.key ? el('span', { class: 'key', title: 'key quote', 'aria-label': '(key quote)' }, '*') : null,
        ),
      ]);
    if (cell.state === 'empty') return td;
    if (cell.state === 'cell-summary' || cell.state === 'not-discussed' || cell.state === 'not-asked') {
      const text = cell.state === 'cell-summary' ? cell.summary : `[${cell.state.replace('-', ' ')}]`;
      td.append(el('p', { class: cell.state === 'cell-summary' ? 'summary' : 'absence' }, text, cell.entries.length ? [' (', refs(cell.entries), ')'] : null));
      if (cell.note) td.append(note(cell.note));
      for (const e of cell.entries) if (e.note) td.append(note(e.note, e.ref));
      return td;
    }
    for (const e of cell.entries) {
      const summary = e.summary ? el('span', { class: e.auto ? 'auto' : 'text' }, e.summary) : el('span', { class: 'pending' }, '[not summarised]');
      td.append(el('p', { class: 'entry' }, summary, ' (', refs([e]), ')'));
      if (e.note) td.append(note(e.note));
    }
    return td;
  }

  function note(text, ref) {
    return el('p', { class: 'note' }, el('span', { class: 'note-label' }, 'Note: '), text, ref ? ` (${ref})` : null);
  }

  function legend() {
    return el(
      'details',
      { class: 'legend' },
      el('summary', {}, 'What the cells show'),
      el(
        'dl',
        {},
        [
          ['P07:112-118', 'A reference: transcript P07, lines 112 to 118. Follow it to read the passage.'],
          ['*', 'A key quote.'],
          ['Note:', "A researcher's note, set apart from the summaries."],
          ['[not summarised]', 'Coded, not yet summarised.'],
          ['[not discussed] / [not asked]', 'A recorded absence.'],
          ['[auto] …', "The participant's own words, chosen by dtors: not an analyst's summary."],
        ].map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
      ),
    );
  }

  // ------------------------------------------------------------------------------------ transcript
  async function renderTranscript(id, params) {
    const meta = site.transcripts.find((t) => t.id === id);
    if (!meta) return show(el('h1', {}, 'No such transcript'), el('p', {}, id || ''));
    markCurrent(null);
    setTitle(meta.id);
    show(say('Loading the transcript…'));
    const t = await loadTranscript(meta.file);
    const range = /^(\d+)-(\d+)$/.exec(params.get('lines') || '');
    const from = range ? Number(range[1]) : 0;
    const to = range ? Number(range[2]) : -1;
    const q = params.get('q') || '';

    // The passages that start on each line, to show their codes beside it; and every coded line.
    const starts = new Map();
    const codedLines = new Set();
    for (const p of t.passages) {
      if (!starts.has(p.startLine)) starts.set(p.startLine, []);
      starts.get(p.startLine).push(p);
      for (let l = p.startLine; l <= p.endLine; l++) codedLines.add(l);
    }
    const list = el('ol', { class: 'lines' });
    t.lines.forEach((text, i) => {
      const n = i + 1;
      const target = n >= from && n <= to;
      const codes = (starts.get(n) || []).map((p) =>
        el('li', { class: p.key ? 'code key' : 'code' }, `${p.code} ${p.label}`, p.key ? el('span', { class: 'key', title: 'key quote', 'aria-label': '(key quote)' }, '*') : null, ` (lines ${p.startLine}-${p.endLine}${p.coder ? `, ${p.coder}` : ''})`),
      );
      list.append(
        el(
          'li',
          { value: n, id: `L${n}`, class: [codedLines.has(n) ? 'coded' : '', target ? 'target' : ''].filter(Boolean).join(' ') || null, tabindex: target && n === from ? '-1' : null },
          el('span', { class: 'num', 'aria-hidden': 'true' }, String(n)),
          el('span', { class: 'text' }, marked(text, q)),
          codes.length ? el('ul', { class: 'codes', 'aria-label': `passages starting at line ${n}` }, codes) : null,
        ),
      );
    });
    const input = el('input', { id: 'in-q', type: 'search', value: q, autocomplete: 'off', spellcheck: 'false' });
    const findHere = el(
      'form',
      { class: 'find-here', role: 'search', onsubmit: (ev) => {
        ev.preventDefault();
        location.replace(hash(['transcript', meta.id], [['lines', range ? `${from}-${to}` : ''], ['q', input.value.trim()]]));
      } },
      el('label', { for: 'in-q' }, 'Find in this transcript'),
      input,
      el('button', { type: 'submit' }, 'Find'),
    );
    const hits = q ? t.lines.reduce((n, l) => n + (l.toLowerCase().includes(q.toLowerCase()) ? 1 : 0), 0) : 0;
    show(
      el('p', { class: 'back' }, el('button', { type: 'button', onclick: () => history.back() }, '← Back'), ' ', meta.case ? ['Case ', meta.case, '. '] : null, `${t.lines.length} lines, ${t.passages.length} coded passages.`),
      el('h1', {}, meta.id),
      range ? el('p', { class: 'passage-note' }, `Lines ${from}-${to} are highlighted.`) : null,
      findHere,
      q ? el('p', { role: 'status' }, `${hits} line${hits === 1 ? '' : 's'} with “${q}”.`) : null,
      el('div', { class: 'transcript' }, list),
    );
    const first = range ? document.getElementById(`L${from}`) : q ? list.querySelector('mark') : null;
    if (first) {
      first.scrollIntoView({ block: 'center' });
      if (first.focus) first.focus({ preventScroll: true });
    } else main.focus({ preventScroll: true });
  }

  // ------------------------------------------------------------------------------------------ find
  let search = 0;
  async function renderFind(q) {
    markCurrent(null);
    setTitle(`Find: ${q}`);
    document.getElementById('find-q').value = q;
    const mine = ++search;
    const status = el('p', { role: 'status', class: 'status' }, '');
    const results = el('ol', { class: 'results' });
    const MAX = 500;
    show(el('h1', {}, `Find “${q}” in the transcripts`), status, results);
    if (!q.trim()) return (status.textContent = 'Type what to look for in the box above.');
    const needle = q.toLowerCase();
    let found = 0;
    let read = 0;
    // Transcripts are read a few at a time, and only now: the report loads none before it needs one.
    for (let i = 0; i < site.transcripts.length && found < MAX; i += 8) {
      const batch = site.transcripts.slice(i, i + 8);
      const texts = await Promise.all(batch.map((m) => loadTranscript(m.file)));
      if (mine !== search) return;
      texts.forEach((t, k) => {
        t.lines.forEach((line, j) => {
          if (found >= MAX || !line.toLowerCase().includes(needle)) return;
          found++;
          results.append(el('li', {}, el('a', { href: hash(['transcript', batch[k].id], [['lines', `${j + 1}-${j + 1}`], ['q', q]]) }, `${batch[k].id}:${j + 1}`), ' ', el('span', { class: 'line' }, marked(line, q))));
        });
      });
      read += batch.length;
      status.textContent = `${found}${found >= MAX ? '+' : ''} lines found in ${read} of ${site.transcripts.length} transcripts…`;
    }
    status.textContent = `${found}${found >= MAX ? '+ (the first ' + MAX + ' shown)' : ''} line${found === 1 ? '' : 's'} found in ${read} transcripts.`;
  }

  // ----------------------------------------------------------------------------------------- start
  document.getElementById('skip').addEventListener('click', () => main.focus());
  document.getElementById('find').addEventListener('submit', (ev) => {
    ev.preventDefault();
    location.hash = hash(['find'], [['q', document.getElementById('find-q').value.trim()]]);
  });
  window.addEventListener('hashchange', render);
  load('data/site.js').then(
    (s) => {
      site = s;
      document.getElementById('themes').replaceChildren(...site.themes.map((t) => el('li', {}, el('a', { href: hash(['theme', t.id]) }, `${t.id} ${t.label}`))));
      render();
    },
    (e) => show(el('h1', {}, 'The report could not be read'), el('p', {}, String(e.message))),
  );
})();
