export * from './generated';
export { openApiDocument } from './openapi-document';
