import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { RegistryError } from '../errors/registry-error';
import { RegistryErrors } from '../errors/registry-errors';

/** A `clientError` of Node's HTTP server: a parser error (`HPE_*`) or a timeout. */
type ClientError = Error & { code?: string; reason?: string };

/**
 * The answer to a request Node's HTTP parser refused before fastify saw it:
 * 431 for oversized headers, 408 for a request that did not arrive in time,
 * 400 for anything else that is not HTTP/1.1.
 */
export function clientErrorToRegistryError(error: ClientError): RegistryError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new RegistryErrors.HeadersTooLarge({ max: maxHeaderSize });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new RegistryErrors.RequestTimeout();
    default: {
      // llhttp's `reason` is a fixed description (never the bytes received).
      const what = typeof error.reason === 'string' ? `: ${error.reason.slice(0, 100)}` : '';
      return new RegistryErrors.MalformedRequest({
        parserError: `${error.code ?? 'parse error'}${what}`,
      });
    }
  }
}

/**
 * fastify's `clientErrorHandler`: answers what Node's HTTP parser refuses
 * with a complete HTTP/1.1 response whose body is a google.rpc.Status, then
 * closes the connection. Logged at debug with the reason only: the raw bytes
 * (`rawPacket`) may hold credentials and are never logged.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: ClientError,
  socket: Socket,
): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const registryError = clientErrorToRegistryError(error);
  this.log.debug(
    { code: error.code, reason: registryError.reason, status: registryError.httpStatus },
    `client error: ${registryError.message}`,
  );
  // A response already under way cannot be replaced (what Node itself checks).
  const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inProgress?.headersSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(registryError.toStatus());
  const status = registryError.httpStatus;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
