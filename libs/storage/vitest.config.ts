import { vitestConfig } from '../../vitest.shared.js';

// The MongoDB run of the document-store contract needs a MongoDB server: it is collected
// only when MONGODB_URL is set. PostgreSQL (the local and CI default) always runs.
const withMongo = Boolean(process.env.MONGODB_URL);
if (!withMongo) console.log('[storage] MONGODB_URL not set: the MongoDB contract run is not collected');

export default vitestConfig({ exclude: withMongo ? [] : ['test/mongo-document-store.test.ts'] });
