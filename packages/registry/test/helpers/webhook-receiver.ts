import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got, with whether its signatures check out under `secret`. */
export interface ReceivedWebhook {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly json: any;
  readonly deliveryId: string;
  /** Whether X-Hcp-Webhook-Signature is the hex HMAC-SHA512 of the body under `secret`. */
  signedBy(secret: string): boolean;
  /** Whether X-Imprint-Signature binds X-Imprint-Timestamp to the body under `secret`. */
  timestampSignedBy(secret: string): boolean;
}

function hmacHex(secret: string, data: string): string {
  return createHmac('sha512', secret).update(data).digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A real webhook receiver on 127.0.0.1: records every POST and answers with
 * `status` (200 unless changed). `stop()` closes the port (a receiver that
 * is down), `start()` listens on the same port again.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** The status answered; a function decides per request. */
  status: number | ((n: number) => number) = 200;
  private server: http.Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        const signature = String(req.headers['x-hcp-webhook-signature'] ?? '');
        const timestamp = String(req.headers['x-imprint-timestamp'] ?? '');
        const timestamped = String(req.headers['x-imprint-signature'] ?? '');
        this.received.push({
          headers: req.headers,
          body,
          json: JSON.parse(body),
          deliveryId: String(req.headers['x-imprint-delivery'] ?? ''),
          signedBy: (secret) => same(signature, hmacHex(secret, body)),
          timestampSignedBy: (secret) =>
            same(timestamped, `t=${timestamp},v1=${hmacHex(secret, `${timestamp}.${body}`)}`),
        });
        const status =
          typeof this.status === 'function' ? this.status(this.received.length) : this.status;
        res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The events received, by `event_source`/`event_action`, verification events left out. */
  events(): ReceivedWebhook[] {
    return this.received.filter((r) => r.json.event_source !== 'hashicorp.webhook.verification');
  }

  /** Waits until `predicate` holds (polling), or throws after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) {
        throw new Error(
          `webhook receiver: condition not met within ${timeoutMs} ms; got ${this.received
            .map((r) => `${r.json.event_source}:${r.json.event_action}`)
            .join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
