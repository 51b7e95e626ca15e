/** The TypeScript files an entry point loads and the packages they import (static imports only). */
export function moduleGraph(entry: string): { files: string[]; packages: string[] };
