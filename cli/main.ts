import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import {
  explicitAccounts,
  organizationAccounts,
  refuseAmbiguousIntents,
  roleOptions,
  selectionNeeds,
} from '../app/accounts.ts';
import {
  auditAccounts,
  auditInventory,
  bootstrapRegion,
  collectLive,
  deniedRegionsOf,
  failsThreshold,
  resolveRegions,
} from '../app/audit.ts';
import { baselineToYaml, buildBaseline } from '../app/baseline.ts';
import { FileBaselineStore } from '../app/changes/baseline-store.ts';
import { attributeNewFindings, cloudTrailClients, MAX_LOOKUPS } from '../app/changes/lookup.ts';
import { saveScheduledBaseline } from '../app/changes/run.ts';
import { attributionLookups, consoleSignIn, remindAfterHours, requireEnv } from '../app/config.ts';
import { defaultIntent, loadIntentFile } from '../app/intent-file.ts';
import { exposureModel } from '../evaluate/exposure/paths.ts';
import type { ExposureModel } from '../evaluate/exposure/types.ts';
import { chooseProfile } from '../intent/profile.ts';
import type { ResolvedIntent } from '../intent/resolve.ts';
import { PROFILES } from '../intent/schema.ts';
import { readSnapshot, writeSnapshot } from '../inventory/snapshot.ts';
import type { Inventory } from '../inventory/types.ts';
import { SEVERITIES, type Severity } from '../model/finding.ts';
import type { Report } from '../model/report.ts';
import {
  FileStateStore,
  PREVIEW_FORMATS,
  type PreviewFormat,
  renderPreview,
  type SendAlertsResult,
  sendAlerts,
} from '../notify/index.ts';
import {
  DEFAULT_SECURITY_HUB_STATE_PATH,
  defaultProductArn,
  syncSecurityHub,
} from '../notify/securityhub.ts';
import { DEFAULT_STATE_PATH } from '../notify/state.ts';
import { accountOfEntry, refOfEntry } from '../notify/wording.ts';
import { renderHtml } from '../report/html.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { renderOcsf } from '../report/ocsf.ts';
import { type AlertMarks, renderText, type TextOptions } from '../report/text.ts';
import { InputValidationError } from '../support/errors.ts';
import {
  accountIdSchema,
  organizationalUnitIdSchema,
  regionSchema,
  topicArnSchema,
} from '../support/validate.ts';
import { writeFileAtomically } from '../support/write-file.ts';
import { auditChangeFile, baselinePathFor } from './changes.ts';
import { registerCheckMember } from './check-member.ts';
import { type OutputStream, progressStream, startProgress } from './progress.ts';
import { paintFor } from './terminal.ts';

/** Exit codes: 0 clean, 1 findings at/above the threshold or an incomplete audit, 2 usage or input error. */
export const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

const here = dirname(fileURLToPath(import.meta.url));
export const DEMO_SNAPSHOT = `${here}/../demo/snapshot.json`;
export const DEMO_INTENT = `${here}/../demo/intent.yaml`;

/** Repeatable flag parser that refuses a value the schema rejects (commander then exits as a usage error). */
const collectValid =
  (schema: z.ZodType<string>) =>
  (value: string, previous: string[] = []): string[] => {
    const result = schema.safeParse(value);
    if (!result.success) throw new InvalidArgumentError(result.error.issues[0]?.message ?? 'invalid value');
    return [...previous, value];
  };
const collectRegion = collectValid(regionSchema);

interface SourceOptions {
  intent?: string;
  snapshot?: string;
  demo?: boolean;
  region: string[];
  /** --progress / --no-progress; undefined: progress when stderr is a terminal. */
  progress?: boolean;
  /** `--skip-region` (audit, render): regions denied by design, besides the intent's deniedRegions. */
  skipRegion?: string[];
}

const loadIntent = (o: SourceOptions): Promise<ResolvedIntent> =>
  o.intent
    ? loadIntentFile(o.intent)
    : o.demo
      ? loadIntentFile(DEMO_INTENT)
      : Promise.resolve(defaultIntent());

const usage = (path: string, message: string) =>
  new InputValidationError('command line', [{ path, message }]);

/**
 * A snapshot (or the demo) carries its own regions and is not collected: a --region or --progress
 * beside it would be ignored, so it is refused.
 */
