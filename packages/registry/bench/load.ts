import autocannon from 'autocannon';
import { measureCpu, type CpuSplit } from './cpu';
import { doneWithThreeArtifacts } from './completion';

/** One autocannon run, summarised. */
export interface LoadResult {
  /** Completed requests per second over the run. */
  readonly rps: number;
  /** Latency percentiles, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly requests: number;
  readonly seconds: number;
}

export interface LoadOptions {
  readonly connections: number;
  /** Seconds measured. */
  readonly duration: number;
  /** Seconds of unmeasured load first. */
  readonly warmup: number;
}

function summarise(result: autocannon.Result, what: string): LoadResult {
  const failures = result.errors + result.timeouts + result.non2xx + result.mismatches;
  if (failures > 0) {
    throw new Error(
      `${what}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx ` +
        `(${JSON.stringify(result.statusCodeStats)})`,
    );
  }
  if (result.requests.total === 0) throw new Error(`${what}: no request completed`);
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    seconds: result.duration,
  };
}

/** Several runs of one measurement as one: pooled requests/s, mean p50, worst p99. */
export function combine(runs: readonly LoadResult[]): LoadResult {
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  return {
    rps: requests / seconds,
    p50: runs.reduce((sum, r) => sum + r.p50, 0) / runs.length,
    p99: Math.max(...runs.map((r) => r.p99)),
    requests,
    seconds,
  };
}

/** GET `url` with autocannon: a warm-up run, then the measured one. */
export async function getLoad(url: string, options: LoadOptions): Promise<LoadResult> {
  const run = (duration: number) =>
    autocannon({ url, connections: options.connections, pipelining: 1, duration, timeout: 10 });
  if (options.warmup > 0) summarise(await run(options.warmup), `GET ${url} (warm-up)`);
  return summarise(await run(options.duration), `GET ${url}`);
}

/** (b): completed builds per second, besides the request statistics. */
export interface CompletionResult extends LoadResult {
  readonly completions: number;
  readonly completionsPerSecond: number;
  /** CPU spent during the measured run (Linux only). */
  readonly cpu?: CpuSplit;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Build completions with an autocannon request sequence: each connection
 * loops CreateVersion (fresh fingerprint) → CreateBuild (BUILD_UNSET) →
 * UpdateBuild BUILD_DONE with 3 artifacts. The last step completes the
 * version (vN, `latest` moves), so one loop is one completion.
 */
export async function completionLoad(
  server: { readonly url: string; readonly pid: number },
  /** Bucket API paths; completions go to them round-robin. */
  bucketPaths: readonly string[],
  options: LoadOptions,
): Promise<CompletionResult> {
  let counter = 0;
  let completions = 0;
  const runId = Date.now().toString(36);
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      headers: JSON_HEADERS,
      setupRequest: (request, context) => {
        counter += 1;
        context['fingerprint'] = `c-${runId}-${counter}`;
        context['bucket'] = bucketPaths[counter % bucketPaths.length];
        return {
          ...request,
          path: `${String(context['bucket'])}/versions`,
          body: JSON.stringify({ fingerprint: context['fingerprint'], template_type: 'HCL2' }),
        };
      },
    },
    {
      method: 'POST',
      headers: JSON_HEADERS,
      setupRequest: (request, context) => ({
        ...request,
        path: `${String(context['bucket'])}/versions/${String(context['fingerprint'])}/builds`,
        body: JSON.stringify({ component_type: 'amazon-ebs.bench', status: 'BUILD_UNSET' }),
      }),
      onResponse: (status, body, context) => {
        if (status === 200)
          context['buildId'] = (JSON.parse(body) as { build: { id: string } }).build.id;
      },
    },
    {
      method: 'PATCH',
      headers: JSON_HEADERS,
      setupRequest: (request, context) => {
        const fingerprint = String(context['fingerprint']);
        if (typeof context['buildId'] !== 'string') return undefined;
        return {
          ...request,
          path: `${String(context['bucket'])}/versions/${fingerprint}/builds/${context['buildId']}`,
          body: JSON.stringify(doneWithThreeArtifacts(fingerprint)),
        };
      },
      onResponse: (status) => {
        if (status === 200) completions += 1;
      },
    },
  ];
  const run = (duration: number) =>
    autocannon({
      url: server.url,
      connections: options.connections,
      pipelining: 1,
      duration,
      timeout: 10,
      requests,
    });
  if (options.warmup > 0) summarise(await run(options.warmup), 'build completions (warm-up)');
  completions = 0;
  const cpu = measureCpu(server.pid);
  const result = summarise(await run(options.duration), 'build completions');
  return {
    ...result,
    completions,
    completionsPerSecond: completions / result.seconds,
    cpu: cpu(),
  };
}
