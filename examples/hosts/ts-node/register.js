// `node -r ./register.js src/app.ts`: ts-node with the transformer as a custom `before` transformer.
const { before } = require('ts-memory-profiler/transformer');

require('ts-node').register({ transformers: { before: [before()] } });
