// Copies the files of the report's web page (src/report/browser) next to the compiled code, where
// `dtors report` reads them: tsc compiles TypeScript only.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
cpSync(join(root, 'src', 'report', 'browser'), join(root, 'dist', 'report', 'browser'), { recursive: true });
