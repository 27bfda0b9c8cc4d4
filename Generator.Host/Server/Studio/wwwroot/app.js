// VaeCreative Studio: one page over the host's /v1 API. No build step, no libraries.
// The token arrives in the URL's fragment (#token=…, never sent to a server); it is kept in sessionStorage for
// reloads and taken out of the address bar. Every API call sends it as a bearer token.
'use strict';

const $ = (id) => document.getElementById(id);

const EXTENSIONS = {
  'audio/midi': '.mid', 'text/plain': '.txt', 'image/png': '.png', 'image/jpeg': '.jpg', 'image/bmp': '.bmp',
  'image/gif': '.gif', 'image/webp': '.webp', 'audio/wav': '.wav',
};

const state = {
  token: null,
  info: null,
  models: [],
  seeds: { a: null, b: null }, // { material, name } per slot
  job: null, // the training job the page follows: { id, abort, losses: [[step, loss]] }
  augment: null, // the augment job the page follows: { id, abort, out }
  urls: [], // blob: URLs of the shown results, revoked when they are replaced
};

/** A problem+json answer (or a failure to reach the host), shown by its title and detail. */
class HostError extends Error {
  constructor(title, detail, status, type) {
    super(detail || title);
    this.title = title;
    this.detail = detail || '';
    this.status = status || 0;
    this.type = type || '';
  }
}

// ---------- token and API ----------

