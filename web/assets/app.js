/*
 * op25b dashboard: one HTML shell, six pages chosen by location.pathname
 * (/ overview, /effect, /pools, /federation, /exporters, /impact).  Everything comes from the
 * daemon's JSON API (doc/api.md) and its RRD graphs; no library, no build
 * step, nothing loaded from outside.  Times are UTC unless the user asks
 * for the browser's zone on the graphs.
 *
 * Contract with the tests (tests/e2e_web_browser.sh): #page gets
 * data-ready="1" once every fetch and image of the current render has
 * settled; tiles have ids (tile-direct, ..., tile-share, tile-hosts) with
 * the number in a .value child (data-value holds the raw number); script
 * errors are copied into the hidden #errors element; API errors go to the
 * visible #banner and are never thrown.
 */
'use strict';

(function () {

const CATS = ['direct', 'blocked', 'submit', 'submit_ext', 'relay',
	'roaming', 'other'];
/* Order of the 100%-stacked bars, as in the 2005 study's figure. */
const BAR_ORDER = ['direct', 'blocked', 'relay', 'submit', 'submit_ext',
	'roaming', 'other'];
const LABEL = {
	direct: 'Direct',
	blocked: 'Blocked',
	submit: 'Submission (own)',
	submit_ext: 'Submission (outside)',
	relay: 'Relay',
	roaming: 'Roaming',
	other: 'Other (static)',
};
const HINT = {
	direct: 'port 25 from dynamic pools, straight out',
	blocked: 'port 25 attempts dropped or unanswered',
	submit: '587/465/25 to the own servers',
	submit_ext: '587/465 to outside servers',
	relay: 'port 25 out of the own relays',
	roaming: '587/465 from outside the pools',
	other: 'port 25 from static pools',
};
const DAY = 86400;
const REFRESH_MS = 5000;		/* the exporters page */
const TILES_MS = 60000;		/* today's tiles */
const MAX_DAYS = 3660;		/* the server's limit on effect windows */
const MIN_COMPLETE = 0.95;	/* op25b report's default completeness */
const RANGES = [
	['day', 'Day', DAY],
	['week', 'Week', 7 * DAY],
	['month', 'Month', 30 * DAY],
	['year', 'Year', 365 * DAY],
	['custom', 'Custom', 0],
];

/* ---------- errors ---------- */

/* Copy a script error into the hidden #errors element for the tests. */
function recordError(msg) {
	const box = document.getElementById('errors');
	if (box === null)
		return;
	const p = document.createElement('p');
	p.textContent = String(msg);
	box.appendChild(p);
}

window.onerror = function (msg, src, line, col, err) {
	recordError('error: ' + (err && err.stack ? err.stack : msg) +
	    (src ? ' (' + src + ':' + line + ':' + col + ')' : ''));
	return false;		/* the console shows it too */
};
window.addEventListener('unhandledrejection', function (ev) {
	const r = ev.reason;
	recordError('unhandled rejection: ' +
	    (r && r.stack ? r.stack : String(r)));
});

/* Show a message in the visible banner (once per distinct text). */
function showError(msg) {
	const banner = document.getElementById('banner');
	const text = String(msg);
	for (const p of banner.querySelectorAll('p'))
		if (p.textContent === text)
			return;
	banner.appendChild(h('p', null, text));
	banner.hidden = false;
}

function clearBanner() {
	const banner = document.getElementById('banner');
	banner.textContent = '';
	banner.hidden = true;
}

/* ---------- DOM and formatting helpers ---------- */

/* Build an element: h('td', {class: 'num'}, 'text', child...). */
function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (attrs)
		for (const [k, v] of Object.entries(attrs)) {
			if (v === null || v === undefined || v === false)
				continue;
			if (k === 'class')
				el.className = v;
			else if (k === 'text')
				el.textContent = v;
			else if (k === 'style')
				el.style.cssText = v;
			else if (k.startsWith('on'))
				el.addEventListener(k.slice(2), v);
			else
				el.setAttribute(k, v === true ? '' : v);
		}
	for (const c of children.flat()) {
		if (c === null || c === undefined || c === false)
			continue;
		el.appendChild(c instanceof Node ? c : document.createTextNode(
		    String(c)));
	}
	return el;
}

const intFmt = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});
const decFmt = new Intl.NumberFormat('en-US', {minimumFractionDigits: 1,
	maximumFractionDigits: 1});

function isNum(n) {
	return typeof n === 'number' && isFinite(n);
}

/* 1234567 -> "1,234,567"; missing -> an em dash. */
function fmtInt(n) {
	return isNum(n) ? intFmt.format(Math.round(n)) : '\u2014';
}

/* A daily average: one decimal below 100, whole numbers above. */
function fmtAvg(n) {
	if (!isNum(n))
		return '\u2014';
	return Math.abs(n) < 100 ? decFmt.format(n) : intFmt.format(
	    Math.round(n));
}

/* A signed count: "+1,234" or "-56". */
function fmtSigned(n) {
	if (!isNum(n))
		return '\u2014';
	return (n > 0 ? '+' : n < 0 ? '\u2212' : '') + fmtAvg(Math.abs(n));
}

/* A share (0..1) as a percent with one decimal: 0.8617 -> "86.2%". */
function fmtPct(share) {
	return isNum(share) ? decFmt.format(share * 100) + '%' : '\u2014';
}

/*
 * A session count of a summary (doc/sampling.md): the exact count;
 * "\u2248 6,270 \u00b1 410" (half the 95% interval) for an estimate;
 * "n/a" when sampled input gives no estimate (the reason: nullReason).
 */
function fmtCount(sum, c) {
	const v = (sum.sessions || {})[c];
	const ci = (sum.ci95 || {})[c];
	if (v === null)
		return 'n/a';
	if (Array.isArray(ci) && isNum(ci[0]) && isNum(ci[1]) && ci[1] > ci[0])
		return '\u2248 ' + fmtInt(v) + ' \u00b1 ' +
		    fmtInt((ci[1] - ci[0]) / 2);
	return fmtInt(v);
}

/* Why a summary's value k is null, or null. */
function nullReason(sum, k) {
	const r = (sum.null_reason || {})[k];
	return typeof r === 'string' ? r : null;
}

/* A share with its interval: "86.0%" or "\u2248 86.0% \u00b1 0.9". */
function fmtShareCi(v, ci) {
	if (!isNum(v))
		return '\u2014';
	if (Array.isArray(ci) && isNum(ci[0]) && isNum(ci[1]) && ci[1] > ci[0])
		return '\u2248 ' + fmtPct(v) + ' \u00b1 ' +
		    decFmt.format((ci[1] - ci[0]) * 50);
	return fmtPct(v);
}

function pad2(n) {
	return String(n).padStart(2, '0');
}

/* UNIX seconds -> "2005-03-01" (UTC). */
function isoDate(t) {
	const d = new Date(t * 1000);
	return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' +
	    pad2(d.getUTCDate());
}

/* UNIX seconds -> "2005-03-01 12:05 UTC". */
function fmtTime(t) {
	if (!isNum(t) || t <= 0)
		return '\u2014';
	const d = new Date(t * 1000);
	return isoDate(t) + ' ' + pad2(d.getUTCHours()) + ':' +
	    pad2(d.getUTCMinutes()) + ' UTC';
}

/* A time span in words: 42 -> "42 s", 5400 -> "1.5 h". */
function fmtSpan(s) {
	s = Math.abs(s);
	if (s < 120)
		return Math.round(s) + ' s';
	if (s < 7200)
		return Math.round(s / 60) + ' min';
	if (s < 2 * DAY)
		return decFmt.format(s / 3600) + ' h';
	return decFmt.format(s / DAY) + ' d';
}

/* How long ago a millisecond time was, against the server's now. */
function fmtAgo(ms, nowMs) {
	if (!isNum(ms) || ms <= 0)
		return 'never';
	const s = (nowMs - ms) / 1000;
	if (s < 1)
		return 'just now';
	return fmtSpan(s) + ' ago';
}

/* "2005-03-01" -> UNIX seconds at 00:00 UTC, or NaN. */
function parseDate(s) {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(s || ''));
	if (m === null)
		return NaN;
	const t = Date.UTC(+m[1], +m[2] - 1, +m[3]) / 1000;
	return isoDate(t) === s ? t : NaN;
}

/*
 * A read-only op25bd (no input, issue 16) serves data of any age: the
 * pages then take the end of its data for "now", so the Overview shows
 * the latest day with data and the ranges end there.
 */
let anchorSec = null;

function nowSec() {
	return anchorSec !== null ? anchorSec : Math.floor(Date.now() / 1000);
}

function query(params) {
	const q = new URLSearchParams();
	if (params)
		for (const [k, v] of Object.entries(params))
			if (v !== null && v !== undefined && v !== '')
				q.set(k, String(v));
	const s = q.toString();
	return s ? '?' + s : '';
}

/* Read and write the page's own state in its query string. */
function getParam(name) {
	return new URLSearchParams(location.search).get(name);
}

function setParams(obj) {
	const q = new URLSearchParams(location.search);
	for (const [k, v] of Object.entries(obj))
		if (v === null || v === undefined || v === '')
			q.delete(k);
		else
			q.set(k, String(v));
	const s = q.toString();
	history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
}

/* ---------- API ---------- */

/*
 * GET a JSON endpoint.  Never rejects: resolves to {ok, status, data} or
 * {ok: false, status, error} with the server's {"error": ...} text.
 */
async function api(path, params) {
	const url = path + query(params);
	let res;
	try {
		/* From the origin: a page opened as http://user:pw@host/
		 * would make a relative URL carry the credentials, which
		 * fetch refuses (the browser sends its cached ones). */
		res = await fetch(location.origin + url, {headers: {Accept:
		    'application/json'}, cache: 'no-store'});
	} catch (e) {
		return {ok: false, status: 0, url: url,
		    error: 'cannot reach the server (' + e.message + ')'};
	}
	let data = null;
	try {
		const text = await res.text();
		data = text ? JSON.parse(text) : null;
	} catch (e) {
		data = null;
	}
	if (!res.ok) {
		const msg = data && typeof data.error === 'string' ? data.error :
		    res.status + ' ' + res.statusText;
		return {ok: false, status: res.status, url: url, error: msg};
	}
	if (data === null || typeof data !== 'object')
		return {ok: false, status: res.status, url: url,
		    error: 'the answer is not JSON'};
	return {ok: true, status: res.status, url: url, data: data};
}

/* As api(), and a failure goes to the banner. */
async function apiShown(path, params) {
	const r = await api(path, params);
	if (!r.ok)
		showError(path + ': ' + r.error);
	return r;
}

