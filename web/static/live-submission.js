/* global document, window, location, EventSource, setTimeout */
// A submission in the pipeline follows its progress live (the same events as the CLI and Discord
// get) and reloads once it is done, rejected or failed. The events URL is on #live (data-events).
(() => {
  const out = document.getElementById('live');
  if (!out || !out.dataset.events || !('EventSource' in window)) return;
  const state = document.getElementById('state');
  const queue = document.getElementById('queue');
  const es = new EventSource(out.dataset.events);
  const labels = { validate: 'Checking the model', score: 'Scoring on the held-out set', device: 'Running on a board', publish: 'Ranking' };
  const phases = { flash: 'flashing the firmware', boot: 'waiting for it to boot', run: 'running held-out samples', restore: 'restoring the harness' };
  es.addEventListener('progress', (m) => {
    const ev = JSON.parse(m.data);
    const d = ev.data || {};
    const stage = labels[d.stage] || d.stage;
    let text = ev.type;
    if (ev.type === 'queued') text = 'Queued' + (typeof d.queuePosition === 'number' ? ': ' + (d.queuePosition === 0 ? 'next in line' : d.queuePosition + ' ahead') : '');
    else if (ev.type === 'stage-started') text = stage + '…';
    else if (ev.type === 'stage-progress') text = stage + (d.phase ? ': ' + (phases[d.phase] || d.phase) : '') + (d.board ? ' on ' + d.board : '') + (typeof d.fraction === 'number' ? ' ' + Math.round(d.fraction * 100) + '%' : '');
    else if (ev.type === 'stage-finished') text = stage + ': ' + d.status;
    else if (ev.type === 'done') text = 'Done: loading the report…';
    else if (ev.type === 'rejected' || ev.type === 'failed') text = 'Finished (' + ev.type + '): loading the report…';
    out.textContent = text;
    // Once a stage runs, the server-rendered "queued" line is out of date.
    if (ev.type.startsWith('stage-')) {
      if (state && state.firstElementChild) state.firstElementChild.textContent = 'running';
      if (queue) queue.remove();
    }
    if (['done', 'failed', 'rejected'].includes(ev.type)) {
      es.close();
      setTimeout(() => location.reload(), 300);
    }
  });
})();
