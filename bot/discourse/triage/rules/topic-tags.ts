import type { TriageRule, Vote } from '../types.js';

/** Subject tags by keyword (they say what a post is about, not what kind of help it needs). */
const TAG_PATTERNS: [string, RegExp][] = [
  ['camera', /\bcamera|\bov767\d|\barducam/i],
  ['microphone', /\bmicrophone|\bmic\b|\bpdm\b|\baudio input/i],
  ['imu', /\bimu\b|\baccelerometer|\bgyro|\blsm9ds1|\bbmi270/i],
  ['kws', /\bkws\b|\bkeyword|\bmicro_speech|\bwake word|\bspeech commands/i],
  ['vww', /\bvww\b|\bvisual wake|\bperson.?detection|\bperson_detection/i],
  ['anomaly-detection', /\banomaly|\bautoencoder/i],
  ['magic-wand', /\bmagic.?wand|\bgesture/i],
  ['colab', /\bcolab/i],
  ['quantization', /\bquantiz|\bint8\b|\bfull.?integer/i],
  ['tflite-conversion', /\btfliteconverter|\bconvert(ing|er)?\b.*\btflite|\.tflite\b.*\bconvert|\bfloat32\b.*\btensor/i],
  ['tflm-runtime', /\btflm\b|\btensorflow ?lite ?micro|\ballocatetensors|\bop ?resolver|\barena\b|\binterpreter/i],
  ['memory', /\barena\b|\bmemory\b|\bram\b|\bflash\b.*\b(overflow|full|too big)/i],
  ['arduino-ide', /\barduino ide|\bide\b|\blibrary manager|\bboards? manager|\bserial monitor|\bsketch/i],
  ['board-upload', /\bupload|\bbossac|\bport\b|\bttyacm/i],
  ['datasets', /\bdataset|\brecord(ing)? (my|our) own|\bsamples? per/i],
  ['training', /\btrain(ing)?\b|\bepochs?\b/i],
  ['responsible-ai', /\bconsent|\bprivacy|\bbias\b|\bfairness/i],
];

const rule: TriageRule = {
  id: 'topic-tags',
  description: 'subject tags (camera, kws, quantization, …) from the words in the post',
  apply(_post, ctx): Vote[] {
    const tags = TAG_PATTERNS.filter(([, re]) => re.test(ctx.text)).map(([t]) => t);
    return tags.length ? [{ tags, reason: `topic-tags: ${tags.join(', ')}` }] : [];
  },
};
export default rule;
