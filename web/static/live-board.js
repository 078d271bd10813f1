/* global document, window, location, EventSource */
// An open leaderboard offers a refresh link when a new result changes the board (never reloads
// under the reader). The events URL comes from the status element's data-events attribute.
(() => {
  const out = document.getElementById('live');
  if (!out || !out.dataset.events || !('EventSource' in window)) return;
  const es = new EventSource(out.dataset.events);
  es.addEventListener('board', () => {
    if (out.firstChild) return;
    const a = document.createElement('a');
    a.href = location.href;
    a.textContent = 'New results are in: refresh the leaderboard';
    out.appendChild(a);
  });
})();
