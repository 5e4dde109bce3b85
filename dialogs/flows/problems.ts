// A problem found in a merchant's file, reported the way editors and compilers do:
// `file:line:col message`, so a terminal or an IDE can jump straight to it.

export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.message}`;
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.message.localeCompare(b.message),
  );
}

/** Thrown when merchant data cannot be loaded; carries every problem found, not just the first. */
export class InvalidFilesError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`${problems.length} problem(s):\n${sortProblems(problems).map(formatProblem).join('\n')}`);
    this.name = 'InvalidFilesError';
  }
}
