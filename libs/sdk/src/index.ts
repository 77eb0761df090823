export * from './generated';
export { client } from './generated/client.gen';
export { createClient, createConfig, type Client, type Config } from './generated/client';
export { openApiDocument } from './openapi-document';
