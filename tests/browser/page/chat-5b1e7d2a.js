// The stand-in chat page: talks to its own origin the way hermes-web-ui's chat page does (WEB-UI.md).
// Token in localStorage.hermes_api_key; REST with "Authorization: Bearer"; file URLs with ?token=;
// one Socket.IO connection to /chat-run (WebSocket only) with {token} as auth; events dispatched on
// payload.event. State for the test is exposed as data- attributes.
(function () {
  'use strict';
  const TOKEN_KEY = 'hermes_api_key';
  const $ = (id) => document.getElementById(id);
  let socket = null;
  let currentSession = null;
  let streaming = null; // the <li> of the answer being streamed
  let pendingScrollTo = null;

  function token() {
    return localStorage.getItem(TOKEN_KEY) || '';
  }

  async function api(path, options = {}) {
    const headers = Object.assign({}, options.headers || {}, { Authorization: 'Bearer ' + token() });
    const response = await fetch(path, Object.assign({}, options, { headers }));
    if (response.status === 401) {
      // What the real page does: forget the token and show the login page.
      localStorage.removeItem(TOKEN_KEY);
      showLogin('The token was refused.');
      throw new Error('401');
    }
    const text = await response.text();
    if (response.ok && !text) throw new Error('empty body for ' + path); // rule 3 of WEB-UI.md
    const body = text ? JSON.parse(text) : {};
    if (!response.ok) throw new Error(body.error || response.status);
    return body;
  }

  function newSessionId() {
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
    let id = Date.now().toString(36);
    for (let i = 0; i < 6; ++i) id += alphabet[Math.floor(Math.random() * 36)];
    return id;
  }

  function setState(state) {
    document.body.dataset.state = state;
  }

  function showLogin(message) {
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    setState('login');
  }

  function renderMessage(message) {
    const li = document.createElement('li');
    li.className = message.role;
    li.dataset.messageId = String(message.id);
    let content = message.content || '';
    if (message.role === 'user' && content.startsWith('[')) {
      try {
        content = JSON.parse(content).map((b) => (b.type === 'text' ? b.text : '[' + b.name + ']')).join(' ');
      } catch (e) { /* plain text that starts with a bracket */ }
    }
    li.textContent = message.role === 'tool' ? '⚙ ' + (message.tool_name || 'tool') : content;
    $('messages').appendChild(li);
    return li;
  }

  function renderTranscript(messages) {
    $('messages').innerHTML = '';
    streaming = null;
    for (const m of messages) renderMessage(m);
    $('messages').dataset.count = String(messages.length);
    if (pendingScrollTo != null) {
      const target = $('messages').querySelector('[data-message-id="' + pendingScrollTo + '"]');
      if (target) {
        target.classList.add('highlight');
        target.scrollIntoView();
        document.body.dataset.scrolledTo = String(pendingScrollTo);
      } else {
        document.body.dataset.scrolledTo = 'missing:' + pendingScrollTo;
      }
      pendingScrollTo = null;
    }
  }

  async function loadSessions() {
    const { sessions } = await api('/api/hermes/sessions');
    const list = $('sessions');
    list.innerHTML = '';
    for (const s of sessions) {
      const li = document.createElement('li');
      li.dataset.sessionId = s.id;
      li.textContent = s.title || s.preview || s.id;
      if (s.id === currentSession) li.className = 'current';
      li.onclick = () => openSession(s.id);
      list.appendChild(li);
    }
    list.dataset.count = String(sessions.length);
    return sessions;
  }

  function openSession(id) {
    currentSession = id;
    $('session-title').textContent = id;
    for (const li of $('sessions').children) li.className = li.dataset.sessionId === id ? 'current' : '';
    socket.emit('resume', { session_id: id });
  }

  function connectSocket() {
    socket = io(location.origin + '/chat-run', {
      path: '/socket.io/',
      transports: ['websocket'],
      auth: { token: token() },
      query: { profile: 'default' },
    });
    socket.on('connect', () => { document.body.dataset.socket = 'connected'; });
    socket.on('connect_error', (e) => { document.body.dataset.socket = 'error: ' + e.message; });
    socket.onAny((name, payload) => {
      if (!payload || (payload.session_id && payload.session_id !== currentSession)) return;
      // The web UI dispatches on payload.event; `resumed` is the one event without it.
      const event = name === 'resumed' ? 'resumed' : payload.event;
      handle(event, payload);
    });
  }

  function handle(event, payload) {
    switch (event) {
    case 'resumed':
      renderTranscript(payload.messages || []);
      $('status').textContent = payload.isWorking ? 'working…' : '';
      document.body.dataset.resumed = String((Number(document.body.dataset.resumed) || 0) + 1);
      break;
    case 'run.started':
      $('status').textContent = 'working…';
      break;
    case 'message.delta':
      if (!streaming) {
        streaming = renderMessage({ id: 'streaming', role: 'assistant', content: '' });
        streaming.dataset.deltas = '0';
        streaming.dataset.streaming = 'true';
      }
      streaming.textContent += payload.delta || '';
      streaming.dataset.deltas = String(Number(streaming.dataset.deltas) + 1);
      break;
    case 'run.completed':
      if (streaming) streaming.dataset.streaming = 'false';
      $('status').textContent = 'done';
      document.body.dataset.completed = String((Number(document.body.dataset.completed) || 0) + 1);
      loadSessions();
      break;
    case 'run.failed':
      $('status').textContent = 'failed: ' + payload.error;
      api('/api/hermes/sessions/' + encodeURIComponent(currentSession))
        .then(({ session }) => renderTranscript(session.messages));
      break;
    default:
      break;
    }
  }

  async function upload(files) {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    const { files: saved } = await api('/upload', { method: 'POST', body: form });
    const box = $('attachments');
    for (const f of saved) {
      const img = document.createElement('img');
      img.alt = f.name;
      img.dataset.path = f.path;
      img.src = '/api/hermes/download?path=' + encodeURIComponent(f.path) + '&name=' + encodeURIComponent(f.name) +
        '&token=' + encodeURIComponent(token());
      box.appendChild(img);
    }
    box.dataset.count = String(box.children.length);
  }

  async function search(q) {
    const { results } = await api('/api/hermes/search/sessions?q=' + encodeURIComponent(q) + '&limit=10');
    const list = $('results');
    list.innerHTML = '';
    for (const r of results) {
      const li = document.createElement('li');
      li.textContent = r.snippet;
      li.dataset.sessionId = r.id;
      li.dataset.matchedMessageId = String(r.matched_message_id);
      li.onclick = () => {
        pendingScrollTo = r.matched_message_id;
        openSession(r.id);
      };
      list.appendChild(li);
    }
    list.dataset.count = String(results.length);
  }

  async function start() {
    if (!token()) return showLogin();
    $('login').hidden = true;
    $('app').hidden = false;
    connectSocket();
    // The sidebar waits for both to settle, as the real page does.
    await Promise.allSettled([api('/api/hermes/profiles'), api('/api/hermes/config')]);
    const sessions = await loadSessions();
    if (sessions.length) openSession(sessions[0].id);
    setState('ready');
  }

  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const typed = $('token').value.trim();
    const check = await fetch('/api/hermes/sessions', { headers: { Authorization: 'Bearer ' + typed } });
    if (check.status === 401) return showLogin('Wrong token.');
    localStorage.setItem(TOKEN_KEY, typed);
    start();
  });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('input').value.trim();
    if (!text) return;
    // A new chat: the id is made here and the session comes into being with its first run (which also
    // joins its room), so there is nothing to resume yet.
    if (!currentSession) currentSession = newSessionId();
    renderMessage({ id: 'pending', role: 'user', content: text });
    streaming = null;
    socket.emit('run', { input: text, session_id: currentSession });
    $('input').value = '';
  });
  $('new-chat').addEventListener('click', () => {
    currentSession = null;
    $('messages').innerHTML = '';
    $('session-title').textContent = 'New chat';
  });
  $('file').addEventListener('change', (e) => upload(Array.from(e.target.files)));
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    search($('search').value.trim());
  });
  start();
})();
