import { keywordRule } from './keyword-rule.js';

export default keywordRule({
  id: 'course-logistics',
  description: 'enrolment, certificates, tracks, deadlines, which course needs what, where to ask',
  kind: 'course-logistics',
  tags: ['course-logistics'],
  weight: 1,
  cap: 3,
  patterns: [
    /\bcertificate|\bcertification|\baudit(ing)?\b|\bverified track|\bprofessional certificate|\benrol/i,
    /\bdeadline|\bdue date|\bself-paced|\bedx\b|\bsyllabus\b/i,
    /\b(fundamentals|applications|deploying) of tinyml|\bdeploying tinyml|\bmlops for scaling|\bcourse [1-4]\b|\bwhich course/i,
    /\bdiscord\b|\bdiscussion (board|forum)|\bwhere (should|do|can) i ask/i,
  ],
});
