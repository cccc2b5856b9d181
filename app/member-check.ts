import { GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { ListDistributionsCommand } from '@aws-sdk/client-cloudfront';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createCloudFrontClient, createRegionalClients, createStsClient } from '../collect/clients.ts';
import { toCollectionError } from '../collect/slice.ts';
import { type AssumeRoleOptions, assumeRole, roleArnOf } from './accounts.ts';

/**
 * A member account's setup, checked before the first scheduled run: can the read-only role be assumed
 * with the configured name and external id, and can it read each service the audit needs? One small
 * read per service (a permission check, not a listing: one page on purpose). Every failure is reported
 * with its AWS error code; nothing is guessed from a missing answer.
 */

export interface MemberCheckOptions {
  readonly accountId: string;
  readonly role: AssumeRoleOptions;
  /** Region of the regional reads and the STS endpoint. */
  readonly region: string;
}

export interface Failure {
  readonly code: string;
  readonly message: string;
  readonly httpStatus?: number;
}

export interface ProbeResult {
  /** The IAM action the read needs (what to grant when it is denied). */
  readonly action: string;
  /** The region read, or 'global'. */
  readonly region: string;
  readonly failure?: Failure;
}

export interface MemberCheck {
  readonly accountId: string;
  readonly roleArn: string;
  readonly externalIdGiven: boolean;
  readonly region: string;
  /** Who ran the check (its own identity), when STS told us. */
  readonly caller?: string;
  /** Why the role could not be assumed; undefined when it was. */
  readonly assumeFailure?: Failure;
  /** One read per service; empty when the role could not be assumed. */
  readonly reads: readonly ProbeResult[];
}

interface Probe {
  readonly action: string;
  readonly global?: boolean;
  readonly read: (clients: ProbeClients, accountId: string) => Promise<void>;
}

interface ProbeClients {
  readonly sts: ReturnType<typeof createStsClient>;
  readonly regional: ReturnType<typeof createRegionalClients>;
  readonly cloudFront: ReturnType<typeof createCloudFrontClient>;
}

const failure = (code: string, message: string): Error => Object.assign(new Error(message), { name: code });

/**
 * One read of each service the audit needs, as the IAM action it needs. test/app/member-check.test.ts
 * keeps this list covering every service of infra/member-role.yml's policy.
 */
export const PROBES: readonly Probe[] = [
  {
    action: 'sts:GetCallerIdentity',
    read: async ({ sts }, accountId) => {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      // A role of the same name in another account (a typo in the id) must not pass as this one.
      if (identity.Account !== accountId) {
        throw failure(
          'WrongAccount',
          `the role's credentials belong to account ${identity.Account ?? '(none)'}`,
        );
      }
    },
  },
  {
    action: 'ec2:DescribeVpcs',
    read: async ({ regional }) => void (await regional.ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }))),
  },
  {
    action: 'elasticloadbalancing:DescribeLoadBalancers',
    read: async ({ regional }) =>
      void (await regional.elbv2.send(new DescribeLoadBalancersCommand({ PageSize: 1 }))),
  },
  {
    action: 'apigateway:GET /restapis',
    read: async ({ regional }) => void (await regional.apigateway.send(new GetRestApisCommand({ limit: 1 }))),
  },
  {
    action: 'cloudfront:ListDistributions',
    global: true,
    read: async ({ cloudFront }) =>
      void (await cloudFront.send(new ListDistributionsCommand({ MaxItems: 1 }))),
  },
];

const failureOf = (action: string, region: string, error: unknown): Failure => {
  const site = { service: action.split(':')[0] ?? '', operation: action, region, slices: [] };
  const { code, message } = toCollectionError(site, error);
  const httpStatus = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return { code, message, ...(httpStatus ? { httpStatus } : {}) };
};

/** Who is running the check; undefined when even that cannot be read (the reason shows in AssumeRole). */
const callerArn = async (region: string): Promise<string | undefined> => {
  try {
    return (await createStsClient(region).send(new GetCallerIdentityCommand({}))).Arn;
  } catch {
    return undefined;
  }
};