const refuseIgnoredSourceFlags = (o: SourceOptions): void => {
  if (o.snapshot && o.demo) throw usage('--demo', 'cannot be combined with --snapshot: choose one inventory');
  if ((o.snapshot || o.demo) && o.region.length > 0) {
    throw usage(
      '--region',
      `cannot be combined with ${o.snapshot ? '--snapshot' : '--demo'}: the snapshot is audited in the regions it was collected in`,
    );
  }
  if ((o.snapshot || o.demo) && o.progress !== undefined) {
    throw usage(
      o.progress ? '--progress' : '--no-progress',
      `cannot be combined with ${o.snapshot ? '--snapshot' : '--demo'}: nothing is collected, so there is no progress to show`,
    );
  }
};

const loadInventory = async (o: SourceOptions, intent: ResolvedIntent, io?: Io): Promise<Inventory> => {
  if (o.snapshot) return readSnapshot(o.snapshot);
  if (o.demo) return readSnapshot(DEMO_SNAPSHOT);
  const regions = resolveRegions(o.region, intent);
  if (regions.length === 0) {
    throw new InputValidationError('command line', [
      {
        path: '--region',
        message: 'no region: pass --region, list regions in the intent file, or set AWS_REGION',
      },
    ]);
  }
  const denied = deniedRegionsOf(intent, o.skipRegion);
  // Auditing only regions declared denied would audit nothing and look clean.
  if (regions.every((r) => denied.includes(r))) {
    throw usage(
      '--region',
      `every region to audit is declared denied (deniedRegions / --skip-region): ${regions.join(', ')}`,
    );
  }
  const stream = io && progressStream(o.progress, io.errStream);
  const progress = stream ? startProgress(stream) : undefined;
  try {
    return await collectLive(regions, {
      skipRegions: denied,
      ...(progress ? { onProgress: progress.listener } : {}),
    });
  } finally {
    progress?.stop();
  }
};

/** `--skip-region`: repeatable region names; it wins over `--region`, and the report lists it. */
const skipRegionOption = (cmd: Command) =>
  cmd.option(
    '--skip-region <region>',
    'region denied by design (e.g. by an SCP): not audited and not incomplete (repeatable)',
    collectRegion,
  );

/** Where the CLI writes; tests capture it. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The streams behind out and err, when they are real: colour and progress depend on them being terminals. */
  readonly outStream?: OutputStream;
  readonly errStream?: OutputStream;
}

