import tseslint from 'typescript-eslint';
import vigil from './scripts/eslint-layers.mjs';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', 'wall/dist/**', 'dist/**', 'bench/results/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { plugins: { vigil }, rules: { 'vigil/layers': ['error', { root: import.meta.dirname }] } },
  { files: ['cli/**', 'bench/**', 'fixtures/tools/**', 'tests/**'], rules: { 'no-console': 'off' } },
);
