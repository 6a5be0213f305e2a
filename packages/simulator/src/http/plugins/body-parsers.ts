/**
 * Request bodies. The runbook's `curl -d '{…}'` sends JSON labelled
 * application/x-www-form-urlencoded (curl's default for -d), and the real service evidently
 * reads it as JSON, so this one parser serves JSON, form-labelled JSON, plain text, and the
 * patch types kubectl sends. Anything else is a 415 that says what is accepted.
 */
import fp from 'fastify-plugin';
import { GamedayError } from '../../core/gameday-error';

export const jsonContentTypes = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/json-patch+json',
  'application/apply-patch+yaml',
];

export const bodyLimitBytes = 64 * 1024;

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GamedayError('MALFORMED_JSON', `the body is not valid JSON (${reason}); send an object such as {"speculation.enabled": false}`, { field: 'body' });
  }
}

export default fp(
  (fastify, _options, done) => {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser(jsonContentTypes, { parseAs: 'string', bodyLimit: bodyLimitBytes }, (_request, body, callback) => {
      try {
        callback(null, parseJsonBody(body as string));
      } catch (error) {
        callback(error as Error, undefined);
      }
    });
    done();
  },
  { name: 'body-parsers', fastify: '5.x' },
);
