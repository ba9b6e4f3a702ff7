import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify';

/**
 * Names an encapsulated plugin in logs and `printPlugins()`. (Plugins that
 * share their hooks and decorators with the parent use `fastify-plugin`.)
 */
export function namedPlugin<Options extends FastifyPluginOptions>(
  name: string,
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options> {
  Object.assign(plugin, { [Symbol.for('fastify.display-name')]: name });
  return plugin;
}
