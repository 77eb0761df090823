export * from './describe-error';
export * from './dependency-outage';
