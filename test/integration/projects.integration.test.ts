/**
 * The capstone project track end to end over HTTP: learners enter projects, a judge declares a
 * conflict, an organizer assigns judges (never a conflicted one, never a team's own member), judges
 * mark on the rubric, results stay hidden until the challenge closes, then rank by per-judge
 * normalised scores.
 */
import { describe, expect, it } from 'vitest';
import { changeChallenge } from '../../arena/admin.js';
import { grantRole, issueToken } from '../../arena/people.js';
import { freePort } from '../helpers/cli.js';
import { person, pipelineServices } from '../helpers/pipeline.js';
import { Agent, webUp } from '../helpers/web.js';

describe('capstone project track', () => {
  it('takes entries, assigns judges without conflicts, collects rubric marks and publishes results at close', async () => {
    const s = await pipelineServices({ challenge: { projects: { judgesPerEntry: 2 } }, env: { PORT: String(await freePort()) } });
    const base = await webUp(s);
    const token = async (handle: string, role?: 'organizer' | 'judge') => {
      const p = await person(s, handle);
      if (role) await grantRole(s.db, p.id, role);
      return { id: p.id, token: (await issueToken(s.db, p.id, 't')).secret };
    };
    const [ann, bob, cy] = [await token('ann'), await token('bob'), await token('cy')];
    const judges = [await token('jo', 'judge'), await token('jay', 'judge'), await token('jude', 'judge')];
    const olga = await token('olga', 'organizer');
    const api = (t: string, path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const entry = (title: string) => ({ title, description: 'A wake-word detector for a hearing-impaired user, running on the Nano 33 BLE Sense.', repoUrl: 'https://github.com/example/kws', videoUrl: 'https://video.example/1' });
    expect((await api(ann.token, '/api/challenges/kws-test/projects', entry('Doorbell listener'))).status).toBe(201);
    expect((await api(bob.token, '/api/challenges/kws-test/projects', entry('Cough counter'))).status).toBe(201);
    expect((await api(cy.token, '/api/challenges/kws-test/projects', entry('Bird song logger'))).status).toBe(201);
    expect((await api(cy.token, '/api/challenges/kws-test/projects', { ...entry('x'), title: 'x' })).status).toBe(409);
    expect((await api(cy.token, '/api/challenges/kws-test/projects', { ...entry('Bird song logger'), repoUrl: 'javascript:alert(1)' })).status).toBe(409);
    expect((await fetch(`${base}/api/challenges/kws-test/projects`, { method: 'POST' })).status).toBe(401);

    // Or through the page's form, signed in.
    const dan = await token('dan');
    const danAgent = new Agent(base);
    await danAgent.signIn(dan.token);
    const formPage = await (await danAgent.req('/challenges/kws-test/projects')).text();
    expect(formPage).toContain('Enter your project');
    const csrfDan = /name="_csrf" value="([^"]+)"/.exec(formPage)![1]!;
    expect((await danAgent.post('/challenges/kws-test/projects', { _csrf: csrfDan, title: 'Baby cry alert', description: 'Detects a crying baby and vibrates a wristband for deaf parents.', repoUrl: '', videoUrl: '' })).headers.get('location')).toBe('/challenges/kws-test/projects?saved=1');
    expect(await (await danAgent.req('/challenges/kws-test/projects')).text()).toContain('value="Baby cry alert"');
    expect((await danAgent.post('/challenges/kws-test/projects', { title: 'x' })).status).toBe(403);
    expect((await new Agent(base).post('/challenges/kws-test/projects', { title: 'x' })).status).toBe(403);
    await s.db.projectEntry.deleteMany({ where: { personId: dan.id } });

    // jo supervises ann: declared, so jo never judges ann's entry.
    expect((await api(judges[0]!.token, '/api/judge/conflicts', { handle: 'ann', reason: 'thesis supervisor' })).status).toBe(204);
    expect((await api(ann.token, '/api/judge/conflicts', { handle: 'bob', reason: 'x' })).status).toBe(403);

    const org = new Agent(base);
    await org.signIn(olga.token);
    const assigned = await org.post('/admin/challenges/kws-test/projects/assign', { _csrf: await org.csrf('/admin') });
    expect(assigned.status).toBe(303);
    const annEntry = await s.db.projectEntry.findFirstOrThrow({ where: { personId: ann.id } });
    const assignments = await s.db.judgeAssignment.findMany();
    expect(assignments).toHaveLength(6);
    expect(assignments.filter((a) => a.entryId === annEntry.id).map((a) => a.judgeId)).not.toContain(judges[0]!.id);
    expect(await s.db.auditLog.count({ where: { action: 'projects.assign' } })).toBe(1);

    // Judges mark through the /judge page's form: jay is harsh, jude lenient; both rank bob > cy > ann.
    const marks: Record<string, Record<string, number>> = { bob: { technical: 9, creativity: 8, impact: 8 }, cy: { technical: 7, creativity: 6, impact: 6 }, ann: { technical: 5, creativity: 4, impact: 5 } };
    for (const j of judges) {
      const agent = new Agent(base);
      await agent.signIn(j.token);
      const pageHtml = await (await agent.req('/judge')).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(pageHtml)![1]!;
      for (const a of assignments.filter((x) => x.judgeId === j.id)) {
        const e = await s.db.projectEntry.findUniqueOrThrow({ where: { id: a.entryId }, include: { person: true } });
        const m = marks[e.person.handle]!;
        const shift = j === judges[1] ? -3 : j === judges[2] ? 1 : 0;
        const r = await agent.post(`/judge/${a.entryId}`, { _csrf: csrf, mark_technical: String(Math.max(0, m.technical! + shift)), mark_creativity: String(Math.max(0, m.creativity! + shift)), mark_impact: String(Math.max(0, m.impact! + shift)), comment: 'Nice work' });
        expect(r.status).toBe(303);
      }
      // Marks outside the rubric are refused; an unassigned entry cannot be marked.
      const other = assignments.find((x) => x.judgeId !== j.id && !assignments.some((y) => y.judgeId === j.id && y.entryId === x.entryId));
      if (other) expect((await agent.post(`/judge/${other.entryId}`, { _csrf: csrf, mark_technical: '5', mark_creativity: '5', mark_impact: '5' })).status).toBe(400);
      const mine = assignments.find((x) => x.judgeId === j.id)!;
      expect((await agent.post(`/judge/${mine.entryId}`, { _csrf: csrf, mark_technical: '11', mark_creativity: '5', mark_impact: '5' })).status).toBe(400);
    }
    expect((await new Agent(base).req('/judge')).status).toBe(303);
    const learnerAgent = new Agent(base);
    await learnerAgent.signIn(ann.token);
    expect((await learnerAgent.req('/judge')).status).toBe(403);

    // Hidden while open (except to judges and organizers), then public at close.
    expect(await (await fetch(`${base}/challenges/kws-test/projects`)).text()).toContain('results appear when the challenge closes');
    await changeChallenge(s, { actorId: null, reason: 'end' }, 'kws-test', 'close');
    const results = await (await fetch(`${base}/challenges/kws-test/projects`)).text();
    const order = ['Cough counter', 'Bird song logger', 'Doorbell listener'].map((t) => results.indexOf(t));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(results).toContain('href="https://github.com/example/kws"');
    expect((await fetch(`${base}/challenges/nope/projects`)).status).toBe(404);
    // The learner sees what the judges wrote.
    expect(await (await learnerAgent.req('/challenges/kws-test/projects')).text()).toMatch(/What the judges said about “Doorbell listener”[\s\S]*Nice work/);
  });
});
