// The demo course page's script (docs/embed.md): sets the two embeds'
// addresses, sends commands to the first and lists what it answers. Received
// data is only ever shown as text (textContent), never as markup.
'use strict';
(() => {
  const params = new URLSearchParams(location.search);
  // Who may drive the first playground: this page, unless ?origin= says otherwise (the tests use that).
  const allowed = params.get('origin') ?? location.origin;
  const app = new URL('./index.html', location.href);
  const embedUrl = (query) => `${app.pathname}?${query}`;
  const cascade = document.getElementById('cascade');
  const queue = document.getElementById('queue');
  // Both are lessons; `scenario=` names the first one's scenario for its `ready` event, sent before the lesson opens.
  cascade.src = embedUrl(`embed=1&scenario=cascade&lesson=request-response&step=1&controls=play,step,speed&speed=1&origin=${encodeURIComponent(allowed)}`);
  queue.src = embedUrl('embed=1&lesson=queue&step=2&controls=play,speed&autoplay=1');

  const log = document.getElementById('log');
  const received = [];
  window.patchbayEvents = received;
  window.addEventListener('message', (event) => {
    // Only the first playground's messages; its origin is "null" (sandboxed), so check the window.
    if (event.source !== cascade.contentWindow) return;
    received.push(event.data);
    const item = document.createElement('li');
    item.textContent = JSON.stringify(event.data);
    log.append(item);
    log.scrollTop = log.scrollHeight;
  });

  let id = 0;
  const send = (message) => {
    // '*': a sandboxed frame has an opaque origin that no target origin can name.
    cascade.contentWindow.postMessage(message, '*');
  };
  const commands = {
    play: () => ({ patchbay: 1, type: 'play', id: ++id }),
    pause: () => ({ patchbay: 1, type: 'pause', id: ++id }),
    step: () => ({ patchbay: 1, type: 'step', id: ++id }),
    speed: () => ({ patchbay: 1, type: 'set_speed', speed: 10, id: ++id }),
    crash: () => ({
      patchbay: 1, type: 'apply_edits', id: ++id,
      edits: [{ type: 'apply_fault', fault: { target: 'inventory', effect: { type: 'crash' } } }],
    }),
    metrics: () => ({ patchbay: 1, type: 'get_metrics', id: ++id }),
    lesson: () => ({ patchbay: 1, type: 'go_to_lesson_step', lesson: 'request-response', step: 2, id: ++id }),
    malformed: () => ({ patchbay: 1, type: 'run_this', code: 'alert(1)', id: ++id }),
  };
  for (const button of document.querySelectorAll('[data-send]')) {
    button.addEventListener('click', () => send(commands[button.dataset.send]()));
  }
  window.patchbaySend = send;
})();
