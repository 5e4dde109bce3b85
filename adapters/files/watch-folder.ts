// Calls back when files in a folder change, debounced so that an editor's save (often a write,
// a rename and a chmod) or a `git pull` touching many files causes a single reload.
// chokidar rather than fs.watch: it copes with editors' atomic saves and recursive folders alike.

import { watch } from 'chokidar';

export interface FolderWatcher {
  close(): Promise<void>;
}

export function watchFolder(dir: string, onChange: () => void, debounceMs = 150): FolderWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dir, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 } });
  watcher.on('all', () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
