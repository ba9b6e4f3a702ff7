import { GrpcCode } from '@imprint/client';
import { RegistryErrorReason as R } from './registry-error-codes';
import { quote } from './message-format';
import { onlyField, row } from './registry-error-row';

const { INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION } = GrpcCode;

/** The rows of {@link REGISTRY_ERROR_TABLE} about webhooks (`/imprint/v1/webhooks`). */
export const WEBHOOK_ERROR_ROWS = {
  /** `problem`: what is wrong with the URL, e.g. `must use https:`. */
  WebhookUrlInvalid: row<{ url: string; problem: string }>(
    R.WEBHOOK_URL_INVALID,
    INVALID_ARGUMENT,
    (p) => `Webhook url ${quote(p.url.slice(0, 200))} ${p.problem}.`,
    { details: onlyField('url') },
  ),
  WebhookTargetRefused: row<{ url: string; address: string }>(
    R.WEBHOOK_TARGET_REFUSED,
    INVALID_ARGUMENT,
    (p) =>
      `Webhook url ${quote(p.url.slice(0, 200))} points at ${p.address}, a private, loopback or link-local address. Use a public address, or start the registry with --webhooks-allow-private to allow internal targets.`,
    { details: (p) => ({ field: 'url', address: p.address }) },
  ),
  WebhookVerificationFailed: row<{ url: string; why: string; action: 'create' | 'enable' }>(
    R.WEBHOOK_VERIFICATION_FAILED,
    FAILED_PRECONDITION,
    (p) =>
      `The webhook was not ${p.action === 'create' ? 'created' : 'enabled'}: its target ${quote(p.url.slice(0, 200))} did not accept the verification event (${p.why}). Make the target answer POSTs with a 2xx status, then ${p.action} the webhook again.`,
    { details: onlyField('url') },
  ),
  WebhookNotFound: row<{ webhook_id: string }>(
    R.WEBHOOK_NOT_FOUND,
    NOT_FOUND,
    (p) =>
      `Webhook ${quote(p.webhook_id)} does not exist. List the webhooks (GET /imprint/v1/webhooks) to find its id.`,
  ),
  WebhookExists: row<{ name: string }>(
    R.WEBHOOK_EXISTS,
    ALREADY_EXISTS,
    (p) =>
      `A webhook named ${quote(p.name)} exists already. Choose another name, or delete it first.`,
  ),
};
