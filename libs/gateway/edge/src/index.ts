export { EdgeModule, edgeGuards } from './edge.module';
export { installEdgeBodyParsers } from './edge-body.parsers';
export { API_DOCS_ROUTES, EDGE_ROUTES, isForwardedTo } from './edge.routes';
export { edgeConfig, type Upstream } from './edge.config';
export { rateLimitConfig } from './rate-limit.config';
export { edgeHttpConfig } from './edge-http.config';
export { installEdgeResponses } from './edge-responses';
export { installApiDocs } from './api-docs';