function readToken() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const fromHash = hash.get('token');
  if (fromHash) {
    sessionStorage.setItem('vaecreative.token', fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem('vaecreative.token');
}

async function api(method, path, body, signal) {
  const init = { method, headers: { Authorization: 'Bearer ' + state.token }, signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new HostError('Host unreachable', 'the host did not answer (' + e.message + '); is vaecreative still running?');
  }
  if (!response.ok) throw await problemOf(response);
  return response.status === 204 ? null : response.json();
}

async function problemOf(response) {
  let problem = {};
  try { problem = await response.json(); } catch { /* not JSON: fall back to the status */ }
  const error = new HostError(problem.title || response.statusText || 'HTTP ' + response.status, problem.detail, response.status, problem.type);
  if (response.status === 401) refuse(error);
  return error;
}

// ---------- messages ----------

// The page without a usable token: the host's refusal (error), or no token at all (null). Nothing else shows.
function refuse(error) {
  $('auth-title').textContent = error ? 'The host refused this page: ' + error.title + ' (401).' : 'No token.';
  $('auth-detail').textContent = ' ' + (error ? error.detail || '' : 'This address carries no token for the host.') +
    ' Open the studio with "vaecreative studio": it puts the host\'s token in the address (#token=…).';
  $('auth').hidden = false;
  $('app').hidden = true;
  $('host-status').textContent = 'Not connected.';
}

function showError(error) {
  if (error && error.name === 'AbortError') return;
  if (!(error instanceof HostError)) error = new HostError('Error in the page', String(error && error.message || error));
  if (error.status === 401) return; // the refusal banner says it
  $('error-title').textContent = error.title;
  $('error-detail').textContent = error.detail ? ': ' + error.detail : '';
  $('error').hidden = false;
}

function clearError() { $('error').hidden = true; }

function notice(text) {
  $('notice').textContent = text;
  $('notice').hidden = !text;
}

// Runs an action of a button: disables it meanwhile, clears the last error, shows a failure.
async function act(button, work) {
  clearError();
  notice('');
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try { await work(); } catch (e) { showError(e); } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

// ---------- materials and files ----------

function bytesToBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function base64ToBytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function mediaTypeOfFile(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.mid') || name.endsWith('.midi')) return 'audio/midi';
  if (name.endsWith('.txt')) return 'text/plain';
  for (const [type, ext] of Object.entries(EXTENSIONS)) if (type.startsWith('image/') && name.endsWith(ext)) return type;
  if (name.endsWith('.jpeg')) return 'image/jpeg';
  return file.type || 'application/octet-stream';
}

async function materialOfFile(file) {
  const type = mediaTypeOfFile(file);
  if (type === 'text/plain') {
    // A text file gives one seed per line, as on the command line: the first non-empty one.
    const line = (await file.text()).split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0);
    if (!line) throw new HostError('Empty file', file.name + ' holds no text.');
    return { mediaType: type, text: line };
  }
  return { mediaType: type, data: bytesToBase64(new Uint8Array(await file.arrayBuffer())) };
}

function blobOf(material) {
  if (material.text !== undefined && material.text !== null) return new Blob([material.text + '\n'], { type: 'text/plain' });
  return new Blob([base64ToBytes(material.data || material.midi)], { type: material.mediaType });
}

function keepUrl(blob) {
  const url = URL.createObjectURL(blob);
  state.urls.push(url);
  return url;
}

function download(material, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blobOf(material));
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

function fileName(stem, material) {
  return stem + (EXTENSIONS[material.mediaType] || '.bin');
}

// ---------- seeds ----------

function currentModel() { return state.models.find((m) => m.id === $('model').value) || null; }

function modalityInfo(name) { return (state.info && state.info.modalities.find((m) => m.name === name)) || null; }

function setSeed(slot, material, name) {
  if (material) material = asSeed(material);
  state.seeds[slot] = material ? { material, name } : null;
  const text = $('text-' + slot);
  if (material && material.text !== undefined && material.text !== null) text.value = material.text;
  else if (material) text.value = '';
  renderSeed(slot);
}

function renderSeed(slot) {
  const view = $('view-' + slot);
  view.replaceChildren();
  const seed = state.seeds[slot];
  if (!seed) return;
  const m = seed.material;
  const label = document.createElement('p');
  label.className = 'small';
  label.textContent = 'Seed: ' + seed.name + ' (' + m.mediaType + ')';
  view.appendChild(label);
  if (m.mediaType.startsWith('image/') && m.data) {
    const img = document.createElement('img');
    img.src = keepUrl(blobOf(m));
    img.alt = 'The seed image';
    img.className = 'pixel';
    view.appendChild(img);
  }
}

// Text typed in a slot is its seed.
function seedOf(slot) {
  const typed = $('text-' + slot).value.trim();
  const seed = state.seeds[slot];
  if (typed && (!seed || seed.material.text !== undefined)) return { mediaType: 'text/plain', text: typed };
  return seed ? seed.material : null;
}

async function loadDemoSeed() {
  const model = currentModel();
  if (!model) throw new HostError('No model', 'pick a model first.');
  const material = await api('GET', '/v1/modalities/' + encodeURIComponent(model.modality) + '/demo-seed');
  setSeed('a', material, 'demo ' + model.modality + ' seed');
}

function wireSlot(slot) {
  const input = $('file-' + slot);
  const drop = $('drop-' + slot);
  const take = async (file) => {
    clearError();
    try { setSeed(slot, await materialOfFile(file), file.name); } catch (e) { showError(e); }
  };
  input.addEventListener('change', () => { if (input.files.length) take(input.files[0]); });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files.length) take(e.dataTransfer.files[0]);
  });
  $('text-' + slot).addEventListener('input', () => {
    const seed = state.seeds[slot];
    if (seed && seed.material.text === undefined && $('text-' + slot).value.trim()) { state.seeds[slot] = null; renderSeed(slot); }
  });
}

// ---------- models and sliders ----------

