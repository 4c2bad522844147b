// The results page: plain ES module, no build step. Talks to the gateway only (same origin):
// REST under /api, live updates over /ws (see the gateway README for the protocol).
const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';
const pct = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(d)}%`);
const mult = (x) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(2)}×`);
const usdM = (x) => `$${(x / 1e6).toFixed(1)}M`;

const state = { token: null, me: null, ws: null, wsReady: null, channels: new Set(), fund: null, run: null, optimization: null, presence: [] };

// ---- sign-in ------------------------------------------------------------------------------
async function signIn() {
  const saved = sessionStorage.getItem('equihome.token');
  if (saved) return saved;
  const res = await fetch('/auth/dev-token?role=analyst').catch(() => null);
  if (res && res.ok) return (await res.json()).token;
  $('signin').hidden = false;
  $('who').textContent = 'not signed in';
  return new Promise((resolve) => {
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token').value.trim();
      sessionStorage.setItem('equihome.token', token);
      $('signin').hidden = true;
      resolve(token);
    });
  });
}

function claims(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${state.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new Error(json?.detail ?? json?.title ?? `${method} ${path}: ${res.status}`);
  return json;
}

// ---- WebSocket ----------------------------------------------------------------------------
function connect() {
  let retry = 500;
  const open = () => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`, ['bearer', state.token]);
    state.ws = ws;
    state.wsReady = new Promise((resolve) => ws.addEventListener('open', resolve, { once: true }));
    ws.addEventListener('open', () => {
      retry = 500;
      // a reconnect resumes where it was: every channel again, each with its snapshot
      for (const channel of state.channels) ws.send(JSON.stringify({ type: 'subscribe', channel }));
      if (state.fund) ws.send(JSON.stringify({ type: 'presence', channel: `fund:${state.fund.id}` }));
    });
    ws.addEventListener('message', (e) => onMessage(JSON.parse(e.data)));
    ws.addEventListener('close', (e) => {
      if (e.code === 4401) {
        sessionStorage.removeItem('equihome.token');
        $('status').textContent = 'Your session ended (token expired or refused): reload the page to sign in again.';
        return;
      }
      setTimeout(open, retry);
      retry = Math.min(retry * 2, 10_000);
    });
  };
  open();
}

async function send(message) {
  await state.wsReady;
  state.ws.send(JSON.stringify(message));
}

async function subscribe(channel) {
  state.channels.add(channel);
  await send({ type: 'subscribe', channel });
}

async function unsubscribe(channel) {
  if (!state.channels.delete(channel)) return;
  await send({ type: 'unsubscribe', channel });
}

function onMessage(msg) {
  const channel = msg.channel ?? '';
  if (msg.type === 'subscribed') {
    if (channel.startsWith('simulation:') && msg.snapshot) onRunUpdate(msg.snapshot.state === 'completed' ? 'completed' : 'progress', msg.snapshot);
    if (channel.startsWith('optimization:') && msg.snapshot) onOptimizationUpdate(msg.snapshot.state, msg.snapshot);
  } else if (msg.type === 'presence') {
    if (state.fund && channel === `fund:${state.fund.id}`) renderPresence(msg.users);
  } else if (['progress', 'completed', 'failed', 'cancelled'].includes(msg.type)) {
    if (channel.startsWith('simulation:')) onRunUpdate(msg.type, msg.data);
    else if (channel.startsWith('optimization:')) onOptimizationUpdate(msg.type, msg.data);
  } else if (msg.type === 'fund.updated' && state.fund && msg.data.fund.id === state.fund.id) {
    state.fund = msg.data.fund;
    showFundFacts(`updated to version ${state.fund.version}${msg.data.actor ? ` by ${msg.data.actor.sub}` : ''}`);
  } else if (msg.type === 'error') {
    $('status').textContent = `The gateway refused a request: ${msg.message}`;
  }
}

// ---- funds and presence -------------------------------------------------------------------
async function loadFunds() {
  const page = await api('GET', '/api/funds?limit=100');
  const select = $('fund');
  select.replaceChildren(...page.items.map((f) => new Option(`${f.name} · ${usdM(f.size)}`, f.id)));
  if (page.items.length === 0) {
    select.append(new Option('no funds yet — run `npm run demo`', ''));
    $('run').disabled = $('sensitivity').disabled = true;
    return [];
  }
  return page.items;
}

function showFundFacts(extra = '') {
  const f = state.fund;
  const fee = f.fee_structure;
  $('fund-facts').textContent = `${f.name}: ${usdM(f.size)}, ${f.term}-year term, vintage ${f.vintage_year}; hurdle ${pct(fee.hurdle_rate, 1)}, carry ${pct(fee.performance_fee_rate, 0)}, management fee ${pct(fee.management_fee_rate, 2)} · version ${f.version}${extra ? ` · ${extra}` : ''}`;
}

async function selectFund(funds, id) {
  if (state.fund) await unsubscribe(`fund:${state.fund.id}`);
  state.fund = funds.find((f) => f.id === id) ?? null;
  renderPresence([]);
  if (!state.fund) return;
  showFundFacts();
  await subscribe(`fund:${state.fund.id}`);
  await send({ type: 'presence', channel: `fund:${state.fund.id}` });
}

function renderPresence(users) {
  const others = users.filter((u) => u.sub !== state.me.sub);
  const box = $('presence');
  if (others.length === 0) {
    box.innerHTML = '<span class="muted">nobody else here</span>';
    return;
  }
  box.replaceChildren(
    Object.assign(document.createElement('span'), { className: 'muted', textContent: 'also here:' }),
    ...others.map((u) => {
      const el = document.createElement('span');
      el.className = 'avatar';
      el.textContent = u.sub;
      const role = document.createElement('em');
      role.textContent = ` ${u.role}${u.field ? ` · editing ${u.field}` : ''}`;
      el.append(role);
      return el;
    }),
  );
}

// ---- a simulation run ---------------------------------------------------------------------
async function runSimulation() {
  const paths = Number($('paths').value);
  $('run').disabled = true;
  if (state.run) await unsubscribe(`simulation:${state.run}`);
  setProgress(0);
  $('status').textContent = 'submitting…';
  $('results').tBodies[0].innerHTML = '<tr><td colspan="3" class="muted">running…</td></tr>';
  $('risk').textContent = '';
  try {
    const accepted = await api('POST', '/api/simulations', { fund_id: state.fund.id, paths, granularity: 'monthly' });
    state.run = accepted.id;
    await subscribe(`simulation:${accepted.id}`);
    if (accepted.state === 'completed') onRunUpdate('completed', accepted);
  } catch (err) {
    $('status').textContent = `Could not start the run: ${err.message}`;
    $('run').disabled = false;
  }
}

function setProgress(percent) {
  const p = Math.max(0, Math.min(100, Math.round(percent)));
  $('progress').setAttribute('aria-valuenow', String(p));
  $('bar').style.width = `${p}%`;
}

let finishedRun = null;
async function onRunUpdate(type, data) {
  if (!data || data.id !== state.run || finishedRun === data.id) return;
  if (data.paths_total) setProgress((100 * data.paths_done) / data.paths_total);
  if (type === 'progress' || data.state === 'running' || data.state === 'queued') {
    const eta = data.eta_seconds === null || data.eta_seconds === undefined ? '' : ` · about ${Math.ceil(data.eta_seconds)} s left`;
    const partial = data.partial ? ` · LP net IRR median so far ${pct(data.partial.lp_irr.p50)} over ${data.partial.paths.toLocaleString()} paths` : '';
    $('status').textContent = `${data.state ?? 'running'}: ${data.paths_done.toLocaleString()} of ${data.paths_total.toLocaleString()} paths${eta}${partial}`;
    if (data.partial?.nav) drawFan(data.partial.nav, `converging · ${data.partial.paths.toLocaleString()} paths so far`);
    return;
  }
  if (type === 'completed') {
    finishedRun = data.id;
    setProgress(100);
    const [run, series] = await Promise.all([api('GET', `/api/simulations/${data.id}`), api('GET', `/api/simulations/${data.id}/series?metric=nav`)]);
    drawFan(series, `${run.request.paths.toLocaleString()} paths · seed ${run.request.seed}`);
    renderResults(run);
    $('status').textContent = `completed: ${run.request.paths.toLocaleString()} paths in ${(run.duration_ms / 1000).toFixed(1)} s${run.cached ? ' (from the cache)' : ''}`;
  } else {
    finishedRun = data.id;
    $('status').textContent = `the run ${type}${data.error ? `: ${data.error}` : ''}`;
  }
  $('run').disabled = false;
}

function renderResults(run) {
  const lp = run.summary.lp;
  $('results').dataset.runId = run.id;
  const rows = [['5th', 'p5'], ['25th', 'p25'], ['median', 'p50'], ['75th', 'p75'], ['95th', 'p95']];
  $('results').tBodies[0].replaceChildren(
    ...rows.map(([label, key]) => {
      const tr = document.createElement('tr');
      for (const text of [label, pct(lp.irr[key]), mult(lp.tvpi[key])]) tr.append(Object.assign(document.createElement('td'), { textContent: text }));
      return tr;
    }),
  );
  $('risk').textContent = `P(loss) ${pct(lp.probability_of_loss, 1)} · VaR 95% IRR ${pct(lp.var95.irr)} · CVaR 95% IRR ${pct(lp.cvar95.irr)} · mean LP TVPI ${mult(lp.tvpi.mean)}`;
}

// ---- sensitivity --------------------------------------------------------------------------
async function runSensitivity() {
  $('sensitivity').disabled = true;
  if (state.optimization) await unsubscribe(`optimization:${state.optimization}`);
  $('tornado-note').textContent = '· running…';
  try {
    const accepted = await api('POST', '/api/optimization/sensitivity', { fund_id: state.fund.id, paths: 2000 });
    state.optimization = accepted.id;
    await subscribe(`optimization:${accepted.id}`);
    if (accepted.state === 'completed') onOptimizationUpdate('completed', accepted);
  } catch (err) {
    $('tornado-note').textContent = `· could not start: ${err.message}`;
    $('sensitivity').disabled = false;
  }
}

let finishedOptimization = null;
async function onOptimizationUpdate(type, data) {
  if (!data || data.id !== state.optimization || finishedOptimization === data.id) return;
  if (type === 'progress' || data.state === 'running' || data.state === 'queued') {
    $('tornado-note').textContent = `· ${Math.round((data.progress ?? 0) * 100)}%`;
    return;
  }
  finishedOptimization = data.id;
  $('sensitivity').disabled = false;
  if (type !== 'completed') {
    $('tornado-note').textContent = `· ${type}${data.error ? `: ${data.error}` : ''}`;
    return;
  }
  const doc = await api('GET', `/api/optimization/${data.id}`);
  drawTornado(doc.result.rows, doc.result.base);
  $('tornado-note').textContent = `· base ${pct(doc.result.base)}, ${doc.request.paths.toLocaleString()} paths, common random numbers`;
}

// ---- charts (SVG, drawn here so the fan converges as shards finish) ------------------------
function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function ticks(lo, hi, count) {
  const span = hi - lo || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toFixed(10));
  return out;
}

function drawFan(series, note) {
  const W = 640, H = 300, L = 56, R = 12, T = 28, B = 40;
  const years = series.years;
  const lo = Math.min(0, ...series.p5) / 1e6, hi = Math.max(...series.p95) / 1e6;
  const yt = ticks(lo, hi, 5);
  const y0 = Math.min(lo, yt[0]), y1 = Math.max(hi, yt[yt.length - 1]);
  const x = (v) => L + ((v - years[0]) / (years[years.length - 1] - years[0] || 1)) * (W - L - R);
  const y = (v) => T + (1 - (v / 1e6 - y0) / (y1 - y0 || 1)) * (H - T - B);
  const area = (top, bottom) => `M${years.map((v, i) => `${x(v)},${y(top[i])}`).join('L')}L${years.map((v, i) => `${x(v)},${y(bottom[i])}`).reverse().join('L')}Z`;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': 'fan chart' });
  svg.append(el('title', {}, 'Net asset value, 5th–95th and 25th–75th percentile bands and median, $M by year'));
  for (const v of yt) {
    svg.append(el('line', { x1: L, x2: W - R, y1: y(v * 1e6), y2: y(v * 1e6), stroke: '#e5e9f0' }));
    svg.append(el('text', { x: L - 6, y: y(v * 1e6) + 4, 'text-anchor': 'end', 'font-size': 11 }, v.toFixed(0)));
  }
  for (const v of ticks(years[0], years[years.length - 1], 10)) svg.append(el('text', { x: x(v), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 11 }, String(v)));
  svg.append(el('path', { d: area(series.p95, series.p5), fill: 'var(--band1)' }));
  svg.append(el('path', { d: area(series.p75, series.p25), fill: 'var(--band2)' }));
  svg.append(el('path', { d: `M${years.map((v, i) => `${x(v)},${y(series.p50[i])}`).join('L')}`, fill: 'none', stroke: 'var(--median)', 'stroke-width': 2.5 }));
  svg.append(el('line', { x1: L, x2: L, y1: T, y2: H - B, stroke: '#8a94a6' }), el('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: '#8a94a6' }));
  svg.append(el('text', { x: (L + W - R) / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 12 }, 'years from first close'));
  svg.append(el('text', { x: 14, y: (T + H - B) / 2, 'text-anchor': 'middle', 'font-size': 12, transform: `rotate(-90 14 ${(T + H - B) / 2})` }, 'NAV ($M)'));
  const legend = [['var(--band1)', '5th–95th percentile'], ['var(--band2)', '25th–75th percentile'], ['var(--median)', 'median']];
  legend.forEach(([fill, label], i) => {
    svg.append(el('rect', { x: L + 8 + i * 170, y: 8, width: 12, height: 12, fill }));
    svg.append(el('text', { x: L + 26 + i * 170, y: 18, 'font-size': 11 }, label));
  });
  $('fan').replaceChildren(svg);
  $('fan-note').textContent = note ? `· ${note}` : '';
}

function drawTornado(rows, base) {
  const W = 640, L = 170, R = 90, T = 24, rowH = 30, B = 62;
  const H = T + rows.length * rowH + B;
  const values = rows.flatMap((r) => [r.metric_low, r.metric_high]).concat(base);
  const lo = Math.min(...values), hi = Math.max(...values), pad = (hi - lo) * 0.08 || 0.001;
  const x = (v) => L + ((v - (lo - pad)) / (hi - lo + 2 * pad)) * (W - L - R);
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', role: 'img', 'aria-label': 'tornado chart' });
  svg.append(el('title', {}, 'LP net IRR median at the low and high end of each parameter, largest swing first'));
  rows.forEach((r, i) => {
    const yMid = T + i * rowH + rowH / 2;
    svg.append(el('text', { x: L - 8, y: yMid + 4, 'text-anchor': 'end', 'font-size': 12 }, r.parameter.replaceAll('_', ' ')));
    for (const [v, colour] of [[r.metric_low, 'var(--low)'], [r.metric_high, 'var(--high)']]) {
      svg.append(el('rect', { x: Math.min(x(base), x(v)), y: yMid - 10, width: Math.max(1, Math.abs(x(v) - x(base))), height: 20, fill: colour, opacity: 0.9 }));
    }
    svg.append(el('text', { x: Math.max(x(r.metric_low), x(r.metric_high)) + 6, y: yMid + 4, 'font-size': 11 }, `${pct(Math.min(r.metric_low, r.metric_high))} … ${pct(Math.max(r.metric_low, r.metric_high))}`));
  });
  svg.append(el('line', { x1: x(base), x2: x(base), y1: T - 6, y2: H - B, stroke: '#14213d', 'stroke-width': 1.5 }));
  svg.append(el('text', { x: x(base), y: T - 10, 'text-anchor': 'middle', 'font-size': 11 }, `base ${pct(base)}`));
  for (const v of ticks(lo - pad, hi + pad, 6)) svg.append(el('text', { x: x(v), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 11 }, `${(v * 100).toFixed(1)}%`));
  svg.append(el('text', { x: (L + W - R) / 2, y: H - B + 34, 'text-anchor': 'middle', 'font-size': 12 }, 'LP net IRR, median'));
  [['var(--low)', 'parameter at its low end'], ['var(--high)', 'at its high end']].forEach(([fill, label], i) => {
    svg.append(el('rect', { x: L + i * 190, y: H - 16, width: 10, height: 10, fill }));
    svg.append(el('text', { x: L + 14 + i * 190, y: H - 7, 'font-size': 11 }, label));
  });
  $('tornado').replaceChildren(svg);
}

// ---- start --------------------------------------------------------------------------------
async function main() {
  state.token = await signIn();
  state.me = claims(state.token);
  $('who').textContent = `signed in as ${state.me.sub ?? '?'} (${state.me.role ?? '?'})`;
  $('main').hidden = false;
  connect();
  const funds = await loadFunds();
  $('fund').addEventListener('change', () => selectFund(funds, $('fund').value));
  $('run').addEventListener('click', runSimulation);
  $('sensitivity').addEventListener('click', runSensitivity);
  if (funds.length > 0) await selectFund(funds, funds[0].id);
}

main().catch((err) => {
  $('status').textContent = `Something went wrong: ${err.message}`;
});