export const checkMember = async (options: MemberCheckOptions): Promise<MemberCheck> => {
  const { accountId, role, region } = options;
  const base = {
    accountId,
    roleArn: roleArnOf(accountId, role),
    externalIdGiven: Boolean(role.externalId),
    region,
  };
  const caller = await callerArn(region);
  const who = caller ? { caller } : {};
  let credentials: Awaited<ReturnType<typeof assumeRole>>;
  try {
    credentials = await assumeRole(accountId, { ...role, region, sessionName: 'arch-auditor-check' });
  } catch (error) {
    return { ...base, ...who, assumeFailure: failureOf('sts:AssumeRole', 'global', error), reads: [] };
  }
  const clientOptions = { credentials, account: accountId };
  const clients: ProbeClients = {
    sts: createStsClient(region, clientOptions),
    regional: createRegionalClients(region, clientOptions),
    cloudFront: createCloudFrontClient(clientOptions),
  };
  const reads = await Promise.all(
    PROBES.map(async (probe): Promise<ProbeResult> => {
      const where = probe.global ? 'global' : region;
      try {
        await probe.read(clients, accountId);
        return { action: probe.action, region: where };
      } catch (error) {
        return { action: probe.action, region: where, failure: failureOf(probe.action, where, error) };
      }
    }),
  );
  return { ...base, ...who, reads };
};

/** True when the role was assumed and every read worked. */
export const memberReady = (check: MemberCheck): boolean =>
  !check.assumeFailure && check.reads.length > 0 && check.reads.every((r) => !r.failure);

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
]);

/** Refused for lack of permission (an emulator may answer a bare 403 the SDK cannot name). */
const isDenied = (f: Failure): boolean => DENIED.has(f.code) || f.httpStatus === 403;

const readLine = (r: ProbeResult): string => {
  const what = `${r.action}${r.region === 'global' ? '' : `（${r.region}）`}`;
  if (!r.failure) return `  OK  ${what}`;
  if (r.failure.code === 'WrongAccount') {
    return `  NG  ${what}: ロールの認証情報が別のアカウントのものです（${r.failure.message}）`;
  }
  return isDenied(r.failure)
    ? `  NG  ${what}: 権限がありません（${r.failure.code}）。ロールのポリシーに ${r.action} を追加してください`
    : `  NG  ${what}: 読み取れませんでした（${r.failure.code}: ${r.failure.message}）。権限以外の理由です。時間をおいて再実行してください`;
};

/** The check as people read it, in Japanese: what works, what is missing and what to look at. */
export const renderMemberCheck = (check: MemberCheck): string => {
  const roleName = check.roleArn.slice(check.roleArn.lastIndexOf('/') + 1);
  const lines = [
    `メンバーアカウント ${check.accountId} の確認（ロール ${roleName}、外部 ID ${check.externalIdGiven ? 'あり' : 'なし'}、リージョン ${check.region}）`,
  ];
  if (check.assumeFailure && !isDenied(check.assumeFailure)) {
    lines.push(
      `  NG  sts:AssumeRole: ${check.roleArn} を引き受けられません（${check.assumeFailure.code}: ${check.assumeFailure.message}）`,
      '      実行元の認証情報（期限切れ・未設定）とリージョンを確認してください',
      '  --  各サービスの読み取りは未確認です（ロールを引き受けられないため）',
    );
  } else if (check.assumeFailure) {
    lines.push(
      `  NG  sts:AssumeRole: ${check.roleArn} を引き受けられません（${check.assumeFailure.code}）`,
      '      AWS はどれが原因かを返しません。次を順に確認してください:',
      `      - このアカウントにロール ${roleName} があるか（infra/member-role.yml の RoleName と serverless.yml の auditRoleName は同じ名前か）`,
      `      - ロールの信頼ポリシーが実行元を信頼しているか（実行元: ${check.caller ?? '不明'}。信頼されるのは AuditorAccountId・AuditorStage・AuditorRegion が指す Lambda のロールと、指定した場合は OperatorPrincipalArn だけです）`,
      check.externalIdGiven
        ? '      - 外部 ID がスタックの ExternalId と同じか（serverless.yml の auditExternalId と同じ値）'
        : '      - 外部 ID を指定していません。infra/member-role.yml のロールは外部 ID を必須にしています（--external-id か AUDIT_EXTERNAL_ID）',
      `      - 実行元のポリシーで ${check.roleArn} への sts:AssumeRole が許可されているか`,
      '  --  各サービスの読み取りは未確認です（ロールを引き受けられないため）',
    );
  } else {
    lines.push(`  OK  sts:AssumeRole: ${check.roleArn}`, ...check.reads.map(readLine));
  }
  const failures = check.reads.flatMap((r) => (r.failure ? [r.failure] : []));
  const denied = failures.filter(isDenied).length;
  lines.push(
    check.assumeFailure
      ? '結果: ロールを引き受けられないため、このアカウントの監査は毎回「不完全」になります。'
      : failures.length === 0
        ? '結果: 問題ありません。このアカウントは監査できます。'
        : `結果: ${failures.length} 件の問題があり、このアカウントの監査は「不完全」になります。${
            denied > 0
              ? '権限の不足は infra/member-role.yml の最新版でロールを更新すると直ります（StackSet なら全アカウントに展開されます）。'
              : ''
          }`,
  );
  return `${lines.join('\n')}\n`;
};
