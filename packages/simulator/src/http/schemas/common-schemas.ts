/** Schemas shared by the routes: the error body and report wrappers. */
import { Type } from './json-schema';

export const ErrorSchema = Type.Object(
  {
    error: Type.String({ description: 'A code from the error catalog, e.g. UNKNOWN_CONFIG_KEY' }),
    message: Type.String({ description: 'What was wrong and what is allowed' }),
    field: Type.Optional(Type.String({ description: 'The input that was wrong' })),
    allowed: Type.Optional(Type.Array(Type.String())),
  },
  { $id: 'ErrorBody' },
);

/** The error answers every authenticated route can give. */
export const authErrors = { 400: ErrorSchema, 401: ErrorSchema } as const;

/** A report object; its fields are documented by the TypeScript type named in `description`. */
export const Report = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** A simulated duration in milliseconds, as a query parameter. */
export const DurationMs = (description: string, defaultMs: number) =>
  Type.Integer({ minimum: 0, maximum: 30 * 86_400_000, default: defaultMs, description });

export const BearerHeaders = Type.Object({ authorization: Type.Optional(Type.String({ description: 'Bearer <token>' })) });

/** A string enum as plain JSON Schema `enum`, so a rejection lists the allowed values. */
export const StringEnum = <T extends string>(values: readonly T[], options: { description?: string; default?: T } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