/** Builds the command tree. */
export const buildProgram = (io: Io, setExit: (code: number) => void) => {
  const program = new Command('arch-auditor')
    .description('Audit a live AWS account against its intended private-backend network architecture')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  const sourceOptions = (cmd: Command) =>
    cmd
      .option('--snapshot <file>', 'read the inventory from a snapshot file instead of AWS')
      .option('--region <region>', 'region to audit (repeatable)', collectRegion, [])
      .option('--progress', 'show collection progress on stderr even when it is not a terminal')
      .option('--no-progress', 'show no progress, even on a terminal');

  sourceOptions(
    skipRegionOption(
      program
        .command('audit')
        .description('audit the account (or a snapshot) and print the findings')
        .option('--intent <file>', 'intent file (YAML); default: the private-backend principles')
        .option('--demo', 'audit the embedded demo snapshot of a drifted private-backend account'),
    ),
  )
    .addOption(
      new Option(
        '--format <format>',
        'output format (ocsf: OCSF 1.6.0 Detection Findings, JSON lines; html: one self-contained page)',
      )
        .choices(['text', 'json', 'markdown', 'ocsf', 'html'])
        .default('text'),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        "lowest severity that fails (exit 1); 'none': only an incomplete audit fails",
      )
        .choices([...SEVERITIES, 'none'])
        .default('low'),
    )
    .option('--publish', 'send the alerts to the SNS topic in ALERT_TOPIC_ARN')
    .option('--state <file>', 'alert state file used with --publish', DEFAULT_STATE_PATH)
    .option(
      '--security-hub',
      "import the findings into Security Hub (the account's default product in AWS_REGION), archive resolved ones",
    )
    .option(
      '--security-hub-state <file>',
      'record of what --security-hub imported',
      DEFAULT_SECURITY_HUB_STATE_PATH,
    )
    .option(
      '--account <id...>',
      'audit these accounts through --role-name (one report for all)',
      collectValid(accountIdSchema),
    )
    .option('--org', "audit the organization's active accounts through --role-name")
    .option(
      '--org-ou <id...>',
      'with --org: only accounts under these OUs (or roots)',
      collectValid(organizationalUnitIdSchema),
    )
    .option('--role-name <name>', 'read-only role assumed in each audited account')
    .option('--external-id <id>', 'external id the role requires (sts:ExternalId)')
    .option('--all-regions', 'audit every region enabled in the account')
    .option(
      '--intents <file...>',
      'with --account/--org: intent files; each account takes the one whose appliesTo names it',
    )
    .option(
      '--events <file>',
      'replay a batch of change events (a JSON array of EventBridge events, or an SQS event) and run the audit it triggers',
    )
    .action(async (o: AuditOptions, command: Command) => {
      // Everything the run needs is checked before anything is collected or printed.
      refuseIgnoredSourceFlags(o);
      refuseIgnoredAuditFlags(o, command);
      const publish = o.publish ? publishTarget() : undefined;
      if (o.securityHub) securityHubRegion();
      if (o.events) {
        await auditChanges(o, io, setExit, publish);
        return;
      }
      if (o.account || o.org || o.allRegions) {
        await auditMany(o, io, setExit, publish);
        return;
      }
      const startedAt = new Date();
      const intent = await loadIntent(o);
      const inventory = await loadInventory(o, intent, io);
      const live = !o.snapshot && !o.demo;
      const audited = auditInventory(inventory, intent, {
        startedAt,
        ...(o.skipRegion ? { skipRegions: o.skipRegion } : {}),
      });
      // Publishing a live audit: its new findings name who made the change (CloudTrail's history).
      const report = publish && live ? await attributeFromHistory(audited, o.state) : audited;
      await printAndDeliver(report, o, publish, io, () => exposureModel(inventory, intent));
      // Like the scheduled Lambda: a live audit becomes the baseline `--events` replays start from.
      if (publish && live) {
        await saveScheduledBaseline(new FileBaselineStore(baselinePathFor(o.state)), inventory);
      }
      setExit(failsThreshold(report, o.failOn) ? EXIT.findings : EXIT.clean);
    });

  sourceOptions(
    program
      .command('snapshot')
      .description('collect the live inventory and save it as JSON (secrets reduced to fingerprints)')
      .requiredOption('--out <file>', 'where to write the snapshot'),
  ).action(async (o: SourceOptions & { out: string }) => {
    refuseIgnoredSourceFlags(o);
    const inventory = await loadInventory(o, defaultIntent(), io);
    await writeSnapshot(o.out, inventory);
    io.err(`snapshot written to ${o.out} (${inventory.errors.length} collection errors)\n`);
    setExit(inventory.errors.length > 0 ? EXIT.findings : EXIT.clean);
  });

  sourceOptions(
    program
      .command('baseline')
      .description('write an intent file from an account you approve (principles on, current state recorded)')
      .requiredOption('--out <file>', 'where to write the intent file')
      .addOption(
        new Option(
          '--profile <profile>',
          'architecture profile (default: inferred from the account)',
        ).choices(PROFILES),
      ),
  ).action(async (o: SourceOptions & { out: string; profile?: (typeof PROFILES)[number] }) => {
    refuseIgnoredSourceFlags(o);
    const inventory = await loadInventory(o, defaultIntent(), io);
    const profile = chooseProfile(inventory, o.profile);
    const intent = buildBaseline(inventory, { profile: profile.profile, now: new Date() });
    for (const e of inventory.errors) {
      io.err(
        `warning: ${e.service}:${e.operation} (${e.region}) failed: ${e.code}; audits will report it as incomplete\n`,
      );
    }
    await writeFileAtomically(o.out, baselineToYaml(intent, profile.why));
    io.err(`baseline intent written to ${o.out}: review it, then audit with --intent ${o.out}\n`);
    setExit(EXIT.clean);
  });

  sourceOptions(
    skipRegionOption(
      program
        .command('render')
        .description('print the alert that would be sent for an audit (preview; nothing is published)')
        .option('--intent <file>', 'intent file (YAML); default: the private-backend principles')
        .option('--demo', 'render the alert for the embedded demo snapshot'),
    ),
  )
    .addOption(
      new Option(
        '--format <format>',
        'slack: the chat message as Slack shows it; chatbot-json: its custom-notification JSON; email: subject and body',
      )
        .choices(PREVIEW_FORMATS)
        .default('slack'),
    )
    .action(async (o: SourceOptions & { format: PreviewFormat }) => {
      refuseIgnoredSourceFlags(o);
      const intent = await loadIntent(o);
      const report = auditInventory(await loadInventory(o, intent, io), intent, {
        ...(o.skipRegion ? { skipRegions: o.skipRegion } : {}),
      });
      io.out(renderPreview(report, o.format, consoleSignIn()));
      setExit(EXIT.clean);
    });

  registerCheckMember(program, io, (ok) => setExit(ok ? EXIT.clean : EXIT.findings));

  return program;
};

