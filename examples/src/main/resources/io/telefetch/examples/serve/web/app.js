// Telefetch web page: paste a t.me link, see what it holds, play or download it.
// No secret is stored in the page: with a server token the user types it, it is kept in this tab's
// sessionStorage and sent only as an Authorization header to /v1/info; media URLs are short-lived
// signed URLs made by the server (a <video src> cannot send headers).
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $('form'), link = $('link'), status = $('status'), card = $('card');
  const video = $('video'), files = $('files'), auth = $('auth'), token = $('token');
  token.value = sessionStorage.getItem('telefetch-token') || '';

  function say(text, error) {
    status.textContent = text;
    status.className = error ? 'error' : '';
  }

  function size(n) {
    if (n < 0) return '';
    const u = ['B', 'KiB', 'MiB', 'GiB'];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return n.toFixed(i ? 1 : 0) + ' ' + u[i];
  }

  async function open(value) {
    say('Looking up…');
    card.hidden = true;
    const headers = {};
    if (token.value) {
      sessionStorage.setItem('telefetch-token', token.value);
      headers.Authorization = 'Bearer ' + token.value;
    }
    let res;
    try {
      res = await fetch('/v1/info?link=' + encodeURIComponent(value), { headers });
    } catch (e) {
      say('The server is unreachable.', true);
      return;
    }
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) {
      auth.hidden = false;
      say('This server needs an access token.', true);
      return;
    }
    if (!res.ok) {
      say(body.message || ('Error ' + res.status), true);
      return;
    }
    show(body);
  }

  function show(info) {
    say('');
    $('title').textContent = (info.preview && info.preview.title) || info.link;
    $('meta').textContent = info.kind + (info.media.length ? ' · ' + info.media.length + ' file(s)' : ' · no media');
    files.replaceChildren();
    video.hidden = true;
    video.removeAttribute('src');
    let played = false;
    for (const m of info.media) {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = (m.name || ('file ' + m.index)) + ' · ' + size(m.size);
      li.append(name);
      if (m.playable) {
        const play = document.createElement('button');
        play.type = 'button';
        play.textContent = 'Play';
        play.addEventListener('click', () => playMedia(m));
        li.append(play);
        if (!played) { played = true; playMedia(m); }
      }
      const dl = document.createElement('a');
      dl.className = 'button';
      dl.textContent = 'Download';
      dl.href = m.download_url;
      dl.setAttribute('download', m.name || '');
      li.append(dl);
      files.append(li);
    }
    card.hidden = false;
  }

  function playMedia(m) {
    video.hidden = false;
    video.src = m.url;
    video.play().catch(() => { /* autoplay may need a tap */ });
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    open(link.value.trim());
  });
  const shared = new URLSearchParams(location.search).get('link');
  if (shared) { link.value = shared; open(shared); }

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
})();
