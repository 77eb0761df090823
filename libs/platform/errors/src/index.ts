export * from './describe-error';
