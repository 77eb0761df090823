export { EdgeModule, edgeGuards } from './edge.module';
export { installEdgeBodyParsers } from './edge-body.parsers';
export { EDGE_ROUTES } from './edge.routes';
export { edgeConfig, type Upstream } from './edge.config';
export { rateLimitConfig } from './rate-limit.config';
export { edgeHttpConfig } from './edge-http.config';
export { installEdgeResponses } from './edge-responses';
