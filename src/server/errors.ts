/** Machine-readable reason the HTTP API refused a request by itself (the modules' own errors keep their codes). */
export type ServerErrorCode =
  | 'INVALID_REQUEST'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'UNKNOWN_ROUTE'
  | 'STORE_UNAVAILABLE';

const STATUS: Record<ServerErrorCode, number> = { INVALID_REQUEST: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, UNKNOWN_ROUTE: 404, STORE_UNAVAILABLE: 503 };

/** The HTTP API's own refusal, answered as problem+json with its status. */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  readonly status: number;

  constructor(
    readonly code: ServerErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
