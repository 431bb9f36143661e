/**
 * The rooms of the house and what each may import (ARCHITECTURE.md explains why). Run by
 * `npm run lint`: an import no rule below allows fails it, and so does any circular import.
 * Type-only imports count too: a room that names another's types depends on it.
 */

/** Packages by room: the only room that may import each. */
const npm = (...names) => names.map((name) => `^node_modules/(@types/)?${name}/`)
const core = { dependencyTypes: ['core'] }

const room = {
  domain: '^src/domain/',
  kernel: '^src/kernel/',
  text: '^src/text/',
  log: '^src/log/',
  channel: '^src/channel/',
  queue: '^src/queue/',
  state: '^src/state/',
  store: '^src/store/',
  config: '^src/config/',
  ops: '^src/ops/',
  handlers: '^handlers/',
  templates: '^templates/',
  bin: '^src/bin/',
  web: '^src/web/',
}
/** The ports other rooms may name: interfaces and the result schemas they are inferred from. */
const ports = [
  '^src/state/port\\.ts$',
  '^src/state/results\\.ts$',
  '^src/queue/port\\.ts$',
  '^src/store/port\\.ts$',
  '^src/web/port\\.ts$',
]

module.exports = {
  allowed: [
    // Pure rules: no I/O, nothing that renders.
    { from: { path: room.domain }, to: { path: [room.domain, ...npm('zod', 'opencc-js')] } },
    { from: { path: room.templates }, to: { path: [room.templates] } },
    // Sentences and tables rendered from templates.
    { from: { path: room.text }, to: { path: [room.text, room.domain, room.templates] } },
    { from: { path: room.log }, to: { path: [room.log, ...npm('pino')] } },
    // The composer, contexts and the unit of work: over ports only.
    { from: { path: room.kernel }, to: { path: [room.kernel, room.domain, room.text, room.log, ...ports] } },
    {
      from: { path: room.handlers },
      to: { path: [room.handlers, room.kernel, room.domain, room.text, ...ports] },
    },
    // The adapters: each the only room that imports its package.
    {
      from: { path: room.channel },
      to: { path: [room.channel, room.domain, room.log, ...npm('wechaty', 'qrcode-terminal')] },
    },
    {
      from: { path: room.queue },
      to: { path: [room.queue, room.domain, room.log, ...npm('bullmq', 'ioredis')] },
    },
    { from: { path: room.queue }, to: core },
    {
      from: { path: room.state },
      to: { path: [room.state, room.domain, '^src/queue/keys\\.ts$', ...npm('ioredis', 'zod')] },
    },
    { from: { path: room.state }, to: core },
    {
      from: { path: room.store },
      to: {
        path: [
          room.store,
          room.domain,
          room.log,
          '^src/queue/port\\.ts$',
          ...npm('mongoose', 'better-sqlite3'),
        ],
      },
    },
    { from: { path: room.store }, to: core },
    { from: { path: room.config }, to: { path: [room.config, room.domain, ...npm('yaml')] } },
    { from: { path: room.config }, to: core },
    // What operators see without WeChat: alerts to a webhook, health checks, metrics.
    {
      from: { path: room.ops },
      to: {
        path: [
          room.ops,
          room.domain,
          room.text,
          room.log,
          '^src/queue/with-timeout\\.ts$',
          ...npm('prom-client'),
        ],
      },
    },
    { from: { path: room.ops }, to: core },
    // The web console: pages over the ports, sentences from the templates, served by Fastify; forms
    // and query strings parsed with zod.
    {
      from: { path: room.web },
      to: {
        path: [
          room.web,
          room.domain,
          room.text,
          room.templates,
          room.log,
          ...ports,
          ...npm('fastify', '@fastify/formbody', 'zod'),
        ],
      },
    },
    { from: { path: room.web }, to: core },
    // The one composition root may import every room.
    { from: { path: '^src/app\\.ts$' }, to: { path: ['^src/', '^handlers/'] } },
    { from: { path: '^src/app\\.ts$' }, to: core },
    // Entry points go through the root for everything that does I/O.
    {
      from: { path: '^src/cli\\.ts$' },
      to: { path: ['^src/app\\.ts$', room.domain, room.text, room.templates, ...npm('zod')] },
    },
    { from: { path: '^src/cli\\.ts$' }, to: core },
    // The `kefu` bin: its commands, the report entry it dispatches to, and the root.
    {
      from: { path: room.bin },
      to: { path: [room.bin, '^src/cli\\.ts$', '^src/app\\.ts$', room.domain, room.text, room.templates] },
    },
    { from: { path: room.bin }, to: core },
    {
      from: { path: '^src/demo/' },
      to: {
        path: [
          '^src/demo/',
          '^src/app\\.ts$',
          '^src/bin/args\\.ts$',
          room.domain,
          room.text,
          room.templates,
          ...npm('wechaty-puppet-mock'),
        ],
      },
    },
    { from: { path: '^src/demo/' }, to: core },
    // The public API names the root and the types embedding code sees.
    {
      from: { path: '^src/index\\.ts$' },
      to: { path: ['^src/app\\.ts$', room.domain, '^src/channel/port\\.ts$', ...ports] },
    },
    // Tests, benchmarks and tools may use anything, but nothing uses them.
    {
      from: { path: '^(test|bench|tools)/' },
      to: { path: ['^src/', '^handlers/', '^templates/', '^test/', '^bench/', '^node_modules/'] },
    },
    { from: { path: '^(test|bench|tools)/' }, to: core },
    { from: { path: '^vitest\\.config\\.ts$' }, to: { path: '^node_modules/' } },
  ],
  allowedSeverity: 'error',
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: break it by moving what both need into a third.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing fails at run time.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The rules name packages by their path under node_modules, linked or not.
    preserveSymlinks: true,
    exclude: { path: '^(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
}
