/*
 * CareLedger admin console: the code of every page (dispatched on <body data-page>).
 *
 * Static pages over the node's JSON API. Written for a Content-Security-Policy of
 * default-src 'self': no inline script, style or event handler, and the DOM is only ever built
 * with createElement / textContent (never innerHTML), so nothing the API returns can run as code.
 */
(() => {
  'use strict';

  const API = '/careledger/api/v1';
  const CONSOLE = '/careledger/console';
  const REFRESH_MS = 5000;
  const VERIFY_POLL_MS = 300;

  const LOGIN_ERRORS = {
    credentials: 'Sign-in failed: wrong user name or password.',
    role: 'This account may not use the console: it needs the admin or auditor role (CL-1822).',
    input: 'Enter a user name and a password.',
    expired: 'Your session ended; sign in again.',
  };

  const MODES = { bft: 'BFT', unanimity: 'unanimity', single: 'single' };

  const DENY_REASONS = [
    ['not-involved-in-care', 'Not involved in care'],
    ['no-consent', 'No consent'],
    ['insufficient-purpose', 'Insufficient purpose'],
  ];

  /** The signed-in user, as GET /console/session answered it. */
  let session = null;

  // ---------------------------------------------------------------------------------------------
  // DOM helpers

  const $ = (id) => document.getElementById(id);

  /**
   * Creates an element. attrs: class, text, dataset (object), hidden, and any other attribute;
   * children: nodes or strings (as text).
   */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = String(value);
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (value === true) node.setAttribute(key, '');
      else node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function td(cls, ...children) {
    return el('td', { class: cls }, ...children);
  }

  function setText(id, value) {
    const node = $(id);
    if (node) node.textContent = value === null || value === undefined ? '—' : String(value);
  }

  function emptyRow(tbody, columns, message) {
    tbody.replaceChildren(
      el('tr', {}, el('td', { class: 'empty', colspan: columns, text: message })),
    );
  }

  /** A class-name-safe form of a server-supplied word. */
  function token(value) {
    return String(value ?? 'unknown')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-');
  }

  // ---------------------------------------------------------------------------------------------
  // Formatting

  /** "2026-12-05 20:00:00 UTC" from an ISO instant (locale-independent, as operators compare). */
  function instantText(iso) {
    if (!iso) return '—';
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return String(iso);
    return date.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
  }

  /** A <time> element showing instantText, with the browser's local time as tooltip. */
  function timeEl(iso, text) {
    if (!iso) return document.createTextNode('—');
    const date = new Date(iso);
    return el('time', {
      datetime: iso,
      title: Number.isNaN(date.getTime()) ? undefined : date.toLocaleString(),
      text: text ?? instantText(iso),
    });
  }

  /** "2 h 3 min", "3 d 4 h", "45 s". */
  function duration(totalSeconds) {
    const s = Math.max(0, Math.floor(Number(totalSeconds) || 0));
    const days = Math.floor(s / 86400);
    const hours = Math.floor((s % 86400) / 3600);
    const minutes = Math.floor((s % 3600) / 60);
    const seconds = s % 60;
    if (days) return `${days} d ${hours} h`;
    if (hours) return `${hours} h ${minutes} min`;
    if (minutes) return `${minutes} min ${seconds} s`;
    return `${seconds} s`;
  }

  function ago(iso) {
    if (!iso) return 'never';
    const then = Date.parse(iso);
    if (Number.isNaN(then)) return String(iso);
    const seconds = (Date.now() - then) / 1000;
    return seconds < 1 ? 'just now' : `${duration(seconds)} ago`;
  }

  function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
  }

  function shortHash(hex, length = 16) {
    if (!hex) return '—';
    const text = String(hex);
    return text.length > length ? `${text.slice(0, length)}…` : text;
  }

  /** ISO instant (UTC) from a datetime-local value (local wall time), or null when empty. */
  function localToInstant(value) {
    if (!value) return null;
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) throw new InputError(`Not a date and time: ${value}`);
    return date.toISOString().replace('.000Z', 'Z');
  }

  // ---------------------------------------------------------------------------------------------
  // API calls and errors

  /** The session is gone; the page is already on its way to the sign-in page. */
  class Expired extends Error {}

  /** An application/problem+json answer (or any other failed call). */
  class ApiError extends Error {
    constructor(status, problem) {
      const code = problem.code || `HTTP ${status}`;
      const detail = problem.detail || problem.title || 'request failed';
      super(`${code}: ${detail}`);
      this.status = status;
      this.code = problem.code || null;
    }
  }

  /** A mistake in what the user entered, found before calling the server. */
  class InputError extends Error {}

  function expired() {
    window.location.replace('login.html?error=expired');
    throw new Expired('session expired');
  }

  async function problemOf(response) {
    let problem = {};
    try {
      const type = response.headers.get('Content-Type') || '';
      if (type.includes('json')) problem = (await response.json()) || {};
      else problem = { title: response.statusText };
    } catch (e) {
      problem = { title: response.statusText };
    }
    return new ApiError(response.status, problem);
  }

  /** Calls the console's own endpoints and the API; GET unless a body is given. */
  async function call(url, body) {
    const headers = { Accept: 'application/json' };
    const init = { credentials: 'same-origin', headers };
    if (body !== undefined) {
      init.method = 'POST';
      headers['Content-Type'] = 'application/json';
      if (session) headers['X-CSRF-Token'] = session.csrf;
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (e) {
      throw new ApiError(0, { code: 'NETWORK', detail: `the node did not answer (${e.message})` });
    }
    if (response.status === 401) expired();
    if (!response.ok) throw await problemOf(response);
    if (response.status === 204 || response.status === 205) return null;
    const type = response.headers.get('Content-Type') || '';
    return type.includes('json') ? response.json() : response.text();
  }

  const api = (path, body) => call(API + path, body);
  const seg = encodeURIComponent;

  function showError(error) {
    if (error instanceof Expired) return;
    const box = $('error');
    const message = error instanceof Error ? error.message : String(error);
    if (!box) {
      console.error(message);
      return;
    }
    box.textContent = message;
    box.hidden = false;
  }

  function clearError() {
    const box = $('error');
    if (box) {
      box.hidden = true;
      box.textContent = '';
    }
  }

  function showNotice(message) {
    const box = $('notice');
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  function clearNotice() {
    const box = $('notice');
    if (box) box.hidden = true;
  }

  /**
   * Runs load() now and then every `ms` (not while the tab is hidden, never two at once). An error
   * is shown and the next round tried; a success clears it.
   */
  function every(ms, load) {
    let busy = false;
    const round = async () => {
      if (busy || document.hidden) return;
      busy = true;
      try {
        await load();
        clearError();
      } catch (e) {
        showError(e);
      } finally {
        busy = false;
      }
    };
    round();
    window.setInterval(round, ms);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) round();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Session, header, navigation

  async function loadSession() {
    const answer = await call(`${CONSOLE}/session`);
    if (!answer || typeof answer !== 'object') throw new ApiError(200, { detail: 'no session' });
    session = answer;
    const who = $('whoami');
    if (who) {
      const role = session.admin ? 'admin' : 'auditor (read-only)';
      who.replaceChildren(
        el('strong', { text: session.user }),
        ' · ',
        String(session.institution ?? ''),
        el('span', { class: 'role', text: role }),
      );
    }
    return session;
  }

  async function logout() {
    const button = $('logout');
    if (button) button.disabled = true;
    try {
      await call(`${CONSOLE}/logout`, {});
    } catch (e) {
      if (e instanceof Expired) return;
      // Signed out or not, the user asked to leave: the session cookie is of no use any more.
    }
    window.location.replace('login.html');
  }

  /** The console's pages, in the order of the navigation: page id, file, label. */
  const NAV = [
    ['node', 'index.html', 'Node'],
    ['peers', 'peers.html', 'Peers'],
    ['channels', 'channels.html', 'Channels'],
    ['verify', 'verify.html', 'Verify'],
    ['requests', 'requests.html', 'Requests'],
    ['audit', 'audit.html', 'Audit'],
  ];

  /**
   * The header every page but the sign-in shares (brand, navigation with the current page marked,
   * who is signed in, sign-out), built here once instead of repeated in each page's HTML.
   */
  function renderHeader(page) {
    const brand = el(
      'a',
      { class: 'brand', href: 'index.html' },
      el('img', { src: 'favicon.svg', alt: '', width: '24', height: '24' }),
      ' CareLedger ',
      el('span', { text: 'console' }),
    );
    const links = NAV.map(([id, href, label]) =>
      el('li', {}, el('a', { id: `nav-${id}`, href, text: label, 'aria-current': id === page ? 'page' : null })),
    );
    const nav = el('nav', { 'aria-label': 'Console' }, el('ul', {}, ...links));
    const who = el(
      'div',
      { class: 'session' },
      el('span', { id: 'whoami' }),
      el('button', { id: 'logout', type: 'button', text: 'Sign out' }),
    );
    document.body.prepend(el('header', { class: 'top' }, el('div', { class: 'bar' }, brand, nav, who)));
  }

  // ---------------------------------------------------------------------------------------------
  // Login

  function loginPage() {
    const params = new URLSearchParams(window.location.search);
    const reason = params.get('error');
    const box = $('login-error');
    if (reason && box) {
      box.textContent = LOGIN_ERRORS[reason] || 'Sign-in failed.';
      box.hidden = false;
    }
    const form = $('login-form');
    form.addEventListener('submit', (event) => {
      const user = $('username').value.trim();
      const password = $('password').value;
      if (!user || !password) {
        event.preventDefault();
        box.textContent = LOGIN_ERRORS.input;
        box.hidden = false;
      }
    });
    $(reason === 'expired' || !$('username').value ? 'username' : 'password').focus();
  }

  // ---------------------------------------------------------------------------------------------
  // Node overview

  function nodePage() {
    let uptimeBase = null; // {seconds, at}
    window.setInterval(() => {
      if (uptimeBase) {
        setText('node-uptime', duration(uptimeBase.seconds + (Date.now() - uptimeBase.at) / 1000));
      }
    }, 1000);

    every(30000, async () => {
      const node = await api('/console/node');
      setText('node-institution', node.institutionId);
      setText('node-version', node.version);
      setText('node-database', node.databaseProduct);
      const started = $('node-started');
      if (started) started.replaceChildren(timeEl(node.startedAt));
      uptimeBase = { seconds: Number(node.uptimeSeconds) || 0, at: Date.now() };
      setText('node-uptime', duration(uptimeBase.seconds));

      const tbody = $('certificates').tBodies[0];
      const certificates = Array.isArray(node.certificates) ? node.certificates : [];
      if (!certificates.length) {
        emptyRow(tbody, 5, 'This node reports no certificates.');
        return;
      }
      tbody.replaceChildren(
        ...certificates.map((cert) => {
          const days = Number(cert.daysLeft);
          let left;
          if (cert.warning) {
            const text =
              days < 0
                ? `expired ${plural(-days, 'day')} ago`
                : `expires in ${plural(days, 'day')}`;
            left = el('span', { class: 'badge badge-warn', text });
          } else {
            left = plural(days, 'day');
          }
          return el(
            'tr',
            { class: cert.warning ? 'warn' : undefined, dataset: { cert: cert.name } },
            td('name', el('strong', { text: cert.name })),
            td('subject', el('code', { text: cert.subject ?? '—' })),
            td('sha256', el('code', { title: 'SHA-256 fingerprint', text: cert.sha256 ?? '—' })),
            td('not-after', timeEl(cert.notAfter)),
            td('days-left num', left),
          );
        }),
      );
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Peers

  function peersPage() {
    every(REFRESH_MS, async () => {
      const peers = await api('/console/peers');
      const tbody = $('peers').tBodies[0];
      if (!peers.length) {
        emptyRow(tbody, 7, 'This node shares no channel with another institution.');
      } else {
        tbody.replaceChildren(
          ...peers.map((peer) => {
            const state = token(peer.state);
            const heard = el('span', {}, peer.lastHeardAt ? timeEl(peer.lastHeardAt) : 'never');
            if (peer.lastHeardAt) {
              heard.append(
                el('br'),
                el('span', { class: 'muted small', text: ago(peer.lastHeardAt) }),
              );
            }
            return el(
              'tr',
              { dataset: { peer: peer.institution } },
              td('institution', el('strong', { text: peer.institution })),
              td(
                `state state-${state}`,
                el('span', { class: 'state-badge', text: peer.state ?? 'unknown' }),
              ),
              td('channels', (peer.channels || []).join(', ') || '—'),
              td(
                'bridge',
                el('code', { text: peer.bridge ?? '—' }),
                el('br'),
                el('span', {
                  class: 'muted small',
                  text: peer.bridgeStarted ? 'started' : 'not started',
                }),
              ),
              td('forwarded num', String(peer.forwarded ?? '—')),
              td('waiting num', String(peer.waiting ?? '—')),
              td('last-heard', heard),
            );
          }),
        );
      }
      setText('peers-updated', `Updated ${new Date().toLocaleTimeString()}; refreshed every 5 s.`);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Channels

  /** Chart colours, from the stylesheet's custom properties. */
  function chartColours() {
    const style = getComputedStyle(document.documentElement);
    const get = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    return {
      bar: get('--chart-bar', '#7fa9d9'),
      line: get('--chart-line', '#c2410c'),
      p95: get('--chart-p95', '#e7a57f'),
      grid: get('--chart-grid', '#e4e8ee'),
      axis: get('--chart-axis', '#5b6878'),
      font: getComputedStyle(document.body).fontFamily || 'sans-serif',
    };
  }

  /** The axis maximum and step for `max` over `ticks` intervals, steps of 1, 2 or 5 × 10^k. */
  function niceScale(max, ticks, minStep) {
    const raw = Math.max(max / ticks, minStep);
    const power = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw - 1e-9);
    return { max: step * ticks, step };
  }

  function hhmm(ms) {
    return new Date(ms).toISOString().slice(11, 16);
  }

  /**
   * Draws transactions per bucket (bars, left axis) and median latency (line, right axis; p95
   * dashed) of the last ten minutes. Marks the canvas with data-drawn when done.
   */
  function drawChart(canvas, metrics) {
    const colours = chartColours();
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 600;
    const height = canvas.clientHeight || 240;
    if (
      canvas.width !== Math.round(width * ratio) ||
      canvas.height !== Math.round(height * ratio)
    ) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const buckets = Array.isArray(metrics?.buckets) ? metrics.buckets : [];
    const bucketMs = (Number(metrics?.bucketSeconds) || 10) * 1000;
    const starts = buckets.map((b) => Date.parse(b.start));
    const end = buckets.length ? starts[starts.length - 1] + bucketMs : Date.now();
    const begin = Math.min(end - 600000, buckets.length ? starts[0] : Infinity);
    const span = end - begin;

    const pad = { left: 52, right: 60, top: 30, bottom: 40 };
    const plotW = Math.max(10, width - pad.left - pad.right);
    const plotH = Math.max(10, height - pad.top - pad.bottom);
    const x = (ms) => pad.left + ((ms - begin) / span) * plotW;

    const txScale = niceScale(
      Math.max(0, ...buckets.map((b) => Number(b.transactions) || 0)),
      4,
      1,
    );
    const latencies = buckets
      .flatMap((b) => [b.latencyMedianMs, b.latencyP95Ms])
      .filter((v) => v != null);
    const msScale = niceScale(Math.max(0, ...latencies.map(Number)), 4, 5);
    const yTx = (v) => pad.top + plotH - (v / txScale.max) * plotH;
    const yMs = (v) => pad.top + plotH - (v / msScale.max) * plotH;

    ctx.font = `11px ${colours.font}`;
    ctx.lineWidth = 1;

    // Grid and the two value axes.
    ctx.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const y = Math.round(pad.top + plotH - (i / 4) * plotH) + 0.5;
      ctx.strokeStyle = colours.grid;
      ctx.beginPath();
      ctx.moveTo(pad.left, y);
      ctx.lineTo(pad.left + plotW, y);
      ctx.stroke();
      ctx.fillStyle = colours.axis;
      ctx.textAlign = 'right';
      ctx.fillText(String(txScale.step * i), pad.left - 6, y);
      ctx.textAlign = 'left';
      ctx.fillText(String(msScale.step * i), pad.left + plotW + 6, y);
    }

    // Time axis: a label every two minutes (UTC).
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let t = Math.ceil(begin / 120000) * 120000; t <= end; t += 120000) {
      const px = Math.round(x(t)) + 0.5;
      ctx.strokeStyle = colours.grid;
      ctx.beginPath();
      ctx.moveTo(px, pad.top);
      ctx.lineTo(px, pad.top + plotH + 4);
      ctx.stroke();
      ctx.fillStyle = colours.axis;
      ctx.fillText(hhmm(t), px, pad.top + plotH + 6);
    }
    ctx.fillText('time (UTC)', pad.left + plotW / 2, pad.top + plotH + 22);

    // Axis titles.
    ctx.save();
    ctx.translate(14, pad.top + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(`transactions / ${bucketMs / 1000} s`, 0, 0);
    ctx.restore();
    ctx.save();
    ctx.translate(width - 12, pad.top + plotH / 2);
    ctx.rotate(Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('latency (ms)', 0, 0);
    ctx.restore();

    // Bars: transactions per bucket.
    ctx.fillStyle = colours.bar;
    const barW = Math.max(1, (bucketMs / span) * plotW - 1);
    buckets.forEach((b, i) => {
      const v = Number(b.transactions) || 0;
      if (v > 0) ctx.fillRect(x(starts[i]) + 0.5, yTx(v), barW, pad.top + plotH - yTx(v));
    });

    // Lines: latency at each bucket's middle; a bucket without commits breaks the line.
    const line = (field, colour, dash, width_) => {
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.lineWidth = width_;
      ctx.setLineDash(dash);
      ctx.beginPath();
      let open = false;
      buckets.forEach((b, i) => {
        const v = b[field];
        if (v == null) {
          open = false;
          return;
        }
        const px = x(starts[i] + bucketMs / 2);
        if (open) ctx.lineTo(px, yMs(Number(v)));
        else ctx.moveTo(px, yMs(Number(v)));
        open = true;
      });
      ctx.stroke();
      ctx.setLineDash([]);
      if (!dash.length) {
        buckets.forEach((b, i) => {
          if (b[field] == null) return;
          ctx.beginPath();
          ctx.arc(x(starts[i] + bucketMs / 2), yMs(Number(b[field])), 2.5, 0, 2 * Math.PI);
          ctx.fill();
        });
      }
      ctx.lineWidth = 1;
    };
    line('latencyP95Ms', colours.p95, [4, 3], 1.25);
    line('latencyMedianMs', colours.line, [], 2);

    // Frame and legend.
    ctx.strokeStyle = colours.axis;
    ctx.strokeRect(pad.left + 0.5, pad.top + 0.5, plotW, plotH);
    const legend = [
      ['bar', colours.bar, 'transactions'],
      ['line', colours.line, 'median latency'],
      ['dash', colours.p95, 'p95 latency'],
    ];
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    let lx = pad.left;
    for (const [kind, colour, label] of legend) {
      ctx.fillStyle = colour;
      ctx.strokeStyle = colour;
      if (kind === 'bar') ctx.fillRect(lx, 9, 12, 10);
      else {
        ctx.lineWidth = 2;
        ctx.setLineDash(kind === 'dash' ? [4, 3] : []);
        ctx.beginPath();
        ctx.moveTo(lx, 14);
        ctx.lineTo(lx + 14, 14);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.lineWidth = 1;
      }
      ctx.fillStyle = colours.axis;
      ctx.fillText(label, lx + 18, 14);
      lx += 18 + ctx.measureText(label).width + 18;
    }

    if (!buckets.some((b) => Number(b.transactions) > 0)) {
      ctx.fillStyle = colours.axis;
      ctx.textAlign = 'center';
      ctx.fillText(
        'no transactions committed in the last 10 minutes',
        pad.left + plotW / 2,
        pad.top + plotH / 2,
      );
    }
    canvas.dataset.drawn = String(Date.now());
    canvas.dataset.buckets = String(buckets.length);
  }

  function chartSummary(metrics) {
    const buckets = Array.isArray(metrics?.buckets) ? metrics.buckets : [];
    const tx = buckets.reduce((sum, b) => sum + (Number(b.transactions) || 0), 0);
    const blocks = buckets.reduce((sum, b) => sum + (Number(b.blocks) || 0), 0);
    const medians = buckets
      .map((b) => b.latencyMedianMs)
      .filter((v) => v != null)
      .map(Number);
    medians.sort((a, b) => a - b);
    const median = medians.length
      ? ` Median of the bucket medians: ${medians[Math.floor(medians.length / 2)]} ms.`
      : '';
    return `Last 10 minutes: ${plural(tx, 'transaction')} in ${plural(blocks, 'block')}.${median}`;
  }

  /** One section per channel, kept across refreshes (so the charts do not flicker). */
  function channelSection(channel) {
    const f = {};
    const fact = (label, key, cls) => {
      f[key] = el('dd', { class: cls });
      return [el('dt', { text: label }), f[key]];
    };
    f.canvas = el(
      'canvas',
      {
        class: 'chart',
        role: 'img',
        'aria-label': `Transactions and latency of ${channel.channelId}`,
      },
      'Transactions per bucket and median latency.',
    );
    f.summary = el('p', { class: 'chart-summary' });
    f.section = el(
      'section',
      { class: 'card channel', dataset: { channel: channel.channelId } },
      el('div', { class: 'card-head' }, el('h2', { text: channel.channelId })),
      el(
        'dl',
        { class: 'facts' },
        ...fact('Consensus', 'mode', 'mode'),
        ...fact('Quorum', 'quorum', 'quorum num-inline'),
        ...fact('Height', 'height', 'height'),
        ...fact('Round', 'round', 'round'),
        ...fact('Last commit', 'lastCommit', 'last-commit'),
        ...fact('Head hash', 'head', 'head-hash'),
        ...fact('Members', 'members', 'members-cell'),
      ),
      f.canvas,
      f.summary,
    );
    f.governance = el('div', { class: 'governance' });
    f.propose = proposeForm(channel.channelId);
    f.section.append(f.governance, f.propose.form);
    return f;
  }

  /** The config changes an admin may propose (LedgerService#proposeUpdate), with their fields. */
  const CHANGES = [
    ['remove-member', 'Remove a member', ['institution']],
    ['revoke-certificate', 'Revoke a signing certificate', ['institution', 'key']],
    ['renew-certificate', 'Renew a certificate (new key)', ['institution', 'certificates']],
    ['add-member', 'Add a member', ['institution', 'certificates', 'bridge']],
    ['consent-policy', 'Change the consent policy', ['policy']],
  ];

  /**
   * "Propose a change": built once per channel (the governance part above it is rebuilt on every
   * refresh, which would wipe what the admin typed), shown to admins of a member institution while
   * the channel is federated. Proposes with POST .../config-updates (signed by this node); the
   * other deciding members approve on their own consoles or with federation.sh. Certificates are
   * pasted as GET /api/v1/node/certificates serves them at the subject's node.
   */
  function proposeForm(channelId) {
    const id = (name) => `propose-${token(channelId)}-${name}`;
    const field = (name, label, control) =>
      el(
        'div',
        { class: `field field-${name}`, dataset: { field: name } },
        el('label', { for: id(name), text: label }),
        control,
      );
    const change = el(
      'select',
      { id: id('change'), name: 'change' },
      ...CHANGES.map(([value, text]) => el('option', { value, text })),
    );
    const institution = el('input', {
      id: id('institution'),
      name: 'institution',
      autocomplete: 'off',
      list: id('members'),
    });
    const members = el('datalist', { id: id('members') });
    const key = el('input', {
      id: id('key'),
      name: 'key',
      placeholder: 'all of its keys',
      autocomplete: 'off',
    });
    const certificates = el('textarea', {
      id: id('certificates'),
      name: 'certificates',
      rows: 4,
      placeholder: '{"signingCertificate":"…","agreementCertificate":"…"}',
    });
    const host = el('input', { id: id('bridge-host'), name: 'bridge-host', value: '127.0.0.1' });
    const portInput = (name) =>
      el('input', { id: id(name), name, type: 'number', min: 1, max: 65535 });
    const port = portInput('bridge-port');
    const tlsPort = portInput('bridge-tls-port');
    const policy = el('textarea', {
      id: id('policy'),
      name: 'policy',
      rows: 4,
      placeholder: '{"rules":[…]}',
    });
    const submit = el('button', { type: 'submit', class: 'propose-submit', text: 'Propose' });
    const result = el('p', { class: 'propose-result', role: 'status' });
    const fields = el(
      'div',
      { class: 'fields' },
      field('change', 'Change', change),
      field('institution', 'Institution', institution),
      field('key', 'Key fingerprint (optional)', key),
      field('bridge', 'Bridge host', host),
      field('bridge', 'Bridge port', port),
      field('bridge', 'Bridge TLS port', tlsPort),
    );
    const wide = el(
      'div',
      {},
      field('certificates', 'Certificates (JSON of the node’s /api/v1/node/certificates)', certificates),
      field('policy', 'Consent policy (JSON)', policy),
    );
    const form = el(
      'form',
      { class: 'propose', hidden: true, novalidate: true },
      el('h3', { text: 'Propose a change' }),
      fields,
      wide,
      members,
      el('div', { class: 'form-actions' }, submit, result),
    );
    const shown = () => {
      const wanted = CHANGES.find(([value]) => value === change.value)[2];
      for (const node of form.querySelectorAll('[data-field]')) {
        node.hidden = !wanted.includes(node.dataset.field);
      }
    };
    change.addEventListener('change', shown);
    shown();
    const json = (text, what) => {
      try {
        const value = JSON.parse(text);
        if (value && typeof value === 'object' && !Array.isArray(value)) return value;
      } catch (e) {
        // reported below
      }
      throw new InputError(`${what} must be a JSON object.`);
    };
    const request = () => {
      const body = { change: change.value };
      const wanted = CHANGES.find(([value]) => value === change.value)[2];
      if (wanted.includes('institution')) {
        if (!institution.value.trim()) throw new InputError('Enter the institution.');
        body.institution = institution.value.trim();
      }
      if (wanted.includes('key') && key.value.trim()) body.key = key.value.trim();
      if (wanted.includes('certificates')) {
        const pasted = json(certificates.value, 'The certificates');
        body.signingCertificate = pasted.signingCertificate;
        if (pasted.agreementCertificate) body.agreementCertificate = pasted.agreementCertificate;
        if (!body.signingCertificate) {
          throw new InputError('The certificates lack signingCertificate.');
        }
      }
      if (wanted.includes('bridge')) {
        body.bridge = {
          host: host.value.trim(),
          port: Number(port.value),
          tlsPort: Number(tlsPort.value),
        };
        if (!body.bridge.host || !body.bridge.port || !body.bridge.tlsPort) {
          throw new InputError('Enter the bridge host, port and TLS port.');
        }
      }
      if (wanted.includes('policy')) body.consentPolicy = json(policy.value, 'The consent policy');
      return body;
    };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      result.className = 'propose-result';
      let body;
      try {
        body = request();
      } catch (e) {
        result.classList.add('error');
        result.textContent = e.message;
        return;
      }
      submit.disabled = true;
      result.textContent = 'Proposing… (waits for the block)';
      try {
        const status = await api(`/channels/${seg(channelId)}/config-updates?wait=60`, body);
        result.classList.add(status.state === 'void' ? 'error' : 'ok');
        result.dataset.state = status.state;
        result.dataset.proposal = status.proposal;
        result.textContent =
          status.state === 'applied'
            ? `Applied: ${body.change} in force from height ${status.configuration?.since}.`
            : `${body.change} proposed (${status.proposal.slice(0, 16)}…): ${status.state}, ` +
              `${(status.approvals || []).length} of ${status.needed} approvals ` +
              `(${(status.approvals || []).join(', ')}).`;
      } catch (e) {
        if (e instanceof Expired) return;
        result.classList.add('error');
        delete result.dataset.state;
        result.textContent = e.message;
      } finally {
        submit.disabled = false;
      }
    });
    /** Shown to an admin of a member institution of a federated channel; members suggested. */
    const update = (config) => {
      const inForce = (config && config.members) || [];
      const admin = session && (session.roles || []).includes('admin');
      const member = inForce.some((m) => session && m.institution === session.institution);
      form.hidden = !(admin && member);
      members.replaceChildren(...inForce.map((m) => el('option', { value: m.institution })));
    };
    return { form, update };
  }

  /**
   * Channel governance: the members in force with their signing certificates (expired, revoked or
   * expiring within 30 days marked), and the config updates waiting for approvals; an admin of a
   * deciding institution approves one here (POST .../config-updates/{id}/approvals) and proposes
   * one in the form below (proposeForm); federation.sh does both for every member at once (README,
   * "Channel governance").
   */
  function updateGovernance(f, channel) {
    const config = channel.configuration;
    f.propose.update(config);
    if (!config) {
      f.governance.replaceChildren();
      return;
    }
    const state = (m) =>
      m.revoked ? 'revoked' : !m.canSign ? 'expired' : m.expiresSoon ? 'expires soon' : 'signs';
    const members = el(
      'table',
      { class: 'certificates' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { text: 'Member' }),
          el('th', { text: 'Signing key' }),
          el('th', { text: 'Certificate until' }),
          el('th', { text: 'State' }),
        ),
      ),
      el(
        'tbody',
        {},
        ...(config.members || []).map((m) =>
          el(
            'tr',
            {
              class: state(m) === 'signs' ? undefined : 'warn',
              dataset: { member: m.institution },
            },
            td('institution', m.institution),
            td('fingerprint', el('code', { title: m.signingFingerprint, text: shortHash(m.signingFingerprint, 16) })),
            td('not-after', timeEl(m.certificateNotAfter)),
            td('state', state(m)),
          ),
        ),
      ),
    );
    const admin = session && (session.roles || []).includes('admin');
    const pending = (config.pending || []).map((u) => {
      const mayApprove =
        admin &&
        (u.deciding || []).includes(session.institution) &&
        !(u.approvals || []).includes(session.institution);
      const button = mayApprove
        ? el('button', { type: 'button', class: 'grant approve', text: 'Approve' })
        : null;
      if (button) {
        button.addEventListener('click', async () => {
          button.disabled = true;
          try {
            await api(
              `/channels/${seg(channel.channelId)}/config-updates/${seg(u.proposal)}/approvals?wait=60`,
              {},
            );
          } catch (e) {
            showError(e);
            button.disabled = false;
          }
        });
      }
      return el(
        'li',
        { class: 'pending-update', dataset: { proposal: u.proposal } },
        el('strong', { text: u.change }),
        u.subject ? ` ${u.subject}` : '',
        el('span', {
          class: 'muted small',
          text: ` proposed by ${u.proposer}; ${(u.approvals || []).length} of ${u.needed} approvals (${(u.approvals || []).join(', ')})`,
        }),
        button ? ' ' : '',
        button,
      );
    });
    f.governance.replaceChildren(
      el('h3', { text: 'Members and certificates' }),
      el('div', { class: 'table-wrap' }, members),
      el('h3', { text: 'Pending configuration changes' }),
      pending.length
        ? el('ul', { class: 'pending-updates' }, ...pending)
        : el('p', { class: 'muted small pending-none', text: 'None.' }),
    );
  }

  function updateChannel(f, channel) {
    f.metrics = channel.metrics;
    f.mode.textContent = MODES[channel.mode] || String(channel.mode ?? '—');
    f.quorum.textContent = `${channel.quorum ?? '—'} of ${(channel.members || []).length}`;
    f.height.textContent = String(channel.height ?? '—');
    f.round.textContent = String(channel.round ?? '—');
    f.lastCommit.replaceChildren(
      channel.lastCommitAt ? timeEl(channel.lastCommitAt) : 'none yet',
      channel.lastCommitAt
        ? el('span', { class: 'muted small', text: ` (${ago(channel.lastCommitAt)})` })
        : '',
    );
    f.head.replaceChildren(
      el('code', {
        class: 'hash',
        title: channel.headHash ?? '',
        text: shortHash(channel.headHash, 24),
      }),
    );
    f.members.replaceChildren(
      el(
        'ul',
        { class: 'members' },
        ...(channel.members || []).map((m) =>
          el('li', { class: session && m === session.institution ? 'self' : undefined, text: m }),
        ),
      ),
    );
    f.summary.textContent = chartSummary(channel.metrics);
    drawChart(f.canvas, channel.metrics);
    updateGovernance(f, channel);
  }

  function channelsPage() {
    const sections = new Map();
    const list = $('channels');
    every(REFRESH_MS, async () => {
      const channels = await api('/console/channels');
      const seen = new Set();
      for (const channel of channels) {
        seen.add(channel.channelId);
        let f = sections.get(channel.channelId);
        if (!f) {
          f = channelSection(channel);
          sections.set(channel.channelId, f);
        }
        list.append(f.section); // keeps the server's order
        updateChannel(f, channel);
      }
      for (const [id, f] of sections) {
        if (!seen.has(id)) {
          f.section.remove();
          sections.delete(id);
        }
      }
      $('channels-empty').hidden = channels.length > 0;
      setText(
        'channels-updated',
        `Updated ${new Date().toLocaleTimeString()}; refreshed every 5 s.`,
      );
    });
    let resize = null;
    window.addEventListener('resize', () => {
      window.clearTimeout(resize);
      resize = window.setTimeout(() => {
        for (const f of sections.values()) drawChart(f.canvas, f.metrics);
      }, 150);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Channel pickers (verify, audit)

  async function fillChannels(select) {
    const channels = await api('/channels');
    select.replaceChildren(
      ...channels.map((c) =>
        el('option', { value: c.channelId, text: `${c.channelId} (height ${c.height ?? '?'})` }),
      ),
    );
    if (!channels.length) select.append(el('option', { value: '', text: 'no channels' }));
    return channels;
  }

  // ---------------------------------------------------------------------------------------------
  // Verify

  function verifyPage() {
    const select = $('verify-channel');
    const start = $('verify-start');
    const progress = $('verify-progress');
    const status = $('verify-status');
    const result = $('verify-result');
    start.disabled = true;

    fillChannels(select)
      .then((channels) => {
        start.disabled = channels.length === 0;
      })
      .catch(showError);

    const show = (v) => {
      const total = Math.max(Number(v.blocksTotal) || 0, 0);
      const done = Math.min(Number(v.blocksDone) || 0, total);
      progress.max = Math.max(total, 1);
      progress.value = v.state === 'done' ? progress.max : done;
      status.textContent =
        v.state === 'done'
          ? `Verification of ${v.channel} finished (${plural(total, 'block')}).`
          : `Verifying ${v.channel}: block ${done} of ${total}…`;
    };

    const finish = (v) => {
      const r = v.result || {};
      result.hidden = false;
      if (r.ok) {
        result.className = 'result ok';
        result.textContent = `OK: ${plural(Number(r.blocksVerified) || 0, 'block')}, ${plural(
          Number(r.transactionsVerified) || 0,
          'transaction',
        )} verified`;
      } else {
        const f = r.failure || {};
        result.className = 'result bad';
        // tx -1: a check of the block itself (hash link, quorum certificate), not of a transaction.
        const where = `block ${f.height ?? '?'} (tx ${f.transactionIndex ?? '?'})`;
        const what = [f.check, f.code, f.detail].filter((part) => part != null && part !== '');
        result.textContent = `FAILED at ${where}: ${what.join(' ')}`;
      }
    };

    const poll = async (id) => {
      try {
        const v = await api(`/console/verifications/${seg(id)}`);
        show(v);
        if (v.state === 'done') {
          finish(v);
          start.disabled = false;
          select.disabled = false;
          return;
        }
        window.setTimeout(() => poll(id), VERIFY_POLL_MS);
      } catch (e) {
        showError(e);
        start.disabled = false;
        select.disabled = false;
      }
    };

    start.addEventListener('click', async () => {
      clearError();
      result.hidden = true;
      result.className = 'result';
      result.textContent = '';
      start.disabled = true;
      select.disabled = true;
      try {
        const v = await api('/console/verifications', { channel: select.value });
        show(v);
        if (v.state === 'done') {
          finish(v);
          start.disabled = false;
          select.disabled = false;
        } else {
          window.setTimeout(() => poll(v.id), VERIFY_POLL_MS);
        }
      } catch (e) {
        showError(e);
        start.disabled = false;
        select.disabled = false;
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Access requests waiting for this institution

  function requestsPage() {
    const table = $('requests');
    const tbody = table.tBodies[0];
    const admin = Boolean(session.admin);
    $('read-only-note').hidden = admin;
    $('requests-institution').textContent = session.institution;
    if (!admin) {
      const actions = table.querySelector('th.actions');
      if (actions) actions.remove();
    }
    const columns = admin ? 8 : 7;

    const decide = async (channel, request, action, body, row) => {
      clearError();
      clearNotice();
      row.querySelectorAll('button, input, select').forEach((c) => {
        c.disabled = true;
      });
      try {
        await api(`/channels/${seg(channel)}/requests/${seg(request.requestId)}/${action}`, body);
        await load();
        const which = `request ${request.requestId} (${request.requester}, record ${request.recordId})`;
        showNotice(
          action === 'grant' ? `Granted ${which}.` : `Denied ${which}: ${body.reasonCode}.`,
        );
      } catch (e) {
        showError(e);
        row.querySelectorAll('button, input, select').forEach((c) => {
          c.disabled = false;
        });
      }
    };

    const actionsCell = (channel, request) => {
      const expires = el('input', {
        type: 'datetime-local',
        class: 'expires',
        title: 'Grant expires at (optional, local time)',
        'aria-label': `Grant of ${request.requestId} expires at (optional)`,
      });
      const grant = el('button', { type: 'button', class: 'grant', text: 'Grant' });
      const reason = el(
        'select',
        { class: 'deny-reason', 'aria-label': `Reason to deny ${request.requestId}` },
        ...DENY_REASONS.map(([value, label]) => el('option', { value, text: label })),
      );
      const deny = el('button', { type: 'button', class: 'deny', text: 'Deny' });
      const cell = td('actions', el('div', { class: 'row-actions' }, expires, grant, reason, deny));
      grant.addEventListener('click', () => {
        let body = {};
        try {
          const at = localToInstant(expires.value);
          if (at) body = { expiresAt: at };
        } catch (e) {
          showError(e);
          return;
        }
        decide(channel, request, 'grant', body, cell.parentElement);
      });
      deny.addEventListener('click', () =>
        decide(channel, request, 'deny', { reasonCode: reason.value }, cell.parentElement),
      );
      return cell;
    };

    const load = async () => {
      const channels = await api('/channels');
      const lists = await Promise.all(
        channels.map((c) =>
          api(`/channels/${seg(c.channelId)}/requests?status=open`).then((requests) =>
            requests
              .filter((r) => r.provider === session.institution)
              .map((r) => ({ channel: c.channelId, request: r })),
          ),
        ),
      );
      const waiting = lists.flat();
      waiting.sort((a, b) =>
        String(a.request.requestedAt).localeCompare(String(b.request.requestedAt)),
      );
      setText('requests-count', plural(waiting.length, 'open request'));
      if (!waiting.length) {
        emptyRow(tbody, columns, `No open request waits for ${session.institution}.`);
        return;
      }
      tbody.replaceChildren(
        ...waiting.map(({ channel, request: r }) =>
          el(
            'tr',
            { dataset: { request: r.requestId, channel } },
            td('requested-at', timeEl(r.requestedAt)),
            td('channel', channel),
            td('requester', el('strong', { text: r.requester ?? '—' })),
            td('record', el('code', { text: r.recordId ?? '—' })),
            td('purpose', r.purpose ?? '—'),
            td('scope', [r.scope, r.documentClass].filter(Boolean).join(': ') || '—'),
            td('request-id', el('code', { title: r.requestId, text: shortHash(r.requestId, 12) })),
            admin ? actionsCell(channel, r) : null,
          ),
        ),
      );
    };

    $('requests-refresh').addEventListener('click', () => {
      clearNotice();
      load().then(clearError, showError);
    });
    load().catch(showError);
  }

  // ---------------------------------------------------------------------------------------------
  // Audit trail

  function auditPage() {
    const form = $('audit-form');
    const select = $('audit-channel');
    const tbody = $('audit-table').tBodies[0];
    const csv = $('audit-csv');
    const count = $('audit-count');
    const search = $('audit-search');
    search.disabled = true;

    fillChannels(select)
      .then((channels) => {
        search.disabled = channels.length === 0;
      })
      .catch(showError);

    const query = () => {
      const params = new URLSearchParams();
      const add = (name, value) => {
        if (value) params.set(name, value);
      };
      add('patient', $('audit-patient').value.trim());
      add('recordId', $('audit-record').value.trim());
      add('institution', $('audit-institution').value.trim());
      add('from', localToInstant($('audit-from').value));
      add('to', localToInstant($('audit-to').value));
      return params;
    };

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearError();
      const channel = select.value;
      let params;
      try {
        params = query();
      } catch (e) {
        showError(e);
        return;
      }
      const base = `${API}/channels/${seg(channel)}/audit`;
      const qs = params.toString();
      const url = qs ? `${base}?${qs}` : base;
      search.disabled = true;
      try {
        const events = await call(url);
        count.textContent = plural(events.length, 'event');
        csv.href = `${url}${qs ? '&' : '?'}format=csv`;
        csv.setAttribute('download', `audit-${channel}.csv`);
        csv.hidden = false;
        if (!events.length) {
          emptyRow(tbody, 10, 'No event matches.');
          return;
        }
        tbody.replaceChildren(
          ...events.map((e) => {
            const glass = e.kind === 'break-glass';
            return el(
              'tr',
              { class: glass ? 'break-glass' : undefined, dataset: { tx: e.txId } },
              td('at', timeEl(e.at)),
              td(
                'kind',
                glass ? el('span', { class: 'badge badge-bad', text: 'BREAK-GLASS' }) : null,
                glass ? ' ' : null,
                el('span', { class: 'kind-text', text: e.kind ?? '—' }),
              ),
              td('record', el('code', { text: e.recordId ?? '—' })),
              td('patient', e.patient ?? '—'),
              td('institution', e.institution ?? '—'),
              td('subject', e.subject ?? '—'),
              td('basis', e.basis ?? '—'),
              td('reason', e.reasonCode ?? '—'),
              td('height num', String(e.height ?? '—')),
              td('tx', el('code', { title: e.txId ?? '', text: shortHash(e.txId, 12) })),
            );
          }),
        );
      } catch (e) {
        showError(e);
      } finally {
        search.disabled = false;
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Start

  const PAGES = {
    node: nodePage,
    peers: peersPage,
    channels: channelsPage,
    verify: verifyPage,
    requests: requestsPage,
    audit: auditPage,
  };

  async function start() {
    const page = document.body.dataset.page;
    if (page === 'login') {
      loginPage();
      return;
    }
    renderHeader(page);
    const out = $('logout');
    if (out) out.addEventListener('click', logout);
    try {
      await loadSession();
    } catch (e) {
      if (e instanceof Expired) return;
      document.body.classList.remove('pending');
      showError(e);
      return;
    }
    document.body.classList.remove('pending');
    const run = PAGES[page];
    if (run) {
      try {
        run();
      } catch (e) {
        showError(e);
      }
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
