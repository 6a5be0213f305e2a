/**
 * A small JSON Schema builder with static types, and the Fastify type provider that reads them.
 * It mirrors the part of TypeBox's `Type.*` API the routes use. TypeBox 1.x cost ~160 ms of
 * start-up to import; these helpers build the same plain JSON Schema objects at no cost, so
 * validation (Ajv), documentation and handler types still come from one schema per route.
 */
import type { FastifyPluginAsync, FastifyTypeProvider, RawServerDefault } from 'fastify';

declare const staticType: unique symbol;
declare const optionalMark: unique symbol;

/** A JSON Schema object that remembers the TypeScript type of the values it accepts. */
export type Schema<T = unknown> = Record<string, unknown> & { readonly [staticType]?: T };
type OptionalSchema<T> = Schema<T> & { readonly [optionalMark]: true };

export type Static<S> = S extends Schema<infer T> ? T : unknown;

type Properties = Record<string, Schema<unknown>>;
type OptionalKeys<P extends Properties> = { [K in keyof P]: P[K] extends { readonly [optionalMark]: true } ? K : never }[keyof P];
type ObjectType<P extends Properties> = { [K in Exclude<keyof P, OptionalKeys<P>>]: Static<P[K]> } & { [K in OptionalKeys<P>]?: Static<P[K]> };

type Options = Record<string, unknown>;

const optionalKeys = new WeakSet<object>();

export const Type = {
  Object<P extends Properties>(properties: P, options: Options = {}): Schema<ObjectType<P>> {
    const required = Object.entries(properties)
      .filter(([, schema]) => !optionalKeys.has(schema) && !('default' in schema))
      .map(([key]) => key);
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), ...options };
  },
  String: (options: Options = {}): Schema<string> => ({ type: 'string', ...options }),
  Integer: (options: Options = {}): Schema<number> => ({ type: 'integer', ...options }),
  Number: (options: Options = {}): Schema<number> => ({ type: 'number', ...options }),
  Boolean: (options: Options = {}): Schema<boolean> => ({ type: 'boolean', ...options }),
  Literal: <const V extends string | number | boolean>(value: V, options: Options = {}): Schema<V> => ({ const: value, ...options }),
  Array: <T>(items: Schema<T>, options: Options = {}): Schema<T[]> => ({ type: 'array', items, ...options }),
  Union: <S extends Array<Schema<unknown>>>(schemas: [...S], options: Options = {}): Schema<Static<S[number]>> => ({ anyOf: schemas, ...options }),
  Record: <T>(_keys: Schema<string>, values: Schema<T>, options: Options = {}): Schema<Record<string, T>> => ({ type: 'object', additionalProperties: values, ...options }),
  /** A schema written by hand, typed as `T`. */
  Unsafe: <T>(schema: Options): Schema<T> => ({ ...schema }),
  /** Marks a property as optional in its object (not listed in `required`). */
  Optional<T>(schema: Schema<T>): OptionalSchema<T> {
    const copy = { ...schema } as OptionalSchema<T>;
    optionalKeys.add(copy);
    return copy;
  },
};

/** Fastify infers request and reply types from the schemas built above. */
export interface SchemaTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends Schema<infer T> ? T : unknown;
  serializer: this['schema'] extends Schema<infer T> ? T : unknown;
}

/** A route plugin whose schemas type its handlers. */
export type RoutesPlugin<Options extends Record<string, unknown> = Record<never, never>> = FastifyPluginAsync<Options, RawServerDefault, SchemaTypeProvider>;
