export { EdgeModule } from './edge.module';
export { installEdgeBodyParsers } from './edge-body.parsers';
export { EDGE_ROUTES } from './edge.routes';
export { edgeConfig, type Upstream } from './edge.config';
