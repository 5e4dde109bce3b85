// The robot trainer: shows the messages the bot did not understand, grouped by similarity, and
// teaches a group to the bot: its examples are added to an existing intent (in the file that
// defines it, spliced in so nothing else in the file changes) or to a new intent (in the trainer's
// own file, with a one-step hand-off flow until the merchant writes a real one).
// Every change is validated first, on a copy of the whole flows folder with the exact loader the
// bot uses; an invalid result is refused with its file:line:col problems and nothing is written.
// Then the files are replaced atomically and the flows reloaded.

import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Document, isMap, parseDocument } from 'yaml';
import type { ActionDefinition } from '../actions/action-types.ts';
import { addIntentExamples, type ExampleLanguage } from '../flows/add-intent-examples.ts';
import { listFlowFiles, loadFlows, type FlowSet } from '../flows/load-flows.ts';
import { formatProblem } from '../flows/problems.ts';
import { hasHan } from '../language/chinese-script.ts';
import type { LocalText } from '../messages.ts';
import type { Logger } from '../ports.ts';
import { clusterMessages, type ClusterOptions, type MessageCluster } from './clustering.ts';
import { explainMiss, type StillMissed } from './explain-miss.ts';
import type { InsightStore } from './insight-store.ts';
import { normalisePhrase } from './phrases.ts';

export const INTENT_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export interface TeachRequest {
  clusterId: string;
  /** An existing intent to add the examples to … */
  intent?: string;
  /** … or a new intent to create with them. */
  newIntent?: { name: string; label: LocalText };
  /** The cluster's examples to teach (all of them when absent). */
  examples?: string[];
}

export type TeachResult =
  | {
    ok: true;
    file: string;
    intent: string;
    added: Record<ExampleLanguage, string[]>;
    /** Taught messages the reloaded bot still does not answer as the intent, each with why. */
    stillMissed: StillMissed[];
  }
  | { ok: false; status: 400 | 404 | 409 | 422; error: string; problems?: string[] };

export interface RobotTrainerOptions {
  store: InsightStore;
  flowsDir: string;
  /** File (relative to flowsDir) that receives new intents. */
  newIntentsFile: string;
  clusterThreshold: number;
  actions: readonly ActionDefinition[];
  nluThreshold: number | null;
  /** Reloads the flows the bot serves (Kefu.reloadFlows). */
  reload: () => Promise<{ ok: boolean; problems: string[] }>;
  /** The flows the bot serves now (after a reload, the new ones): their recogniser, and their examples as typical buyer wording for grouping. */
  flows: () => Pick<FlowSet, 'recogniser' | 'trainingTexts'>;
  logger: Logger;
}

const NEW_FILE_HEADER =
  ' yaml-language-server: $schema=../dialogs/flows/flows.schema.json\n\n' +
  ' Intents taught through the robot trainer (/admin). Each hands the buyer to a person until you\n' +
  ' write a real flow for it: then move the intent where it belongs and delete its flow here.';