function renderModel() {
  const model = currentModel();
  const about = $('model-about');
  const box = $('attributes');
  const sliders = $('attribute-sliders');
  sliders.replaceChildren();
  if (!model) { about.textContent = ''; box.hidden = true; return; }
  const params = model.sizes && model.sizes.parameters ? ', ' + (model.sizes.parameters / 1e6).toFixed(1) + 'M parameters' : '';
  about.textContent = model.modality + ' · ' + model.kind + params + (model.default ? ' · default' : '');
  const modality = modalityInfo(model.modality);
  const isText = !!(modality && modality.mediaTypes.includes('text/plain'));
  for (const slot of ['a', 'b']) {
    $('text-' + slot).hidden = !isText;
    $('text-' + slot + '-label').hidden = !isText;
    // A seed the new model cannot read (a line of text for an image model, …) is dropped, never sent.
    const seed = state.seeds[slot];
    if (modality && seed && !modality.mediaTypes.includes(seed.material.mediaType)) { state.seeds[slot] = null; renderSeed(slot); }
    if (!isText) $('text-' + slot).value = '';
  }
  // The modality's own default (images: 0, since drawn pixels are noise; the others 0.5).
  if (modality && typeof modality.defaultTemperature === 'number') $('temperature').value = String(modality.defaultTemperature);
  $('demo-a').textContent = 'Demo ' + model.modality + ' seed';
  $('augment-model').textContent = model.id + ' (' + model.modality + ')';
  updateOutputs();
  const attributes = model.attributes || [];
  box.hidden = attributes.length === 0;
  for (const a of attributes) {
    const wrap = document.createElement('div');
    wrap.className = 'slider';
    const id = 'attr-' + a.name;
    const label = document.createElement('label');
    label.htmlFor = id;
    const title = document.createElement('span');
    title.textContent = a.name;
    label.appendChild(title);
    if (a.description) {
      const hint = document.createElement('span');
      hint.className = 'muted hint';
      hint.id = id + '-hint';
      hint.textContent = a.description;
      hint.title = a.description;
      label.appendChild(hint);
    }
    const out = document.createElement('output');
    out.htmlFor = id;
    out.textContent = '0';
    label.appendChild(out);
    const input = document.createElement('input');
    input.type = 'range';
    input.id = id;
    input.dataset.attribute = a.name;
    // The model's own range for this attribute (its maxStrength; 4 for a model that does not say).
    const max = a.maxStrength > 0 ? a.maxStrength : 4;
    input.min = String(-max);
    input.max = String(max);
    input.step = '0.25';
    input.value = '0';
    input.addEventListener('input', () => { out.textContent = input.value; });
    input.setAttribute('aria-label', a.name + ' strength');
    if (a.description) input.setAttribute('aria-describedby', id + '-hint');
    wrap.append(label, input);
    sliders.appendChild(wrap);
  }
}

function updateOutputs() {
  for (const id of ['count', 'similarity', 'temperature', 'steps', 'augment-similarity']) $(id + '-out').textContent = $(id).value;
}

function attributeStrengths() {
  const strengths = {};
  for (const input of document.querySelectorAll('#attribute-sliders input')) {
    const value = Number(input.value);
    if (value !== 0) strengths[input.dataset.attribute] = value;
  }
  return Object.keys(strengths).length ? strengths : undefined;
}

// ---------- generation ----------

function wantsPreview(model) {
  const modality = modalityInfo(model.modality);
  return !!(modality && modality.previewMediaTypes && modality.previewMediaTypes.length);
}

// Posts a generation request with previews when the modality has them; a host that cannot make them (no
// synthesiser) gets the request again without, and the page says why the previews are missing.
async function generate(model, operation, body) {
  const path = '/v1/models/' + encodeURIComponent(model.id) + '/' + operation;
  if (!wantsPreview(model)) return api('POST', path, body);
  try {
    return await api('POST', path, Object.assign({}, body, { preview: true }));
  } catch (e) {
    if (!(e instanceof HostError) || e.status !== 503 || !e.type.endsWith('preview-unavailable')) throw e;
    const answer = await api('POST', path, body);
    notice('No previews: ' + e.detail);
    return answer;
  }
}

