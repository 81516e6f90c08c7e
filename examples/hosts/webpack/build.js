// `node build.js`: webpack's Node API with webpack.config.js (`npx webpack` does the same with webpack-cli installed).
const webpack = require('webpack');

webpack(require('./webpack.config.js'), (error, stats) => {
  if (error || stats.hasErrors()) {
    console.error(error ?? stats.toString({ all: false, errors: true }));
    process.exitCode = 1;
  }
});
