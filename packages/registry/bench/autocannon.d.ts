/*
 * The part of autocannon 9's API the benchmarks use (the package ships no
 * types and @types/autocannon is not installed).
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p99: number;
    }

    type Context = Record<string, unknown>;

    interface RawRequest {
      method?: string;
      path?: string;
      body?: string | Buffer;
      headers?: Record<string, string>;
    }

    interface Request extends RawRequest {
      /** Returns the request to send, or a falsy value to restart from the first request. */
      setupRequest?: (request: RawRequest, context: Context) => RawRequest | undefined;
      onResponse?: (
        status: number,
        body: string,
        context: Context,
        headers: Record<string, string>,
      ) => void;
    }

    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      amount?: number;
      /** Seconds. */
      timeout?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
      initialContext?: Context;
      title?: string;
    }

    interface Result {
      title?: string;
      url: string;
      connections: number;
      pipelining: number;
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      /** Milliseconds. */
      latency: Histogram;
      /** Per-second samples; `total` is every completed request. */
      requests: Histogram & { sent: number };
      throughput: Histogram;
    }

    interface Instance extends Promise<Result> {
      stop(): void;
    }
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;

  export = autocannon;
}
