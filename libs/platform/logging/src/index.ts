export * from './logging.module';
export * from './logging.config';
export { Logger, PinoLogger, InjectPinoLogger } from 'nestjs-pino';
