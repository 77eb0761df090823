import apiReference from '@scalar/fastify-api-reference';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { openApiDocument } from '@rentguy/sdk';
import { API_DOCS_ROUTES } from './edge.routes';

/**
 * The API reference (Scalar) at `/docs` and the OpenAPI document at `/docs/openapi.json`
 * (docs/architecture.md#api-contract). Everything the page loads comes from the gateway: the
 * reference's script is the package's own bundle, no fonts or other assets from elsewhere.
 */
export async function installApiDocs(app: NestFastifyApplication): Promise<void> {
  await app.register(apiReference, {
    routePrefix: API_DOCS_ROUTES.redirect,
    openApiDocumentEndpoints: { json: '/openapi.json', yaml: '/openapi.yaml' },
    configuration: {
      content: openApiDocument(),
      title: 'RentGuy API',
      withDefaultFonts: false,
      // No calls to Scalar's hosted services (its proxy, telemetry, AI agent) from the page.
      telemetry: false,
      hideClientButton: true,
    },
    logLevel: 'warn',
  });
}
