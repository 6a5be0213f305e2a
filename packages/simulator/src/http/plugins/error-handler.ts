/**
 * One error handler for the admin and control APIs: coded errors go out as they are, Fastify's
 * own (validation, body size, media type) are translated into codes from the catalog, and
 * anything unexpected is logged in full and answered with a 500 that leaks nothing.
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { GamedayError } from '../../core/gameday-error';
import { errorBody, errorStatus, statusOf } from '../errors';
import { bodyLimitBytes, jsonContentTypes } from './body-parsers';
import { kubeStatus, statusReasonFor } from '../../kube/kube-objects';

/** Paths the fake Kubernetes API owns; their errors are metav1.Status objects. */
export function isKubePath(path: string): boolean {
  return path === '/version' || path === '/api' || path === '/apis' || path.startsWith('/api/') || path.startsWith('/apis/');
}

/** The path of a request URL (what is before the query). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * A coded error as the Kubernetes API answers it, a metav1.Status. A 401 says only
 * "Unauthorized", which kubectl prints as "You must be logged in to the server (Unauthorized)".
 */
export function kubeStatusOf(coded: GamedayError): Record<string, unknown> {
  const status = statusOf(coded);
  return kubeStatus(status, statusReasonFor(status), status === 401 ? 'Unauthorized' : coded.message);
}

/** Turns any error thrown in a request into a GamedayError. */
export function toGamedayError(error: FastifyError | GamedayError | Error): GamedayError {
  if (error instanceof GamedayError) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation && fastifyError.validation.length > 0) {
    const first = fastifyError.validation[0]!;
    const where = fastifyError.validationContext ?? 'request';
    const missing = (first.params as { missingProperty?: string } | undefined)?.missingProperty;
    const extra = (first.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    const allowedValues = (first.params as { allowedValues?: unknown[] } | undefined)?.allowedValues?.map(String);
    const field = missing ?? extra ?? (first.instancePath.replace(/^\//, '').replaceAll('/', '.') || where);
    const message = extra !== undefined
      ? `${where} has an unknown field "${extra}"`
      : missing !== undefined
        ? `${where} is missing the required field "${missing}"`
        : allowedValues !== undefined
          ? `${where} field "${field}" must be one of: ${allowedValues.join(', ')}`
          : `${where} field "${field}" ${first.message ?? 'is invalid'}`;
    return new GamedayError(where === 'body' ? 'INVALID_BODY' : 'INVALID_PARAMETER', message, { field, ...(allowedValues ? { allowed: allowedValues } : {}) });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GamedayError('BODY_TOO_LARGE', `the body is larger than the ${bodyLimitBytes / 1024} KiB limit`, { field: 'body' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GamedayError('UNSUPPORTED_MEDIA_TYPE', `unsupported Content-Type; send JSON as one of: ${jsonContentTypes.join(', ')}`, { field: 'Content-Type', allowed: jsonContentTypes });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GamedayError('INVALID_BODY', 'the Content-Length header does not match the body', { field: 'Content-Length' });
    default:
      if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500 && fastifyError.statusCode >= 400) {
        return new GamedayError(fastifyError.statusCode === 404 ? 'NOT_FOUND' : 'INVALID_BODY', fastifyError.message);
      }
      return new GamedayError('INTERNAL', errorStatus.INTERNAL.title);
  }
}

export default fp(
  (fastify, _options, done) => {
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      const coded = toGamedayError(error);
      const status = statusOf(coded);
      if (status >= 500) request.log.error({ err: error }, 'unhandled error');
      request.journal.detail.error = coded.code;
      request.journal.detail.message = coded.message;
      // A refusal before a Kubernetes route ran (an unknown path's token check) is still kubectl's to read.
      return reply.status(status).send(isKubePath(pathOf(request.url)) ? kubeStatusOf(coded) : errorBody(coded));
    });
    // An unknown path of the Kubernetes API takes a token like a known one: without it, all a
    // caller learns is that they need one.
    const kubeGuard = fastify.requirePermission('view');
    const notFoundGuard = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
      if (isKubePath(pathOf(request.url))) kubeGuard(request, reply, done);
      else done();
    };
    fastify.setNotFoundHandler({ preValidation: notFoundGuard }, (request, reply) => {
      const path = pathOf(request.url);
      if (isKubePath(path)) {
        request.journal.detail.error = 'NotFound';
        return reply.status(404).send(kubeStatus(404, 'NotFound', `the server could not find the requested resource (${request.method} ${path})`));
      }
      const error = new GamedayError('NOT_FOUND', `no route ${request.method} ${path}; the routes are listed in the README (Admin API)`);
      request.journal.detail.error = error.code;
      request.journal.detail.message = error.message;
      return reply.status(404).send(errorBody(error));
    });
    done();
  },
  { name: 'error-handler', dependencies: ['journal-hook', 'auth'], fastify: '5.x' },
);