interface AuditOptions extends SourceOptions {
  format: string;
  failOn: Severity | 'none';
  publish?: boolean;
  state: string;
  securityHub?: boolean;
  securityHubState: string;
  account?: string[];
  org?: boolean;
  orgOu?: string[];
  roleName?: string;
  externalId?: string;
  allRegions?: boolean;
  intents?: string[];
  events?: string;
}

/**
 * Flags that mean something only beside another one. Given alone they would be ignored without a
 * word (an --intents file never read, an --org-ou that selects nothing): refused, naming what they need.
 */
const refuseIgnoredAuditFlags = (o: AuditOptions, command: Command): void => {
  const multi = Boolean(o.account || o.org);
  if (o.intents && !multi) {
    throw usage(
      '--intents',
      'needs --account or --org (each audited account takes the intent whose appliesTo names it); for this account alone use --intent',
    );
  }
  if (o.orgOu && !o.org) throw usage('--org-ou', "needs --org (it narrows the organization's accounts)");
  if (o.roleName && !multi) {
    throw usage('--role-name', 'needs --account or --org (the role is assumed in each audited account)');
  }
  if (o.externalId && !o.roleName)
    throw usage('--external-id', 'needs --role-name (the role that requires it)');
  if (o.allRegions && o.region.length > 0) throw usage('--all-regions', 'cannot be combined with --region');
  if (command.getOptionValueSource('state') === 'cli' && !o.publish) {
    throw usage('--state', 'needs --publish (the alert state is kept only when alerts are sent)');
  }
  if (command.getOptionValueSource('securityHubState') === 'cli' && !o.securityHub) {
    throw usage(
      '--security-hub-state',
      'needs --security-hub (the record is kept only when findings are imported)',
    );
  }
};

/** Where `--publish` sends, read and checked before anything is collected. */
interface PublishTarget {
  readonly topicArn: string;
  readonly remindAfterHours: number;
}

const publishTarget = (): PublishTarget => {
  const topicArn = requireEnv('ALERT_TOPIC_ARN');
  const checked = topicArnSchema.safeParse(topicArn);
  if (!checked.success) {
    throw new InputValidationError('environment', [
      { path: 'ALERT_TOPIC_ARN', message: checked.error.issues[0]?.message ?? 'must be an SNS topic ARN' },
    ]);
  }
  return { topicArn, remindAfterHours: remindAfterHours() };
};

/**
 * `audit --account ... | --org | --all-regions`: every account through its read-only role (or this
 * account in all its regions), each against the intent that names it, merged into one report. One
 * account that cannot be read is that account's incomplete audit; the others are audited in full.
 */