export class RobotTrainer {
  /** One change at a time in this process, so two teachings never overwrite each other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RobotTrainerOptions) {}

  async clusters(): Promise<MessageCluster[]> {
    return clusterMessages(await this.options.store.listMisunderstood(), this.clusterOptions());
  }

  private clusterOptions(): ClusterOptions {
    return { threshold: this.options.clusterThreshold, background: this.options.flows().trainingTexts };
  }

  teach(request: TeachRequest): Promise<TeachResult> {
    const next = this.queue.then(() => this.teachNow(request));
    this.queue = next.catch(() => {});
    return next;
  }

  private display(real: string): string {
    const relative = path.relative(process.cwd(), real);
    return relative.startsWith('..') ? real : relative;
  }

  private async teachNow(request: TeachRequest): Promise<TeachResult> {
    const { store, flowsDir } = this.options;
    if (Boolean(request.intent) === Boolean(request.newIntent)) return { ok: false, status: 400, error: 'give either "intent" or "newIntent"' };
    const intent = request.intent ?? request.newIntent!.name;
    if (!INTENT_NAME.test(intent)) return { ok: false, status: 400, error: 'an intent name is lower-case letters, digits and _, starting with a letter' };

    const messages = await store.listMisunderstood();
    const clusters = clusterMessages(messages, { ...this.clusterOptions(), maxExamples: Number.MAX_SAFE_INTEGER });
    const cluster = clusters.find((c) => c.id === request.clusterId);
    if (!cluster) return { ok: false, status: 404, error: 'no such cluster (it may have been taught already); reload the list' };
    const chosen = request.examples ?? cluster.examples;
    const members = new Set(cluster.examples);
    const strangers = chosen.filter((e) => !members.has(e));
    if (strangers.length > 0) return { ok: false, status: 400, error: `not examples of this cluster: ${strangers.slice(0, 3).map((s) => JSON.stringify(s)).join(', ')}` };
    if (chosen.length === 0) return { ok: false, status: 400, error: 'choose at least one example' };

    const files = await listFlowFiles(flowsDir);
    const texts = new Map<string, string>();
    for (const file of files) texts.set(file, await readFile(file, 'utf8'));

    let target: string;
    let added: Record<ExampleLanguage, string[]>;
    if (request.intent) {
      const owner = [...texts].find(([, text]) => isMap(parseDocument(text).getIn(['intents', intent], true)));
      if (!owner) return { ok: false, status: 404, error: `no intent "${intent}" in the flows` };
      target = owner[0];
      const known = new Set<string>();
      const examples = parseDocument(owner[1]).getIn(['intents', intent, 'examples']) as { toJSON(): unknown } | undefined;
      const json = (examples?.toJSON?.() ?? {}) as Partial<Record<ExampleLanguage, unknown[]>>;
      for (const list of Object.values(json)) for (const e of list ?? []) known.add(normalisePhrase(String(e)) ?? String(e));
      added = split(chosen.filter((e) => !known.has(e)));
      if (added.zh.length + added.en.length === 0) return { ok: false, status: 409, error: `intent "${intent}" already has these examples` };
      const edited = addIntentExamples(owner[1], intent, added);
      if (!edited.ok) return { ok: false, status: 422, error: edited.message };
      texts.set(target, edited.text);
    } else {
      target = path.resolve(flowsDir, this.options.newIntentsFile);
      if (!target.startsWith(path.resolve(flowsDir) + path.sep)) return { ok: false, status: 400, error: 'newIntentsFile must be inside the flows folder' };
      added = split(chosen);
      const edited = addNewIntent(texts.get(target) ?? null, intent, request.newIntent!.label, added);
      if (!edited.ok) return { ok: false, status: 422, error: edited.message };
      texts.set(target, edited.text);
    }

    // Validate the whole folder as it would be, on a copy, with the bot's own loader.
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'kefu-trainer-'));
    try {
      await cp(flowsDir, scratch, { recursive: true });
      const scratchFile = path.join(scratch, path.relative(flowsDir, target));
      await writeFile(scratchFile, texts.get(target)!, 'utf8');
      const checked = await loadFlows(scratch, {
        actions: this.options.actions,
        nluThreshold: this.options.nluThreshold,
        displayPath: (file) => this.display(path.join(flowsDir, path.relative(scratch, file))),
      });
      if (!checked.ok) {
        return { ok: false, status: 422, error: 'the flows would be invalid; nothing was changed', problems: checked.problems.map(formatProblem) };
      }
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }

    // Replace the file atomically: a reader (the watcher, another process) never sees half a file.
    const temporary = `${target}.${process.pid}.trainer-tmp`;
    await writeFile(temporary, texts.get(target)!, 'utf8');
    await rename(temporary, target);
    const reloaded = await this.options.reload();
    if (!reloaded.ok) {
      this.options.logger.error({ problems: reloaded.problems }, 'flows did not reload after the trainer wrote them');
      return { ok: false, status: 409, error: 'the examples were written but the flows did not reload', problems: reloaded.problems };
    }
    const taught = new Set(chosen);
    try {
      await store.forgetMisunderstood(messages.filter((m) => taught.has(normalisePhrase(m.text) ?? '')).map((m) => m.text));
    } catch (error) {
      // The flows are taught; the group just shows once more (teaching it again answers 409).
      this.options.logger.warn({ err: (error as Error).message }, 'could not forget taught messages');
    }
    // Checked on the bot's own recogniser, as buyers will meet it.
    const { recogniser } = this.options.flows();
    const stillMissed = chosen.map((example) => explainMiss(recogniser, example, intent)).filter((miss): miss is StillMissed => miss !== null);
    this.options.logger.info({ intent, file: this.display(target), zh: added.zh.length, en: added.en.length, stillMissed: stillMissed.length }, 'robot trainer taught examples');
    return { ok: true, file: this.display(target), intent, added, stillMissed };
  }
}

function split(examples: string[]): Record<ExampleLanguage, string[]> {
  return { zh: examples.filter((e) => hasHan(e)), en: examples.filter((e) => !hasHan(e)) };
}

/** The trainer's own file with a new intent and its hand-off flow (the yaml Document API keeps its comments). */
function addNewIntent(
  text: string | null,
  name: string,
  label: LocalText,
  examples: Record<ExampleLanguage, string[]>,
): { ok: true; text: string } | { ok: false; message: string } {
  let doc: Document;
  if (text === null || text.trim() === '') {
    doc = new Document({});
    doc.commentBefore = NEW_FILE_HEADER;
  } else {
    doc = parseDocument(text);
    if (doc.errors.length > 0) return { ok: false, message: `the trainer's file does not parse: ${doc.errors[0]!.message.split('\n')[0]}` };
  }
  const exampleLists: Partial<Record<ExampleLanguage, string[]>> = {};
  if (examples.zh.length) exampleLists.zh = examples.zh;
  if (examples.en.length) exampleLists.en = examples.en;
  // Refuse here rather than overwrite: the validator would not see a replaced definition.
  if (doc.hasIn(['intents', name])) return { ok: false, message: `intent "${name}" is already defined in the trainer's file` };
  if (doc.hasIn(['flows', name])) return { ok: false, message: `flow "${name}" is already defined in the trainer's file` };
  const labelNode = doc.createNode(label);
  labelNode.flow = true;
  const intentNode = doc.createNode({ label: labelNode, examples: exampleLists });
  if (!doc.has('intents')) doc.set('intents', doc.createNode({}));
  doc.setIn(['intents', name], intentNode);
  if (!doc.has('flows')) doc.set('flows', doc.createNode({}));
  doc.setIn(['flows', name], doc.createNode({ trigger: name, steps: [{ handoff: `taught by the robot trainer: ${name}` }] }));
  return { ok: true, text: doc.toString({ lineWidth: 0 }) };
}