/* The configuration, fetched once per page load. */
let configPromise = null;

function getConfig() {
	if (configPromise === null)
		configPromise = apiShown('/api/v1/config').then(function (r) {
			if (r.ok && typeof r.data.site === 'string') {
				document.getElementById('site').textContent =
				    r.data.site;
				document.title = 'op25b \u00b7 ' + r.data.site +
				    ' \u00b7 ' + pageTitle;
			}
			return r;
		});
	return configPromise;
}

/* ---------- readiness ---------- */

let renderGen = 0;
let pageTitle = '';

/* Start a render: the page is not ready until finishRender() settles. */
function beginRender() {
	renderGen++;
	document.getElementById('page').dataset.ready = '0';
	return renderGen;
}

/* Mark the page ready once every promise of render gen has settled. */
function finishRender(gen, promises) {
	return Promise.allSettled(promises).then(function (results) {
		for (const r of results)
			if (r.status === 'rejected')
				recordError('render: ' + r.reason);
		if (gen === renderGen)
			document.getElementById('page').dataset.ready = '1';
	});
}

/* ---------- graphs ---------- */

/* The width to ask for: the figure's width, within the server's bounds. */
function graphWidth(fig) {
	const w = Math.round(fig.clientWidth || 800);
	return Math.max(100, Math.min(4000, w));
}

/*
 * An RRD graph in a figure.  opts: {name, from, to, pool, site, tz,
 * caption, height}.  Returns {el, load()}: load() sets the src for the figure's
 * current width and resolves when the image has loaded or failed; on
 * failure the server's JSON error is shown in the caption and banner.
 */
function graph(opts) {
	const img = h('img', {alt: opts.caption + ' (graph)',
	    decoding: 'async'});
	const note = h('span', {class: 'graph-error'});
	const fig = h('figure', {class: 'graph', 'data-graph': opts.name,
	    'data-pool': opts.pool || null, 'data-site': opts.site || null},
	    img, h('figcaption', null, opts.caption, ' ', note));
	function load() {
		const width = graphWidth(fig);
		const height = opts.height || (width < 500 ? 200 : 250);
		const src = '/graph/' + opts.name + '.svg' + query({
		    from: opts.from, to: opts.to, pool: opts.pool,
		    site: opts.site, width: width, height: height, tz: opts.tz,
		    collector: opts.collector});
		note.textContent = '';
		fig.classList.remove('failed');
		let tries = 0;
		return new Promise(function (resolve) {
			img.onload = function () {
				resolve(true);
			};
			img.onerror = function () {
				api(src).then(function (r) {
					/* 503: the renderer is busy; try again. */
					if (r.status === 503 && ++tries < 10) {
						setTimeout(function () {
							img.src = src + '&retry=' + tries;
						}, 300 * tries);
						return;
					}
					fig.classList.add('failed');
					const msg = r.ok ? 'not an image' :
					    r.error;
					note.textContent = '(' + msg + ')';
					showError(opts.caption + ': ' + msg);
					resolve(false);
				});
			};
			img.src = src;
		});
	}
	return {el: fig, load: load};
}

/* Load graphs after layout (so that their width is known). */
function loadGraphs(graphs) {
	return graphs.map(function (g) {
		return g.load();
	});
}

/* Reload graphs when the window width changes noticeably. */
let resizeHook = null;
let lastWidth = window.innerWidth;
window.addEventListener('resize', function () {
	clearTimeout(resizeHook);
	resizeHook = setTimeout(function () {
		if (Math.abs(window.innerWidth - lastWidth) < 40)
			return;
		lastWidth = window.innerWidth;
		if (currentRerender !== null)
			currentRerender();
	}, 300);
});
let currentRerender = null;

/* ---------- range picker ---------- */

function browserZone() {
	try {
		return Intl.DateTimeFormat().resolvedOptions().timeZone || '';
	} catch (e) {
		return '';
	}
}

/*
 * The range picker (day/week/month/year/custom and the time-zone box),
 * kept in the query string (?range=&from=&to=&tz=1).  onchange() is
 * called after every change; get() gives {from, to, tz, label} or null
 * (with a message shown) when a custom range is not valid.
 */
function rangePicker(onchange, def) {
	const deflt = def || 'day';
	const kind = RANGES.some(r => r[0] === getParam('range')) ?
	    getParam('range') : deflt;
	const today = isoDate(nowSec());
	const fromIn = h('input', {type: 'date', id: 'range-from',
	    value: getParam('from') || isoDate(nowSec() - 7 * DAY),
	    max: today});
	const toIn = h('input', {type: 'date', id: 'range-to',
	    value: getParam('to') || today, max: today});
	const zone = browserZone();
	const tzBox = h('input', {type: 'checkbox', id: 'tz-local'});
	tzBox.checked = getParam('tz') === '1' && zone !== '';
	const buttons = RANGES.map(function (r) {
		return h('button', {type: 'button', 'data-range': r[0],
		    'aria-pressed': r[0] === kind ? 'true' : 'false',
		    onclick: function () {
			select(r[0]);
		    }}, r[1]);
	});
	const custom = h('span', {class: 'custom'},
	    h('label', null, 'From ', fromIn),
	    h('label', null, 'to ', toIn),
	    h('button', {type: 'button', onclick: function () {
		setParams({from: fromIn.value, to: toIn.value});
		onchange();
	    }}, 'Show'));
	let current = kind;
	custom.hidden = current !== 'custom';
	function select(k) {
		current = k;
		for (const b of buttons)
			b.setAttribute('aria-pressed', b.dataset.range === k ?
			    'true' : 'false');
		custom.hidden = k !== 'custom';
		setParams({range: k === deflt ? null : k,
		    from: k === 'custom' ? fromIn.value : null,
		    to: k === 'custom' ? toIn.value : null});
		onchange();
	}
	tzBox.addEventListener('change', function () {
		setParams({tz: tzBox.checked ? '1' : null});
		onchange();
	});
	const el = h('div', {class: 'picker', role: 'group',
	    'aria-label': 'Time range'},
	    h('div', {class: 'buttons'}, buttons), custom,
	    zone ? h('label', {class: 'tz'}, tzBox,
	    ' Time axis in the browser\u2019s zone (' + zone + ')') : null);
	function get() {
		const now = nowSec();
		const tz = tzBox.checked && zone ? zone : null;
		if (current !== 'custom') {
			const r = RANGES.find(x => x[0] === current);
			return {from: now - r[2], to: now, tz: tz,
			    label: 'last ' + r[1].toLowerCase()};
		}
		const f = parseDate(fromIn.value);
		const t = parseDate(toIn.value);
		if (!isNum(f) || !isNum(t)) {
			showError('Custom range: give both dates.');
			return null;
		}
		if (t < f) {
			showError('Custom range: the end is before the start.');
			return null;
		}
		return {from: f, to: t + DAY, tz: tz,
		    label: fromIn.value + ' to ' + toIn.value + ' (UTC days)'};
	}
	return {el: el, get: get};
}

/* ---------- overview ---------- */

function tile(id, label, sub, cls) {
	return h('div', {class: 'tile ' + (cls || ''), id: 'tile-' + id},
	    h('div', {class: 'label'}, label),
	    h('div', {class: 'value', 'data-value': ''}, '\u2026'),
	    h('div', {class: 'sub'}, sub));
}

function setTile(id, value, text, title) {
	const v = document.querySelector('#tile-' + id + ' .value');
	if (v === null)
		return;
	v.dataset.value = value === null || value === undefined ? '' :
	    String(value);
	v.textContent = text;
	v.title = title || '';
}

function renderOverview(page) {
	const tiles = h('div', {class: 'tiles', id: 'tiles'},
	    tile('share', 'Direct share', 'direct / (direct + relay)',
	    'key'),
	    tile('hosts', 'Direct hosts', 'most distinct sources in a bin',
	    'key'),
	    CATS.map(c => tile(c, c === 'blocked' ? 'Blocked attempts' :
	    LABEL[c], HINT[c], 'cat-' + c)),
	    tile('total', 'All sessions', 'every category', ''));
	const todayHead = h('p', {class: 'when', id: 'today-range'});
	const graphsBox = h('div', {class: 'graphs', id: 'graphs'});
	const rangeNote = h('p', {class: 'when', id: 'graph-range'});
	const picker = rangePicker(drawGraphs);
	/* A site of several collectors: the whole site (their sum), or one
	 * collector alone (?collector=NAME). */
	const collectorBox = h('p', {class: 'when', id: 'collector-box'});
	const collector = () => getParam('collector') || null;
	page.append(collectorBox,
	    h('section', null, h('h2', null, 'Today'), todayHead, tiles),
	    h('section', null, h('h2', null, 'Graphs'), picker.el, rangeNote,
	    graphsBox));

	/* Today's totals: UTC midnight to now, again every minute. */
	function today() {
		const midnight = Math.floor(nowSec() / DAY) * DAY;
		const to = Math.max(nowSec(), midnight + 60);
		todayHead.textContent = fmtTime(midnight) + ' to now';
		tiles.dataset.from = String(midnight);
		tiles.dataset.to = String(to);
		tiles.dataset.collector = collector() || '';
		return apiShown('/api/v1/summary', {from: midnight, to: to,
		    collector: collector()})
		    .then(function (r) {
			if (!r.ok) {
				for (const id of CATS.concat(['share', 'hosts',
				    'total']))
					setTile(id, null, '\u2014');
				return;
			}
			const d = r.data, s = d.sessions || {};
			let total = 0, var_ = 0, none = null;
			for (const c of CATS) {
				setTile(c, s[c], fmtCount(d, c), nullReason(d, c));
				if (isNum(s[c]))
					total += s[c];
				else if (s[c] === null)
					none = nullReason(d, c);
				if (isNum((d.variance || {})[c]))
					var_ += d.variance[c];
			}
			if (none !== null)
				setTile('total', null, 'n/a', none);
			else
				setTile('total', total, fmtCount({sessions: {t: total},
				    ci95: {t: [total - 1.96 * Math.sqrt(var_),
				    total + 1.96 * Math.sqrt(var_)]}}, 't'));
			setTile('share', d.direct_share,
			    fmtShareCi(d.direct_share, d.direct_share_ci95));
			setTile('hosts', d.direct_hosts_max,
			    d.direct_hosts_max === null ? 'n/a' :
			    fmtInt(d.direct_hosts_max), nullReason(d,
			    'direct_hosts') || (HOSTS_NOTE[d.direct_hosts_kind] ||
			    '').replace(/^ \u2014 /, '') || null);
			tiles.dataset.sampled = d.sampled ? '1' : '0';
		    });
	}
	const gen = beginRender();
	const summary = today();
	setInterval(function () {
		if (!document.hidden)
			today();
	}, TILES_MS);
	const first = drawGraphsInner();
	const cfg = getConfig().then(collectorPicker);
	finishRender(gen, [summary, cfg].concat(first));

	function collectorPicker(r) {
		const names = r.ok && Array.isArray(r.data.collectors) ?
		    r.data.collectors : [];
		if (names.length < 2 && collector() === null)
			return;
		const sel = h('select', {id: 'collector-picker'},
		    h('option', {value: ''}, 'the whole site (the sum of ' +
		    names.length + ' collectors)'),
		    names.map(n => h('option', {value: n}, n + ' alone')));
		sel.value = collector() || '';
		sel.addEventListener('change', function () {
			setParams({collector: sel.value});
			clearBanner();
			const g = beginRender();
			finishRender(g, [today()].concat(drawGraphsInner()));
		});
		collectorBox.append(h('label', null, 'Collectors: ', sel));
	}

	/* The graphs of the picked range; a list of load promises. */
	function drawGraphsInner() {
		graphsBox.textContent = '';
		const r = picker.get();
		if (r === null)
			return [];
		rangeNote.textContent = fmtTime(r.from) + ' to ' +
		    fmtTime(r.to) + (r.tz ? ' \u00b7 axis in ' + r.tz : '');
		const gs = [
		    ['sessions', 'Sessions per 5 minutes by category'],
		    ['share', 'Direct share: direct / (direct + relay), %'],
		    ['hosts', 'Distinct direct hosts per bin'],
		    ['completeness', 'Completeness: late and lost records'],
		].map(g => graph({name: g[0], caption: g[1], from: r.from,
		    to: r.to, tz: r.tz, collector: collector()}));
		graphsBox.append(...gs.map(g => g.el));
		return loadGraphs(gs);
	}
	function drawGraphs() {
		clearBanner();
		const g = beginRender();
		finishRender(g, drawGraphsInner());
	}
	currentRerender = drawGraphs;
}

