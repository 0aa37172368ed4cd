export type ErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unprocessable'
  | 'unsupported_media';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  unprocessable: 422,
};

/** Field name → messages, as Label Studio reports validation errors. */
export type ValidationErrors = Record<string, string[]>;

/** The one error type. Routes and services throw it; the error handler maps it to HTTP. */
export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly validationErrors: ValidationErrors | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, message: string, validationErrors?: ValidationErrors, extra?: Record<string, unknown>) {
    super(message);
    this.kind = kind;
    this.validationErrors = validationErrors;
    this.extra = extra;
  }

  get status(): number {
    return STATUS[this.kind];
  }
}

/** A 400 in Label Studio's shape: detail "Validation error" plus per-field messages. */
export function validationError(field: string, ...messages: string[]): AppError {
  return new AppError('invalid', 'Validation error', { [field]: messages });
}

export function notFound(what = 'Not found.'): AppError {
  return new AppError('not_found', what);
}
