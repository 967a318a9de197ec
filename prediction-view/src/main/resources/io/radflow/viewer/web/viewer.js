// Radflow viewer: the study list (live), a frame viewer and the predictions drawn over the frame.
// Vanilla JavaScript and one canvas; everything comes from this service's /api (no CDN).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const PALETTE = ['#ff3b3b', '#ffc400', '#00d1ff', '#7cff4f', '#ff4fd8', '#ff8a00', '#9b7bff', '#00ffa8'];

  const state = {
    key: localStorage.getItem('radflow.apiKey') || '',
    project: null,
    study: null,          // the study JSON
    predictions: [],      // current (or with history) predictions of the open study
    models: {},           // model id -> {name, versions: {n: {labels}}}
    images: [],           // [{series, sop, frame (1-based), frames}]
    index: 0,
    series: null,
    bitmap: null,
    bitmapKey: null,
    window: null,         // {c, w} or null for the instance's own window
    zoom: 1, panX: 0, panY: 0,
    hidden: new Set(),    // 'model' or 'model|labelKey' keys switched off
    stream: null,
    renders: 0,
  };

  // ---- API -------------------------------------------------------------------------------

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    if (state.key) h.Authorization = 'Bearer ' + state.key;
    return h;
  }

  async function api(path) {
    const r = await fetch(path, { headers: headers() });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((body.error && body.error.message) || ('HTTP ' + r.status));
    return body;
  }

  const q = (params) => Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');

  // ---- projects and the study list -------------------------------------------------------

  async function loadProjects() {
    const select = $('project');
    let items = [];
    try {
      items = (await api('/api/projects')).items;
      $('studies-message').textContent = items.length ? '' : 'No project is visible with this key.';
    } catch (e) {
      $('studies-message').textContent = e.message;
    }
    const wanted = hashParams().project || state.project || (items[0] && items[0].id);
    select.innerHTML = '';
    for (const p of items) {
      const o = document.createElement('option');
      o.value = p.id;
      o.textContent = p.name && p.name !== p.id ? p.name + ' (' + p.id + ')' : p.id;
      select.appendChild(o);
    }
    if (wanted && items.some((p) => p.id === wanted)) select.value = wanted;
    await selectProject(select.value || null);
  }

  async function selectProject(project) {
    state.project = project;
    connectEvents();
    await loadStudies();
    const study = hashParams().study;
    if (project && study) openStudy(study);
  }

  const seen = new Set();
  async function loadStudies() {
    const tbody = document.querySelector('#studies tbody');
    if (!state.project) { tbody.innerHTML = ''; return; }
    let page;
    try {
      page = await api('/api/studies?' + q({ project: state.project, limit: 200 }));
    } catch (e) {
      $('studies-message').textContent = e.message;
      return;
    }
    $('studies-message').textContent = page.total ? '' : 'No studies in this project yet; they appear here as they arrive.';
    const rows = page.items.map((s) => {
      const tr = document.createElement('tr');
      tr.dataset.study = s.studyUid;
      if (seen.size && !seen.has(s.studyUid)) tr.className = 'fresh';
      const preds = Object.entries(s.predictionCounts).map(([m, n]) => modelName(m) + ': ' + n).join(', ') || '-';
      const jobs = Object.entries(s.jobStates).map(([st, n]) => st.toLowerCase() + ' ' + n).join(', ') || '-';
      for (const text of [s.studyUid, s.modalities.join('/'), s.instanceCount, preds, jobs, new Date(s.lastUpdate).toLocaleString()]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      }
      tr.addEventListener('click', () => openStudy(s.studyUid));
      return tr;
    });
    page.items.forEach((s) => seen.add(s.studyUid));
    tbody.replaceChildren(...rows);
  }

  const knownModels = {};
  function modelName(id) {
    return (state.models[id] && state.models[id].name) || knownModels[id] || id;
  }

  // ---- live events (fetch, so the API key goes in a header, not the URL) -----------------

  function connectEvents() {
    if (state.stream) state.stream.abort();
    setLive(false);
    if (!state.project) return;
    const controller = new AbortController();
    state.stream = controller;
    const run = async () => {
      while (!controller.signal.aborted) {
        try {
          const r = await fetch('/api/events?' + q({ project: state.project }),
            { headers: headers({ Accept: 'text/event-stream' }), signal: controller.signal });
          if (!r.ok) throw new Error('HTTP ' + r.status);
          setLive(true);
          const reader = r.body.getReader();
          const decoder = new TextDecoder();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true });
            let cut;
            while ((cut = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, cut);
              buffer = buffer.slice(cut + 2);
              const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
              if (data) onEvent(JSON.parse(data));
            }
          }
        } catch (e) {
          if (controller.signal.aborted) return;
        }
        setLive(false);
        await new Promise((res) => setTimeout(res, 2000));
      }
    };
    run();
  }

  function setLive(on) {
    $('live').className = 'live ' + (on ? 'on' : 'off');
    $('live').textContent = on ? 'live' : 'offline';
  }

  let listTimer = null;
  let studyTimer = null;
  function onEvent(e) {
    clearTimeout(listTimer);
    listTimer = setTimeout(loadStudies, 150);
    if (state.study && e.studyUid === state.study.studyUid) {
      clearTimeout(studyTimer);
      studyTimer = setTimeout(() => refreshStudy(false), 150);
    }
  }

  // ---- a study ------------------------------------------------------------------------------

  async function openStudy(uid) {
    location.hash = q({ project: state.project, study: uid });
    state.study = { studyUid: uid, series: [] };
    state.series = null;
    state.index = 0;
    state.zoom = 1; state.panX = 0; state.panY = 0;
    state.window = null;
    $('studies-pane').hidden = true;
    $('study-pane').hidden = false;
    $('study-title').textContent = uid;
    await refreshStudy(true);
  }

  async function refreshStudy(first) {
    const uid = state.study.studyUid;
    let study, preds;
    try {
      [study, preds] = await Promise.all([
        api('/api/studies/' + encodeURIComponent(uid) + '?' + q({ project: state.project })),
        api('/api/studies/' + encodeURIComponent(uid) + '/predictions?' + q({ project: state.project, history: $('show-superseded').checked })),
      ]);
    } catch (e) {
      $('frame-message').textContent = e.message;
      return;
    }
    if (!state.study || state.study.studyUid !== uid) return;
    state.study = study;
    state.predictions = preds.predictions;
    state.models = Object.assign({}, study.models, preds.models);
    Object.entries(state.models).forEach(([id, m]) => { knownModels[id] = m.name; });
    $('study-title').textContent = uid + ' · ' + study.modalities.join('/') + ' · ' + study.instanceCount + ' instances';
    buildImages(first);
    renderSeries();
    renderLegend();
    renderJobs();
    await show();
  }

  function buildImages(first) {
    const current = state.images[state.index];
    state.images = [];
    for (const s of state.study.series) {
      for (const i of s.instances) {
        if (!i.hasPixelData) continue;
        for (let f = 1; f <= Math.max(1, i.frames); f++) state.images.push({ series: s.seriesUid, sop: i.sopUid, frame: f, frames: i.frames });
      }
    }
    if (!first && current) {
      const again = state.images.findIndex((im) => im.sop === current.sop && im.frame === current.frame);
      state.index = again >= 0 ? again : 0;
    } else {
      // Open on the first image that has predictions drawn over it, if any.
      const withOverlay = state.images.findIndex((im) => overlaysOf(im).length > 0);
      state.index = withOverlay >= 0 ? withOverlay : 0;
    }
    state.series = state.images[state.index] ? state.images[state.index].series : null;
  }

  function renderSeries() {
    const box = $('series');
    box.replaceChildren(...state.study.series.map((s) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = s.seriesUid === state.series ? 'active' : '';
      b.textContent = (s.modality || '?') + ' ' + (s.description || s.seriesUid) + ' (' + s.instances.length + ')';
      b.title = s.seriesUid;
      b.addEventListener('click', () => {
        const i = state.images.findIndex((im) => im.series === s.seriesUid);
        if (i >= 0) go(i);
      });
      return b;
    }));
  }

  // ---- predictions: which, what colour, shown or not ----------------------------------------

  function labelOf(p) {
    const m = state.models[p.modelId];
    const v = m && m.versions && m.versions[p.modelVersion];
    const l = v && p.classIndex !== null && v.labels[p.classIndex];
    return l || null;
  }

  function labelKey(p) { return p.classIndex === null ? 'none' : String(p.classIndex); }

  function labelName(p) {
    const l = labelOf(p);
    return l ? l.name : (p.labelId || (p.classIndex === null ? (p.type === 'NONE' ? 'no finding' : 'output') : 'class ' + p.classIndex));
  }

  function colour(p) {
    const models = Object.keys(state.models).sort();
    const m = Math.max(0, models.indexOf(p.modelId));
    const c = p.classIndex === null ? 0 : p.classIndex;
    return PALETTE[(m * 3 + c) % PALETTE.length];
  }

  function visible(p) {
    return !state.hidden.has(p.modelId) && !state.hidden.has(p.modelId + '|' + labelKey(p));
  }

  function probabilityText(p) {
    if (p.probability === null || p.probability === undefined) return '';
    if (typeof p.probability === 'number') return p.probability.toFixed(2);
    const best = p.probability.slice().sort((a, b) => b.probability - a.probability)[0];
    return p.probability.map((cp) => {
      const v = state.models[p.modelId] && state.models[p.modelId].versions[p.modelVersion];
      const name = v && v.labels[cp.classIndex] ? v.labels[cp.classIndex].name : 'class ' + cp.classIndex;
      return name + ' ' + cp.probability.toFixed(2) + (cp === best ? '*' : '');
    }).join(', ');
  }

  function overlaysOf(image) {
    if (!image) return [];
    return state.predictions.filter((p) => p.data && p.sopInstanceUid === image.sop
      && (p.frameNumber === null || p.frameNumber === image.frame - 1));
  }

  function renderLegend() {
    const byModel = {};
    for (const p of state.predictions) {
      const m = byModel[p.modelId] || (byModel[p.modelId] = {});
      const k = labelKey(p);
      (m[k] || (m[k] = { p, n: 0 })).n++;
    }
    const legend = $('legend');
    legend.replaceChildren(...Object.keys(byModel).sort().map((modelId) => {
      const div = document.createElement('div');
      div.className = 'model';
      div.appendChild(toggle(modelId, modelName(modelId), null, 'model'));
      const labels = document.createElement('div');
      labels.className = 'labels';
      for (const k of Object.keys(byModel[modelId]).sort()) {
        const { p, n } = byModel[modelId][k];
        labels.appendChild(toggle(modelId + '|' + k, labelName(p) + ' (' + n + ')', colour(p), 'label'));
      }
      div.appendChild(labels);
      return div;
    }));
    if (!legend.children.length) legend.textContent = 'No predictions yet.';
  }

  function toggle(key, text, swatch, kind) {
    const label = document.createElement('label');
    label.className = 'toggle ' + kind;
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = !state.hidden.has(key);
    box.dataset.toggle = key;
    box.addEventListener('change', () => {
      if (box.checked) state.hidden.delete(key); else state.hidden.add(key);
      draw();
      renderClassifications();
    });
    label.appendChild(box);
    if (swatch) {
      const s = document.createElement('span');
      s.className = 'swatch';
      s.style.background = swatch;
      label.appendChild(s);
    }
    label.appendChild(document.createTextNode(' ' + text));
    const wrap = document.createElement('div');
    wrap.appendChild(label);
    return wrap;
  }

  function renderClassifications() {
    const image = state.images[state.index];
    const list = $('classifications');
    const items = state.predictions.filter((p) => !p.data && visible(p) && (
      (image && p.sopInstanceUid === image.sop) || (!p.sopInstanceUid && image && p.seriesInstanceUid === image.series)
      || (!p.sopInstanceUid && !p.seriesInstanceUid)));
    list.replaceChildren(...items.map((p) => {
      const li = document.createElement('li');
      const level = p.sopInstanceUid ? 'instance' : p.seriesInstanceUid ? 'series' : 'study';
      const prob = probabilityText(p);
      li.textContent = modelName(p.modelId) + ' · ' + level + ': ' + labelName(p) + (prob ? ' ' + prob : '') + (p.note ? ' — ' + p.note : '');
      if (p.superseded) { li.className = 'superseded'; li.title = 'superseded by job ' + p.supersededByJobId; }
      return li;
    }));
    if (!items.length) list.innerHTML = '<li>none</li>';
  }

  function renderJobs() {
    $('jobs').replaceChildren(...state.study.jobs.map((j) => {
      const li = document.createElement('li');
      li.textContent = j.modelName + ' v' + j.modelVersion + ' ' + j.scope.toLowerCase() + ' r' + j.revision + ': ' + j.state
        + (j.message ? ' (' + j.message + ')' : '');
      li.className = 'state-' + j.state + (j.superseded ? ' superseded' : '');
      return li;
    }));
  }

  // ---- the frame ------------------------------------------------------------------------------

  function go(i) {
    if (!state.images.length) return;
    state.index = Math.max(0, Math.min(state.images.length - 1, i));
    state.series = state.images[state.index].series;
    renderSeries();
    show();
  }

  async function show() {
    const image = state.images[state.index];
    $('position').textContent = image ? (state.index + 1) + ' / ' + state.images.length + (image.frames > 1 ? ' (frame ' + image.frame + ')' : '') : '0 / 0';
    renderClassifications();
    if (!image) {
      state.bitmap = null;
      $('frame-message').textContent = state.study.instanceCount ? 'No instance of this study has pixel data.' : 'No images of this study have arrived (yet).';
      draw();
      return;
    }
    const key = image.sop + '#' + image.frame + '#' + (state.window ? state.window.c + ',' + state.window.w : '');
    if (key !== state.bitmapKey) {
      const path = '/api/studies/' + encodeURIComponent(state.study.studyUid) + '/instances/' + encodeURIComponent(image.sop)
        + '/frames/' + image.frame + '.png?' + q({ project: state.project, window: state.window ? state.window.c + ',' + state.window.w : null });
      try {
        const r = await fetch(path, { headers: headers() });
        if (!r.ok) {
          const body = await r.json().catch(() => ({}));
          throw new Error((body.error && body.error.message) || 'HTTP ' + r.status);
        }
        state.bitmap = await createImageBitmap(await r.blob());
        $('frame-message').textContent = '';
      } catch (e) {
        // The predictions are still shown; say why there is no image.
        state.bitmap = null;
        $('frame-message').textContent = 'No image: ' + e.message;
      }
      state.bitmapKey = key;
    }
    draw();
  }

  function imageSize() {
    if (state.bitmap) return { w: state.bitmap.width, h: state.bitmap.height };
    const mask = overlaysOf(state.images[state.index]).find((p) => p.dataType === 'mask');
    return mask ? { w: mask.data.columns, h: mask.data.rows } : { w: 512, h: 512 };
  }

  function transform() {
    const canvas = $('frame');
    const { w, h } = imageSize();
    const scale = Math.min(canvas.width / w, canvas.height / h) * state.zoom;
    return { scale, x: (canvas.width - w * scale) / 2 + state.panX, y: (canvas.height - h * scale) / 2 + state.panY };
  }

  function draw() {
    const canvas = $('frame');
    const ctx = canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const t = transform();
    ctx.imageSmoothingEnabled = false;
    if (state.bitmap) ctx.drawImage(state.bitmap, t.x, t.y, state.bitmap.width * t.scale, state.bitmap.height * t.scale);
    for (const p of overlaysOf(state.images[state.index])) {
      if (visible(p)) drawPrediction(ctx, p, t);
    }
    state.renders++;
    canvas.dataset.renders = String(state.renders);
  }

  function drawPrediction(ctx, p, t) {
    const c = colour(p);
    const sx = (x) => t.x + x * t.scale;
    const sy = (y) => t.y + y * t.scale;
    ctx.save();
    ctx.strokeStyle = c;
    ctx.fillStyle = c;
    ctx.lineWidth = 2;
    ctx.setLineDash(p.superseded ? [6, 4] : []);
    let anchor;
    if (p.dataType === 'mask') {
      const { rows, columns, pixelsBase64 } = p.data;
      const bytes = Uint8Array.from(atob(pixelsBase64), (ch) => ch.charCodeAt(0));
      const off = document.createElement('canvas');
      off.width = columns;
      off.height = rows;
      const octx = off.getContext('2d');
      const img = octx.createImageData(columns, rows);
      const [r, g, b] = rgb(c);
      let top = null;
      for (let i = 0; i < rows * columns; i++) {
        if (!bytes[i]) continue;
        img.data[i * 4] = r; img.data[i * 4 + 1] = g; img.data[i * 4 + 2] = b; img.data[i * 4 + 3] = 255;
        if (top === null) top = i;
      }
      octx.putImageData(img, 0, 0);
      ctx.globalAlpha = 0.45;
      ctx.drawImage(off, t.x, t.y, columns * t.scale, rows * t.scale);
      ctx.globalAlpha = 1;
      anchor = top === null ? null : [sx(top % columns), sy(Math.floor(top / columns))];
    } else if (p.dataType === 'box') {
      const { x, y, width, height } = p.data;
      ctx.globalAlpha = 0.25;
      ctx.fillRect(sx(x), sy(y), width * t.scale, height * t.scale);
      ctx.globalAlpha = 1;
      ctx.strokeRect(sx(x), sy(y), width * t.scale, height * t.scale);
      anchor = [sx(x), sy(y)];
    } else if (p.dataType === 'vertices') {
      const v = p.data.vertices;
      const label = labelOf(p);
      const open = v.length === 2 || (label && label.annotationMode === 'LINE');
      ctx.beginPath();
      v.forEach(([x, y], i) => (i ? ctx.lineTo(sx(x), sy(y)) : ctx.moveTo(sx(x), sy(y))));
      if (!open) {
        ctx.closePath();
        ctx.globalAlpha = 0.25;
        ctx.fill();
        ctx.globalAlpha = 1;
      }
      ctx.stroke();
      const topmost = v.reduce((a, b) => (b[1] < a[1] ? b : a), v[0]);
      anchor = v.length ? [sx(topmost[0]), sy(topmost[1])] : null;
    } else if (p.dataType === 'location') {
      ctx.beginPath();
      ctx.arc(sx(p.data.x), sy(p.data.y), 6, 0, 2 * Math.PI);
      ctx.fill();
      anchor = [sx(p.data.x) + 8, sy(p.data.y) + 4 + 14];
    }
    if (anchor) {
      const prob = probabilityText(p);
      ctx.font = '12px system-ui, sans-serif';
      ctx.textBaseline = 'bottom';
      ctx.fillStyle = c;
      ctx.fillText(labelName(p) + (prob ? ' ' + prob : ''), anchor[0], anchor[1] - 3);
    }
    ctx.restore();
  }

  function rgb(hex) {
    const n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  // ---- interaction ----------------------------------------------------------------------------

  function hashParams() {
    const out = {};
    location.hash.replace(/^#/, '').split('&').filter(Boolean).forEach((kv) => {
      const [k, v] = kv.split('=');
      out[decodeURIComponent(k)] = decodeURIComponent(v || '');
    });
    return out;
  }

  function wire() {
    $('api-key').value = state.key;
    $('api-key').addEventListener('change', () => {
      state.key = $('api-key').value.trim();
      localStorage.setItem('radflow.apiKey', state.key);
      loadProjects();
    });
    $('project').addEventListener('change', () => {
      location.hash = q({ project: $('project').value });
      closeStudy();
      selectProject($('project').value);
    });
    $('back').addEventListener('click', () => { location.hash = q({ project: state.project }); closeStudy(); loadStudies(); });
    $('prev').addEventListener('click', () => go(state.index - 1));
    $('next').addEventListener('click', () => go(state.index + 1));
    $('zoom-in').addEventListener('click', () => { state.zoom *= 1.25; draw(); });
    $('zoom-out').addEventListener('click', () => { state.zoom /= 1.25; draw(); });
    $('reset-view').addEventListener('click', () => {
      state.zoom = 1; state.panX = 0; state.panY = 0; state.window = null;
      $('wc').value = ''; $('ww').value = '';
      show();
    });
    $('apply-window').addEventListener('click', () => {
      const c = parseFloat($('wc').value);
      const w = parseFloat($('ww').value);
      if (!isFinite(c) || !isFinite(w) || w < 1) { $('frame-message').textContent = 'A window needs a centre and a width of at least 1.'; return; }
      state.window = { c, w };
      show();
    });
    $('show-superseded').addEventListener('change', () => refreshStudy(false));
    const canvas = $('frame');
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      if (e.ctrlKey) {
        state.zoom *= e.deltaY < 0 ? 1.1 : 1 / 1.1;
        draw();
      } else {
        go(state.index + (e.deltaY > 0 ? 1 : -1));
      }
    }, { passive: false });
    let drag = null;
    canvas.addEventListener('mousedown', (e) => {
      drag = { x: e.clientX, y: e.clientY, panX: state.panX, panY: state.panY, shift: e.shiftKey,
        c: state.window ? state.window.c : parseFloat($('wc').value) || 40, w: state.window ? state.window.w : parseFloat($('ww').value) || 400 };
    });
    window.addEventListener('mouseup', () => {
      if (drag && drag.shift && drag.moved) show();
      drag = null;
    });
    window.addEventListener('mousemove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      drag.moved = true;
      if (drag.shift) {
        state.window = { c: Math.round(drag.c + dy), w: Math.max(1, Math.round(drag.w + dx * 2)) };
        $('wc').value = state.window.c;
        $('ww').value = state.window.w;
      } else {
        state.panX = drag.panX + dx;
        state.panY = drag.panY + dy;
        draw();
      }
    });
    window.addEventListener('keydown', (e) => {
      if (e.target.tagName === 'INPUT' || $('study-pane').hidden) return;
      if (e.key === 'ArrowDown' || e.key === 'PageDown') go(state.index + 1);
      if (e.key === 'ArrowUp' || e.key === 'PageUp') go(state.index - 1);
    });
  }

  function closeStudy() {
    state.study = null;
    state.images = [];
    state.bitmap = null;
    state.bitmapKey = null;
    $('study-pane').hidden = true;
    $('studies-pane').hidden = false;
  }

  // For tests and scripts: where an image pixel lands on the canvas, and what is drawn.
  window.radflowViewer = {
    toCanvas(x, y) { const t = transform(); return [t.x + (x + 0.5) * t.scale, t.y + (y + 0.5) * t.scale]; },
    renders() { return state.renders; },
    image() { return state.images[state.index] || null; },
    hasImage() { return state.bitmap !== null; },
  };

  wire();
  loadProjects();
})();