/* ---------- effect ---------- */

/* The cut-over dates of the config: [{date, who: [...]}], sorted. */
function cutovers(cfg) {
	const map = new Map();
	function add(date, who) {
		if (typeof date !== 'string' || !isNum(parseDate(date)))
			return;
		if (!map.has(date))
			map.set(date, []);
		map.get(date).push(who);
	}
	add(cfg.blocking_start, 'site');
	for (const p of cfg.pools || [])
		if (p.kind !== 'static')
			add(p.cutover, p.name);
	return Array.from(map, ([date, who]) => ({date: date, who: who}))
	    .sort((a, b) => a.date < b.date ? -1 : 1);
}

/* Daily averages of a window's totals over `days` days with data. */
function dailyOf(sessions, days) {
	const d = {};
	for (const c of CATS)
		d[c] = days > 0 && isNum((sessions || {})[c]) ?
		    sessions[c] / days : NaN;
	return d;
}

/* The figures of DESIGN.md "Effect measurement" from daily averages. */
function effectFigures(b, a) {
	const DB = b.direct, RB = b.relay, DA = a.direct;
	const SB = b.submit + b.submit_ext, SA = a.submit + a.submit_ext;
	const dR = a.relay - RB;
	const dS = SA - SB;
	const div = (x, y) => isNum(x) && isNum(y) && y !== 0 ? x / y : NaN;
	const strict = div(DB - dR - dS - DA, DB + RB);
	return {
		direct_share_before: div(DB, DB + RB),
		delta_relay: dR,
		delta_submit: dS,
		spam_share: div(DB - dR, DB + RB),
		spam_share_strict: isNum(strict) ? Math.max(0, strict) : NaN,
		spam_share_strict_clamped: isNum(strict) && strict < 0,
		spam_of_direct: div(DB - dR, DB),
		blocked_per_day_after: a.blocked,
	};
}

/* A window time: UNIX seconds, or a date / ISO time string. */
function windowTime(v) {
	if (isNum(v))
		return v;
	if (typeof v !== 'string')
		return NaN;
	const d = parseDate(v);
	if (isNum(d))
		return d;
	const t = Date.parse(v);
	return isNum(t) ? Math.floor(t / 1000) : NaN;
}

/*
 * Read /api/v1/effect (the JSON of `op25b report --json`) into the
 * page's shape: {before, after: {from, to, days, dataDays, daily,
 * sessions, incomplete}, figures}; null when the shape is not known.
 */
function fromEffectJson(j) {
	function win(w) {
		/* A category may be null: sampled input without its
		 * estimate (null_reason says why). */
		if (!w || typeof w !== 'object' || !w.daily ||
		    !CATS.every(c => isNum(w.daily[c]) || (w.daily[c] === null &&
		    nullReason(w, c) !== null)))
			return null;
		const days = isNum(w.days) ? w.days : NaN;
		return {from: windowTime(w.from), to: windowTime(w.to),
		    days: days,
		    dataDays: isNum(w.coverage) ? days * w.coverage : days,
		    daily: Object.fromEntries(CATS.map(c => [c,
		    isNum(w.daily[c]) ? w.daily[c] : NaN])),
		    dailyCi: w.daily_ci95 || {},
		    sampled: w.sampled === true,
		    nullReason: w.null_reason || {},
		    sessions: w.total || null,
		    hostsPerDay: w.direct_hosts_per_day,
		    hostsKind: w.direct_hosts_kind || 'exact',
		    coverage: w.coverage,
		    incomplete: Array.isArray(w.incomplete_days) ?
		    w.incomplete_days : []};
	}
	const b = win(j.before), a = win(j.after);
	if (b === null || a === null)
		return null;
	const fig = effectFigures(b.daily, a.daily);
	for (const k of Object.keys(fig))
		if (isNum(j[k]) || typeof j[k] === 'boolean')
			fig[k] = j[k];
	for (const k of ['spam_of_direct_strict', 'direct_hosts_per_day_before',
	    'direct_hosts_per_day_after'])
		if (isNum(j[k]))
			fig[k] = j[k];
	for (const k of Object.keys(j))
		if (/_ci95$/.test(k) && Array.isArray(j[k]))
			fig[k] = j[k];
	fig.sampled = j.sampled === true;
	return {before: b, after: a, figures: fig, source: 'report',
	    assumptions: Array.isArray(j.assumptions) ? j.assumptions : null,
	    pools: Array.isArray(j.pools) ? j.pools : [],
	    costs: j.costs && typeof j.costs === 'object' ? j.costs : null};
}

/* A 100%-stacked horizontal bar of one window's sessions. */
function stackedBar(id, label, w, sessions) {
	let total = 0;
	for (const c of BAR_ORDER)
		if (isNum(sessions[c]))
			total += sessions[c];
	const bar = h('div', {class: 'bar', id: 'bar-' + id,
	    'data-total': String(total),
	    'data-from': isNum(w.from) ? String(w.from) : null,
	    'data-to': isNum(w.to) ? String(w.to) : null,
	    'data-days': isNum(w.days) ? String(w.days) : null,
	    'data-data-days': isNum(w.dataDays) ? String(w.dataDays) : null});
	if (total > 0) {
		for (const c of BAR_ORDER) {
			const v = isNum(sessions[c]) ? sessions[c] : 0;
			if (v <= 0)
				continue;
			const share = v / total;
			bar.appendChild(h('span', {class: 'seg cat-' + c +
			    (share < 0.12 ? ' narrow' : ''),
			    'data-cat': c, 'data-share': share.toFixed(6),
			    style: 'width:' + (share * 100).toFixed(4) + '%',
			    title: LABEL[c] + ': ' + fmtPct(share)},
			    share >= 0.06 ? fmtPct(share) : ''));
		}
	} else {
		bar.appendChild(h('span', {class: 'empty'}, 'no sessions'));
	}
	return h('div', {class: 'bar-row'},
	    h('div', {class: 'bar-label'}, label, h('small', null,
	    windowText(w))), bar);
}

function legend() {
	return h('ul', {class: 'legend'}, BAR_ORDER.map(c =>
	    h('li', null, h('span', {class: 'swatch cat-' + c}), LABEL[c])));
}

/* The effect form (cut-over, windows) and its results below. */
function renderEffect(page) {
	const gen = beginRender();
	const body = h('div', {id: 'effect-body'});
	const form = h('form', {class: 'picker', id: 'effect-form'});
	page.append(h('section', null, h('h2', null,
	    'Effect of the block: before and after the cut-over'), form),
	    body);
	const done = getConfig().then(function (r) {
		if (!r.ok)
			return;
		const list = cutovers(r.data);
		const want = getParam('cutover');
		if (isNum(parseDate(want)) && !list.some(c => c.date === want))
			list.push({date: want, who: ['from the address']});
		if (list.length === 0) {
			body.append(h('p', {class: 'note', id: 'no-cutover'},
			    'No cut-over is configured: set blocking_start ' +
			    'in [op25b] or in a [pool] section.'));
			return;
		}
		const sel = h('select', {id: 'cutover'}, list.map(c =>
		    h('option', {value: c.date}, c.date + ' (' +
		    c.who.join(', ') + ')')));
		sel.value = list.some(c => c.date === want) ? want :
		    list[list.length - 1].date;
		const num = (name, def, min) => {
			const v = parseInt(getParam(name), 10);
			return v >= min && v <= MAX_DAYS ? v : def;
		};
		const field = (id, v, min) => h('input', {type: 'number', id: id,
		    min: min, max: MAX_DAYS, value: v, required: true});
		const before = field('before', num('before', 14, 1), 1);
		const after = field('after', num('after', 14, 1), 1);
		const exclude = field('exclude', num('exclude', 0, 0), 0);
		form.append(h('label', null, 'Cut-over ', sel),
		    h('label', null, 'days before ', before),
		    h('label', null, 'days after ', after),
		    h('label', {title: 'days left out on each side of the ' +
		    'cut-over (the transition)'}, 'days left out ', exclude),
		    h('button', {type: 'submit'}, 'Compute'));
		function compute() {
			return effectCompute(body, sel.value,
			    parseInt(before.value, 10), parseInt(after.value, 10),
			    parseInt(exclude.value, 10));
		}
		form.addEventListener('submit', function (ev) {
			ev.preventDefault();
			setParams({cutover: sel.value, before: before.value,
			    after: after.value, exclude: exclude.value === '0' ?
			    null : exclude.value});
			clearBanner();
			finishRender(beginRender(), [compute()]);
		});
		currentRerender = function () {
			finishRender(beginRender(), [compute()]);
		};
		return compute();
	});
	finishRender(gen, [done]);
}