async function vary() {
  const model = currentModel();
  if (!model) throw new HostError('No model', 'pick a model first.');
  const seed = seedOf('a');
  if (!seed) throw new HostError('No seed', 'drop a file, type text, or load the demo seed first.');
  $('results-status').textContent = 'Varying …';
  const answer = await generate(model, 'variations', {
    seed,
    count: Number($('count').value),
    similarity: Number($('similarity').value),
    temperature: Number($('temperature').value),
    rng: Number($('rng').value) || 0,
    attributes: attributeStrengths(),
  });
  showResults(model, answer, 'variation');
}

async function interpolate() {
  const model = currentModel();
  if (!model) throw new HostError('No model', 'pick a model first.');
  const from = seedOf('a');
  const to = seedOf('b');
  if (!from || !to) throw new HostError('Two seeds needed', 'set the seed above and a second seed to interpolate between them.');
  $('results-status').textContent = 'Interpolating …';
  const answer = await generate(model, 'interpolations', {
    from, to,
    steps: Number($('steps').value),
    temperature: Number($('temperature').value),
    rng: Number($('rng').value) || 0,
  });
  showResults(model, answer, 'step');
}

function showResults(model, answer, noun) {
  for (const url of state.urls.splice(0)) URL.revokeObjectURL(url);
  renderSeed('a');
  renderSeed('b');
  const results = $('results');
  results.replaceChildren();
  const first = answer.outputs[0];
  const kind = !first ? '' : first.mediaType.startsWith('image/') ? 'images' : first.text !== undefined && first.text !== null ? 'lines' : 'rolls';
  results.className = 'results ' + kind;
  answer.outputs.forEach((output, i) => results.appendChild(resultCard(model, output, noun, i + 1)));
  $('results-status').textContent = answer.outputs.length + ' ' + noun + (answer.outputs.length === 1 ? '' : 's') +
    ' from ' + answer.model + ' in ' + Math.round(answer.elapsedMs) + ' ms.';
}

function resultCard(model, output, noun, n) {
  const card = document.createElement('article');
  card.className = 'card';
  const name = model.id + '-' + noun + '-' + String(n).padStart(2, '0');
  card.setAttribute('aria-label', noun + ' ' + n);
  const previews = output.previews || [];
  const roll = previews.find((p) => p.mediaType === 'image/png');
  const wav = previews.find((p) => p.mediaType === 'audio/wav');
  if (output.text !== undefined && output.text !== null) {
    const line = document.createElement('p');
    line.className = 'line';
    line.textContent = output.text;
    card.appendChild(line);
  } else if (output.mediaType.startsWith('image/')) {
    const img = document.createElement('img');
    img.src = keepUrl(blobOf(output));
    img.alt = noun + ' ' + n;
    img.className = 'pixel';
    card.appendChild(img);
  } else if (roll) {
    const img = document.createElement('img');
    img.src = keepUrl(blobOf(roll));
    img.alt = 'Piano roll of ' + noun + ' ' + n;
    img.className = 'roll';
    card.appendChild(img);
  } else {
    const p = document.createElement('p');
    p.className = 'line';
    p.textContent = 'MIDI ' + noun + ' ' + n;
    card.appendChild(p);
  }
  const facts = output.properties ? Object.entries(output.properties).map(([k, v]) => k + ' ' + v).join(' · ') : '';
  if (facts) {
    const p = document.createElement('p');
    p.className = 'muted small';
    p.textContent = facts;
    card.appendChild(p);
  }
  const row = document.createElement('div');
  row.className = 'row';
  if (wav) {
    const audio = document.createElement('audio');
    audio.preload = 'metadata';
    const source = document.createElement('source');
    source.type = wav.mediaType;
    source.src = keepUrl(blobOf(wav));
    audio.appendChild(source);
    const play = button('▶ Play', 'Play ' + noun + ' ' + n, () => {
      if (audio.paused) {
        for (const other of document.querySelectorAll('#results audio')) if (other !== audio) other.pause();
        audio.play().catch((e) => showError(new HostError('Cannot play', e.message)));
      } else audio.pause();
    });
    play.classList.add('play');
    audio.addEventListener('play', () => { play.textContent = '❚❚ Pause'; play.setAttribute('aria-pressed', 'true'); });
    const stopped = () => { play.textContent = '▶ Play'; play.setAttribute('aria-pressed', 'false'); };
    audio.addEventListener('pause', stopped);
    audio.addEventListener('ended', stopped);
    play.setAttribute('aria-pressed', 'false');
    card.appendChild(audio);
    row.appendChild(play);
  }
  row.appendChild(button('Download', 'Download ' + noun + ' ' + n + ' as ' + fileName(name, output), () => download(output, fileName(name, output)), 'download'));
  row.appendChild(button('Use as seed', 'Use ' + noun + ' ' + n + ' as the seed', () => { setSeed('a', output, fileName(name, output)); $('vary').focus(); }, 'reseed'));
  row.appendChild(button('Use as second', 'Use ' + noun + ' ' + n + ' as the second seed', () => { setSeed('b', output, fileName(name, output)); $('interpolate-box').open = true; }, 'reseed-b'));
  card.appendChild(row);
  return card;
}

