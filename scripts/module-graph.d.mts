/** The TypeScript files an entry point loads and the packages they import (static and dynamic imports of literal paths; static only with `staticOnly`). */
export function moduleGraph(entry: string, options?: { staticOnly?: boolean }): { files: string[]; packages: string[] };
