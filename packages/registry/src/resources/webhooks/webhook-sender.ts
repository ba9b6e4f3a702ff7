import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { checkTargetUrl, safeLookup, type TargetPolicy } from './safe-target';

/** HCP's signature header: the hex HMAC-SHA512 of the body under the subscription's secret. */
export const SIGNATURE_HEADER = 'x-hcp-webhook-signature';
/** The outbox row's id: the same on every retry, so receivers drop repeats. */
export const DELIVERY_HEADER = 'x-imprint-delivery';
/** Unix seconds when this attempt was signed. */
export const TIMESTAMP_HEADER = 'x-imprint-timestamp';
/** `t=<timestamp>,v1=<hex HMAC-SHA512 of "<timestamp>.<body>">`: binds the timestamp to the body. */
export const TIMESTAMPED_SIGNATURE_HEADER = 'x-imprint-signature';

/** How one attempt went. */
export interface SendResult {
  readonly ok: boolean;
  /** The response status, when one came. */
  readonly status?: number;
  /** Why it failed, for `last_error` (never the secret or the body). */
  readonly error?: string;
}

export interface SendOptions {
  readonly policy: TargetPolicy;
  /** Connect + response time limit in ms. */
  readonly timeoutMs: number;
  readonly nowMs: number;
}

/** The hex HMAC-SHA512 of `data` under `secret`. */
export function sign(secret: string, data: string): string {
  return createHmac('sha512', secret).update(data).digest('hex');
}

/**
 * POSTs one signed delivery. A 2xx answer is success; anything else — a
 * redirect (never followed), another status, a refused or internal
 * address, a timeout — is a failure to retry. Never throws.
 */
export function sendWebhook(
  target: { url: string; secret: string },
  delivery: { id: string; body: string },
  options: SendOptions,
): Promise<SendResult> {
  let url: URL;
  try {
    url = checkTargetUrl(target.url, options.policy);
  } catch (error) {
    return Promise.resolve({ ok: false, error: (error as Error).message });
  }
  const timestamp = String(Math.floor(options.nowMs / 1000));
  const body = Buffer.from(delivery.body);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    'user-agent': 'imprint-registry-webhooks',
    [SIGNATURE_HEADER]: sign(target.secret, delivery.body),
    [DELIVERY_HEADER]: delivery.id,
    [TIMESTAMP_HEADER]: timestamp,
    [TIMESTAMPED_SIGNATURE_HEADER]: `t=${timestamp},v1=${sign(target.secret, `${timestamp}.${delivery.body}`)}`,
  };
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise<SendResult>((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers,
        lookup: safeLookup(options.policy),
        timeout: options.timeoutMs,
        // One connection per delivery: no pooled socket outlives a changed DNS answer.
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        // Drain (bounded by the timeout) so the socket closes cleanly; the body is not used.
        res.resume();
        res.on('end', () => {
          clearTimeout(overall);
          resolve(
            status >= 200 && status < 300
              ? { ok: true, status }
              : { ok: false, status, error: `the target answered HTTP ${status}` },
          );
        });
        res.on('error', (error) => finish(error));
      },
    );
    const finish = (error: Error): void => {
      clearTimeout(overall);
      resolve({ ok: false, error: error.message });
    };
    // `timeout` is per socket inactivity; this bounds the whole attempt.
    const overall = setTimeout(() => {
      req.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', finish);
    req.end(body);
  });
}