// Material as a seed: its media type and either its text or its bytes (an output also carries its previews and
// properties, which a seed need not repeat; 'midi' is the older name of 'data', which hosts before issue 23 filled too).
function asSeed(material) {
  const seed = { mediaType: material.mediaType };
  if (material.text !== undefined && material.text !== null) seed.text = material.text;
  else seed.data = material.data || material.midi;
  return seed;
}

function button(text, label, onClick, cls) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  if (cls) b.classList.add(cls);
  b.addEventListener('click', onClick);
  return b;
}

// ---------- training ----------

async function startTraining() {
  const body = {
    data: $('train-data').value.trim(),
    modelId: $('train-id').value.trim(),
    modality: $('train-modality').value,
    steps: Number($('train-steps').value),
    size: $('train-size').value,
  };
  const job = await api('POST', '/v1/jobs', body);
  if (state.job) state.job.abort.abort(); // the page follows the newest job
  state.job = { id: job.id, abort: new AbortController(), losses: [] };
  $('train-cancel').disabled = false;
  showJob(job);
  const followed = state.job;
  watch(followed, (snapshot) => onProgress(followed, snapshot)).catch(showError);
}

// Follows a job's events (GET /v1/jobs/{id}/events), calling onSnapshot with each state until the last.
// The events endpoint needs the bearer token, which EventSource cannot send: read the stream with fetch.
async function watch(job, onSnapshot) {
  const response = await fetch('/v1/jobs/' + encodeURIComponent(job.id) + '/events', {
    headers: { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' },
    signal: job.abort.signal,
  }).catch((e) => { if (e.name === 'AbortError') return null; throw new HostError('Host unreachable', e.message); });
  if (!response) return;
  if (!response.ok) throw await problemOf(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { type: 'message', data: [] };
  for (;;) {
    let chunk;
    try { chunk = await reader.read(); } catch (e) { if (e.name === 'AbortError') return; throw e; }
    if (chunk.done) break;
    buffer += chunk.value;
    let end;
    while ((end = buffer.search(/\r?\n/)) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer[end] === '\r' ? 2 : 1));
      if (line === '') {
        if (event.data.length && event.type === 'progress') onSnapshot(JSON.parse(event.data.join('\n')));
        event = { type: 'message', data: [] };
      } else if (line.startsWith('event:')) event.type = line.slice(6).trim();
      else if (line.startsWith('data:')) event.data.push(line.slice(5).replace(/^ /, ''));
    }
  }
}

function onProgress(job, snapshot) {
  if (snapshot.loss !== undefined && snapshot.loss !== null && snapshot.step > 0) {
    const last = job.losses[job.losses.length - 1];
    if (!last || last[0] !== snapshot.step) job.losses.push([snapshot.step, snapshot.loss]);
  }
  showJob(snapshot);
  drawLoss(job.losses, snapshot.totalSteps);
  if (snapshot.finished) {
    job.finished = true;
    $('train-cancel').disabled = true;
    if (snapshot.state === 'succeeded') refreshModels(snapshot.modelId).catch(showError);
    if (snapshot.state === 'failed') showError(new HostError('Training failed', snapshot.error));
  }
}

