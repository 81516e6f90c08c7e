const path = require('path');
const { before } = require('ts-memory-profiler/transformer');

module.exports = {
  mode: 'development',
  target: 'node',
  devtool: false,
  entry: './src/app.ts',
  output: { path: path.resolve(__dirname, 'out'), filename: 'app.js' },
  resolve: { extensions: ['.ts', '.js'] },
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        options: { getCustomTransformers: () => ({ before: [before()] }) },
      },
    ],
  },
};
