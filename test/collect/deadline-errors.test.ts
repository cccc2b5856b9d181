import { describe, expect, it } from 'vitest';
import { collapseDeadlineErrors } from '../../collect/index.ts';
import { COLLECT_CODES } from '../../collect/slice.ts';
import type { CollectionError } from '../../inventory/types.ts';
import { aDeniedRead } from '../fixtures/inventory.ts';

const deadline = (operation: string, slice: CollectionError['slices'][number]): CollectionError => ({
  service: 'apigateway',
  operation,
  region: 'ap-northeast-1',
  code: COLLECT_CODES.deadline,
  message: 'the run stopped collecting before this call finished',
  slices: [slice],
});

describe('collapseDeadlineErrors', () => {
  it('counts the unfinished calls of one operation as one error, keeping every other error and the order', () => {
    // Prepare
    const denied = aDeniedRead();
    // Act
    const collapsed = collapseDeadlineErrors([
      deadline('GetResources', 'apigateway.restApis'),
      denied,
      deadline('GetResources', 'apigateway.restApis'),
      deadline('GetExport', 'apigateway.stageExports'),
      deadline('GetResources', 'apigateway.restApis'),
    ]);
    // Assess
    expect(collapsed.map((e) => [e.operation, e.message])).toEqual([
      ['GetResources', 'the run stopped collecting before this call finished (3 calls)'],
      ['DescribeRouteTables', 'You are not authorized to perform this operation.'],
      ['GetExport', 'the run stopped collecting before this call finished'],
    ]);
  });

  it('calls about several REST APIs collapse into one error about the region, not about the first API', () => {
    const collapsed = collapseDeadlineErrors([
      { ...deadline('GetResources', 'apigateway.restApis'), resourceId: 'a1b2c3d4e5' },
      { ...deadline('GetResources', 'apigateway.restApis'), resourceId: 'f6g7h8i9j0' },
      { ...deadline('GetStages', 'apigateway.restApis'), resourceId: 'a1b2c3d4e5' },
      { ...deadline('GetStages', 'apigateway.restApis'), resourceId: 'a1b2c3d4e5' },
    ]);
    expect(collapsed.map((e) => [e.operation, e.resourceId])).toEqual([
      ['GetResources', undefined],
      ['GetStages', 'a1b2c3d4e5'],
    ]);
  });

  it('leaves a list without deadline errors as it is', () => {
    const errors = [{ ...deadline('GetStages', 'apigateway.restApis'), code: 'TooManyRequestsException' }];
    expect(collapseDeadlineErrors(errors)).toEqual(errors);
  });
});
