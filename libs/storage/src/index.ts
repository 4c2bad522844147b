export * from './errors.js';
export * from './document-store.js';
export * from './postgres-document-store.js';
export * from './postgres-pool.js';
export * from './migrations.js';
