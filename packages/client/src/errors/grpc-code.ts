/**
 * The gRPC status codes a registry puts in the `code` field of its
 * `google.rpc.Status` error bodies. HCP Packer clients branch on these numbers:
 * a missing bucket or channel is `NOT_FOUND` (5), a missing version (GetVersion
 * by fingerprint) is `ABORTED` (10), a duplicate create is `ALREADY_EXISTS` (6).
 */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** One of the {@link GrpcCode} numbers. */
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

const NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(GrpcCode).map(([name, code]) => [code, name]),
);

/** The name of a gRPC code (`5` → `NOT_FOUND`), or `CODE_<n>` for a number outside the table. */
export function grpcCodeName(code: number): string {
  return NAMES.get(code) ?? `CODE_${code}`;
}

const HTTP_STATUS: Readonly<Record<GrpcCode, number>> = {
  [GrpcCode.OK]: 200,
  [GrpcCode.CANCELLED]: 499,
  [GrpcCode.UNKNOWN]: 500,
  [GrpcCode.INVALID_ARGUMENT]: 400,
  [GrpcCode.DEADLINE_EXCEEDED]: 504,
  [GrpcCode.NOT_FOUND]: 404,
  [GrpcCode.ALREADY_EXISTS]: 409,
  [GrpcCode.PERMISSION_DENIED]: 403,
  [GrpcCode.RESOURCE_EXHAUSTED]: 429,
  // HCP answers refused operations (e.g. on managed channels) with 400 + code 9.
  [GrpcCode.FAILED_PRECONDITION]: 400,
  // GetVersion of an unknown fingerprint: 409 + code 10, which Packer expects.
  [GrpcCode.ABORTED]: 409,
  [GrpcCode.OUT_OF_RANGE]: 400,
  [GrpcCode.UNIMPLEMENTED]: 501,
  [GrpcCode.INTERNAL]: 500,
  [GrpcCode.UNAVAILABLE]: 503,
  [GrpcCode.DATA_LOSS]: 500,
  [GrpcCode.UNAUTHENTICATED]: 401,
};

/**
 * The HTTP status that goes with a gRPC code in an HCP-style JSON API: the
 * grpc-gateway mapping HCP uses (5 → 404, 6 and 10 → 409, 9 → 400, ...).
 * The registry answers with it; {@link grpcCodeFromHttpStatus} is the
 * (partial) way back.
 *
 * @example
 * ```ts
 * httpStatusFromGrpcCode(GrpcCode.NOT_FOUND); // 404
 * ```
 */
export function httpStatusFromGrpcCode(code: GrpcCode): number {
  return HTTP_STATUS[code];
}

/**
 * The gRPC code for an error response whose body carries none (a proxy's HTML
 * page, say). Only unambiguous HTTP statuses map to a code; 400, 409 and 500
 * stand for several codes each, so they give `UNKNOWN` rather than a guess
 * that could send a caller down the wrong branch (409 is both "version not
 * found" and "already exists").
 */
export function grpcCodeFromHttpStatus(status: number): GrpcCode {
  switch (status) {
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.NOT_FOUND;
    case 429:
      return GrpcCode.RESOURCE_EXHAUSTED;
    case 499:
      return GrpcCode.CANCELLED;
    case 501:
      return GrpcCode.UNIMPLEMENTED;
    case 502:
    case 503:
      return GrpcCode.UNAVAILABLE;
    case 504:
      return GrpcCode.DEADLINE_EXCEEDED;
    default:
      return GrpcCode.UNKNOWN;
  }
}
