import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../app/intent-file.ts';
import { CHECKS } from '../../checks/index.ts';
import { evaluate } from '../../engine/evaluate.ts';
import { excludedVpcs, vpcsInScope } from '../../intent/queries.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { renderText } from '../../report/text.ts';
import { NOW } from '../fixtures/evaluate.ts';
import { anIntent } from '../fixtures/intent.ts';
import { anInventory, aVpc } from '../fixtures/inventory.ts';

const PROD = 'vpc-0a1b2c3d4e5f60001';
const SANDBOX = 'vpc-0a1b2c3d4e5f60002';
const LATER = 'vpc-0a1b2c3d4e5f60003';

const inventory = anInventory({
  ec2: {
    vpcs: [
      aVpc(),
      aVpc({ id: SANDBOX, name: 'sandbox', tags: { Name: 'sandbox', 'arch-auditor': 'skip' } }),
      aVpc({ id: LATER, name: 'created-later', tags: { Name: 'created-later' } }),
    ],
  },
});

const intentError = (yaml: string): string => {
  try {
    parseIntent(`version: 1\nprofile: private-backend\n${yaml}`, 'intent.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the intent was accepted');
};

describe('the VPC scope', () => {
  it('audits every VPC, also ones the intent does not describe, when nothing is excluded', () => {
    const scope = vpcsInScope(inventory, anIntent({ vpcs: [{ id: PROD }] }));
    expect([PROD, SANDBOX, LATER].filter((id) => scope.has(id))).toEqual([PROD, SANDBOX, LATER]);
  });

  it('leaves out the VPCs excluded by id or by tag, each with its reason', () => {
    const intent = anIntent({
      excludeVpcs: [
        { tag: { key: 'arch-auditor', value: 'skip' }, reason: 'sandbox, no production data' },
        { id: 'vpc-0ffffffffffff0009', reason: 'deleted last week' },
      ],
    });
    const scope = vpcsInScope(inventory, intent);
    expect([PROD, SANDBOX, LATER].filter((id) => scope.has(id))).toEqual([PROD, LATER]);
    expect(excludedVpcs(inventory, intent)).toEqual([
      { id: SANDBOX, region: 'ap-northeast-1', reason: 'sandbox, no production data' },
      { id: 'vpc-0ffffffffffff0009', reason: 'deleted last week' },
    ]);
  });

  it('lists what was left out in the JSON, text and markdown reports', () => {
    const intent = anIntent({ excludeVpcs: [{ id: SANDBOX, reason: 'sandbox, no production data' }] });
    const report = evaluate({ inventory, intent, checks: CHECKS, now: NOW });
    expect(report.excludedVpcs).toEqual([
      {
        account: '123456789012',
        id: SANDBOX,
        region: 'ap-northeast-1',
        reason: 'sandbox, no production data',
      },
    ]);
    expect(renderText(report)).toContain(`${SANDBOX} (ap-northeast-1): sandbox, no production data`);
    expect(renderMarkdown(report)).toContain(`${SANDBOX} (ap-northeast-1): sandbox, no production data`);
  });

  it('lists nothing when no VPC is excluded', () => {
    const report = evaluate({ inventory, intent: anIntent(), checks: CHECKS, now: NOW });
    expect(report.excludedVpcs).toEqual([]);
    expect(renderText(report)).not.toContain('監査対象外');
  });

  describe('excludeVpcs is validated, and the error names the field', () => {
    it.each([
      ['no reason', `excludeVpcs:\n  - id: ${SANDBOX}\n`, 'excludeVpcs[0].reason'],
      ['an empty reason', `excludeVpcs:\n  - id: ${SANDBOX}\n    reason: "  "\n`, 'excludeVpcs[0].reason'],
      ['neither id nor tag', 'excludeVpcs:\n  - reason: sandbox\n', 'excludeVpcs[0]'],
      [
        'both id and tag',
        `excludeVpcs:\n  - id: ${SANDBOX}\n    tag: { key: env, value: sandbox }\n    reason: sandbox\n`,
        'excludeVpcs[0]',
      ],
      [
        'an id that is not a VPC id',
        'excludeVpcs:\n  - id: subnet-0a1b2c\n    reason: sandbox\n',
        'excludeVpcs[0].id',
      ],
      [
        'an unknown field',
        `excludeVpcs:\n  - id: ${SANDBOX}\n    reason: sandbox\n    why: x\n`,
        'excludeVpcs[0]',
      ],
    ])('refuses %s', (_name, yaml, path) => {
      expect(intentError(yaml)).toContain(path);
    });

    it('accepts an exclusion by id or by tag with its reason', () => {
      expect(
        parseIntent(
          `version: 1\nprofile: private-backend\nexcludeVpcs:\n  - id: ${SANDBOX}\n    reason: sandbox\n  - tag: { key: env, value: sandbox }\n    reason: sandbox\n`,
        ).excludeVpcs,
      ).toHaveLength(2);
    });
  });
});
