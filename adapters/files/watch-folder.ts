// Calls back when files in a folder change, debounced so that an editor's save (often a write,
// a rename and a chmod) or a `git pull` touching many files causes a single reload.
// chokidar rather than fs.watch: it copes with editors' atomic saves and recursive folders alike.

import { watch } from 'chokidar';

export interface FolderWatcher {
  /**
   * Settles once the folder's first scan is done. chokidar only reports changes to files it has
   * already seen, so an edit or a deletion before this point may go unnoticed.
   */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchFolder(dir: string, onChange: () => void, debounceMs = 150): FolderWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dir, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 } });
  watcher.on('all', () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  // A folder that cannot be watched still lets Kefu run (without reloads): readiness never waits on an error.
  const ready = new Promise<void>((resolve) => {
    watcher.once('ready', () => resolve());
    watcher.on('error', () => resolve());
  });
  return {
    ready,
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