/*
 * The effect for cut-over date C with B days before, A after and X days
 * left out on each side: op25b report's figures from /api/v1/effect
 * (again without its completeness floor if it refuses, with the reason
 * shown), else computed from two summaries.
 */
async function effectCompute(body, date, B, A, X) {
	body.textContent = '';
	const C = parseDate(date);
	if (!isNum(C) || !(B >= 1 && B <= MAX_DAYS) ||
	    !(A >= 1 && A <= MAX_DAYS) || !(X >= 0 && X <= MAX_DAYS)) {
		showError('Give a cut-over date, 1 to ' + MAX_DAYS + ' days on ' +
		    'each side and 0 to ' + MAX_DAYS + ' days left out.');
		return;
	}
	/*
	 * min_complete=0: the page shows what there is and says itself
	 * which windows fall short of op25b report's 95% (a refusal would
	 * be a failed request in the browser's console).
	 */
	const r = await api('/api/v1/effect', {cutover: date, before: B,
	    after: A, exclude: X || null, min_complete: 0});
	let eff = null;
	if (r.ok)
		eff = fromEffectJson(r.data);
	else if (r.status !== 404)
		showError('/api/v1/effect: ' + r.error);
	if (eff !== null)
		for (const [w, name] of [[eff.before, 'before'],
		    [eff.after, 'after']])
			if (isNum(w.coverage) && w.coverage < MIN_COMPLETE)
				body.append(h('p', {class: 'note warn',
				    id: 'effect-incomplete-' + name}, 'The ' +
				    name + ' window is ' + fmtPct(w.coverage) +
				    ' complete (op25b report wants ' +
				    fmtPct(MIN_COMPLETE) + ')' +
				    (w.incomplete.length ? '; days with ' +
				    'missing bins: ' + w.incomplete.slice(0, 8)
				    .join(', ') + (w.incomplete.length > 8 ?
				    ' and ' + (w.incomplete.length - 8) +
				    ' more' : '') : '') + '. Daily averages ' +
				    'are over the bins that have data.'));
	if (eff === null)
		eff = await effectFromSummaries(body, C, B, A, X);
	if (eff === null)
		return;
	drawEffect(body, date, eff);
	const now = nowSec();
	const from = isNum(eff.before.from) ? eff.before.from :
	    C - (X + B) * DAY;
	let to = isNum(eff.after.to) ? eff.after.to : C + (X + A) * DAY;
	if (to > now)
		to = Math.max(now, from + DAY);
	const g = graph({name: 'sessions', caption: 'Sessions over both ' +
	    'windows; the vertical rule is the cut-over', from: from, to: to});
	body.append(h('section', null, h('h3', null, 'Sessions'), g.el));
	await g.load();
}

/* The fallback: the two windows' summaries and the days with data. */
async function effectFromSummaries(body, C, B, A, X) {
	const now = nowSec();
	const bw = {from: C - (X + B) * DAY, to: C - X * DAY};
	const aw = {from: C + X * DAY, to: Math.min(C + (X + A) * DAY, now)};
	if (aw.to <= aw.from) {
		body.append(h('p', {class: 'note'}, 'The after window starts ' +
		    'in the future: nothing to compare yet.'));
		return null;
	}
	const [sb, sa, cb, ca] = await Promise.all([
	    apiShown('/api/v1/summary', bw), apiShown('/api/v1/summary', aw),
	    coverage(bw), coverage(aw)]);
	if (!sb.ok || !sa.ok)
		return null;
	for (const [w, sum, cov] of [[bw, sb, cb], [aw, sa, ca]]) {
		w.days = (w.to - w.from) / DAY;
		w.dataDays = cov / DAY;
		w.sessions = sum.data.sessions;
		w.daily = dailyOf(w.sessions, w.dataDays);
		w.incomplete = [];
	}
	return {before: bw, after: aw, source: 'summaries', pools: [],
	    figures: effectFigures(bw.daily, aw.daily), assumptions: null};
}

/*
 * Seconds of a window [from, to) that hold data (rows of /api/v1/series
 * that are not null); NaN if the series cannot be read.
 */
async function coverage(w) {
	const span = w.to - w.from;
	const step = span / 300 <= 20000 ? 300 : span / 3600 <= 20000 ?
	    3600 : 86400;
	const r = await apiShown('/api/v1/series', {from: w.from, to: w.to,
	    step: step});
	if (!r.ok || !Array.isArray(r.data.series) ||
	    !Array.isArray(r.data.rows))
		return NaN;
	const k = r.data.series.indexOf('direct') + 1;
	const st = isNum(r.data.step) ? r.data.step : step;
	let n = 0;
	for (const row of r.data.rows)
		if (k > 0 && row[k] !== null && row[0] >= w.from &&
		    row[0] < w.to)
			n++;
	return n * st;
}

/* A number of days: whole, or with one decimal. */
function fmtDays(d) {
	return Math.abs(d - Math.round(d)) < 1e-9 ? intFmt.format(d) :
	    decFmt.format(d);
}

/* "2005-02-15 to 2005-03-01 (14 days, 13.5 with data)". */
function windowText(w) {
	let days = isNum(w.days) ? fmtDays(w.days) + (w.days === 1 ? ' day' :
	    ' days') : '';
	if (isNum(w.dataDays) && isNum(w.days) && w.dataDays < w.days - 1e-6)
		days += ', ' + fmtDays(w.dataDays) + ' with data';
	if (!isNum(w.from) || !isNum(w.to))
		return days;
	const end = w.to % DAY === 0 ? isoDate(w.to) : fmtTime(w.to);
	return isoDate(w.from) + ' to ' + end + ' (' + days + ')';
}

function perDay(n) {
	return isNum(n) ? fmtSigned(n) + ' /day' : '\u2014';
}

/* A change per day with half its 95% interval when it is an estimate. */
function perDayCi(n, ci) {
	if (isNum(n) && Array.isArray(ci) && isNum(ci[0]) && isNum(ci[1]) &&
	    ci[1] > ci[0])
		return '\u2248 ' + perDay(n) + ' \u00b1 ' + fmtAvg((ci[1] -
		    ci[0]) / 2);
	return perDay(n);
}

/* A daily average of a window: exact, "\u2248 x \u00b1 h", or n/a. */
function dailyCell(w, c) {
	const v = w.daily[c];
	const why = (w.nullReason || {})[c];
	const ci = (w.dailyCi || {})[c];

	if (!isNum(v))
		return h('td', {class: 'num', title: why || null},
		    why ? 'n/a' : '\u2014');
	if (Array.isArray(ci) && isNum(ci[0]) && isNum(ci[1]) && ci[1] > ci[0])
		return h('td', {class: 'num'}, '\u2248 ' + fmtAvg(v) +
		    ' \u00b1 ' + fmtAvg((ci[1] - ci[0]) / 2));
	return h('td', {class: 'num'}, fmtAvg(v));
}

/* A figure tile: id fig-ID, the raw number in .value's data-value. */
function figTile(id, label, text, formula, raw) {
	return h('div', {class: 'tile key', id: 'fig-' + id},
	    h('div', {class: 'label'}, label),
	    h('div', {class: 'value', 'data-value': isNum(raw) ? String(raw) :
	    ''}, text),
	    h('div', {class: 'sub'}, formula));
}

const ASSUMPTIONS = [
	'Mail that was legitimate and went out directly before the block ' +
	    'moved to the ISP\u2019s relays (\u0394R) or to submission on ' +
	    '587/465 (\u0394S) after it.',
	'The rest of the direct mail before the block was spam: it did not ' +
	    'come back through any other path.',
	'Nothing else changed between the two windows: subscribers, their ' +
	    'mail habits and the spam volume are the same before and after.',
	'The study\u2019s variant subtracts only \u0394R; the strict variant ' +
	    'also subtracts \u0394S and the direct mail that still leaves ' +
	    'after the block (D\u2009A), so it is a lower bound.',
];

