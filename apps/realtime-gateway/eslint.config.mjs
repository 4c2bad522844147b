import globals from 'globals';
import root from '../../eslint.config.mjs';

export default [
  ...root,
  // The results page: plain browser JavaScript served as-is (no build step).
  { files: ['public/**/*.js'], languageOptions: { sourceType: 'module', globals: globals.browser } },
];
