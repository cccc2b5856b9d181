import { describe, expect, it } from 'vitest';
import { parseIntent } from '../../app/intent-file.ts';
import { closestCheckId, unknownCheckProblem } from '../../checks/known.ts';
import { auditEventSchema } from '../../functions/event.ts';
import { planEventSchema } from '../../functions/fanout-events.ts';
import { validateEvent } from '../../functions/middleware/validate-event.ts';
import { IntentValidationError } from '../../support/errors.ts';

/**
 * A mistyped check id ran nothing (an invoke's `checks`) or matched nothing (an exception, a severity,
 * a disabled check): a silent pass. Every such id is an input error naming it and the closest real one.
 */

const intent = (body: string) => parseIntent(`version: 1\nprofile: private-backend\n${body}`, 'intent.yaml');

const refusal = (body: string): IntentValidationError => {
  try {
    intent(body);
  } catch (error) {
    if (error instanceof IntentValidationError) return error;
    throw error;
  }
  throw new Error('the intent was accepted');
};

describe('check ids in the intent', () => {
  it('refuses an exception for a check that does not exist, naming the field, its line and the real id', () => {
    const error = refusal(
      'exceptions:\n  - check: sg.default-has-rule\n    resource: sg-0123\n    reason: 移行中\n',
    );
    expect(error.issues).toEqual([
      {
        path: 'exceptions[0].check',
        line: 4,
        message: 'unknown check id sg.default-has-rule: did you mean sg.default-has-rules?',
      },
    ]);
  });

  it('accepts the same exception spelled right', () => {
    expect(
      intent('exceptions:\n  - check: sg.default-has-rules\n    resource: sg-0123\n    reason: 移行中\n')
        .exceptions,
    ).toHaveLength(1);
  });

  it('refuses an unknown id as a severity key and as a disabled check; accepts real ones', () => {
    const error = refusal('severity:\n  sg.world-ingres: low\ndisabledChecks: [cloudfront.waf-mising]\n');
    expect(error.issues.map((i) => [i.path, i.message])).toEqual([
      ['severity.sg.world-ingres', 'unknown check id sg.world-ingres: did you mean sg.world-ingress?'],
      ['disabledChecks[0]', 'unknown check id cloudfront.waf-mising: did you mean cloudfront.waf-missing?'],
    ]);
    const ok = intent('severity:\n  sg.world-ingress: low\ndisabledChecks: [cloudfront.waf-missing]\n');
    expect(ok.severity).toEqual({ 'sg.world-ingress': 'low' });
    expect(ok.disabledChecks).toEqual(['cloudfront.waf-missing']);
  });
});

describe('check ids in invoke payloads', () => {
  it('refuses an on-demand invoke for a check that does not exist, suggesting the real one', async () => {
    const request = { event: { checks: ['sg.world-ingres'] } as unknown };
    const validateBefore = validateEvent(auditEventSchema).before as (r: typeof request) => Promise<void>;
    await expect(validateBefore(request)).rejects.toThrow(
      'checks[0]: unknown check id sg.world-ingres: did you mean sg.world-ingress?',
    );
    const good = { event: { checks: ['sg.world-ingress'] } as unknown };
    await validateBefore(good);
    expect(good.event).toMatchObject({ checks: ['sg.world-ingress'] });
  });

  it('refuses the state machine input the same way', () => {
    expect(planEventSchema.safeParse({ checks: ['vpc.public-subnets'] }).error?.issues[0]?.message).toBe(
      'unknown check id vpc.public-subnets: did you mean vpc.public-subnet?',
    );
    expect(planEventSchema.safeParse({ checks: ['vpc.public-subnet'] }).success).toBe(true);
  });

  it('knows every id of the catalogue and suggests the nearest for a typo', () => {
    expect(unknownCheckProblem('audit.incomplete')).toBeUndefined();
    expect(closestCheckId('elb.internetfacing')).toBe('elb.internet-facing');
  });
});
