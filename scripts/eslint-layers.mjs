/**
 * The ESLint rule `vigil/layers`: a folder imports only the folders the architecture lets it (the table of
 * docs/ARCHITECTURE.md, "Folders and their dependencies"), so a dependency that points the wrong way fails `npm run
 * lint` where it is written instead of being found by a review. Unit tests beside the code (`*.test.ts`) may import
 * anything, as `tests/` may.
 */
import path from 'node:path';

/** Each folder and the folders of ours it may import; folders absent here (cli, bench, tests) may import anything. */
export const LAYERS = {
  schema: [],
  store: ['schema'],
  stream: ['schema', 'store'],
  ingest: ['schema', 'stream'],
  // center also reads ingest's public index: the JT/T 808/809 encoders of the commands and requests it sends, and
  // the normalizers that check uploaded rows exactly as the HTTP ingestion checks posted ones.
  center: ['schema', 'store', 'stream', 'ingest'],
  wall: ['schema'],
  fixtures: ['schema'],
};

/**
 * The schema modules the browser app may import as values: dependency-free codecs, names and lists shared with the
 * server (the feed's frames, the rules' names, the reports' intervals and groupings, the sources' kinds).
 */
export const WALL_VALUE_MODULES = [
  'schema/feed-frame.ts',
  'schema/feed-table-frame.ts',
  'schema/rule-names.ts',
  'schema/reports.ts',
  'schema/source-kinds.ts',
];

const OURS = new Set([...Object.keys(LAYERS), 'cli', 'bench', 'tests']);

/** True when the declaration brings in types only (`import type`, `export type`, or every specifier `type`). */
function typeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

/** `wall/src/x.ts` → `wall/src/x.ts`, relative to the repository, with forward slashes. */
function repoPath(root, file) {
  return path.relative(root, file).split(path.sep).join('/');
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the folder dependencies of docs/ARCHITECTURE.md' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      layer: '{{from}} imports {{to}}: {{folder}}/ may import only {{allowed}} (docs/ARCHITECTURE.md, folders).',
      wallValue:
        '{{from}} imports values from {{to}}: the wall may import only types from schema/, and values from {{modules}}.',
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const from = repoPath(root, context.filename);
    const folder = from.split('/')[0];
    if (!(folder in LAYERS) || /\.test\.tsx?$/.test(from)) return {};
    const allowed = LAYERS[folder];

    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = repoPath(root, path.resolve(path.dirname(context.filename), source));
      const target = to.split('/')[0];
      if (target === folder || !OURS.has(target)) return;
      if (!allowed.includes(target)) {
        const list = allowed.length === 0 ? 'nothing of ours' : allowed.map((f) => `${f}/`).join(', ');
        context.report({ node, messageId: 'layer', data: { from, to, folder, allowed: list } });
        return;
      }
      if (folder === 'wall' && !typeOnly(node)) {
        const module = to.replace(/\.js$/, '.ts');
        if (!WALL_VALUE_MODULES.includes(module)) {
          context.report({ node, messageId: 'wallValue', data: { from, to, modules: WALL_VALUE_MODULES.join(', ') } });
        }
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: layersRule } };