function drawEffect(body, date, eff) {
	const b = eff.before, a = eff.after, f = eff.figures;
	for (const [w, name] of [[b, 'before'], [a, 'after']])
		if (!(w.dataDays > 0))
			body.append(h('p', {class: 'note warn'}, 'The ' + name +
			    ' window holds no data: no estimate.'));
		else if (eff.source === 'summaries' && w.dataDays < w.days - 1e-6)
			body.append(h('p', {class: 'note warn'}, 'The ' + name +
			    ' window has data for ' + fmtDays(w.dataDays) +
			    ' of its ' + fmtDays(w.days) + ' days; its daily ' +
			    'averages are per day with data.'));
	const sessB = b.sessions || b.daily;
	const sessA = a.sessions || a.daily;
	body.append(h('section', {id: 'effect-bars'},
	    h('h3', null, 'Share of all sessions'),
	    stackedBar('before', 'Before', b, sessB),
	    stackedBar('after', 'After', a, sessA),
	    legend()));

	const rows = CATS.map(c => h('tr', {'data-cat': c},
	    h('th', {scope: 'row'}, h('span', {class: 'swatch cat-' + c}),
	    LABEL[c]),
	    dailyCell(b, c), dailyCell(a, c),
	    h('td', {class: 'num'}, fmtSigned(a.daily[c] - b.daily[c]))));
	if (isNum(b.hostsPerDay) || isNum(a.hostsPerDay))
		rows.push(h('tr', {'data-cat': 'hosts',
		    'data-kind': hostsKind(b, a)},
		    h('th', {scope: 'row'}, 'Direct hosts (distinct)' +
		    HOSTS_NOTE[hostsKind(b, a)]),
		    h('td', {class: 'num'}, fmtAvg(b.hostsPerDay)),
		    h('td', {class: 'num'}, fmtAvg(a.hostsPerDay)),
		    h('td', {class: 'num'}, fmtSigned(a.hostsPerDay -
		    b.hostsPerDay))));
	body.append(h('section', null, h('h3', null, 'Sessions per day'),
	    h('div', {class: 'scroll'}, h('table', {id: 'effect-daily'},
	    h('thead', null, h('tr', null, h('th', null, 'per day'),
	    h('th', {class: 'num'}, 'before'), h('th', {class: 'num'},
	    'after'), h('th', {class: 'num'}, 'change'))),
	    h('tbody', null, rows)))));

	const B = 'D\u2009B', R = 'R\u2009B';
	const ci = k => f[k + '_ci95'];
	const tiles = [
	    figTile('direct-share', 'Direct share before',
	    fmtShareCi(f.direct_share_before, ci('direct_share_before')),
	    B + ' / (' + B + ' + ' + R + ')', f.direct_share_before),
	    figTile('delta-r', 'Mail moved to the relays (\u0394R)',
	    perDayCi(f.delta_relay, ci('delta_relay')), 'R\u2009A \u2212 ' +
	    R, f.delta_relay),
	    figTile('delta-s', 'Growth of submission (\u0394S)',
	    perDayCi(f.delta_submit, ci('delta_submit')), 'S\u2009A \u2212 ' +
	    'S\u2009B, S = submit + submit_ext', f.delta_submit),
	    figTile('spam', 'Estimated spam share (study)',
	    fmtShareCi(f.spam_share, ci('spam_share')), '(' + B +
	    ' \u2212 \u0394R) / (' + B + ' + ' + R + ')', f.spam_share),
	    figTile('spam-strict', 'Estimated spam share (strict)',
	    fmtShareCi(f.spam_share_strict, ci('spam_share_strict')), '(' +
	    B + ' \u2212 \u0394R \u2212 ' +
	    '\u0394S \u2212 D\u2009A) / (' + B + ' + ' + R + ')' +
	    (f.spam_share_strict_clamped ? ', below 0: shown as 0' :
	    ', at least 0'), f.spam_share_strict),
	    figTile('spam-direct', 'Spam as a share of direct',
	    fmtShareCi(f.spam_of_direct, ci('spam_of_direct')), '(' + B +
	    ' \u2212 \u0394R) / ' + B, f.spam_of_direct),
	    figTile('blocked-after', 'Blocked attempts after',
	    isNum(f.blocked_per_day_after) ?
	    perDay(f.blocked_per_day_after).replace(/^\+/, '') : 'n/a',
	    'blocked sessions per day', f.blocked_per_day_after),
	];
	if (b.sampled || a.sampled || f.sampled)
		body.append(h('p', {class: 'note', id: 'effect-sampled'},
		    'Sampled input: sessions are estimated from sampled ' +
		    'SYN-ACKs; \u2248 x \u00b1 h gives half the 95% interval ' +
		    'of the sampling error (doc/sampling.md). ' +
		    Object.values(Object.assign({}, b.nullReason || {},
		    a.nullReason || {})).filter((r, i, l) => l.indexOf(r) === i)
		    .join(' ')));
	body.append(h('section', null, h('h3', null, 'Estimates'),
	    h('div', {class: 'tiles'}, tiles),
	    h('p', {class: 'when'}, 'D, R, S: daily averages of direct, ' +
	    'relay and submission (own and outside) sessions, B before and A ' +
	    'after the cut-over ' + date + '. ' + (eff.source === 'report' ?
	    'From op25b report (/api/v1/effect).' : 'Computed here from ' +
	    'two summaries of the RRD files.'))));

	if (eff.pools.length > 0)
		body.append(effectPools(eff.pools));
	if (eff.costs)
		body.append(effectCosts(eff.costs, eff.before, eff.after));

	body.append(h('section', {class: 'assumptions'},
	    h('h3', null, 'Assumptions'),
	    h('ul', null, (eff.assumptions || ASSUMPTIONS).map(t =>
	    h('li', null, t)))));
}

/*
 * Daily distinct hosts of a site of several collectors: the union of
 * their sketches where more than one saw hosts that day.
 */
const HOSTS_NOTE = {exact: '',
    estimate: ' \u2014 estimate across collectors (HyperLogLog, \u00b10.81%)',
    lower_bound: ' \u2014 lower bound (a collector\u2019s sketch is missing)'};
function hostsKind(b, a) {
	const order = ['exact', 'estimate', 'lower_bound'];
	const k = Math.max(order.indexOf(b.hostsKind), order.indexOf(a.hostsKind));
	return order[k < 0 ? 0 : k];
}

/* op25b report's per-pool windows as a table. */
function effectPools(pools) {
	const rows = pools.map(function (p) {
		const b = p.before || {}, a = p.after || {};
		const d = (w, c) => fmtAvg((w.daily || {})[c]);
		return h('tr', {'data-pool': p.name},
		    h('th', {scope: 'row'}, p.name),
		    h('td', null, p.service || ''),
		    h('td', null, p.cutover || '\u2014'),
		    p.error ? h('td', {colspan: 5, class: 'muted'}, p.error) :
		    [h('td', {class: 'num'}, d(b, 'direct')),
		    h('td', {class: 'num'}, d(a, 'direct')),
		    h('td', {class: 'num'}, d(a, 'blocked')),
		    h('td', {class: 'num'}, fmtAvg(b.direct_hosts_per_day)),
		    h('td', {class: 'num'}, fmtAvg(a.direct_hosts_per_day))]);
	});
	return h('section', null, h('h3', null, 'Per pool (per day)'),
	    table('effect-pools', [['pool'], ['service'], ['cut-over'],
	    ['direct before', 1], ['direct after', 1], ['blocked after', 1],
	    ['hosts before', 1], ['hosts after', 1]], rows, ''));
}

/*
 * The support desk's contacts per day ([costs] costs_file) over the same
 * windows, as the study set its workload beside the block's effect.
 */
function effectCosts(costs, bw, aw) {
	const cats = Array.isArray(costs.categories) ? costs.categories : [];
	const rows = cats.map(function (c) {
		const b = c.before || {}, a = c.after || {};
		return h('tr', {'data-cost': c.name},
		    h('th', {scope: 'row'}, c.name),
		    valueCell('before', b.per_day, fmtAvg(b.per_day)),
		    valueCell('after', a.per_day, fmtAvg(a.per_day)),
		    valueCell('change', c.change_per_day,
		    fmtSigned(c.change_per_day)),
		    valueCell('change_pct', c.change, fmtSignedPct(c.change)),
		    h('td', {class: 'num'}, (isNum(b.days) ? b.days : '?') +
		    '/' + (isNum(bw.days) ? bw.days : '?') + ', ' +
		    (isNum(a.days) ? a.days : '?') + '/' +
		    (isNum(aw.days) ? aw.days : '?')));
	});
	return h('section', {id: 'effect-costs'},
	    h('h3', null, 'Support contacts (per day)'),
	    costs.error ? h('p', {class: 'warn'}, String(costs.error)) :
	    table('effect-costs-table', [['category'], ['before', 1],
	    ['after', 1], ['change', 1], ['change %', 1],
	    ['days entered', 1, 'days with a line in the file, of the ' +
	    'window\'s days']], rows, 'The file holds no lines.'),
	    h('p', {class: 'when'}, 'From [costs] costs_file: contacts per ' +
	    'day averaged over the days that have a line, in the same windows ' +
	    'as the sessions above.'));
}

/* ---------- pools ---------- */

function renderPools(page) {
	const tableBox = h('div', {class: 'scroll'});
	const graphsBox = h('div', {class: 'graphs', id: 'graphs'});
	const rangeNote = h('p', {class: 'when', id: 'graph-range'});
	const picker = rangePicker(draw);
	page.append(h('section', null, h('h2', null, 'Pools'), picker.el,
	    rangeNote, tableBox), h('section', null, h('h2', null,
	    'Graphs'), graphsBox));
	const gen = beginRender();
	finishRender(gen, [getConfig().then(function (r) {
		if (!r.ok)
			return [];
		return Promise.allSettled(drawInner(r.data));
	})]);
	currentRerender = draw;

	function draw() {
		clearBanner();
		const g = beginRender();
		finishRender(g, [getConfig().then(r => r.ok ?
		    Promise.allSettled(drawInner(r.data)) : null)]);
	}

	/* The table and graphs for the picked range; load promises. */
	function drawInner(cfg) {
		tableBox.textContent = '';
		graphsBox.textContent = '';
		const range = picker.get();
		if (range === null)
			return [];
		rangeNote.textContent = fmtTime(range.from) + ' to ' +
		    fmtTime(range.to);
		const pools = cfg.pools || [];
		const cols = ['direct', 'blocked', 'submit', 'submit_ext',
		    'other'];
		const waits = [];
		const rows = pools.map(function (p) {
			const cells = cols.map(c => h('td', {class: 'num',
			    'data-cat': c}, '\u2026'));
			const hosts = h('td', {class: 'num', 'data-cat':
			    'hosts'}, '\u2026');
			waits.push(api('/api/v1/summary', {from: range.from,
			    to: range.to, pool: p.name}).then(function (s) {
				if (!s.ok) {
					if (s.status !== 404)
						showError('Pool ' + p.name + ': ' +
						    s.error);
					for (const td of cells.concat([hosts]))
						td.textContent = '\u2014';
					cells[0].textContent = s.status === 404 ?
					    'no data' : 'error';
					cells[0].className = 'muted';
					return;
				}
				const ss = s.data.sessions || {};
				cols.forEach(function (c, i) {
					cells[i].textContent = fmtCount(s.data,
					    c);
					cells[i].title = nullReason(s.data, c) ||
					    '';
					cells[i].dataset.value = isNum(ss[c]) ?
					    String(ss[c]) : '';
				});
				hosts.textContent = s.data.direct_hosts_max ===
				    null ? 'n/a' : fmtInt(
				    s.data.direct_hosts_max);
			}));
			return h('tr', {'data-pool': p.name},
			    h('th', {scope: 'row'}, p.name),
			    h('td', null, p.kind || ''),
			    h('td', null, p.service || ''),
			    h('td', null, p.cutover || '\u2014'),
			    h('td', {class: 'prefixes'}, (p.prefixes || [])
			    .join(', ')),
			    cells, hosts);
		});
		tableBox.append(h('table', {id: 'pools-table'},
		    h('thead', null, h('tr', null,
		    ['pool', 'kind', 'service', 'cut-over', 'prefixes']
		    .map(t => h('th', null, t)),
		    cols.map(c => h('th', {class: 'num'}, LABEL[c])),
		    h('th', {class: 'num', title: 'most distinct direct ' +
		    'sources in one bin'}, 'Hosts (max)'))),
		    h('tbody', null, rows.length ? rows : h('tr', null,
		    h('td', {colspan: 11}, 'No pool is configured.')))));
		const gs = [graph({name: 'pools', caption: 'Direct + blocked ' +
		    'sessions per pool (direct service beside roaming)',
		    from: range.from, to: range.to, tz: range.tz})];
		for (const p of pools)
			gs.push(graph({name: 'sessions', pool: p.name,
			    caption: 'Pool ' + p.name + ' (' + (p.kind || '') +
			    (p.service ? ', ' + p.service : '') + ')',
			    from: range.from, to: range.to, tz: range.tz}));
		graphsBox.append(...gs.map(g => g.el));
		return waits.concat(loadGraphs(gs));
	}
}

/* ---------- exporters ---------- */

