import { keywordRule } from './keyword-rule.js';

export default keywordRule({
  id: 'competition',
  description: 'the capstone competition: submissions, leaderboards, quotas, the grader and its checks',
  kind: 'competition',
  tags: ['competition'],
  weight: 1,
  cap: 3,
  patterns: [/\bcompetition|\bcapstone|\bchallenge\b|\bkws challenge|\bvww challenge/i, /\bsubmission|\bsubmit(ted|ting)?\b|\/submit\b/i, /\bleaderboard|\branking|\bprivate (split|board)|\bpublic (split|board)/i, /\bquota|per day\b|\bdaily limit/i, /\bpreflight|\bgrader\b|\btinyarena\b/i, /\b(rejudge|disqualif\w*|final (pick|submission)|freeze|frozen|team (join|code)|join code|\/status|\/final|\/team)\b|\bstage\b.{0,30}\b(device|validate|score|publish)\b|\b(device|validate|score|publish|preflight) stage\b/i, /\b(my|our) (score|rank|place|entry|entries)\b|\branked\b|\battempts? (left|per day)|\bsubmissions? left/i],
});