function showJob(job) {
  const progress = $('train-progress');
  progress.max = Math.max(1, job.totalSteps);
  progress.value = job.step;
  const parts = ['Job ' + job.id + ': ' + job.state, 'step ' + job.step + ' of ' + job.totalSteps];
  if (job.loss !== undefined && job.loss !== null) parts.push('loss ' + job.loss.toFixed(3));
  if (job.validationAccuracy !== undefined && job.validationAccuracy !== null) parts.push('held-out accuracy ' + (100 * job.validationAccuracy).toFixed(1) + '%');
  if (job.examplesPerSecond) parts.push(Math.round(job.examplesPerSecond) + ' examples/s');
  if (job.state === 'succeeded') parts.push('model ' + job.modelId + ' is ready');
  $('train-status').textContent = parts.join(' · ');
}

function drawLoss(points, totalSteps) {
  const canvas = $('loss');
  const g = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const pad = { l: 48, r: 12, t: 12, b: 24 };
  g.clearRect(0, 0, w, h);
  const css = getComputedStyle(canvas);
  g.strokeStyle = css.getPropertyValue('--axis') || '#888';
  g.fillStyle = css.getPropertyValue('--axis') || '#888';
  g.font = '11px system-ui, sans-serif';
  g.beginPath();
  g.moveTo(pad.l, pad.t);
  g.lineTo(pad.l, h - pad.b);
  g.lineTo(w - pad.r, h - pad.b);
  g.stroke();
  if (points.length === 0) return;
  const losses = points.map((p) => p[1]);
  let lo = Math.min(...losses);
  let hi = Math.max(...losses);
  if (hi - lo < 1e-9) { hi += 1; lo -= 1; }
  const maxStep = Math.max(totalSteps || 1, points[points.length - 1][0]);
  const x = (s) => pad.l + (w - pad.l - pad.r) * s / maxStep;
  const y = (v) => pad.t + (h - pad.t - pad.b) * (1 - (v - lo) / (hi - lo));
  g.fillText(hi.toFixed(2), 4, pad.t + 8);
  g.fillText(lo.toFixed(2), 4, h - pad.b);
  g.fillText('step ' + maxStep, w - pad.r - 60, h - 6);
  g.strokeStyle = css.getPropertyValue('--accent') || '#3a7';
  g.lineWidth = 2;
  g.beginPath();
  points.forEach(([s, v], i) => (i === 0 ? g.moveTo(x(s), y(v)) : g.lineTo(x(s), y(v))));
  g.stroke();
  g.lineWidth = 1;
  // A dot per reading: a short run may report only one or two.
  g.fillStyle = g.strokeStyle;
  for (const [s, v] of points) {
    g.beginPath();
    g.arc(x(s), y(v), 2.5, 0, 2 * Math.PI);
    g.fill();
  }
}

// Cancels the job the page watches; the button stays disabled (the job's last event ends the watch), unless the host refused.
async function cancelTraining() {
  if (!state.job) return;
  clearError();
  const button = $('train-cancel');
  button.disabled = true;
  try {
    const job = state.job;
    const snapshot = await api('DELETE', '/v1/jobs/' + encodeURIComponent(job.id));
    if (!job.finished) showJob(snapshot); // the state before the job stopped, unless its last event came first
  } catch (e) {
    button.disabled = false;
    showError(e);
  }
}

// ---------- augmenting a folder ----------