/* A table: heads is a list of [title, numeric?]; rows of cell lists. */
function table(id, heads, rows, empty) {
	return h('div', {class: 'scroll'}, h('table', {id: id,
	    class: heads.length > 10 ? 'compact' : null},
	    h('thead', null, h('tr', null, heads.map(x => h('th',
	    {class: x[1] ? 'num' : null, title: x[2] || null}, x[0])))),
	    h('tbody', null, rows.length ? rows : h('tr', {class: 'empty'},
	    h('td', {colspan: heads.length}, empty)))));
}

/* A numeric cell, highlighted when bad and non-zero. */
function numCell(v, bad) {
	return h('td', {class: 'num' + (bad && isNum(v) && v > 0 ?
	    ' warn' : '')}, fmtInt(v));
}

function badge(text, cls, title) {
	return h('span', {class: 'badge ' + (cls || ''), title: title || null},
	    text);
}

function versionText(e) {
	const v = e.version === 'sflow' ? 'sFlow v5' : e.version === 10 ?
	    'IPFIX' : e.version === 9 ? 'NetFlow v9' : e.version === 5 ?
	    'NetFlow v5' : 'v' + e.version;
	return v + (e.transport ? ' / ' + e.transport : '');
}

function exporterRow(e, nowMs) {
	const stale = isNum(e.last_seen_ms) && nowMs - e.last_seen_ms >
	    120000;
	const sampling = h('td', {class: 'num'},
	    isNum(e.sampling) && e.sampling > 1 ? '1:' + fmtInt(e.sampling) :
	    '1:1', e.estimate ? badge('estimate', 'warn', 'counts scaled by ' +
	    'the sampling interval') : null);
	const sess = h('td', null, e.sessions_approximated ?
	    badge('approximated', 'warn', 'TCP records without flags: ' +
	    'every record counted as a session') : 'exact');
	const addr = String(e.address).indexOf(':') >= 0 ?
	    '[' + e.address + ']' : e.address;
	return h('tr', {'data-exporter': e.address + ':' + e.port},
	    h('th', {scope: 'row'}, addr + ':' + e.port),
	    h('td', null, versionText(e)),
	    h('td', {class: 'num'}, fmtInt(e.domain)),
	    h('td', {class: 'num'}, fmtAvg(e.records_per_s)),
	    numCell(e.records),
	    numCell(e.lost, true),
	    numCell(e.late, true),
	    h('td', {class: 'num', title: (e.templates_withdrawn || 0) +
	    ' withdrawn, ' + (e.templates_refused || 0) + ' refused'},
	    fmtInt(e.templates)),
	    sampling, sess,
	    h('td', {class: 'num' + (isNum(e.skew_ms) &&
	    Math.abs(e.skew_ms) > 60000 ? ' warn' : '')}, isNum(e.skew_ms) ?
	    (e.skew_ms < 0 ? '\u2212' : '') + fmtSpan(e.skew_ms / 1000) :
	    '\u2014'),
	    h('td', {class: stale ? 'warn' : null, title: isNum(
	    e.last_seen_ms) ? fmtTime(e.last_seen_ms / 1000) : null},
	    fmtAgo(e.last_seen_ms, nowMs)),
	    numCell(e.malformed, true),
	    numCell(e.no_template, true),
	    numCell(e.bad_time, true),
	    numCell(e.skewed, true));
}

/* An sFlow agent's own counters (the API's "sflow" object). */
function sflowRow(e) {
	const s = e.sflow || {};
	const addr = String(e.address).indexOf(':') >= 0 ?
	    '[' + e.address + ']' : e.address;
	return h('tr', {'data-sflow': e.address + '/' + e.domain},
	    h('th', {scope: 'row'}, addr),
	    h('td', {class: 'num'}, fmtInt(e.domain)),
	    numCell(s.samples),
	    numCell(e.records),
	    numCell(s.sample_pool),
	    numCell(s.sample_drops, true),
	    numCell(e.seq_gaps, true),
	    numCell(s.counter_samples),
	    numCell(s.not_ip),
	    numCell(s.not_tcp),
	    numCell(s.bad_header, true),
	    numCell(s.unknown_samples),
	    numCell(s.sources_evicted, true));
}

function tapRow(t) {
	return h('tr', {'data-tap': t.name},
	    h('th', {scope: 'row'}, t.name),
	    h('td', null, t.kind || ''),
	    numCell(t.packets),
	    numCell(t.drops, true),
	    numCell(t.ifdrops, true),
	    numCell(t.sessions),
	    numCell(t.established),
	    numCell(t.blocked),
	    numCell(t.evicted, true),
	    numCell(t.skewed, true),
	    numCell((t.truncated || 0) + (t.bad_ip || 0) + (t.bad_tcp || 0) +
	    (t.fragment || 0), true));
}

/* A peer's pull status (times in UNIX seconds). */
function peerRow(p, nowMs) {
	const ago = t => isNum(t) && t > 0 ? fmtAgo(t * 1000, nowMs) : 'never';
	const next = isNum(p.next) && p.next > 0 ? (p.next * 1000 > nowMs ?
	    'in ' + fmtSpan(p.next - nowMs / 1000) : 'due') : '\u2014';
	return h('tr', {'data-peer': p.name},
	    h('th', {scope: 'row'}, p.name),
	    h('td', {title: isNum(p.last_attempt) && p.last_attempt > 0 ?
	    fmtTime(p.last_attempt) : null}, ago(p.last_attempt)),
	    h('td', {class: p.failures > 0 ? 'warn' : null}, ago(
	    p.last_success)),
	    h('td', null, isNum(p.generated) && p.generated > 0 ?
	    fmtTime(p.generated) : '\u2014'),
	    h('td', null, next),
	    numCell(p.pulls),
	    numCell(p.errors, true),
	    h('td', {class: p.last_error ? 'warn' : 'muted'},
	    p.last_error || 'none'));
}

function drawExporters(box, j) {
	const nowMs = isNum(j.now_ms) ? j.now_ms : Date.now();
	const ex = Array.isArray(j.exporters) ? j.exporters : [];
	const taps = Array.isArray(j.taps) ? j.taps : [];
	const ref = j.refused || {};
	const kd = j.kernel_drops || {};
	const col = j.collector || {};
	box.textContent = '';
	box.append(h('section', null, h('h2', null, 'Exporters'),
	    table('exporters-table', [
		['exporter'], ['protocol'], ['domain', 1],
		['records/s', 1], ['records', 1],
		['lost', 1, 'estimated from sequence gaps'],
		['late', 1, 'records older than the oldest open bin'],
		['templates', 1], ['sampling', 1], ['sessions'],
		['skew', 1, 'exporter clock minus ours'], ['last seen'],
		['malformed', 1], ['no template', 1], ['bad time', 1],
		['skewed', 1]],
	    ex.map(e => exporterRow(e, nowMs)),
	    'No exporter has sent anything yet.')));
	const sf = ex.filter(e => e.version === 'sflow');
	if (sf.length)
		box.append(h('section', null, h('h2', null, 'sFlow agents'),
		    table('sflow-table', [['agent'], ['sub-agent', 1],
			['flow samples', 1], ['TCP samples', 1, 'samples ' +
			'that became a record'],
			['packets seen', 1, 'sample_pool: packets the ' +
			'sampled sources saw'],
			['agent drops', 1, 'samples the agent dropped ' +
			'(counted in lost)'],
			['gaps', 1, 'sequence discontinuities'],
			['counter samples', 1], ['not IP', 1],
			['not TCP', 1, 'other protocols and fragments'],
			['bad header', 1], ['unknown', 1,
			'samples of other types'],
			['sources evicted', 1, 'beyond 64 data sources ' +
			'per agent']],
		    sf.map(sflowRow), '')));
	box.append(h('section', null, h('h2', null, 'Pcap taps'),
	    table('taps-table', [['tap'], ['kind'], ['packets', 1],
		['drops', 1, 'dropped by the capture buffer'],
		['if drops', 1, 'dropped by the interface'],
		['sessions', 1], ['established', 1], ['blocked', 1],
		['evictions', 1, 'sessions evicted from a full tracker'],
		['skewed', 1],
		['bad packets', 1, 'truncated, bad IP, bad TCP, fragments']],
	    taps.map(tapRow), 'No pcap tap is configured.')));
	const sources = Array.isArray(ref.sources) ? ref.sources : [];
	box.append(h('section', null, h('h2', null,
	    'Refused by the allow-list'),
	    h('p', {id: 'refused-total'}, fmtInt(ref.total || 0),
	    ' datagrams refused', ref.over_cap ? ', ' + fmtInt(ref.over_cap) +
	    ' from sources beyond the table\u2019s cap' : '', '; ',
	    fmtInt(j.tcp_connections_refused || 0),
	    ' TCP connections refused.'),
	    sources.length ? table('refused-table', [['source'],
		['datagrams', 1], ['last seen']],
	    sources.map(s => h('tr', null, h('th', {scope: 'row'},
		s.address), numCell(s.datagrams), h('td', null,
		fmtAgo(s.last_seen_ms, nowMs)))), '') : null));
	const peers = Array.isArray(j.peers) ? j.peers : [];
	box.append(h('section', null, h('h2', null, 'Federation peers'),
	    table('peers-table', [['peer'], ['last pull'], ['last success'],
		['bundle of', 0, 'when the peer generated the bundle held'],
		['next pull'], ['pulls', 1], ['errors', 1], ['last error']],
	    peers.map(p => peerRow(p, nowMs)),
	    'No [peer] with a url is configured.')));
	box.append(h('section', null, h('h2', null, 'Collector'),
	    h('dl', {class: 'facts', id: 'collector'},
	    h('dt', null, 'kernel drops, NetFlow socket'),
	    h('dd', {class: kd.netflow > 0 ? 'warn' : null},
	    fmtInt(kd.netflow || 0)),
	    h('dt', null, 'kernel drops, IPFIX socket'),
	    h('dd', {class: kd.ipfix > 0 ? 'warn' : null},
	    fmtInt(kd.ipfix || 0)),
	    h('dt', null, 'kernel drops, sFlow socket'),
	    h('dd', {class: kd.sflow > 0 ? 'warn' : null},
	    fmtInt(kd.sflow || 0)),
	    h('dt', null, 'open bins'), h('dd', null, fmtInt(col.open_bins)),
	    h('dt', null, 'oldest open bin'), h('dd', null,
	    fmtTime(col.oldest_open_bin)),
	    h('dt', null, 'last commit'), h('dd', null,
	    isNum(col.last_commit) && col.last_commit > 0 ?
	    fmtAgo(col.last_commit * 1000, nowMs) : 'none yet'),
	    h('dt', null, 'bins written'), h('dd', null,
	    fmtInt(col.bins_written)),
	    h('dt', null, 'records'), h('dd', null, fmtInt(col.records)),
	    h('dt', null, 'late records'), h('dd', null, fmtInt(col.late)),
	    h('dt', null, 'running since'), h('dd', null,
	    isNum(j.started_ms) ? fmtTime(j.started_ms / 1000) + ' (' +
	    fmtSpan((nowMs - j.started_ms) / 1000) + ')' : '\u2014'))));
}

