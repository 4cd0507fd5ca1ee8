/**
 * The lint rule that keeps imports in the directions of docs/ARCHITECTURE.md (`scripts/eslint-layers.mjs`), run by
 * ESLint's RuleTester on files named as if they sat in each folder: the allowed directions pass, the reversed ones and
 * the browser app's value imports from the server's schema modules are reported with the folder's list.
 */
import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import { layersRule } from '../scripts/eslint-layers.mjs';

RuleTester.describe = describe;
RuleTester.it = it;

const root = path.resolve('/repo');
const at = (file: string) => path.join(root, file);
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('vigil/layers', layersRule, {
  valid: [
    { filename: at('store/clickhouse.ts'), code: "import { X } from '../schema/index.js';", options: [{ root }] },
    { filename: at('stream/sink/s.ts'), code: "import { X } from '../../store/index.js';", options: [{ root }] },
    { filename: at('ingest/http/h.ts'), code: "import { X } from '../../stream/index.js';", options: [{ root }] },
    { filename: at('center/api/a.ts'), code: "import { X } from '../../ingest/index.js';", options: [{ root }] },
    { filename: at('cli/node.ts'), code: "import { X } from '../center/index.js';", options: [{ root }] },
    { filename: at('center/x.test.ts'), code: "import { X } from '../tests/support/a.js';", options: [{ root }] },
    { filename: at('wall/src/a.tsx'), code: "import type { X } from '../../schema/alarm.js';", options: [{ root }] },
    { filename: at('wall/src/b.tsx'), code: "import { type X } from '../../schema/alarm.js';", options: [{ root }] },
    {
      filename: at('wall/src/c.tsx'),
      code: "import { decode } from '../../schema/feed-frame.js';",
      options: [{ root }],
    },
    { filename: at('stream/engine/e.ts'), code: "import { X } from './rule.js';", options: [{ root }] },
    { filename: at('schema/a.ts'), code: "import { X } from 'node:fs';", options: [{ root }] },
  ],
  invalid: [
    {
      filename: at('schema/alarm.ts'),
      code: "import { X } from '../store/index.js';",
      options: [{ root }],
      errors: [
        {
          messageId: 'layer',
          data: { from: 'schema/alarm.ts', to: 'store/index.js', folder: 'schema', allowed: 'nothing of ours' },
        },
      ],
    },
    {
      filename: at('stream/rules/r.ts'),
      code: "export { Y } from '../../center/index.js';",
      options: [{ root }],
      errors: [{ messageId: 'layer' }],
    },
    {
      filename: at('ingest/jt808/g.ts'),
      code: "const m = await import('../../center/index.js');",
      options: [{ root }],
      errors: [{ messageId: 'layer' }],
    },
    {
      filename: at('store/s.ts'),
      code: "export * from '../stream/index.js';",
      options: [{ root }],
      errors: [
        {
          messageId: 'layer',
          data: { from: 'store/s.ts', to: 'stream/index.js', folder: 'store', allowed: 'schema/' },
        },
      ],
    },
    {
      filename: at('center/c.ts'),
      code: "import { startNode } from '../cli/node.js';",
      options: [{ root }],
      errors: [{ messageId: 'layer' }],
    },
    {
      filename: at('wall/src/d.tsx'),
      code: "import { ALARM_STATES } from '../../schema/alarm.js';",
      options: [{ root }],
      errors: [{ messageId: 'wallValue' }],
    },
    {
      filename: at('wall/src/e.tsx'),
      code: "import { X } from '../../center/index.js';",
      options: [{ root }],
      errors: [{ messageId: 'layer' }],
    },
    {
      filename: at('fixtures/generator/g.ts'),
      code: "import { X } from '../../stream/index.js';",
      options: [{ root }],
      errors: [{ messageId: 'layer' }],
    },
  ],
});