// Starts an augment job (POST /v1/jobs, kind augment) with the chosen model, this panel's count and similarity and
// the Vary panel's temperature and random seed: a second start with the same folders and settings resumes.
async function startAugment() {
  const model = currentModel();
  if (!model) throw new HostError('No model', 'pick a model first.');
  const out = $('augment-out').value.trim();
  const body = {
    kind: 'augment',
    data: $('augment-data').value.trim(),
    out,
    model: model.id,
    count: Number($('augment-count').value),
    similarity: Number($('augment-similarity').value),
    temperature: Number($('temperature').value),
    rng: Number($('rng').value) || 0,
  };
  const job = await api('POST', '/v1/jobs', body);
  if (state.augment) state.augment.abort.abort(); // the page follows the newest job
  const followed = { id: job.id, abort: new AbortController(), out: job.out || out }; // where the host put a relative out
  state.augment = followed;
  $('augment-result').replaceChildren();
  $('augment-cancel').disabled = false;
  showAugment(followed, job);
  watch(followed, (snapshot) => onAugmentProgress(followed, snapshot)).catch(showError);
}

function onAugmentProgress(job, snapshot) {
  showAugment(job, snapshot);
  if (!snapshot.finished) return;
  job.finished = true;
  if (state.augment === job) $('augment-cancel').disabled = true;
  if (snapshot.state === 'failed') showError(new HostError('Augmenting failed', snapshot.error));
  showAugmentResult(job, snapshot);
}

function showAugment(job, snapshot) {
  const progress = $('augment-progress');
  progress.max = Math.max(1, snapshot.totalSteps);
  progress.value = snapshot.totalSteps === 0 && snapshot.finished ? 1 : snapshot.step;
  const parts = ['Job ' + snapshot.id + ': ' + snapshot.state, 'file ' + snapshot.step + ' of ' + snapshot.totalSteps,
    plural(snapshot.outputsWritten || 0, 'output') + ' written'];
  if (snapshot.alreadyDone) parts.push(snapshot.alreadyDone + ' already done');
  $('augment-status').textContent = parts.join(' · ');
}

// At the end: where the outputs are, and each seed file that could not be read with the reason.
function showAugmentResult(job, snapshot) {
  const box = $('augment-result');
  box.replaceChildren();
  const where = document.createElement('p');
  where.className = 'where';
  where.append(plural(snapshot.outputsWritten || 0, 'variation') + ' written' +
    (snapshot.alreadyDone ? ' (and ' + plural(snapshot.alreadyDone, 'file') + ' varied before)' : '') + ' into ');
  const path = document.createElement('code');
  path.id = 'augment-where';
  path.textContent = job.out;
  where.append(path, snapshot.state === 'cancelled' ? '; cancelled: they stay, and starting again with the same settings resumes.' : '.');
  box.appendChild(where);
  const skipped = snapshot.skipped || [];
  if (!skipped.length) return;
  const title = document.createElement('p');
  title.textContent = plural(skipped.length, 'file') + ' skipped:';
  const list = document.createElement('ul');
  list.className = 'skipped';
  list.id = 'augment-skipped';
  for (const s of skipped) {
    const item = document.createElement('li');
    const name = document.createElement('code');
    name.textContent = s.path;
    item.append(name, ': ' + s.reason);
    list.appendChild(item);
  }
  box.append(title, list);
}

// Where the host lets jobs write and read (GET /v1/info's folders): outputs go below its outputs folder.
function showFolders(folders) {
  if (!folders) return;
  let text = 'Outputs go below ' + folders.outputs + ' on the host (a relative output folder is taken there).';
  text += folders.inputs && folders.inputs.length
    ? ' Seed and training folders must be inside ' + folders.inputs.join(', ') + ' or the outputs folder.'
    : ' Seed and training folders may be anywhere but a file-system root, a system folder or a home folder.';
  $('augment-folders').textContent = text;
  $('augment-out').placeholder = 'augmented (below ' + folders.outputs + ')';
}

function plural(n, noun) { return n + ' ' + noun + (n === 1 ? '' : 's'); }