const auditMany = async (
  o: AuditOptions,
  io: Io,
  setExit: (code: number) => void,
  publish: PublishTarget | undefined,
): Promise<void> => {
  if (o.snapshot || o.demo)
    throw usage('--snapshot', 'cannot be combined with --account, --org or --all-regions');
  const multi = Boolean(o.account || o.org);
  if (multi && !o.roleName) throw usage('--role-name', 'is required with --account or --org');
  if (o.account && o.org) throw usage('--org', 'cannot be combined with --account');
  const files = [...(o.intent ? [o.intent] : []), ...(o.intents ?? [])];
  const intents =
    files.length > 0 ? await Promise.all(files.map((f) => loadIntentFile(f))) : [defaultIntent()];
  refuseAmbiguousIntents(intents);
  const listed = new Set(intents.map((i) => i.regions.join(', ') || 'none'));
  if (!o.allRegions && o.region.length === 0 && listed.size > 1) {
    // Every account is audited in the same regions; taking the first file's would let order decide.
    throw usage('--region', `the intents list different regions (${[...listed].join(' / ')}): pass --region`);
  }
  const needs = selectionNeeds(intents);
  const accounts = o.org
    ? await organizationAccounts(new OrganizationsClient({ region: bootstrapRegion() }), {
        ...(o.orgOu ? { organizationalUnits: o.orgOu, organizationalUnitsFrom: '--org-ou' } : {}),
        withParents: needs.parents,
        withTags: needs.tags,
      })
    : explicitAccounts(o.account ?? []);
  if (multi && accounts.length === 0) {
    throw o.orgOu
      ? usage('--org-ou', `no active account under ${o.orgOu.join(', ')}`)
      : usage('--org', 'the organization has no active account to audit');
  }
  const regions = o.allRegions ? ('all' as const) : resolveRegions(o.region, intents[0] ?? defaultIntent());
  if (regions !== 'all' && regions.length === 0) {
    throw usage(
      '--region',
      'no region: pass --region or --all-regions, list regions in the intent file, or set AWS_REGION',
    );
  }
  const role = roleOptions(o.roleName, o.externalId);
  const stream = progressStream(o.progress, io.errStream);
  const progress = stream ? startProgress(stream, { accounts: Math.max(1, accounts.length) }) : undefined;
  const { report } = await auditAccounts({
    accounts,
    ...(role ? { role } : {}),
    regions,
    intents,
    ...(o.skipRegion ? { skipRegions: o.skipRegion } : {}),
    ...(progress ? { onProgress: progress.listener } : {}),
  }).finally(() => progress?.stop());
  // The exposure flowchart needs one account's inventory; a merged report is drawn without it.
  await printAndDeliver(report, o, publish, io);
  setExit(failsThreshold(report, o.failOn) ? EXIT.findings : EXIT.clean);
};

/**
 * `audit --events FILE`: the audit a batch of change events triggers. With --publish it alerts like
 * the changes Lambda and records the batch (its events are then repeats) and the new inventory.
 */
const auditChanges = async (
  o: AuditOptions,
  io: Io,
  setExit: (code: number) => void,
  publish: PublishTarget | undefined,
): Promise<void> => {
  if (o.snapshot || o.demo || o.account || o.org || o.allRegions || o.intents) {
    throw usage(
      '--events',
      'cannot be combined with --snapshot, --demo, --account, --org, --all-regions or --intents',
    );
  }
  const intent = await loadIntent(o);
  const run = await auditChangeFile({
    file: o.events as string,
    intent,
    region: o.region,
    statePath: o.state,
    err: io.err,
  });
  if (!run.report) {
    setExit(EXIT.clean);
    return;
  }
  const report = publish ? await attributeFromHistory(run.report, o.state) : run.report;
  await printAndDeliver(report, o, publish, io);
  if (publish) await run.commit();
  setExit(failsThreshold(report, o.failOn) ? EXIT.findings : EXIT.clean);
};

/**
 * The report in the chosen format; markdown and html draw the exposure paths (intended door included)
 * when given one account's exposure model. The text report is coloured per `text` (a terminal).
 */
const renderReport = (
  report: Report,
  format: string,
  exposure?: () => ExposureModel,
  text: TextOptions = {},
): string => {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'markdown') return renderMarkdown(report, exposure ? { exposure: exposure() } : {});
  if (format === 'html') return renderHtml(report, exposure ? { exposure: exposure() } : {});
  if (format === 'ocsf') return renderOcsf(report);
  return renderText(report, text);
};

/**
 * New findings (against the alert state) that no change event named, looked up in CloudTrail's event
 * history: at most ATTRIBUTION_LOOKUPS resources (default 20), paced at the API's 2 per second.
 */
const attributeFromHistory = (report: Report, statePath: string): Promise<Report> =>
  attributeNewFindings(report, new FileStateStore(statePath), {
    client: cloudTrailClients(),
    now: new Date(),
    maxLookups: attributionLookups(process.env, MAX_LOOKUPS),
  });

/**
 * Prints the report and delivers it to the sinks asked for, delivering first so the terminal report can
 * mark what the --publish alerts announced as new or recovered. A failed delivery still prints the
 * report (marked only when the SNS publish itself went through), then fails.
 */
