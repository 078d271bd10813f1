import type { TriageRule } from '../types.js';
import { keywordRule } from './keyword-rule.js';

/** Technical kinds by the words learners use for them; each match is a modest vote. */
export const hardwareSetup = keywordRule({
  id: 'hardware-setup',
  description: 'ports, cables, LEDs, sensors, wiring, bootloader, board not found',
  kind: 'hardware-setup',
  tags: ['hardware-setup'],
  patterns: [/\bport\b|\bttyacm|\bcom\d\b|\busb\b|\bcable/i, /\bled\b|\bbootloader|\breset button|\bdouble.?tap/i, /\bwiring|\bshield\b|\bheader pins|\bsolder/i, /\bdevice manager|\bdriver\b|\bnot (detected|recognized|recognised)|\bno device found/i, /\bfailed to initiali[sz]e (camera|imu|microphone|sensor)/i],
});

export const softwareInstall = keywordRule({
  id: 'software-install',
  description: 'installing the IDE, board packages and libraries; compile errors about missing files',
  kind: 'software-install',
  tags: ['software-install'],
  patterns: [/\binstall(ed|ing|ation)?\b/i, /\blibrary manager|\bboards? manager|\bboard package|\bmbed os/i, /no such file or directory|\bmultiple libraries were found|\bcompilation error|\bexit status 1\b.*\bcompil/i, /\bversion\b.*\b(library|package|ide)\b|\b(library|package|ide)\b.*\bversion\b/i],
});

export const modelTraining = keywordRule({
  id: 'model-training',
  description: 'Colab notebooks, training runs, datasets, accuracy during training',
  kind: 'model-training',
  tags: ['training'],
  patterns: [/\bcolab|\bnotebook|\bjupyter/i, /\btrain(ing|ed)?\b|\bepochs?\b|\bloss\b|\boverfit/i, /\bdataset|\bsamples?\b|\blabels?\b/i, /\bvalidation accuracy|\btest accuracy|\baccuracy\b.*\b(colab|training|validation)/i],
});

export const deployment = keywordRule({
  id: 'deployment',
  description: 'running a model on the board: arena, op resolver, model arrays, memory, on-device behaviour',
  kind: 'deployment',
  tags: ['tflm-runtime'],
  patterns: [/\ballocatetensors|\barena\b|\bop ?resolver|didn'?t find op|\bbuiltin opcode/i, /\bmodel\.(cc|h)\b|\bxxd\b|\bc array|\bg_model/i, /\bdeploy|\bon (the|my) (board|device|arduino|nano)|\bmicro_speech|\bperson_detection|\bmagic_wand/i, /\bflash\b.*\boverflow|\bram\b|\bmemory\b/i],
});

/**
 * A model that runs on the board but behaves wrongly there ("works in Colab, fails on the board", "the
 * LED always shows one class"): deployment, however much the post talks about training or LEDs.
 */
export const onDevice = keywordRule({
  id: 'on-device-behaviour',
  description: 'a trained model misbehaving on the board: one class always, random output, Colab vs board',
  kind: 'deployment',
  tags: ['tflm-runtime'],
  weight: 1,
  cap: 2.5,
  patterns: [
    /\b(always|only ever|every time|all the time|constantly|never)\b.{0,40}\b(predicts?|detects?|shows?|says|outputs?|classif\w*|lights?|triggers?|fires?|class|label|yes|no|person|led)\b|\b(led|light)\b.{0,30}\b(always|stuck|never changes)\b/i,
    /\b(colab|notebook|python|pc|laptop|keras|training|validation)\b.{0,80}\b(board|device|arduino|nano|on-device)\b.{0,60}\b(wrong|random|garbage|different|worse|fails?|drops?|bad|nonsense|only)\b|\bworks (fine |great |well )?in (colab|the notebook|python)/i,
    /\b(on|from) (the|my) (board|device|nano|arduino)\b.{0,60}\b(accuracy|predictions?|scores?|outputs?|results?)\b|\b(accuracy|predictions?|outputs?|scores?)\b.{0,40}\b(on|from) (the|my) (board|device|nano|arduino)\b/i,
    /\b(int8|quantized|uint8) (input|output)s?\b.{0,60}\b(scale|zero.?point|garbage|wrong)|\bfloats? (into|to) (an )?int8\b|\b(label|class) order\b/i,
  ],
});

/** The Colab-versus-board contrast in any of the forum's languages (the signal reads Spanish, Portuguese and Hindi-English too). */
const colabVsBoard: TriageRule = {
  id: 'colab-vs-board',
  description: 'a model that does well in Colab and badly on the board (any language): deployment',
  apply: (_post, ctx) => {
    if (!ctx.signals.colabVsBoard) return [];
    // The arena's device stage is the competition's board: a score there is a competition question.
    if (ARENA.test(ctx.text)) return [{ kind: 'competition', weight: 0.8, tags: ['competition'], reason: 'competition: Colab result contrasted with the arena (device stage, submission)' }];
    return [{ kind: 'deployment', weight: 0.8, tags: ['tflm-runtime'], reason: 'deployment: Colab result contrasted with the board' }];
  },
};
/** The competition's own words (its stages, submissions, leaderboards), in the forum's languages. */
const ARENA = /\b((?<!tensor )arena(?! size| too)|tinyarena|device stage|preflight|submissions?|submit\w*|leaderboards?|track|quota|capstone|challenge|desaf[ií]o|concurso|competi\w+|envio|env[ií]o|placar)\b/i;

const rules: TriageRule[] = [hardwareSetup, softwareInstall, modelTraining, deployment, onDevice, colabVsBoard];
export default rules;
