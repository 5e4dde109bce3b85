// Every action flows may call, by name. `npm run flows -- validate` checks flows against this list.

import type { ActionDefinition } from './action-types.ts';
import { recommendSize } from './recommend-size.ts';

export const builtInActions: readonly ActionDefinition[] = [recommendSize];