// Cancels the augment job the page watches; the outputs written so far stay (starting again resumes).
async function cancelAugment() {
  if (!state.augment) return;
  clearError();
  const job = state.augment;
  const button = $('augment-cancel');
  button.disabled = true;
  try {
    const snapshot = await api('DELETE', '/v1/jobs/' + encodeURIComponent(job.id));
    // The answer holds the state before the job stopped: shown unless the job's last event came first.
    if (!job.finished) showAugment(job, snapshot);
  } catch (e) {
    button.disabled = false;
    showError(e);
  }
}

// ---------- start ----------

async function refreshModels(select) {
  state.models = await api('GET', '/v1/models');
  const list = $('model');
  const keep = select || list.value;
  list.replaceChildren();
  for (const m of state.models) {
    const option = document.createElement('option');
    option.value = m.id;
    option.textContent = m.id + ' (' + m.modality + ')';
    list.appendChild(option);
  }
  // The kept choice, else the first modality's default model (the host lists melody first).
  const first = state.info.modalities[0];
  const preferred = state.models.find((m) => m.id === keep) || state.models.find((m) => first && m.id === first.defaultModel) || state.models[0];
  if (preferred) list.value = preferred.id;
  renderModel();
}

async function start() {
  state.token = readToken();
  if (!state.token) {
    refuse(null);
    return;
  }
  try {
    state.info = await api('GET', '/v1/info');
  } catch (e) {
    showError(e);
    if (e.status !== 401) $('host-status').textContent = 'Not connected.';
    return;
  }
  const device = state.info.devices && state.info.devices[0];
  $('host-status').textContent = 'Host ' + state.info.version + (device ? ' · ' + device.type + ' ' + device.precision : '') +
    ' · ' + state.info.modalities.map((m) => m.name).join(', ');
  const trainModality = $('train-modality');
  for (const m of state.info.modalities) {
    const option = document.createElement('option');
    option.value = m.name;
    option.textContent = m.name;
    trainModality.appendChild(option);
  }
  $('count').max = String(Math.min(32, state.info.limits.maxCount || 16));
  $('steps').max = String(Math.min(16, state.info.limits.maxCount || 16));
  $('augment-count').max = String(state.info.limits.maxCount || 16);
  // The host's defaults (the vary panel's count stays small on purpose: results come back quickly while exploring).
  const limits = state.info.limits;
  if (typeof limits.defaultSimilarity === 'number') {
    $('similarity').value = String(limits.defaultSimilarity);
    $('augment-similarity').value = String(limits.defaultSimilarity);
  }
  showFolders(state.info.folders);
  if (typeof limits.defaultCount === 'number') $('augment-count').value = String(Math.min(limits.defaultCount, limits.maxCount || limits.defaultCount));
  updateOutputs();
  try { await refreshModels(); } catch (e) { showError(e); return; }
  $('app').hidden = false;
  document.body.dataset.ready = 'true';
}

function wire() {
  $('error-close').addEventListener('click', clearError);
  $('model').addEventListener('change', () => { renderModel(); });
  for (const id of ['count', 'similarity', 'temperature', 'steps', 'augment-similarity']) $(id).addEventListener('input', updateOutputs);
  wireSlot('a');
  wireSlot('b');
  $('demo-a').addEventListener('click', () => act($('demo-a'), loadDemoSeed));
  $('clear-a').addEventListener('click', () => { setSeed('a', null); $('text-a').value = ''; $('file-a').value = ''; });
  $('attributes-reset').addEventListener('click', () => {
    for (const input of document.querySelectorAll('#attribute-sliders input')) { input.value = '0'; input.dispatchEvent(new Event('input')); }
  });
  $('vary').addEventListener('click', () => act($('vary'), vary));
  $('interpolate').addEventListener('click', () => act($('interpolate'), interpolate));
  $('train').addEventListener('click', () => act($('train'), startTraining));
  $('train-cancel').addEventListener('click', cancelTraining);
  $('augment').addEventListener('click', () => act($('augment'), startAugment));
  $('augment-cancel').addEventListener('click', cancelAugment);
  drawLoss([], 1);
}

wire();
start().catch(showError);
