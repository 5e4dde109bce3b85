// Lint and format rules, run by `npm test` and `npm run lint` (docs/contributing.md, "Lint and format").
// typescript-eslint's recommended rules find mistakes; ESLint Stylistic keeps the house format
// (two-space indent, single quotes, semicolons, trailing commas on multi-line lists). Only the
// choices below differ from the presets, each for the reason given.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // The browser pages are plain scripts inside HTML or served as they are; generated and installed files are not ours.
  { ignores: ['**/node_modules/**', 'coverage/**', '**/*.html'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
      // A chain of conditions (a ? b : c ? d : e) is written as a flat list, one `:` per line, as the house always has.
      '@stylistic/indent': ['error', 2, { SwitchCase: 1, flatTernaryExpressions: true }],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/eol-last': 'error',
      '@stylistic/no-trailing-spaces': 'error',
      // A leading underscore marks a value dropped on purpose (a destructured field left out of a copy, an unused callback argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read untyped JSON answers from real servers and fakes; typing every one would add noise, not safety.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The widget and the agent desk's page scripts run in browsers as they are written.
    files: ['adapters/webchat/public/**/*.js', 'adapters/desk/public/**/*.js', 'adapters/insight/public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', location: 'readonly', navigator: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', Promise: 'readonly', fetch: 'readonly', EventSource: 'readonly', localStorage: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Node: 'readonly', console: 'readonly', crypto: 'readonly' } },
  },
);