function renderExporters(page) {
	const stamp = h('p', {class: 'when', id: 'exporters-updated'},
	    'loading\u2026');
	const box = h('div', {id: 'exporters-body'});
	page.append(h('p', {class: 'note'}, 'Health of every exporter and ' +
	    'pcap tap, refreshed every 5 s.'), stamp, box);
	let failing = false;
	async function refresh() {
		const r = await api('/api/v1/exporters');
		if (!r.ok) {
			showError('/api/v1/exporters: ' + r.error);
			failing = true;
			stamp.textContent = 'last attempt ' +
			    new Date().toISOString().slice(11, 19) +
			    ' UTC failed';
			return;
		}
		if (failing) {
			clearBanner();
			failing = false;
		}
		drawExporters(box, r.data);
		stamp.textContent = 'updated ' + new Date().toISOString()
		    .slice(11, 19) + ' UTC \u00b7 refreshes every 5 s';
	}
	function loop() {
		setTimeout(function () {
			(document.hidden ? Promise.resolve() : refresh())
			    .then(loop, loop);
		}, REFRESH_MS);
	}
	const gen = beginRender();
	finishRender(gen, [refresh(), getConfig()]).then(loop);
}

/* ---------- federation ---------- */

/* A share as a signed percent: 0.125 -> "+12.5%". */
function fmtSignedPct(x) {
	if (!isNum(x))
		return '\u2014';
	return (x > 0 ? '+' : x < 0 ? '\u2212' : '') + decFmt.format(
	    Math.abs(x) * 100) + '%';
}

/* A numeric cell carrying its raw value (data-key, data-value). */
function valueCell(key, v, text) {
	return h('td', {class: 'num', 'data-key': key,
	    'data-value': isNum(v) ? String(v) : ''}, text);
}

/* One ISP of /api/v1/federation as a table row. */
function fedSiteRow(s, nowMs) {
	const sum = s.summary;
	let age;
	if (s.local)
		age = h('td', null, 'local data');
	else if (isNum(s.generated))
		age = h('td', {class: nowMs - s.generated * 1000 > 2 * DAY * 1000 ?
		    'warn' : null, 'data-generated': String(s.generated),
		    title: 'bundle generated ' + fmtTime(s.generated)},
		    fmtAgo(s.generated * 1000, nowMs));
	else
		age = h('td', null, '\u2014');
	const held = s.local ? '\u2014' : isNum(s.held_from) && isNum(s.held_to) ?
	    isoDate(s.held_from) + ' to ' + fmtTime(s.held_to) : '\u2014';
	const key = typeof s.key === 'string' ? s.key : null;
	const pulled = s.local ? h('td', null, '\u2014') :
	    h('td', {class: s.last_error ? 'warn' : null, 'data-key':
	    'last_success', title: s.last_error || null},
	    isNum(s.last_success) ? fmtAgo(s.last_success * 1000, nowMs) :
	    'never');
	const head = [h('th', {scope: 'row'}, s.site),
	    h('td', null, s.local ? 'local' : 'peer'),
	    h('td', {'data-key': 'cutover'}, s.cutover || 'none'), age,
	    h('td', {'data-key': 'held'}, held), pulled,
	    h('td', {'data-key': 'key', class: 'mono', title: key},
	    key !== null ? key.slice(0, 18) + '\u2026' : '\u2014')];
	if (!sum || typeof sum !== 'object')
		return h('tr', {'data-site': s.site}, head,
		    h('td', {colspan: CATS.length + 2, class: 'muted'},
		    'no data in this range'));
	const ss = sum.sessions || {};
	return h('tr', {'data-site': s.site, 'data-local': s.local ? '1' : '0'},
	    head, BAR_ORDER.map(c => h('td', {class: 'num', 'data-cat': c,
	    'data-value': isNum(ss[c]) ? String(ss[c]) : '',
	    title: nullReason(sum, c)}, fmtCount(sum, c))),
	    valueCell('direct_share', sum.direct_share,
	    fmtShareCi(sum.direct_share, sum.direct_share_ci95)),
	    valueCell('direct_hosts_max', sum.direct_hosts_max,
	    fmtInt(sum.direct_hosts_max)));
}

/* The ISPs side by side, and their combined totals. */
function fedSitesTable(fed, nowMs) {
	const sites = Array.isArray(fed.sites) ? fed.sites : [];
	const comb = fed.combined || {};
	const cs = comb.sessions || {};
	const heads = [['ISP'], ['data'], ['cut-over'], ['bundle', 0,
	    'how old the peer\u2019s bundle is'], ['held', 0, 'the range ' +
	    'of the peer\u2019s data held here'], ['last pull', 0,
	    'the last successful pull (hover: the last error)'], ['key', 0,
	    'the fingerprint of the key that signed the bundle held']].concat(
	    BAR_ORDER.map(c => [LABEL[c], 1, HINT[c]]),
	    [['Direct share', 1, 'direct / (direct + relay)'],
	    ['Hosts (max)', 1, 'most distinct direct sources in one bin']]);
	const t = table('fed-sites', heads, sites.map(s => fedSiteRow(s,
	    nowMs)), 'No ISP has data yet.');
	t.querySelector('table').appendChild(h('tfoot', null,
	    h('tr', {id: 'fed-combined'}, h('th', {scope: 'row', colspan: 7},
	    'All ISPs together'), BAR_ORDER.map(c => h('td', {class: 'num',
	    'data-cat': c, 'data-value': isNum(cs[c]) ? String(cs[c]) : '',
	    title: nullReason(comb, c)}, fmtCount(comb, c))),
	    valueCell('direct_share', comb.direct_share,
	    fmtShareCi(comb.direct_share, comb.direct_share_ci95)),
	    h('td', null, ''))));
	return t;
}

/* The difference-in-differences pairs of /api/v1/federation. */
function fedControlTable(fed) {
	const pairs = Array.isArray(fed.control) ? fed.control : [];
	const win = w => Array.isArray(w) ? w[0] + ' to ' + w[1] : '\u2014';
	const pd = (v, k) => valueCell(k, v, fmtAvg(v));
	const rows = pairs.map(function (p) {
		const t = p.treated_direct_per_day || [];
		const c = p.control_direct_per_day || [];
		/* The estimates first, so that they show without scrolling. */
		return h('tr', {'data-treated': p.treated,
		    'data-control': p.control},
		    h('th', {scope: 'row'}, p.treated), h('td', null, p.control),
		    h('td', null, p.cutover || '\u2014'),
		    valueCell('did_per_day', p.did_per_day,
		    fmtSigned(p.did_per_day)),
		    valueCell('did_relative', p.did_relative,
		    fmtSignedPct(p.did_relative)),
		    pd(t[0], 'treated_before'), pd(t[1], 'treated_after'),
		    pd(c[0], 'control_before'), pd(c[1], 'control_after'),
		    valueCell('control_change_per_day', p.control_change_per_day,
		    fmtSigned(p.control_change_per_day)),
		    h('td', null, win(p.before)), h('td', null, win(p.after)));
	});
	return table('fed-control', [['treated', 0, 'the ISP that blocked'],
	    ['control', 0, 'an ISP that had not blocked by the end of the ' +
	    'after window'], ['cut-over'],
	    ['estimate', 1, 'difference-in-differences, direct sessions per day'],
	    ['relative', 1, '(treated after / before) / (control after / ' +
	    'before) \u2212 1'],
	    ['treated before', 1, 'direct sessions per day'],
	    ['treated after', 1, 'direct sessions per day'],
	    ['control before', 1, 'direct sessions per day'],
	    ['control after', 1, 'direct sessions per day'],
	    ['control change', 1, 'per day'],
	    ['before window'], ['after window']], rows,
	    'No pair of ISPs: it takes one with ' +
	    'a cut-over and one that had not blocked by the end of the after ' +
	    'window.');
}

