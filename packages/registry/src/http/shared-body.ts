import type { FastifyReply } from 'fastify';

/**
 * Serialised response bodies of values the read cache shares. Those values
 * are frozen and replaced (never changed) when the data changes, so a body
 * stays right exactly as long as its value is the one being served.
 */
const bodies = new WeakMap<object, string>();

/**
 * What a GET handler returns for `value` wrapped by `wrap` (e.g.
 * `{ channel }`): for a shared (frozen) value, the JSON text serialised once
 * with the route's own response schema; otherwise the wrapped object, for
 * fastify to serialise as usual.
 */
export function sharedBody(
  reply: FastifyReply,
  value: object,
  wrap: () => object,
): object | string {
  if (!Object.isFrozen(value)) return wrap();
  let body = bodies.get(value);
  if (body === undefined) {
    const serialized = reply.serialize(wrap());
    if (typeof serialized !== 'string') return wrap();
    body = serialized;
    bodies.set(value, body);
  }
  reply.type('application/json; charset=utf-8');
  return body;
}
