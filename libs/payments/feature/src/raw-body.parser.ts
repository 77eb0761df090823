import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DomainError, ErrorCode } from '@rentguy/contracts';

/**
 * Keeps `application/json` bodies of `rawRoutes` as the exact bytes received (a webhook signature
 * is computed over them; re-serialised JSON would not verify) and parses every other route's JSON
 * with Fastify's own safe parser. `application/x-www-form-urlencoded` (Mollie's pings) is accepted
 * on `rawRoutes` only, as bytes too; elsewhere it is 415. Call from the app's bootstrap
 * `configure` hook, before listen.
 *
 * The app is initialised first because Nest registers its JSON parser during init, and Fastify
 * refuses a second parser for one content type; ours then replaces Nest's.
 */
export async function keepRawJsonBody(
  app: NestFastifyApplication,
  rawRoutes: readonly string[],
): Promise<void> {
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  const routes = new Set(rawRoutes);
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  );
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (routes.has(request.routeOptions.url ?? '')) {
      done(null, body);
      return;
    }
    void parseJson(request, typeof body === 'string' ? body : body.toString('utf8'), done);
  });
  // Nest registers a urlencoded parser of its own during init; no route of payments takes forms but these.
  if (fastify.hasContentTypeParser('application/x-www-form-urlencoded')) {
    fastify.removeContentTypeParser('application/x-www-form-urlencoded');
  }
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (request, body, done) => {
      if (routes.has(request.routeOptions.url ?? '')) {
        done(null, body);
        return;
      }
      done(new DomainError(ErrorCode.UnsupportedMediaType, 'expected an application/json body'), undefined);
    },
  );
}