function renderFederation(page) {
	const sitesBox = h('div', {id: 'fed-sites-box'});
	const graphsBox = h('div', {class: 'graphs', id: 'graphs'});
	const dispBox = h('div', {class: 'graphs', id: 'fed-displacement'});
	const didBox = h('div', {id: 'fed-did'});
	const rangeNote = h('p', {class: 'when', id: 'graph-range'});
	const picker = rangePicker(draw, 'week');
	const days = (name) => {
		const v = parseInt(getParam(name), 10);
		return v >= 1 && v <= MAX_DAYS ? v : 14;
	};
	const field = (id, v) => h('input', {type: 'number', id: id, min: 1,
	    max: MAX_DAYS, value: v, required: true});
	const before = field('fed-before', days('before'));
	const after = field('fed-after', days('after'));
	const form = h('form', {class: 'picker', id: 'fed-form',
	    onsubmit: function (ev) {
		ev.preventDefault();
		setParams({before: before.value, after: after.value});
		draw();
	    }},
	    h('label', null, 'days before each cut-over ', before),
	    h('label', null, 'days after ', after),
	    h('button', {type: 'submit'}, 'Compute'));
	page.append(
	    h('section', null, h('h2', null, 'Federation: every ISP'),
	    h('p', {class: 'note'}, 'Counts only: each peer\u2019s signed ' +
	    'bundle holds its aggregate series, never an address. The table ' +
	    'sums the picked range.'), picker.el, rangeNote, sitesBox),
	    h('section', null, h('h2', null, 'Graphs'), graphsBox),
	    h('section', null, h('h2', null, 'Displacement'),
	    h('p', {class: 'note'}, 'The direct share of all the other ISPs ' +
	    'together around one ISP\u2019s cut-over: did its block push ' +
	    'spam to the ISPs that had not blocked?'), dispBox),
	    h('section', null, h('h2', null,
	    'Control group: difference-in-differences'), form, didBox));
	const gen = beginRender();
	finishRender(gen, [getConfig(), drawInner()]);
	currentRerender = draw;

	function draw() {
		clearBanner();
		const g = beginRender();
		finishRender(g, [drawInner()]);
	}

	/* Everything for the picked range; settles when all has loaded. */
	async function drawInner() {
		for (const b of [sitesBox, graphsBox, dispBox, didBox])
			b.textContent = '';
		const r = picker.get();
		if (r === null)
			return;
		rangeNote.textContent = fmtTime(r.from) + ' to ' +
		    fmtTime(r.to) + (r.tz ? ' \u00b7 axis in ' + r.tz : '');
		const g = (name, caption, site) => graph({name: name,
		    caption: caption, from: r.from, to: r.to, tz: r.tz,
		    site: site});
		const gs = [
		    g('fed_share', 'Direct share of each ISP, %, with its ' +
		    'cut-over'),
		    g('fed_total', 'Sessions of all ISPs, stacked by ISP'),
		    g('fed_category', 'Sessions of all ISPs, stacked by ' +
		    'category'),
		];
		graphsBox.append(...gs.map(x => x.el));
		const loads = loadGraphs(gs);
		const res = await apiShown('/api/v1/federation', {from: r.from,
		    to: r.to, before: before.value, after: after.value});
		if (!res.ok) {
			sitesBox.append(h('p', {class: 'note warn'},
			    'The federation view is not available: ' + res.error));
			return Promise.allSettled(loads);
		}
		const fed = res.data;
		sitesBox.append(fedSitesTable(fed, Date.now()));
		const withData = (fed.sites || []).filter(s => s.summary);
		const cut = withData.filter(s => s.cutover);
		if (withData.length < 2) {
			dispBox.append(h('p', {class: 'note', id: 'fed-no-peers'},
			    'It takes two ISPs with data: configure a [peer NAME] ' +
			    'whose bundles op25bd pulls, or op25b import one.'));
		} else if (cut.length === 0) {
			dispBox.append(h('p', {class: 'note', id: 'fed-no-cutover'},
			    'No ISP has a cut-over date yet.'));
		} else {
			const ds = cut.map(s => g('fed_displacement',
			    'The others\u2019 direct share, %, around ' + s.site +
			    '\u2019s cut-over on ' + s.cutover, s.site));
			dispBox.append(...ds.map(x => x.el));
			loads.push(...loadGraphs(ds));
		}
		didBox.append(fedControlTable(fed),
		    h('p', {class: 'when'}, 'Windows are UTC days, the end day ' +
		    'excluded; per day of the bins with data.'),
		    h('h3', null, 'Method'),
		    h('p', {class: 'method', id: 'fed-method'},
		    typeof fed.method === 'string' ? fed.method : ''));
		return Promise.allSettled(loads);
	}
}

/* ---------- impact ---------- */

const IMPACT_CLASSES = ['person', 'bot', 'server', 'unclassified'];
const IMPACT_LABEL = {person: 'Looks like a person', bot: 'Looks like a bot',
	server: 'Looks like a server', unclassified: 'Unclassified'};

/*
 * The pre-block impact assessment (/api/v1/impact, doc/impact.md): who
 * the block would affect.  Aggregates only; the sources themselves are
 * in `op25b impact --csv` on the collector.
 */
function renderImpact(page) {
	const gen = beginRender();
	const body = h('div', {id: 'impact-body'});
	const form = h('form', {class: 'picker', id: 'impact-form'});
	page.append(h('section', null, h('h2', null,
	    'Impact: who a block of port 25 would affect'), form), body);
	const day = d => new Date(d * 1000).toISOString().slice(0, 10);
	const end = Math.floor(nowSec() / DAY) * DAY + DAY;
	const from = h('input', {type: 'date', id: 'impact-from',
	    value: getParam('from') || day(end - 14 * DAY), required: true});
	const to = h('input', {type: 'date', id: 'impact-to',
	    value: getParam('to') || day(end), required: true});
	const cut = h('input', {type: 'date', id: 'impact-cutover',
	    value: getParam('cutover') || ''});
	form.append(h('label', null, 'from ', from),
	    h('label', {title: 'the end day excluded'}, 'to ', to),
	    h('label', {title: 'empty: each pool\'s blocking_start'},
	    'cut-over ', cut), h('button', {type: 'submit'}, 'Compute'));
	function compute() {
		body.textContent = '';
		return api('/api/v1/impact', {from: from.value, to: to.value,
		    cutover: cut.value}).then(function (r) {
			if (!r.ok) {
				body.append(h('p', {class: 'note',
				    id: 'impact-error'}, r.status === 403 ||
				    r.status === 401 ? 'The impact assessment ' +
				    'is local data, shown to the users of [web] ' +
				    'top_users only.' : r.error));
				if (r.status !== 403 && r.status !== 401)
					showError('/api/v1/impact: ' + r.error);
				return;
			}
			impactShow(body, r.data);
		});
	}
	form.addEventListener('submit', function (ev) {
		ev.preventDefault();
		setParams({from: from.value, to: to.value,
		    cutover: cut.value || null});
		clearBanner();
		finishRender(beginRender(), [compute()]);
	});
	currentRerender = function () {
		finishRender(beginRender(), [compute()]);
	};
	finishRender(gen, [compute()]);
}

function impactShow(body, d) {
	const days = d.days || [];
	const have = days.filter(x => x.data).length;
	const partial = days.filter(x => x.data && !x.complete).length;
	body.append(h('p', {class: 'when', id: 'impact-days'},
	    d.from + ' to ' + d.to + ' (end excluded): ' + days.length +
	    ' days, ' + have + ' with data' + (partial ? ', ' + partial +
	    ' of them partial (over [local] max_sources, or the day ' +
	    'was still open)' : '') + '.'));
	const scopes = d.scopes || [];
	body.append(h('h3', null, 'Sources over the window, by class'),
	    table('impact-window', [['scope'], ...IMPACT_CLASSES.map(c =>
	    [IMPACT_LABEL[c], true]), ['Direct: bots', true,
	    'share of the direct sessions that blocking removes'],
	    ['Direct: people', true], ['Notices', true, 'distinct people ' +
	    'and servers to tell (IPv6 by /64)']], scopes.map(function (s) {
		const w = s.window || {};
		const sh = s.direct_share || {};
		return h('tr', {'data-scope': s.scope}, h('th', {scope: 'row'},
		    s.scope), IMPACT_CLASSES.map(c => h('td', {class: 'num',
		    'data-class': c}, fmtInt(w[c]))),
		    h('td', {class: 'num'}, isNum(sh.bot) ? fmtPct(sh.bot) :
		    '\u2014'), h('td', {class: 'num'}, isNum(sh.person) ?
		    fmtPct(sh.person) : '\u2014'),
		    h('td', {class: 'num', 'data-class': 'notices'},
		    fmtInt(s.notices)));
	}), 'No scope.'));
	const after = scopes.filter(s => s.after_cutover);
	if (after.length)
		body.append(h('h3', null, 'After the cut-over: the people'),
		    table('impact-after', [['scope'], ['cut-over'],
		    ['People before', true], ['Moved to submission', true],
		    ['Still blocked', true], ['Silent', true]],
		    after.map(s => h('tr', {'data-scope': s.scope},
		    h('th', {scope: 'row'}, s.scope), h('td', null, s.cutover),
		    h('td', {class: 'num'}, fmtInt(s.after_cutover
		    .persons_before)), h('td', {class: 'num', 'data-class':
		    'moved'}, fmtInt(s.after_cutover.moved_to_submission)),
		    h('td', {class: 'num', 'data-class': 'still'},
		    fmtInt(s.after_cutover.still_blocked)),
		    h('td', {class: 'num'}, fmtInt(s.after_cutover.silent)))),
		    ''));
	const site = scopes.find(s => s.scope === 'site');
	if (site)
		body.append(h('h3', null, 'Per day, the whole site'),
		    table('impact-daily', [['day'], ...IMPACT_CLASSES.map(c =>
		    [IMPACT_LABEL[c], true])], days.map((x, i) => h('tr',
		    {class: x.data ? (x.complete ? null : 'partial') : 'muted'},
		    h('th', {scope: 'row'}, x.day + (x.data ? (x.complete ? '' :
		    ' (partial)') : ' (no data)')), IMPACT_CLASSES.map(c =>
		    h('td', {class: 'num'}, fmtInt((site.daily[i] || {})[c]))))),
		    ''));
	const t = d.thresholds || {};
	body.append(h('p', {class: 'method', id: 'impact-rules'},
	    'A source\'s day is a bot with at least ' +
	    t.bot_min_destinations + ' destinations or ' +
	    t.bot_min_networks + ' /24s (/48s) and less than ' +
	    t.server_min_answered + '% answered; a server with at least ' +
	    t.server_min_destinations + ' destinations, ' +
	    t.server_min_answered + '% answered and mail in ' +
	    t.server_min_hours + ' hours or more; a person with at most ' +
	    t.person_max_sessions + ' sessions to at most ' +
	    t.person_max_destinations + ' servers, all between ' +
	    t.day_start + ':00 and ' + t.day_end + ':00 UTC. Over the ' +
	    'window a source takes the class of most of its days ([impact] ' +
	    'in the configuration, doc/impact.md).'));
}

/* ---------- start ---------- */

const PAGES = {
	'/': ['overview', 'Overview', renderOverview],
	'/effect': ['effect', 'Effect', renderEffect],
	'/pools': ['pools', 'Pools', renderPools],
	'/federation': ['federation', 'Federation', renderFederation],
	'/exporters': ['exporters', 'Exporters & taps', renderExporters],
	'/impact': ['impact', 'Impact', renderImpact],
	'/static/index.html': ['overview', 'Overview', renderOverview],
};

function start() {
	const path = location.pathname.replace(/\/+$/, '') || '/';
	const p = PAGES[path];
	const page = document.getElementById('page');
	page.textContent = '';
	if (p === undefined) {
		pageTitle = 'Not found';
		page.dataset.page = 'none';
		page.append(h('p', {class: 'note'}, 'No page here: ' + path));
		page.dataset.ready = '1';
		return;
	}
	pageTitle = p[1];
	document.title = 'op25b \u00b7 ' + p[1];
	page.dataset.page = p[0];
	for (const a of document.querySelectorAll('#nav a'))
		if (a.dataset.page === p[0])
			a.setAttribute('aria-current', 'page');
	getConfig().then(function (r) {
		if (r.ok && r.data.read_only === true && isNum(r.data.data_end)) {
			/* the last second with data: its day is "today" */
			anchorSec = r.data.data_end - 1;
			page.before(h('p', {class: 'note', id: 'read-only'},
			    'A read-only view: op25bd has no input and writes ' +
			    'nothing; its data end ' + fmtTime(r.data.data_end) +
			    ', which the pages take for now.'));
		}
	}, function () {}).then(function () {
		p[2](page);
	});
}

if (document.readyState === 'loading')
	document.addEventListener('DOMContentLoaded', start);
else
	start();

})();