const printAndDeliver = async (
  report: Report,
  o: AuditOptions,
  publish: PublishTarget | undefined,
  io: Io,
  exposure?: () => ExposureModel,
): Promise<void> => {
  const paint = paintFor(io.outStream);
  let alerts: AlertMarks | undefined;
  try {
    await deliverFromCli(report, o, publish, io, (sent) => {
      alerts = alertMarks(sent);
    });
  } finally {
    io.out(renderReport(report, o.format, exposure, { paint, ...(alerts ? { alerts } : {}) }));
  }
};

/** What a publish announced, as the terminal report marks it. */
const alertMarks = (sent: SendAlertsResult): AlertMarks => ({
  newFingerprints: new Set(sent.diff.newFindings.map((f) => f.fingerprint)),
  recovered: sent.diff.recovered.map((r) => {
    const account = accountOfEntry(r);
    return {
      checkId: r.checkId,
      ...(r.title !== undefined ? { title: r.title } : {}),
      severity: r.severity,
      resource: refOfEntry(r),
      ...(account ? { account } : {}),
    };
  }),
});

/** `--publish`: the Lambda's alert path, with the alert state kept in a local file. */
const publishFromCli = async (
  report: Report,
  statePath: string,
  { topicArn, remindAfterHours }: PublishTarget,
  io: Io,
): Promise<SendAlertsResult> => {
  const signIn = consoleSignIn();
  const result = await sendAlerts({
    report,
    store: new FileStateStore(statePath),
    // The topic's own region: SNS refuses a topic ARN of another region.
    sns: new SNSClient({ region: topicArn.split(':')[3] }),
    topicArn,
    now: new Date(),
    remindAfterHours,
    ...(signIn ? { consoleSignIn: signIn } : {}),
  });
  io.err(`published ${result.messageIds.length} alert message(s) to ${topicArn}\n`);
  return result;
};

const securityHubRegion = (): string => {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) {
    throw usage('--security-hub', 'needs AWS_REGION: the region whose Security Hub receives the findings');
  }
  return region;
};

/**
 * `--security-hub`: the findings into Security Hub under the default product of the caller's account
 * in AWS_REGION (account and partition from sts:GetCallerIdentity), the record in a local file.
 */
const importFromCli = async (report: Report, statePath: string, io: Io): Promise<void> => {
  const region = securityHubRegion();
  const identity = await new STSClient({ region }).send(new GetCallerIdentityCommand({}));
  const partition = identity.Arn?.split(':')[1];
  if (!partition || !identity.Account) throw new Error('sts:GetCallerIdentity returned no Account or Arn');
  const productArn = defaultProductArn({ partition, region, account: identity.Account });
  const result = await syncSecurityHub({
    report,
    store: new FileStateStore(statePath),
    client: new SecurityHubClient({ region }),
    productArn,
    now: new Date(),
  });
  io.err(`Security Hub: ${result.active} finding(s) imported, ${result.archived} archived (${productArn})\n`);
};

/**
 * The sinks asked for, each tried even when the other fails (one must not hold back the other's
 * alerts); any failure then fails the run, naming every sink that failed.
 */
const deliverFromCli = async (
  report: Report,
  o: AuditOptions,
  publish: PublishTarget | undefined,
  io: Io,
  onPublished?: (sent: SendAlertsResult) => void,
): Promise<void> => {
  // The configuration of every sink was checked before collecting (publishTarget, securityHubRegion).
  const sinks = [
    ...(publish
      ? [
          {
            name: 'SNS',
            run: async () => onPublished?.(await publishFromCli(report, o.state, publish, io)),
          },
        ]
      : []),
    ...(o.securityHub
      ? [{ name: 'Security Hub', run: () => importFromCli(report, o.securityHubState, io) }]
      : []),
  ];
  const failures: string[] = [];
  let first: unknown;
  for (const sink of sinks) {
    try {
      await sink.run();
    } catch (error) {
      if (error instanceof InputValidationError) throw error;
      first ??= error;
      failures.push(`${sink.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'), { cause: first });
};

/** Runs the CLI and returns the exit code (never calls process.exit, so tests can drive it). */
export const main = async (
  argv: readonly string[],
  io: Io = {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    outStream: process.stdout,
    errStream: process.stderr,
  },
): Promise<number> => {
  let code: number = EXIT.clean;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version exit 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT.clean : EXIT.usage;
    }
    if (error instanceof InputValidationError) {
      io.err(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.findings;
  }
};
