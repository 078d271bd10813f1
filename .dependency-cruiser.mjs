// @ts-check
/**
 * The layering of the tree, enforced by `npm run lint` (dependency-cruiser). README.md "Architecture"
 * draws the same layers and arrows. Type-only imports count too (tsPreCompilationDeps): a type cycle
 * is still a design cycle.
 *
 *   lib ← core ← grader (pure engine ← grader services) ← arena ← grader/pipeline ← worker
 *                                                          ↖ bot ← web ← cli ← bin
 */

/** The pure engine: plain data in, plain data out; no core, no I/O. */
const PURE = '^grader/(tflite|interpreter|validate|metrics|tasks)/';
/** I/O the pure engine never does: its edge, grader/inference/, reads the kernels from disk and runs the inference threads. */
const NODE_IO = '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|tls|cluster|worker_threads|readline|repl)$';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'A file cycle: split out what both sides need (a contract or types module) so the arrows point one way.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'Two folders import each other: one of them belongs in a lower layer, or their shared part in a folder of its own.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-imports-nothing',
      comment: 'lib/ holds tiny dependency-free helpers every layer may use; it imports no project code.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(core|grader|arena|bot|web|cli|worker|bin|scripts|test|bench)/' },
    },
    {
      name: 'core-is-the-bottom',
      comment: 'core/ (config, db, redis, queues, blob store) is used by everyone and uses nobody but lib/.',
      severity: 'error',
      from: { path: '^core/' },
      to: { path: '^(grader|arena|bot|web|cli|worker|bin)/' },
    },
    {
      name: 'pure-engine-imports-no-core',
      comment: 'The engine, tflite reader, validate, metrics and tasks are pure: they import lib/ and each other only.',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^(core|arena|bot|web|cli|worker|bin)/|^grader/(pipeline|rack|scoring|datasets|challenges|firmware)/' },
    },
    {
      name: 'pure-engine-does-no-io',
      comment: 'No file system, processes, network or threads in the pure engine: the caller passes bytes in.',
      severity: 'error',
      from: { path: PURE },
      to: { dependencyTypes: ['core'], path: NODE_IO },
    },
    {
      name: 'grader-below-the-domain',
      comment: 'The grader (engine, datasets, scoring, rack, challenges, firmware) knows nothing of the competition: only the stage machine (grader/pipeline) uses arena/.',
      severity: 'error',
      from: { path: '^grader/', pathNot: '^grader/pipeline/' },
      to: { path: '^(arena|bot|web|cli|worker|bin)/|^grader/pipeline/' },
    },
    {
      name: 'domain-below-the-stage-machine',
      comment: 'arena/ enqueues stages through arena/stage-contract.ts; it never loads the stages or adapters.',
      severity: 'error',
      from: { path: '^arena/' },
      to: { path: '^(bot|web|cli|worker|bin)/|^grader/(pipeline|rack|scoring|datasets)/' },
    },
    {
      name: 'stage-machine-below-the-adapters',
      comment: 'grader/pipeline runs stages; the adapters (bot, web, cli) and the worker host call it, not the other way.',
      severity: 'error',
      from: { path: '^grader/pipeline/' },
      to: { path: '^(bot|web|cli|worker|bin)/' },
    },
    {
      name: 'production-never-loads-the-simulator',
      comment: 'Simulated boards are the rack\'s business (embedded mode, `kind: sim` boards) and the CLI\'s (sim-firmware); nothing else loads them.',
      severity: 'error',
      from: { path: '^(arena|bot|web|worker|grader)/', pathNot: '^grader/rack/' },
      to: { path: '^grader/rack/sim/' },
    },
    {
      name: 'bot-is-an-adapter',
      comment: 'The bot talks to arena/ and core/; it does not reach into the web, the CLI, the worker host or the stage machine.',
      severity: 'error',
      from: { path: '^bot/' },
      to: { path: '^(web|cli|worker|bin)/|^grader/(pipeline|rack|scoring)/' },
    },
    {
      name: 'web-is-an-adapter',
      comment: 'Routes read and act through arena/ (and bot/ services for moderation); they do not run stages or queue workers.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^(cli|worker|bin)/|^grader/pipeline/' },
    },
    {
      name: 'worker-hosts-processors',
      comment: 'worker/ hosts queue processors: it may call the stage machine, arena and bot services, never the web or the CLI.',
      severity: 'error',
      from: { path: '^worker/' },
      to: { path: '^(web|cli|bin)/|^bot/discord/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|core/db/generated)/|\\.as\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
