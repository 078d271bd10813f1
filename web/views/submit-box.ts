/**
 * "How to submit": the three ways in (Discord, CLI, web) with the commands filled in for a
 * challenge, and on a challenge page the web upload form for a signed-in learner (CSRF-checked; the
 * upload goes through the same intake as the API, the CLI and Discord).
 */
import type { QuotaStatus } from '../../arena/quota.js';
import { escapeHtml } from './layout.js';

export interface SubmitBoxOptions {
  /** The challenge, or null for the general box on the home page. */
  challenge: { id: string; title: string; accepting: boolean; firmware: boolean } | null;
  publicUrl: string;
  /** The signed-in learner, their CSRF token and quota (challenge pages). */
  user?: { handle: string; csrf: string; quota: QuotaStatus | null } | null;
  /** Path to come back to after signing in. */
  here: string;
}

export function submitBox(o: SubmitBoxOptions): string {
  const id = o.challenge?.id ?? '<challenge>';
  const files = o.challenge?.firmware ? 'an int8 <code>.tflite</code> model, or firmware (<code>.bin</code>, <code>.hex</code>, <code>.elf</code>)' : 'an int8 <code>.tflite</code> model';
  const ways = `<dl>
<dt>Discord</dt><dd><code>/submit challenge:${escapeHtml(id)} model:</code> with the file attached, in the course server. The reply shows the check within seconds, then each stage.</dd>
<dt>Command line</dt><dd><code>npx tinyarena submit model.tflite --challenge ${escapeHtml(id)} --server ${escapeHtml(o.publicUrl)} --token &lt;your API token&gt; --wait</code></dd>
<dt>Web</dt><dd>${o.challenge ? 'The form below, once signed in.' : 'Sign in and open a challenge: its page has an upload form.'} You follow the submission on its report page.</dd>
</dl>`;
  return `<section class="box" aria-labelledby="how-h"><h2 id="how-h">How to submit</h2><p>Send ${files}. A file that fails the checks is answered at once and costs no quota; check one beforehand with <code>npx tinyarena validate model.tflite${o.challenge ? ` --challenge ${escapeHtml(id)}` : ''}</code>.</p>${ways}${o.challenge ? uploadForm(o) : ''}</section>`;
}

function uploadForm(o: SubmitBoxOptions): string {
  const c = o.challenge!;
  if (!c.accepting) return `<p><strong>${escapeHtml(c.title)} is not accepting submissions now.</strong></p>`;
  if (!o.user) return `<p><a href="/login?next=${encodeURIComponent(o.here)}">Sign in</a> to upload from here.</p>`;
  const q = o.user.quota;
  const left = q ? `<p>${q.remaining === 0 ? '<strong>No submissions left</strong>' : `${q.remaining} submission${q.remaining === 1 ? '' : 's'} left`}${q.remainingTotal === null ? ' today' : ` (${q.remainingToday} today, ${q.remainingTotal} in total)`}; the daily quota resets at ${escapeHtml(q.resetLabel)}.</p>` : '';
  const accept = c.firmware ? '.tflite,.bin,.hex,.elf' : '.tflite';
  // The CSRF field comes before the file: the upload is streamed, and the token is checked before the file is read.
  return `<h3 id="upload-h">Upload</h3>${left}<form method="post" action="/challenges/${encodeURIComponent(c.id)}/submissions" enctype="multipart/form-data" aria-labelledby="upload-h"><input type="hidden" name="_csrf" value="${escapeHtml(o.user.csrf)}"><div class="field"><label for="up-note">Note <small>(optional, for yourself: shown on the report)</small></label><input id="up-note" name="note" maxlength="500" size="40"></div><div class="field"><label for="up-file">Model file</label><input id="up-file" name="model" type="file" accept="${accept}" required></div><p><button type="submit">Submit as ${escapeHtml(o.user.handle)}</button></p></form>`;
}
