/**
 * Courseware bugs → GitHub: an approved courseware-bug topic opens one issue in COURSEWARE_REPO, linking
 * back to the forum topic. Octokit handles the REST details; the audit log remembers which topic opened
 * which issue, so approving again (or a retried job) never opens a second one.
 */
import { Octokit } from '@octokit/rest';
import type { Services } from '../../core/services.js';
import { audit } from '../../arena/admin.js';

export const GITHUB_ISSUE_ACTION = 'github.issue';

export interface CoursewareIssue {
  number: number;
  url: string;
  created: boolean;
}

/** Open (once) the GitHub issue for a courseware-bug topic; null when GitHub is not configured. */
export async function openCoursewareIssue(
  services: Services,
  actorId: string | null,
  topic: { id: number; title: string; body: string; url: string },
  section: string | null,
): Promise<CoursewareIssue | null> {
  const { config, db } = services;
  if (!config.GITHUB_TOKEN || !config.COURSEWARE_REPO) return null;
  const earlier = await db.auditLog.findFirst({ where: { action: GITHUB_ISSUE_ACTION, targetType: 'forum-topic', targetId: String(topic.id) } });
  const data = earlier?.data as { after?: { number?: number; url?: string } } | null | undefined;
  if (data?.after?.number) return { number: data.after.number, url: data.after.url ?? '', created: false };
  const [owner, repo] = config.COURSEWARE_REPO.split('/') as [string, string];
  const octokit = new Octokit({ auth: config.GITHUB_TOKEN, baseUrl: config.GITHUB_API_URL, userAgent: 'tinyarena' });
  const quoted = topic.body.split('\n').map((l) => `> ${l}`).join('\n');
  const res = await octokit.rest.issues.create({
    owner,
    repo,
    title: `${section ? `[${section}] ` : ''}${topic.title}`,
    body: `Reported on the course forum: ${topic.url}\n\n${quoted}\n\n<!-- tinyarena forum-topic:${topic.id} -->`,
    labels: ['courseware-bug'],
  });
  const issue = { number: res.data.number, url: res.data.html_url };
  await audit(db, { actorId, reason: 'courseware bug approved by a moderator' }, GITHUB_ISSUE_ACTION, { type: 'forum-topic', id: String(topic.id) }, null, issue);
  return { ...issue, created: true };
}
