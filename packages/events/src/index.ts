export * from './consumer';
export * from './publish';
export * from './relay';
export * from './tables';
