/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { astTransformers: { before: ['ts-memory-profiler/jest'] } }],
  },
};
